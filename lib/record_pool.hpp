// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_LIB_RECORD_POOL_HPP
#define ASCHED_LIB_RECORD_POOL_HPP

// Memory for the job records of one scheduler (lib/scheduler_core.hpp), without malloc.

#include <cstddef>
#include <cstdint>
#include <new>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define ASCHED_POISON(address, size) ASAN_POISON_MEMORY_REGION(address, size)
#define ASCHED_UNPOISON(address, size) ASAN_UNPOISON_MEMORY_REGION(address, size)
#else
#define ASCHED_POISON(address, size) static_cast<void>(0)
#define ASCHED_UNPOISON(address, size) static_cast<void>(0)
#endif

namespace asched::detail {

/// Slots of one size, a whole number of cache lines each, carved in order from 64 KiB blocks aligned to their size (so
/// that a slot finds its block, and what its owner hung there, from its own address) and given back one by one onto
/// their block's free list. A block whose slots are all given back is unmapped at once, unless no other block has room:
/// memory of a burst of finished jobs goes back to the system, while jobs that come and go one at a time reuse one
/// block.
///
/// Blocks come from regions of 2 MiB, aligned to 2 MiB and mapped at once. A block's pages are made resident in one
/// call when the block is first used (MADV_POPULATE_WRITE, Linux 5.14; elsewhere they fault in one at a time as
/// they are written): a page fault costs about 1.7 us per 4 KiB page on the machine of docs/benchmarks.md (0.11 us
/// for a 256-byte record, a third of an add), and populating a block costs a third less per page. No transparent
/// huge pages: with the kernel's default `defrag` setting (`madvise`), a fault in a MADV_HUGEPAGE region compacts
/// memory on the spot, and adding 1,000,000 jobs took 1.1 to 1.4 s with them against 0.56 to 0.69 s without.
///
/// Why not malloc: taking a slot costs a few instructions where glibc's malloc takes about 180 on a heap that only
/// grows (a scheduler adding jobs), and a slot has no malloc header (a 280-byte record used a 304-byte chunk, when
/// records came from malloc). Why whole cache lines: each slot then starts on a line boundary, and a field sits at the
/// same place in its line in every record. A burst of date jobs went from 190-250 to 145-190 ns of CPU per run when
/// 280-byte records moved into 320-byte slots (bench/burst, interleaved builds), and raw Asio timers laid out in slots
/// of 280 bytes, with their wait operations inside, fire at half the rate of the same in slots of 256 or 320
/// (docs/benchmarks.md). Only one thread touches a pool (the scheduler's executor).
class record_pool
{
public:
    static constexpr std::size_t block_size = std::size_t{1} << 16;
    static constexpr std::size_t region_blocks = 32;
    static constexpr std::size_t region_size = region_blocks * block_size;  // 2 MiB

    struct block
    {
        record_pool* pool;
        void* owner;           // the pool owner's pointer (see owner_of)
        block* prev{nullptr};  // in the pool's list of blocks with room
        block* next{nullptr};
        void* free{nullptr};      // slots given back, linked through their first bytes
        std::uint32_t carved{0};  // slots handed out from the block's fresh end
        std::uint32_t live{0};    // slots in use
    };
    static constexpr std::size_t line = 64;      // a cache line
    static constexpr std::size_t header = line;  // a block's first cache line
    static_assert(sizeof(block) <= header);

    /// A pool of slots of at least `object_size` bytes (rounded up to whole cache lines).
    record_pool(std::size_t object_size, void* owner) noexcept
        : slot_(slot_size_for(object_size)),
          per_block_(static_cast<std::uint32_t>((block_size - header) / slot_)),
          owner_(owner)
    {
    }

    /// The size of the slots for objects of `object_size` bytes: whole cache lines.
    static constexpr std::size_t slot_size_for(std::size_t object_size) noexcept
    {
        return (object_size + line - 1) / line * line;
    }

    /// The bytes each slot takes.
    std::size_t slot_size() const noexcept { return slot_; }

    record_pool(const record_pool&) = delete;
    record_pool& operator=(const record_pool&) = delete;

    /// Unmaps what is left; every slot must have been given back.
    ~record_pool()
    {
        while (with_room_ != nullptr)
        {
            block* b = with_room_;
            unlist(*b);
            unmap(b, block_size);
        }
        if (region_next_ != region_end_)
            unmap(region_next_, static_cast<std::size_t>(region_end_ - region_next_));
    }

    /// Memory for one slot. @throws std::bad_alloc
    void* allocate()
    {
        block* b = with_room_ != nullptr ? with_room_ : add_block();
        void* slot = b->free;
        if (slot != nullptr)
        {
            ASCHED_UNPOISON(slot, slot_);
            b->free = *static_cast<void**>(slot);
        }
        else
            slot = reinterpret_cast<char*>(b) + header + std::size_t{b->carved++} * slot_;
        if (++b->live == per_block_)
            unlist(*b);  // full
        return slot;
    }

    /// Gives a slot back to the pool it came from.
    static void deallocate(void* slot) noexcept
    {
        block& b = block_of(slot);
        record_pool& pool = *b.pool;
        *static_cast<void**>(slot) = b.free;
        b.free = slot;
        ASCHED_POISON(slot, pool.slot_);
        if (b.live-- == pool.per_block_)
            pool.list(b);  // was full
        if (b.live == 0 && (b.prev != nullptr || b.next != nullptr))
        {
            pool.unlist(b);  // empty, and another block has room
            unmap(&b, block_size);
        }
    }

    /// The owner given to the constructor of the pool that a slot came from.
    static void* owner_of(const void* slot) noexcept { return block_of(slot).owner; }

private:
    static block& block_of(const void* slot) noexcept
    {
        return *reinterpret_cast<block*>(reinterpret_cast<std::uintptr_t>(slot) & ~(block_size - 1));
    }

    block* add_block()
    {
        if (region_next_ == region_end_)
            map_region();
#if defined(MADV_POPULATE_WRITE)
        ::madvise(region_next_, block_size, MADV_POPULATE_WRITE);  // (fails harmlessly on kernels before 5.14)
#endif
        auto* b = new (region_next_) block{this, owner_};
        region_next_ += block_size;
        list(*b);
        return b;
    }

    void map_region()
    {
        // Twice the size, so that the region can start at a multiple of its size; the ends are given back
        void* mapped = ::mmap(nullptr, 2 * region_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mapped == MAP_FAILED)
            throw std::bad_alloc();
        char* const first = static_cast<char*>(mapped);
        char* const start = reinterpret_cast<char*>(
            (reinterpret_cast<std::uintptr_t>(first) + region_size - 1) & ~(region_size - 1)
        );
        if (start != first)
            unmap(first, static_cast<std::size_t>(start - first));
        if (char* end = first + 2 * region_size; end != start + region_size)
            unmap(start + region_size, static_cast<std::size_t>(end - (start + region_size)));
        region_next_ = start;
        region_end_ = start + region_size;
    }

    void list(block& b) noexcept
    {
        b.prev = nullptr;
        b.next = with_room_;
        if (with_room_ != nullptr)
            with_room_->prev = &b;
        with_room_ = &b;
    }

    void unlist(block& b) noexcept
    {
        if (b.prev != nullptr)
            b.prev->next = b.next;
        else
            with_room_ = b.next;
        if (b.next != nullptr)
            b.next->prev = b.prev;
        b.prev = b.next = nullptr;
    }

    static void unmap(void* address, std::size_t size) noexcept
    {
        ASCHED_UNPOISON(address, size);  // the addresses may be mapped again, for anything
        ::munmap(address, size);
    }

    std::size_t slot_;
    std::uint32_t per_block_;
    void* owner_;
    block* with_room_{nullptr};   // blocks with a slot free, the most recently given back first
    char* region_next_{nullptr};  // the next block of the region being carved
    char* region_end_{nullptr};
};

}  // namespace asched::detail

#undef ASCHED_POISON
#undef ASCHED_UNPOISON

#endif
