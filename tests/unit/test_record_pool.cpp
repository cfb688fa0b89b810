// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// asched::detail::record_pool, the memory of a scheduler's job records (lib/record_pool.hpp): slots are distinct,
// whole cache lines on line boundaries, find their owner from their address, are reused once given back, and blocks
// emptied of slots go back to the system.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <vector>

#include "lib/record_pool.hpp"

using asched::detail::record_pool;

namespace {

constexpr std::size_t object_size = 280;  // bytes asked for: not a whole number of cache lines
constexpr std::size_t slot_stride = 320;  // five 64-byte cache lines

std::size_t slots_per_block() { return (record_pool::block_size - record_pool::header) / slot_stride; }

/// Resident memory of this process, in bytes (/proc/self/statm's second field, in pages).
double resident_bytes()
{
    std::ifstream statm("/proc/self/statm");
    double size = 0, resident = 0;
    statm >> size >> resident;
    return resident * 4096;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(record_pool_memory)

BOOST_AUTO_TEST_CASE(slots_are_distinct_aligned_writable_and_know_their_owner)
{
    int owner = 0;
    record_pool pool(object_size, &owner);
    std::vector<void*> slots;
    std::set<std::uintptr_t> seen;
    const std::size_t n = 3 * slots_per_block() + 7;  // several blocks, the last one partly used
    for (std::size_t i = 0; i < n; ++i)
    {
        void* slot = pool.allocate();
        BOOST_TEST(reinterpret_cast<std::uintptr_t>(slot) % 64 == 0u);
        BOOST_TEST(record_pool::owner_of(slot) == static_cast<void*>(&owner));
        std::memset(slot, static_cast<int>(i), object_size);
        slots.push_back(slot);
        seen.insert(reinterpret_cast<std::uintptr_t>(slot));
    }
    BOOST_TEST(seen.size() == n);
    BOOST_TEST(pool.slot_size() == slot_stride);
    // Carved in order: within a block, consecutive slots lie one stride apart
    BOOST_TEST(static_cast<char*>(slots[1]) - static_cast<char*>(slots[0]) == static_cast<std::ptrdiff_t>(slot_stride));
    BOOST_TEST(record_pool::slot_size_for(256) == 256u);
    BOOST_TEST(record_pool::slot_size_for(257) == 320u);
    BOOST_TEST(record_pool::slot_size_for(1) == 64u);
    // No two slots overlap: each still holds what was written into it
    for (std::size_t i = 0; i < n; ++i)
    {
        const auto* bytes = static_cast<const unsigned char*>(slots[i]);
        BOOST_TEST(
            (bytes[0] == static_cast<unsigned char>(i) && bytes[object_size - 1] == static_cast<unsigned char>(i))
        );
    }
    for (void* slot : slots)
        record_pool::deallocate(slot);
}

BOOST_AUTO_TEST_CASE(a_slot_given_back_is_the_next_one_handed_out)
{
    int owner = 0;
    record_pool pool(object_size, &owner);
    void* a = pool.allocate();
    void* b = pool.allocate();
    record_pool::deallocate(a);
    BOOST_TEST(pool.allocate() == a);  // its memory is still warm
    record_pool::deallocate(a);
    record_pool::deallocate(b);
}

BOOST_AUTO_TEST_CASE(slots_given_back_in_any_order_are_all_reused_correctly)
{
    int owner = 0;
    record_pool pool(object_size, &owner);
    std::mt19937 random(42);
    std::vector<void*> live;
    std::set<void*> in_use;
    // Jobs coming and going at random across several blocks: a slot is never handed out twice at once
    for (int step = 0; step < 20000; ++step)
    {
        if (live.empty() || random() % 3 != 0)
        {
            void* slot = pool.allocate();
            BOOST_REQUIRE(in_use.insert(slot).second);
            std::memset(slot, 0xAB, object_size);
            live.push_back(slot);
        }
        else
        {
            const std::size_t i = random() % live.size();
            std::swap(live[i], live.back());
            in_use.erase(live.back());
            record_pool::deallocate(live.back());
            live.pop_back();
        }
    }
    BOOST_TEST(live.size() > 2 * slots_per_block());
    for (void* slot : live)
        record_pool::deallocate(slot);
}

BOOST_AUTO_TEST_CASE(the_memory_of_a_burst_goes_back_to_the_system)
{
    int owner = 0;
    record_pool pool(object_size, &owner);
    void* keep = pool.allocate();  // a job that stays
    const double before = resident_bytes();
    std::vector<void*> burst(100'000);
    for (void*& slot : burst)
    {
        slot = pool.allocate();
        std::memset(slot, 1, object_size);
    }
    const double full = resident_bytes();
    BOOST_TEST(full - before > 0.9 * burst.size() * object_size);
    for (void* slot : burst)
    {
        record_pool::deallocate(slot);
    }
    // Every block emptied was unmapped, but for the one kept for the next slots (and the one holding `keep`).
    // Under AddressSanitizer the shadow memory written to poison the slots given back stays resident: no check there.
#if !defined(__SANITIZE_ADDRESS__)
    BOOST_TEST(resident_bytes() - before < 0.1 * burst.size() * object_size);
#endif
    record_pool::deallocate(keep);
}

BOOST_AUTO_TEST_SUITE_END()
