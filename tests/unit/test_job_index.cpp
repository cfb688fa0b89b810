// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// asched::detail::job_id_generator and job_index (lib/job_ids.hpp, lib/job_index.hpp), a scheduler's jobs by id:
// generated ids are splitmix64 outputs in base 62 and lead back to their numbers; records of generated ids sit in
// an array by number and any other in a hash table, each found once, and the array's memory stays bounded when
// jobs come and go. The expected ids were computed apart from the code, with the published splitmix64 (its first
// output from state 0 is 0xe220a8397b1dcdaf) written in base 62 least significant digit first.

#include <boost/test/unit_test.hpp>

#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lib/job_index.hpp"

using asched::detail::job_id_generator;

namespace {

struct test_record
{
    explicit test_record(std::string id) : id(std::move(id)) {}
    std::string id;
    std::uint64_t index_key{0};
};

using index_type = asched::detail::job_index<test_record>;

/// Records for the tests, alive as long as the fixture.
struct records
{
    std::vector<std::unique_ptr<test_record>> all;

    test_record* make(std::string_view id)
    {
        all.push_back(std::make_unique<test_record>(std::string(id)));
        return all.back().get();
    }

    /// A record with a new generated id, inserted into `index`.
    test_record* add_generated(index_type& index)
    {
        char text[job_id_generator::length];
        const std::uint64_t number = index.generate(text);
        test_record* r = make({text, sizeof text});
        index.insert_numbered(number, r);
        return r;
    }

    /// `count` records with new generated ids, inserted into `index`, in the order of their numbers.
    std::vector<test_record*> add_generated(index_type& index, int count)
    {
        std::vector<test_record*> added;
        for (int i = 0; i < count; ++i)
            added.push_back(add_generated(index));
        return added;
    }
};

std::string next_id(job_id_generator& ids)
{
    char text[job_id_generator::length];
    ids.next(text);
    return {text, sizeof text};
}

std::multiset<const test_record*> visited(const index_type& index)
{
    std::multiset<const test_record*> seen;
    index.for_each([&](const test_record* r) { seen.insert(r); });
    return seen;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(job_index)

BOOST_AUTO_TEST_CASE(generated_ids_are_splitmix64_in_base_62)
{
    job_id_generator from_zero(0);
    BOOST_TEST(from_zero.next_number() == 0u);
    BOOST_TEST(next_id(from_zero) == "LWNqGF8EFpj");
    BOOST_TEST(next_id(from_zero) == "UstISccc2u9");
    BOOST_TEST(next_id(from_zero) == "xnpJC43i1A0");
    BOOST_TEST(from_zero.next_number() == 3u);

    job_id_generator seeded(12345);
    for (int i = 0; i < 1'000'000; ++i)
        next_id(seeded);
    BOOST_TEST(next_id(seeded) == "BuFQNJIdXqh");
}

BOOST_AUTO_TEST_CASE(an_id_leads_back_to_its_number)
{
    job_id_generator ids(0x0123456789abcdefULL);
    std::set<std::string> distinct;
    for (std::uint64_t number = 0; number < 100'000; ++number)
    {
        const std::string id = next_id(ids);
        distinct.insert(id);
        const auto decoded = ids.number_of(id);
        BOOST_REQUIRE(decoded.has_value());
        BOOST_REQUIRE_EQUAL(*decoded, number);
    }
    BOOST_TEST(distinct.size() == 100'000u);
    // The first id of seed 0, read by another seed, is some other number: never one it has given yet
    const job_id_generator other(1);
    BOOST_TEST(*other.number_of("LWNqGF8EFpj") != 0u);
}

BOOST_AUTO_TEST_CASE(ids_of_another_shape_have_no_number)
{
    const job_id_generator ids(7);
    BOOST_TEST(!ids.number_of("cleanup").has_value());
    BOOST_TEST(!ids.number_of("").has_value());
    BOOST_TEST(!ids.number_of("LWNqGF8EFpjx").has_value());  // 12 characters
    BOOST_TEST(!ids.number_of("LWNqGF8-Fpj").has_value());   // not a base-62 digit
    BOOST_TEST(!ids.number_of("ZZZZZZZZZZZ").has_value());   // 62^11 - 1 > 2^64 - 1
    BOOST_TEST(!ids.number_of("gyha61AhGYl").has_value());   // 2^64, the smallest beyond 64 bits
    BOOST_TEST(ids.number_of("fyha61AhGYl").has_value());    // 2^64 - 1
    BOOST_TEST(ids.number_of("00000000000").has_value());
}

BOOST_AUTO_TEST_CASE(generated_and_given_ids_are_found)
{
    records rs;
    index_type index(job_id_generator(42));
    const std::vector<test_record*> generated = rs.add_generated(index, 2000);
    test_record* cleanup = rs.make("cleanup");
    BOOST_TEST(index.insert(cleanup) == nullptr);

    BOOST_TEST(index.size() == 2001u);
    BOOST_TEST(index.numbered() == 2000u);
    BOOST_TEST(index.chunks_allocated() == 4u);  // 2000 numbers in chunks of 512
    for (test_record* r : generated)
        BOOST_REQUIRE(index.find(r->id) == r);
    BOOST_TEST(index.find("cleanup") == cleanup);
    BOOST_TEST(index.find("missing") == nullptr);
    // An id of the generator's shape whose number is not given yet
    job_id_generator same_seed(42);
    for (int i = 0; i < 2000; ++i)
        next_id(same_seed);
    BOOST_TEST(index.find(next_id(same_seed)) == nullptr);

    const auto seen = visited(index);
    BOOST_TEST(seen.size() == 2001u);
    BOOST_TEST(std::set<const test_record*>(seen.begin(), seen.end()).size() == 2001u);
}

BOOST_AUTO_TEST_CASE(an_id_held_already_is_answered_with_its_holder)
{
    records rs;
    index_type index(job_id_generator(42));
    test_record* generated = rs.add_generated(index);
    test_record* cleanup = rs.make("cleanup");
    BOOST_TEST(index.insert(cleanup) == nullptr);

    BOOST_TEST(index.insert(rs.make("cleanup")) == cleanup);
    BOOST_TEST(index.insert(rs.make(generated->id)) == generated);  // a given id equal to a generated one
    BOOST_TEST(index.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_given_id_the_generator_would_write_later_is_flagged)
{
    records rs;
    index_type index(job_id_generator(42));
    BOOST_TEST(!index.may_hold_future_ids());
    rs.add_generated(index);
    BOOST_TEST(index.insert(rs.make("cleanup")) == nullptr);
    BOOST_TEST(!index.may_hold_future_ids());

    job_id_generator same_seed(42);
    next_id(same_seed);
    const std::string second = next_id(same_seed);
    test_record* loaded = rs.make(second);
    BOOST_TEST(index.insert(loaded) == nullptr);
    BOOST_TEST(index.may_hold_future_ids());

    // The generator writes that id next: the caller finds it held
    char text[job_id_generator::length];
    index.generate(text);
    BOOST_TEST(index.find({text, sizeof text}) == loaded);
}

BOOST_AUTO_TEST_CASE(erased_records_are_gone)
{
    records rs;
    index_type index(job_id_generator(3));
    test_record* a = rs.add_generated(index);
    test_record* b = rs.add_generated(index);
    test_record* given = rs.make("given");
    index.insert(given);

    index.erase(a);
    index.erase(given);
    BOOST_TEST(index.size() == 1u);
    BOOST_TEST(index.find(a->id) == nullptr);
    BOOST_TEST(index.find("given") == nullptr);
    BOOST_TEST(index.find(b->id) == b);
    // The id can be taken again, by a given id now
    test_record* again = rs.make(a->id);
    BOOST_TEST(index.insert(again) == nullptr);
    BOOST_TEST(index.find(a->id) == again);
    index.erase(again);
    index.erase(b);
    BOOST_TEST(index.size() == 0u);
    BOOST_TEST(visited(index).empty());
}

BOOST_AUTO_TEST_CASE(a_chunk_left_almost_empty_goes_to_the_hash_table)
{
    records rs;
    index_type index(job_id_generator(9));
    const std::vector<test_record*> generated = rs.add_generated(index, 3 * 512);
    BOOST_TEST(index.chunks_allocated() == 3u);

    // Chunk 0 keeps 10 of its 512 records: below 1/16, so they move to the hash table and the chunk is freed
    for (int i = 10; i < 512; ++i)
        index.erase(generated[i]);
    BOOST_TEST(index.chunks_allocated() == 2u);
    BOOST_TEST(index.numbered() == 2u * 512);
    BOOST_TEST(index.size() == 2u * 512 + 10);
    for (int i = 0; i < 10; ++i)
        BOOST_REQUIRE(index.find(generated[i]->id) == generated[i]);
    for (int i = 0; i < 10; ++i)
        index.erase(generated[i]);
    BOOST_TEST(index.size() == 2u * 512);

    // Chunk 1 emptied entirely is freed; the chunk still filling (2) stays while it holds records
    for (int i = 512; i < 1024; ++i)
        index.erase(generated[i]);
    BOOST_TEST(index.chunks_allocated() == 1u);
    for (int i = 1024; i < 1536; ++i)
        BOOST_REQUIRE(index.find(generated[i]->id) == generated[i]);
}

BOOST_AUTO_TEST_CASE(a_chunk_emptied_while_filling_is_handed_over_when_the_array_moves_on)
{
    records rs;
    index_type index(job_id_generator(11));
    const std::vector<test_record*> generated = rs.add_generated(index, 512);
    for (int i = 5; i < 512; ++i)
        index.erase(generated[i]);  // the chunk is still the current one: it stays
    BOOST_TEST(index.chunks_allocated() == 1u);
    BOOST_TEST(index.numbered() == 5u);

    test_record* next = rs.add_generated(index);  // number 512: chunk 1
    BOOST_TEST(index.chunks_allocated() == 1u);
    BOOST_TEST(index.numbered() == 1u);
    BOOST_TEST(index.size() == 6u);
    for (int i = 0; i < 5; ++i)
        BOOST_REQUIRE(index.find(generated[i]->id) == generated[i]);
    BOOST_TEST(index.find(next->id) == next);
}

BOOST_AUTO_TEST_CASE(random_comings_and_goings_match_a_map_and_keep_the_array_small)
{
    records rs;
    index_type index(job_id_generator(2026));
    std::map<std::string, test_record*> model;
    std::vector<test_record*> live;
    std::mt19937_64 random(5);
    for (int step = 0; step < 60'000; ++step)
    {
        const auto dice = random() % 100;
        if (dice < 50 || live.empty())
        {
            test_record* r = rs.add_generated(index);
            model[r->id] = r;
            live.push_back(r);
        }
        else if (dice < 55)
        {
            test_record* r = rs.make("given-" + std::to_string(step));
            BOOST_REQUIRE(index.insert(r) == nullptr);
            model[r->id] = r;
            live.push_back(r);
        }
        else
        {
            // Most leave from a few places of the list (jobs that come and go), some from anywhere
            const std::size_t at = dice < 90 ? random() % std::min<std::size_t>(live.size(), 64)
                                             : random() % live.size();
            test_record* r = live[at];
            live[at] = live.back();
            live.pop_back();
            index.erase(r);
            model.erase(r->id);
        }
        BOOST_REQUIRE_EQUAL(index.size(), model.size());
        // The array costs at most 16 slots per record it holds, plus the chunk still filling
        BOOST_REQUIRE_LE(index.chunks_allocated() * 512, 16 * index.numbered() + 512);
    }
    for (const auto& [id, r] : model)
        BOOST_REQUIRE(index.find(id) == r);
    const auto seen = visited(index);
    BOOST_TEST(seen.size() == model.size());
    for (const auto& [id, r] : model)
        BOOST_REQUIRE(seen.count(r) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
