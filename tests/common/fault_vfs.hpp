// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_TESTS_COMMON_FAULT_VFS_HPP
#define ASCHED_TESTS_COMMON_FAULT_VFS_HPP

// A SQLite VFS that fails chosen I/O, as a full disk or a failing device would (SQLite's own I/O-error tests,
// test_vfs.c and the "ioerr" scripts, are the model): every file it opens is the default VFS's file, with writes,
// syncs and truncations counted and, once armed, failed with the code the test chose. Open a store on it with
// `sqlite_store_options::vfs = fault_vfs::name`.

#include <atomic>
#include <mutex>

namespace asched::test {

/// The process's fault-injecting VFS, registered (not as the default) on first use. Thread-safe: the store's own
/// thread does the I/O while the test arms and clears faults.
class fault_vfs
{
public:
    /// The name to open a store with.
    static constexpr const char* name = "asched-fault";

    /// The I/O calls a fault can hit.
    enum class operation
    {
        write,     // xWrite, of the database, its WAL or a journal
        sync,      // xSync
        truncate,  // xTruncate
    };

    /// Registers the VFS the first time.
    static fault_vfs& instance();

    /// From the `nth` call of `op` after this one on (1: the very next), fail with `code` (SQLITE_FULL,
    /// SQLITE_IOERR_WRITE, ...): every later call too when `persistent` (a full disk), else only that one.
    void fail_from(operation op, int nth, int code, bool persistent = true);
    /// Stops failing; the counts start again from zero.
    void clear();
    /// Calls of `op` since the last fail_from or clear.
    int calls(operation op) const;
    /// The calls failed since the last fail_from or clear.
    int failures() const { return failures_.load(); }

    /// The decision for one call (from the VFS's methods): 0, or the code to fail it with.
    int next_call(operation op);

private:
    fault_vfs() = default;

    mutable std::mutex mutex_;
    int counts_[3]{};
    bool armed_{false};
    operation op_{operation::write};
    int nth_{0};
    int code_{0};
    bool persistent_{true};
    std::atomic<int> failures_{0};
};

}  // namespace asched::test

#endif
