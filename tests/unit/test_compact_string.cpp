// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// asched::detail::compact_string, a job record's id in 16 bytes (lib/compact_string.hpp): every length round-trips,
// in place up to 15 characters and on the heap beyond, with the bytes of the text kept as given (zeros and bytes
// with the top bit set included), compares and concatenates like the std::string it replaced, and hands a run's
// context a std::string without allocating for short ids.

#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "lib/compact_string.hpp"

using asched::detail::compact_string;

BOOST_AUTO_TEST_SUITE(compact_string_ids)

BOOST_AUTO_TEST_CASE(every_length_round_trips_in_place_up_to_15_then_on_the_heap)
{
    BOOST_TEST(sizeof(compact_string) == 16u);
    for (std::size_t n = 0; n <= 70; ++n)
    {
        std::string text;
        for (std::size_t i = 0; i < n; ++i)
            text.push_back(static_cast<char>('a' + i % 26));
        const compact_string s(text);
        BOOST_TEST(s.size() == n);
        BOOST_TEST(s.view() == text);
        BOOST_TEST(s.empty() == (n == 0));
        BOOST_TEST(s.on_heap() == (n > 15));
        BOOST_TEST(s.data()[n] == '\0');  // terminated, as the std::string it replaced
    }
}

BOOST_AUTO_TEST_CASE(an_empty_view_without_characters_makes_an_empty_string)
{
    const compact_string s{std::string_view{}};  // data() is null
    BOOST_TEST(s.empty());
    BOOST_TEST(!s.on_heap());
    BOOST_TEST(s.view() == "");
}

BOOST_AUTO_TEST_CASE(any_bytes_are_kept_including_zeros_and_high_bytes)
{
    // A 15-byte id whose last byte is 0x80 (the heap mark, were it in byte 15 of an in-place string) and one with
    // zeros inside
    const std::string high(14, 'x');
    const std::string with_mark = high + std::string(1, static_cast<char>(0x80));
    const compact_string a(with_mark);
    BOOST_TEST(!a.on_heap());
    BOOST_TEST(a.view() == with_mark);

    const std::string zeros("a\0b\0c", 5);
    const compact_string b(zeros);
    BOOST_TEST(b.size() == 5u);
    BOOST_TEST(b.view() == zeros);

    const std::string utf8 =
        "t\xC3\xA2"
        "che-nocturne-\xC3\xA9t\xC3\xA9";  // 20 bytes of UTF-8: on the heap
    const compact_string c(utf8);
    BOOST_TEST(c.on_heap());
    BOOST_TEST(c.view() == utf8);
}

BOOST_AUTO_TEST_CASE(compares_orders_and_concatenates_like_std_string)
{
    const compact_string a("job-a"), b("job-b"), a2("job-a");
    const compact_string long_a("a-job-id-longer-than-fifteen");
    BOOST_TEST((a == a2));
    BOOST_TEST(!(a == b));
    BOOST_TEST((a < b));
    BOOST_TEST((long_a < a));  // "a-..." sorts before "job-..."
    BOOST_TEST((a == std::string_view("job-a")));
    BOOST_TEST((std::string_view("job-a") == a));
    BOOST_TEST((a < std::string("job-b")));
    BOOST_TEST(("job '" + a + "'") == "job 'job-a'");
    BOOST_TEST((std::string("[") + long_a) == "[a-job-id-longer-than-fifteen");
    const std::string copy = a;
    BOOST_TEST(copy == "job-a");
}

BOOST_AUTO_TEST_CASE(as_string_fills_the_scratch_for_short_ids_and_refers_to_the_heap_for_long_ones)
{
    std::optional<std::string> scratch;
    const compact_string short_id("abcdefghijk");  // a generated id's 11 characters
    const std::string& s = short_id.as_string(scratch);
    BOOST_TEST(scratch.has_value());
    BOOST_TEST(&s == &*scratch);
    BOOST_TEST(s == "abcdefghijk");
    BOOST_TEST(scratch->capacity() == 15u);  // std::string's own buffer: nothing allocated (libstdc++)

    std::optional<std::string> untouched;
    const compact_string long_id("nightly-report-generation");
    const std::string& l = long_id.as_string(untouched);
    BOOST_TEST(!untouched.has_value());
    BOOST_TEST(l == "nightly-report-generation");
    BOOST_TEST(&long_id.as_string(untouched) == &l);  // the same heap string each time: a context may refer to it
}

BOOST_AUTO_TEST_SUITE_END()
