// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// The checksums of stored job rows (lib/job_checksum.hpp): CRC-32C against its published check value and a bitwise
// reference, the instruction against the table, and the canonical JSON the PostgreSQL store's checksum covers: equal
// for every spelling of one value (as jsonb returns another text of what it was sent), different for any changed
// digit, key or string.

#include <asched/job_document.hpp>
#include <asched/triggers.hpp>

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <random>
#include <string>

#include "lib/job_checksum.hpp"

using asched::detail::canonical_json;
using asched::detail::crc32c;
using asched::detail::crc32c_portable;
using asched::detail::document_checksum;
using asched::detail::next_run_time_checksum;
using asched::detail::row_checksum;
using namespace std::string_literals;

namespace {

/// CRC-32C one bit at a time, straight from the definition.
std::uint32_t crc32c_bitwise(const std::string& bytes)
{
    std::uint32_t c = 0xffffffffu;
    for (const unsigned char byte : bytes)
    {
        c ^= byte;
        for (int bit = 0; bit < 8; ++bit)
            c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
    }
    return c ^ 0xffffffffu;
}

/// Whether two JSON texts have the same canonical form.
bool same_value(const std::string& a, const std::string& b)
{
    const auto ca = canonical_json(a);
    const auto cb = canonical_json(b);
    BOOST_TEST_REQUIRE(ca.has_value(), a);
    BOOST_TEST_REQUIRE(cb.has_value(), b);
    return *ca == *cb;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(job_checksum)

BOOST_AUTO_TEST_CASE(crc32c_has_the_published_check_value_and_continues)
{
    BOOST_TEST(crc32c("123456789") == 0xE3069283u);
    BOOST_TEST(crc32c_portable("123456789") == 0xE3069283u);
    BOOST_TEST(crc32c("") == 0u);
    BOOST_TEST(crc32c("56789", crc32c("1234")) == crc32c("123456789"));
}

BOOST_AUTO_TEST_CASE(the_instruction_and_the_table_agree_at_every_length_and_alignment)
{
    std::mt19937 random(15);
    std::string bytes(300, '\0');
    for (auto& b : bytes)
        b = static_cast<char>(random());
    for (std::size_t offset = 0; offset < 9; ++offset)
        for (std::size_t length = 0; offset + length <= bytes.size(); length += 7)
        {
            const std::string part = bytes.substr(offset, length);
            BOOST_TEST(crc32c(part) == crc32c_bitwise(part));
            BOOST_TEST(crc32c_portable(part) == crc32c_bitwise(part));
        }
}

BOOST_AUTO_TEST_CASE(the_row_checksum_covers_id_next_run_time_and_document)
{
    BOOST_TEST(
        row_checksum("a", 1798761600000000, "{}") == crc32c_bitwise("a\0"s
                                                                    "1798761600000000\0{}"s)
    );
    BOOST_TEST(row_checksum("a", std::nullopt, "{}") == crc32c_bitwise("a\0null\0{}"s));
    // A digit of each part changed changes it (2027 -> 2127 as the year, in microseconds and in the document)
    const auto base = row_checksum("job", 1798761600000000, R"({"year":2027})");
    BOOST_TEST(row_checksum("jbb", 1798761600000000, R"({"year":2027})") != base);
    BOOST_TEST(row_checksum("job", 4954435200000000, R"({"year":2027})") != base);
    BOOST_TEST(row_checksum("job", 1798761600000000, R"({"year":2127})") != base);
    BOOST_TEST(row_checksum("job", std::nullopt, R"({"year":2027})") != base);
    BOOST_TEST(
        next_run_time_checksum("a", 7) == crc32c_bitwise("a\0"s
                                                         "7")
    );
    BOOST_TEST(next_run_time_checksum("a", std::nullopt) == crc32c_bitwise("a\0null"s));
}

BOOST_AUTO_TEST_CASE(canonical_json_is_one_text_for_every_spelling_of_a_value)
{
    // Key order and white space, as jsonb reorders keys (by length, then bytes) and spaces its output
    BOOST_TEST(same_value(R"({"b":1,"aa":[true,null,"x"]})", R"( { "aa" : [ true , null , "x" ] , "b" : 1 } )"));
    // Numbers by their exact value: Boost.JSON writes doubles with an exponent, jsonb as plain decimals
    BOOST_TEST(same_value("1.5E0", "1.50"));
    BOOST_TEST(same_value("1E2", "100"));
    BOOST_TEST(same_value("1.0e2", "100.000"));
    BOOST_TEST(same_value("-0", "0.0"));
    BOOST_TEST(same_value("1.0000000000000002E-1", "0.10000000000000002"));
    BOOST_TEST(same_value("12345678901234567890123", "1.2345678901234567890123e22"));
    // Strings by their decoded bytes, however escaped
    BOOST_TEST(same_value(R"("\u00e9\/\n")", "\"\xc3\xa9/\\n\""));
    // Nested containers are put in order at every level, and a key escaped in parts is the same key
    BOOST_TEST(same_value(
        R"({"z":{"y":[{"b":1,"a":2},[]],"x":null},"a":[{}],"\u0062\u0063d":"\u0061"})",
        R"({"a":[{}],"bcd":"a","z":{"x":null,"y":[{"a":2,"b":1},[]]}})"
    ));
    BOOST_TEST(!same_value(R"({"z":{"y":[{"b":1,"a":2}]}})", R"({"z":{"y":[{"b":2,"a":1}]}})"));
    // Of repeated keys the last one counts, as in jsonb
    BOOST_TEST(same_value(R"({"a":1,"a":2})", R"({"a":2})"));
}

BOOST_AUTO_TEST_CASE(canonical_json_differs_for_any_changed_value)
{
    BOOST_TEST(!same_value(R"({"year":2027})", R"({"year":2127})"));
    BOOST_TEST(!same_value(R"({"year":2027})", R"({"yeah":2027})"));
    BOOST_TEST(!same_value(R"({"year":2027})", R"({"year":"2027"})"));
    BOOST_TEST(!same_value("[1,2]", "[2,1]"));
    BOOST_TEST(!same_value("[[1],2]", "[[1,2]]"));
    BOOST_TEST(!same_value(R"(["ab","c"])", R"(["a","bc"])"));
    BOOST_TEST(!same_value("1.5", "15"));
    BOOST_TEST(!same_value("-1", "1"));
    BOOST_TEST(!same_value("true", "false"));
    BOOST_TEST(!same_value("{}", "[]"));
    BOOST_TEST(!canonical_json("{not json").has_value());
    BOOST_TEST(!canonical_json(R"({"a":1} trailing)").has_value());
    BOOST_TEST(!document_checksum("a", "{").has_value());
}

BOOST_AUTO_TEST_CASE(a_job_document_and_its_jsonb_text_have_one_checksum)
{
    asched::job_description job{
        .id = "report",
        .task_name = "send_report",
        .trigger = asched::interval_trigger(std::chrono::hours(1)),
    };
    job.kwargs = {{"ratio", 0.1}, {"year", 2027}, {"to", "ops\u00e9"}};
    const std::string sent = boost::json::serialize(asched::to_document(job));
    BOOST_TEST(sent.find("1E-1") != std::string::npos, sent);  // the double, as Boost.JSON writes it
    const auto from_sent = document_checksum(job.id, sent);
    BOOST_REQUIRE(from_sent.has_value());
    // What the server returns differs in spacing, key order and number spelling (the PostgreSQL tests compare the
    // real thing); the checksum does not, and it names the row's id
    std::string returned = sent;
    returned.replace(returned.find("1E-1"), 4, "0.10");
    BOOST_TEST((document_checksum(job.id, " " + returned + " ") == from_sent));
    BOOST_TEST((document_checksum("other", sent) != from_sent));
}

BOOST_AUTO_TEST_SUITE_END()
