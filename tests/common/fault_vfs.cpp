// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#include "common/fault_vfs.hpp"

#include <sqlite3.h>
#include <stdexcept>

namespace asched::test {
namespace {

// The file the VFS hands SQLite: its methods, then the default VFS's own file in the same allocation
struct fault_file
{
    sqlite3_file base;
    sqlite3_file* real;
};

sqlite3_vfs* default_vfs = nullptr;

sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<fault_file*>(f)->real; }
const sqlite3_io_methods& real_methods(sqlite3_file* f) { return *real_of(f)->pMethods; }

int failing(fault_vfs::operation op) { return fault_vfs::instance().next_call(op); }

int x_close(sqlite3_file* f) { return real_methods(f).xClose(real_of(f)); }
int x_read(sqlite3_file* f, void* buffer, int amount, sqlite3_int64 offset)
{
    return real_methods(f).xRead(real_of(f), buffer, amount, offset);
}
int x_write(sqlite3_file* f, const void* buffer, int amount, sqlite3_int64 offset)
{
    if (const int code = failing(fault_vfs::operation::write))
        return code;
    return real_methods(f).xWrite(real_of(f), buffer, amount, offset);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size)
{
    if (const int code = failing(fault_vfs::operation::truncate))
        return code;
    return real_methods(f).xTruncate(real_of(f), size);
}
int x_sync(sqlite3_file* f, int flags)
{
    if (const int code = failing(fault_vfs::operation::sync))
        return code;
    return real_methods(f).xSync(real_of(f), flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) { return real_methods(f).xFileSize(real_of(f), size); }
int x_lock(sqlite3_file* f, int level) { return real_methods(f).xLock(real_of(f), level); }
int x_unlock(sqlite3_file* f, int level) { return real_methods(f).xUnlock(real_of(f), level); }
int x_check_reserved_lock(sqlite3_file* f, int* out) { return real_methods(f).xCheckReservedLock(real_of(f), out); }
int x_file_control(sqlite3_file* f, int op, void* arg) { return real_methods(f).xFileControl(real_of(f), op, arg); }
int x_sector_size(sqlite3_file* f) { return real_methods(f).xSectorSize(real_of(f)); }
int x_device_characteristics(sqlite3_file* f) { return real_methods(f).xDeviceCharacteristics(real_of(f)); }
int x_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** mapped)
{
    return real_methods(f).xShmMap(real_of(f), region, size, extend, mapped);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags)
{
    return real_methods(f).xShmLock(real_of(f), offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) { real_methods(f).xShmBarrier(real_of(f)); }
int x_shm_unmap(sqlite3_file* f, int remove) { return real_methods(f).xShmUnmap(real_of(f), remove); }
int x_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** page)
{
    return real_methods(f).xFetch(real_of(f), offset, amount, page);
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page)
{
    return real_methods(f).xUnfetch(real_of(f), offset, page);
}

const sqlite3_io_methods fault_methods = {
    3,
    x_close,
    x_read,
    x_write,
    x_truncate,
    x_sync,
    x_file_size,
    x_lock,
    x_unlock,
    x_check_reserved_lock,
    x_file_control,
    x_sector_size,
    x_device_characteristics,
    x_shm_map,
    x_shm_lock,
    x_shm_barrier,
    x_shm_unmap,
    x_fetch,
    x_unfetch,
};

int x_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags)
{
    auto* f = reinterpret_cast<fault_file*>(file);
    f->real = reinterpret_cast<sqlite3_file*>(f + 1);
    f->real->pMethods = nullptr;
    const int result = default_vfs->xOpen(default_vfs, name, f->real, flags, out_flags);
    // SQLite calls xClose exactly when pMethods is set, also after a failed open that set the real one's
    f->base.pMethods = f->real->pMethods != nullptr ? &fault_methods : nullptr;
    return result;
}

sqlite3_vfs make_vfs()
{
    default_vfs = sqlite3_vfs_find(nullptr);
    if (default_vfs == nullptr || default_vfs->iVersion < 2)
        throw std::runtime_error("fault_vfs: SQLite has no default VFS of version 2 or later");
    sqlite3_vfs vfs = *default_vfs;
    vfs.pNext = nullptr;
    vfs.zName = fault_vfs::name;
    vfs.szOsFile = static_cast<int>(sizeof(fault_file)) + default_vfs->szOsFile;
    vfs.xOpen = x_open;
    return vfs;
}

}  // namespace

fault_vfs& fault_vfs::instance()
{
    static fault_vfs faults;
    static sqlite3_vfs vfs = [] {
        sqlite3_vfs v = make_vfs();
        return v;
    }();
    static const int registered = sqlite3_vfs_register(&vfs, 0);
    if (registered != SQLITE_OK)
        throw std::runtime_error("fault_vfs: sqlite3_vfs_register failed");
    return faults;
}

void fault_vfs::fail_from(operation op, int nth, int code, bool persistent)
{
    const std::lock_guard lock(mutex_);
    for (int& c : counts_)
        c = 0;
    armed_ = true;
    op_ = op;
    nth_ = nth;
    code_ = code;
    persistent_ = persistent;
    failures_ = 0;
}

void fault_vfs::clear()
{
    const std::lock_guard lock(mutex_);
    for (int& c : counts_)
        c = 0;
    armed_ = false;
    failures_ = 0;
}

int fault_vfs::calls(operation op) const
{
    const std::lock_guard lock(mutex_);
    return counts_[static_cast<int>(op)];
}

int fault_vfs::next_call(operation op)
{
    const std::lock_guard lock(mutex_);
    const int n = ++counts_[static_cast<int>(op)];
    if (!armed_ || op != op_ || n < nth_ || (!persistent_ && n != nth_))
        return 0;
    ++failures_;
    return code_;
}

}  // namespace asched::test
