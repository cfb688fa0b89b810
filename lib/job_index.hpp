// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_LIB_JOB_INDEX_HPP
#define ASCHED_LIB_JOB_INDEX_HPP

// A scheduler's jobs by id (lib/scheduler_core.hpp): generated ids in an array by their number, given ids in a hash
// table.

#include <boost/unordered/unordered_flat_set.hpp>

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "job_ids.hpp"

namespace asched::detail {

/// The index's hash of a job id: 8-byte words mixed by multiplication, about 20 instructions for an 11-character id
/// (std::hash's Murmur costs 60). 32 bits, kept in each record; the hash table's own post-mixing spreads them.
inline std::uint32_t hash_id(std::string_view id) noexcept
{
    const char* p = id.data();
    std::size_t n = id.size();
    std::uint64_t h = 0x9E3779B97F4A7C15ULL * (n + 1);
    const auto mix = [&h](std::uint64_t word) {
        h = (h ^ word) * 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
    };
    const auto load8 = [](const char* at) {
        std::uint64_t word;
        std::memcpy(&word, at, 8);
        return word;
    };
    const auto load4 = [](const char* at) {
        std::uint32_t word;
        std::memcpy(&word, at, 4);
        return std::uint64_t{word};
    };
    for (; n > 16; p += 8, n -= 8)
        mix(load8(p));
    if (n >= 8)  // two overlapping words cover 8 to 16 bytes
    {
        mix(load8(p));
        mix(load8(p + n - 8));
    }
    else if (n >= 4)
        mix((load4(p + n - 4) << 32) | load4(p));
    else if (n > 0)
        mix((std::uint64_t{static_cast<unsigned char>(p[0])} << 16) |
            (std::uint64_t{static_cast<unsigned char>(p[n / 2])} << 8) | static_cast<unsigned char>(p[n - 1]));
    h *= 0x94D049BB133111EBULL;
    return static_cast<std::uint32_t>(h >> 32);
}

/// Records by id, each at most once: a record whose id came from the index's generator sits in an array by the id's
/// number, any other in a hash table. `Record` has an `id` that converts to and compares with std::string_view, and
/// a `std::uint64_t index_key`, which the index sets and keeps: the id's number for a record in the array, else the
/// id's hash with the top bit set (erasing a record then reads neither its id nor the hash table's groups for it).
/// Records are owned by the caller; the index only points at them.
///
/// Why two parts: a scheduler adding a million jobs with generated ids filled a hash table at random places, one
/// cache and TLB miss per add in a 32 MB table plus a move of every entry at each doubling, and the time per add
/// grew by half from 10,000 to 1,000,000 jobs while its instructions stayed the same. Generated ids are numbers in
/// disguise (job_id_generator::number_of), so their records go into 4 KiB chunks of an array in the order they
/// come: written in sequence, never moved, 8 bytes a job instead of about 30.
///
/// Jobs that come and go leave holes in the array. A chunk is freed when its last record leaves, and a chunk left
/// with fewer than 1/16 of its slots used once the array has moved past it hands its records to the hash table, so
/// the array never costs more than 16 slots (128 bytes) per job it holds.
template <class Record>
class job_index
{
    static constexpr unsigned chunk_bits = 9;
    static constexpr std::size_t chunk_slots = std::size_t{1} << chunk_bits;
    static constexpr std::uint32_t sparse_below = chunk_slots / 16;

    struct chunk
    {
        std::uint32_t live{0};
        Record* slots[chunk_slots]{};
    };

    /// An element of the hash table: a record and its id's hash. The hash sits beside the pointer so that growing
    /// the table rehashes without reading any record (each read would be a cache miss in a large index).
    struct entry
    {
        Record* r;
        std::uint32_t hash;
    };

    /// The key that erases a record the caller holds: found by its cached hash and its address, no id compared.
    struct same_record
    {
        const Record* r;
    };

    struct entry_hash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view id) const noexcept { return hash_id(id); }
        std::size_t operator()(const entry& e) const noexcept { return e.hash; }
        std::size_t operator()(same_record k) const noexcept { return static_cast<std::uint32_t>(k.r->index_key); }
    };

    struct entry_equal
    {
        using is_transparent = void;
        bool operator()(const entry& a, const entry& b) const noexcept
        {
            return a.hash == b.hash && a.r->id == b.r->id;
        }
        bool operator()(std::string_view id, const entry& e) const noexcept { return id == e.r->id; }
        bool operator()(const entry& e, std::string_view id) const noexcept { return e.r->id == id; }
        bool operator()(same_record k, const entry& e) const noexcept { return k.r == e.r; }
        bool operator()(const entry& e, same_record k) const noexcept { return e.r == k.r; }
    };

public:
    /// An index whose ids come from a generator with a random seed.
    job_index() = default;

    /// An index whose ids come from `ids` (tests give a seed).
    explicit job_index(job_id_generator ids) : ids_(ids) {}

    ~job_index()
    {
        for (chunk* c : chunks_)
            delete c;
    }

    job_index(const job_index&) = delete;
    job_index& operator=(const job_index&) = delete;

    /// Records in the index.
    std::size_t size() const noexcept { return numbered_ + given_.size(); }

    /// Writes a new id into `text` and answers its number, for insert_numbered. The id may already be held by a
    /// record inserted with a given id (see may_hold_future_ids); the caller checks with find when that is so.
    std::uint64_t generate(char (&text)[job_id_generator::length]) noexcept { return ids_.next(text); }

    /// Whether a record inserted with a given id may hold an id that generate writes later: false unless some
    /// given id had the shape of a generated one with a number not yet given (jobs loaded from a store, whose ids
    /// an earlier scheduler generated, for example). Then each new id costs a lookup in the hash table.
    bool may_hold_future_ids() const noexcept { return given_future_ids_; }

    /// The record with `id`, or null.
    Record* find(std::string_view id) const
    {
        if (const auto number = ids_.number_of(id); number && *number < ids_.next_number())
            if (Record* r = slot(*number))
                return r;  // the id of a number is unique: no comparison needed
        if (given_.empty())
            return nullptr;
        const auto it = given_.find(id);
        return it == given_.end() ? nullptr : it->r;
    }

    /// Inserts `r`, whose id generate wrote with `number` (and find found free).
    void insert_numbered(std::uint64_t number, Record* r)
    {
        r->index_key = number;  // below 2^63: the top bit is free
        const std::uint64_t at = number >> chunk_bits;
        if (at != current_chunk_)
        {
            // The array moves past the current chunk: hand it to the hash table if jobs left it mostly empty
            if (chunk* previous = chunk_at(current_chunk_); previous != nullptr && previous->live < sparse_below)
                retire_chunk(current_chunk_);
            current_chunk_ = at;
        }
        if (chunks_.size() == empty_places_)  // (also when there are none)
        {
            chunks_.clear();
            empty_places_ = 0;
            first_chunk_ = at;
        }
        assert(at >= first_chunk_);
        if (at - first_chunk_ >= chunks_.size())
        {
            empty_places_ += at - first_chunk_ + 1 - chunks_.size();
            chunks_.resize(at - first_chunk_ + 1);
        }
        chunk*& c = chunks_[at - first_chunk_];
        if (c == nullptr)
        {
            c = new chunk();
            --empty_places_;
        }
        Record*& s = c->slots[number & (chunk_slots - 1)];
        assert(s == nullptr);
        s = r;
        ++c->live;
        ++numbered_;
    }

    /// Inserts `r` under its own id, and answers null; or, if a record holds that id already, answers it and
    /// inserts nothing. Sets r->index_key.
    Record* insert(Record* r)
    {
        if (const auto number = ids_.number_of(r->id))
        {
            if (*number >= ids_.next_number())
                given_future_ids_ = true;
            else if (Record* holder = slot(*number))
                return holder;
        }
        return put_in_table(r);
    }

    /// Takes out `r`, which is in the index.
    void erase(const Record* r)
    {
        if ((r->index_key & hashed) != 0)
        {
            [[maybe_unused]] const auto erased = given_.erase(same_record{r});
            assert(erased == 1);
            return;
        }
        const std::uint64_t at = r->index_key >> chunk_bits;
        chunk* c = chunks_[at - first_chunk_];
        assert(c->slots[r->index_key & (chunk_slots - 1)] == r);
        c->slots[r->index_key & (chunk_slots - 1)] = nullptr;
        --numbered_;
        if (--c->live == 0)
            free_chunk(at);
        else if (c->live < sparse_below && at != current_chunk_)
            retire_chunk(at);
    }

    /// Calls f(Record*) for each record, generated ids in order of their numbers first. `f` must not change the
    /// index.
    template <class F>
    void for_each(F&& f) const
    {
        for (const chunk* c : chunks_)
            if (c != nullptr)
                for (Record* r : c->slots)
                    if (r != nullptr)
                        f(r);
        for (const entry& e : given_)
            f(e.r);
    }

    /// For tests: the records held in the array (the rest are in the hash table).
    std::size_t numbered() const noexcept { return numbered_; }
    /// For tests: the chunks of the array allocated now.
    std::size_t chunks_allocated() const noexcept
    {
        std::size_t n = 0;
        for (const chunk* c : chunks_)
            n += c != nullptr ? 1 : 0;
        return n;
    }

private:
    chunk* chunk_at(std::uint64_t at) const noexcept
    {
        return at >= first_chunk_ && at - first_chunk_ < chunks_.size() ? chunks_[at - first_chunk_] : nullptr;
    }

    Record* slot(std::uint64_t number) const noexcept
    {
        const chunk* c = chunk_at(number >> chunk_bits);
        return c != nullptr ? c->slots[number & (chunk_slots - 1)] : nullptr;
    }

    /// Puts `r` into the hash table and answers null, or answers the record that holds its id there already.
    Record* put_in_table(Record* r)
    {
        const std::uint32_t hash = hash_id(r->id);
        const auto [it, inserted] = given_.insert(entry{r, hash});
        if (!inserted)
            return it->r;
        r->index_key = hashed | hash;
        return nullptr;
    }

    /// Moves the records of a chunk the array has moved past into the hash table, and frees the chunk.
    void retire_chunk(std::uint64_t at)
    {
        chunk& c = *chunks_[at - first_chunk_];
        for (Record* r : c.slots)
            if (r != nullptr)
            {
                [[maybe_unused]] Record* holder = put_in_table(r);
                assert(holder == nullptr);  // a given id equal to a generated one was refused at its insert
            }
        numbered_ -= c.live;
        free_chunk(at);
    }

    /// Frees a chunk. Empty places at the front of the array, before the current chunk, are dropped once half the
    /// places are empty: a scheduler whose jobs come and go for months keeps a short array, at O(1) a chunk.
    void free_chunk(std::uint64_t at)
    {
        chunk*& c = chunks_[at - first_chunk_];
        delete c;
        c = nullptr;
        ++empty_places_;
        if (chunks_.front() != nullptr || 2 * empty_places_ < chunks_.size())
            return;
        std::size_t leading = 0;
        while (leading < chunks_.size() && chunks_[leading] == nullptr && first_chunk_ + leading < current_chunk_)
            ++leading;
        chunks_.erase(chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(leading));
        first_chunk_ += leading;
        empty_places_ -= leading;
    }

    static constexpr std::uint64_t hashed = std::uint64_t{1} << 63;  // index_key of a record in the hash table

    job_id_generator ids_;
    std::vector<chunk*> chunks_;   // chunks_[i] holds the numbers of chunk first_chunk_ + i; null: none in use
    std::size_t empty_places_{0};  // null places in chunks_
    std::uint64_t first_chunk_{0};
    std::uint64_t current_chunk_{0};  // the chunk of the last number inserted: the only one that still fills
    std::size_t numbered_{0};
    boost::unordered_flat_set<entry, entry_hash, entry_equal> given_;
    bool given_future_ids_{false};
};

}  // namespace asched::detail

#endif
