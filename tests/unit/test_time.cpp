// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// Instants, zones and ISO 8601 text (spec: "Time model" and "Daylight-saving time"). Expected instants come from
// hand-computed tz rules (see the comments), written as UTC text and parsed by the test's own helper.

#include <asched/time.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <stdexcept>
#include <string>

#include "common/trigger_helpers.hpp"

using namespace std::chrono_literals;
using asched::format_datetime;
using asched::parse_datetime;
using asched::time_zone;
using asched::test::at;
using asched::test::contains;
using asched::test::local;
using asched::test::str;
using asched::test::what_of;

namespace {

const time_zone& new_york()
{
    static const time_zone z = time_zone::locate("America/New_York");
    return z;
}

std::string parse_utc(const std::string& text) { return str(parse_datetime(text, time_zone::utc())); }

std::string parse_in(const std::string& text, const char* zone)
{
    return str(parse_datetime(text, time_zone::locate(zone)));
}

// The message of the std::invalid_argument that parsing `text` throws.
std::string parse_error(const std::string& text)
{
    return what_of<std::invalid_argument>([&] { parse_datetime(text, time_zone::utc()); });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(time_parse)

// An offset written as Z, ±HH:MM, ±HHMM or ±HH makes the text that exact instant, whatever the zone.
BOOST_AUTO_TEST_CASE(offsets_give_exact_instants)
{
    BOOST_TEST(parse_utc("2026-03-08T07:30:00Z") == "2026-03-08T07:30:00Z");
    BOOST_TEST(parse_utc("2026-03-08T02:30:00-05:00") == "2026-03-08T07:30:00Z");
    BOOST_TEST(parse_utc("2026-03-08T02:30:00-0500") == "2026-03-08T07:30:00Z");
    BOOST_TEST(parse_utc("2026-03-08T02:30:00-05") == "2026-03-08T07:30:00Z");
    BOOST_TEST(parse_utc("2026-03-08T13:00:00+05:30") == "2026-03-08T07:30:00Z");
    BOOST_TEST(parse_utc("2026-03-08T07:30:00+00:00") == "2026-03-08T07:30:00Z");
    // The zone argument does not matter when there is an offset
    BOOST_TEST(parse_in("2026-03-08T02:30:00-05:00", "Asia/Tokyo") == "2026-03-08T07:30:00Z");
    BOOST_TEST(parse_in("2026-07-01T12:00:00Z", "America/New_York") == "2026-07-01T12:00:00Z");
}

// The docs' other accepted forms: minutes without seconds, a space instead of 'T'.
BOOST_AUTO_TEST_CASE(short_forms)
{
    BOOST_TEST(parse_utc("2026-03-08T07:30Z") == "2026-03-08T07:30:00Z");
    BOOST_TEST(parse_utc("2026-03-08 02:30:00.25") == "2026-03-08T02:30:00.250000Z");
    BOOST_TEST(parse_utc("2026-03-08 02:30:00-05:00") == "2026-03-08T07:30:00Z");
}

// Without an offset the text is a local time in the zone given.
BOOST_AUTO_TEST_CASE(local_time_in_zone)
{
    // 2026-07-01 12:00 EDT (-4) = 16:00Z
    BOOST_TEST(parse_in("2026-07-01T12:00:00", "America/New_York") == "2026-07-01T16:00:00Z");
    // 2026-01-15 12:00 EST (-5) = 17:00Z
    BOOST_TEST(parse_in("2026-01-15T12:00:00", "America/New_York") == "2026-01-15T17:00:00Z");
    // Kolkata is +05:30 all year
    BOOST_TEST(parse_in("2026-01-15T12:00:00", "Asia/Kolkata") == "2026-01-15T06:30:00Z");
    BOOST_TEST(parse_utc("2026-01-15T12:00:00") == "2026-01-15T12:00:00Z");
}

// A bare date is local midnight in the zone.
BOOST_AUTO_TEST_CASE(bare_date_is_local_midnight)
{
    BOOST_TEST(parse_utc("2026-03-08") == "2026-03-08T00:00:00Z");
    // 2026-03-08 00:00 EST (-5): DST starts later that night
    BOOST_TEST(parse_in("2026-03-08", "America/New_York") == "2026-03-08T05:00:00Z");
    // 2026-07-01 00:00 EDT (-4)
    BOOST_TEST(parse_in("2026-07-01", "America/New_York") == "2026-07-01T04:00:00Z");
    // 2026-07-01 00:00 JST (+9) = 2026-06-30 15:00Z
    BOOST_TEST(parse_in("2026-07-01", "Asia/Tokyo") == "2026-06-30T15:00:00Z");
}

// Up to 6 fractional digits, each one significant.
BOOST_AUTO_TEST_CASE(fractional_seconds_up_to_six_digits)
{
    BOOST_TEST(parse_utc("2026-03-08T07:30:00.5Z") == "2026-03-08T07:30:00.500000Z");
    BOOST_TEST(parse_utc("2026-03-08T07:30:00.123456Z") == "2026-03-08T07:30:00.123456Z");
    BOOST_TEST(parse_utc("2026-03-08T07:30:00.000001Z") == "2026-03-08T07:30:00.000001Z");
    BOOST_TEST(parse_utc("2026-03-08T07:30:00.000001+01:00") == "2026-03-08T06:30:00.000001Z");
    BOOST_TEST(parse_utc("2026-03-08T07:30:00.000000Z") == "2026-03-08T07:30:00Z");
}

// A 7th fractional digit is an error, and the message quotes the text.
BOOST_AUTO_TEST_CASE(seven_fraction_digits_rejected)
{
    const std::string text = "2026-03-08T07:30:00.1234567Z";
    const auto msg = parse_error(text);
    BOOST_TEST(msg != "<no exception>");
    BOOST_TEST(contains(msg, text), msg);
    BOOST_TEST(parse_error("2026-03-08T07:30:00.1234567") != "<no exception>");
}

// Garbage is rejected with std::invalid_argument quoting the text.
BOOST_AUTO_TEST_CASE(garbage_rejected_with_text_quoted)
{
    for (const std::string text : {
             "not a date",
             "2026-13-01T00:00:00Z",      // month 13
             "2026-02-30",                // no such day
             "2026-02-29T00:00:00Z",      // 2026 is not a leap year
             "2026-03-08T25:00:00Z",      // hour 25
             "2026-03-08T12:60:00Z",      // minute 60
             "2026-03-08T07:30:00Zjunk",  // trailing text
             "2026-03-08T07:30:00.Z",     // a dot without digits
             "2026-3-8",                  // not zero-padded
             "tomorrow",
         })
    {
        const auto msg = parse_error(text);
        BOOST_TEST(msg != "<no exception>", "accepted: " << text);
        BOOST_TEST(contains(msg, text), "message '" << msg << "' does not quote '" << text << "'");
    }
    BOOST_TEST(parse_error("") != "<no exception>");
}

// parse_iso8601 splits the text into its parts without resolving it.
BOOST_AUTO_TEST_CASE(parse_iso8601_parts)
{
    const auto with_offset = asched::parse_iso8601("2026-03-08T02:30:00-05:00");
    BOOST_TEST((with_offset.local == local(2026, 3, 8, 2, 30)));
    BOOST_TEST(with_offset.has_offset);
    BOOST_TEST(with_offset.offset.count() == -5 * 3600);
    BOOST_TEST(!with_offset.date_only);

    const auto plain = asched::parse_iso8601("2026-03-08T02:30:00.25");
    BOOST_TEST((plain.local == local(2026, 3, 8, 2, 30, 0, 250000)));
    BOOST_TEST(!plain.has_offset);
    BOOST_TEST(plain.offset.count() == 0);
    BOOST_TEST(!plain.date_only);

    const auto bare = asched::parse_iso8601("2026-03-08");
    BOOST_TEST((bare.local == local(2026, 3, 8)));
    BOOST_TEST(!bare.has_offset);
    BOOST_TEST(bare.date_only);

    const auto zulu = asched::parse_iso8601("2026-03-08T07:30:00Z");
    BOOST_TEST(zulu.has_offset);
    BOOST_TEST(zulu.offset.count() == 0);

    BOOST_CHECK_THROW(asched::parse_iso8601("2026-03-08T07:30:00.1234567"), std::invalid_argument);
}

// parse_date takes a bare date only; format_date writes one.
BOOST_AUTO_TEST_CASE(dates)
{
    BOOST_TEST((asched::parse_date("2026-01-31") == date::year{2026} / 1 / 31));
    BOOST_TEST((asched::parse_date("2028-02-29") == date::year{2028} / 2 / 29));
    BOOST_CHECK_THROW(asched::parse_date("2026-02-29"), std::invalid_argument);
    BOOST_CHECK_THROW(asched::parse_date("2026-01-32"), std::invalid_argument);
    BOOST_CHECK_THROW(asched::parse_date("soon"), std::invalid_argument);
    BOOST_TEST(asched::format_date(date::year{2026} / 1 / 31) == "2026-01-31");
    BOOST_TEST(asched::format_date(date::year{2026} / 12 / 5) == "2026-12-05");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(time_format)

// ISO 8601 in the zone with its offset; UTC is written +00:00.
BOOST_AUTO_TEST_CASE(offsets_in_output)
{
    // 07:30Z = 03:30 EDT, right after the 2026 spring-forward
    BOOST_TEST(format_datetime(at("2026-03-08T07:30:00Z"), new_york()) == "2026-03-08T03:30:00-04:00");
    // 06:30Z = 01:30 EST, the day before
    BOOST_TEST(format_datetime(at("2026-03-07T06:30:00Z"), new_york()) == "2026-03-07T01:30:00-05:00");
    BOOST_TEST(format_datetime(at("2026-03-08T07:30:00Z"), time_zone::utc()) == "2026-03-08T07:30:00+00:00");
    BOOST_TEST(
        format_datetime(at("2026-01-15T06:30:00Z"), time_zone::locate("Asia/Kolkata")) == "2026-01-15T12:00:00+05:30"
    );
    // St John's, Newfoundland: -03:30 in winter
    BOOST_TEST(
        format_datetime(at("2026-01-15T15:30:00Z"), time_zone::locate("America/St_Johns")) ==
        "2026-01-15T12:00:00-03:30"
    );
    // Lord Howe: +11 in January, +10:30 in July
    const auto lord_howe = time_zone::locate("Australia/Lord_Howe");
    BOOST_TEST(format_datetime(at("2026-01-15T01:00:00Z"), lord_howe) == "2026-01-15T12:00:00+11:00");
    BOOST_TEST(format_datetime(at("2026-07-15T01:30:00Z"), lord_howe) == "2026-07-15T12:00:00+10:30");
}

// Offsets far from zero and with 45 minutes are written exactly.
BOOST_AUTO_TEST_CASE(unusual_offsets)
{
    BOOST_TEST(
        format_datetime(at("2026-01-14T22:00:00Z"), time_zone::locate("Pacific/Kiritimati")) ==
        "2026-01-15T12:00:00+14:00"
    );
    BOOST_TEST(
        format_datetime(at("2026-01-15T06:15:00Z"), time_zone::locate("Asia/Kathmandu")) == "2026-01-15T12:00:00+05:45"
    );
    BOOST_TEST(
        format_datetime(at("2026-01-15T23:00:00Z"), time_zone::locate("Pacific/Pago_Pago")) ==
        "2026-01-15T12:00:00-11:00"
    );
}

// The fold: the same wall-clock reading is written with each pass's own offset.
BOOST_AUTO_TEST_CASE(fold_passes_have_distinct_offsets)
{
    // 2026-11-01: 05:30Z = 01:30 EDT (first pass), 06:30Z = 01:30 EST (second pass)
    BOOST_TEST(format_datetime(at("2026-11-01T05:30:00Z"), new_york()) == "2026-11-01T01:30:00-04:00");
    BOOST_TEST(format_datetime(at("2026-11-01T06:30:00Z"), new_york()) == "2026-11-01T01:30:00-05:00");
}

// Fractional seconds appear, as 6 digits, only when the microseconds are not zero.
BOOST_AUTO_TEST_CASE(fraction_only_when_nonzero)
{
    const auto utc = time_zone::utc();
    BOOST_TEST(format_datetime(at("2026-03-08T07:30:00.250000Z"), utc) == "2026-03-08T07:30:00.250000+00:00");
    BOOST_TEST(format_datetime(at("2026-03-08T07:30:00.000001Z"), utc) == "2026-03-08T07:30:00.000001+00:00");
    BOOST_TEST(format_datetime(at("2026-03-08T07:30:00Z"), utc) == "2026-03-08T07:30:00+00:00");
    BOOST_TEST(format_datetime(at("2026-03-08T07:30:00.5Z"), new_york()) == "2026-03-08T03:30:00.500000-04:00");
}

// Formatting then parsing gives the same instant back.
BOOST_AUTO_TEST_CASE(round_trip)
{
    for (const auto* zone : {"UTC", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"})
    {
        const auto z = time_zone::locate(zone);
        for (const auto t : {at("2026-11-01T05:30:00Z"), at("2026-11-01T06:30:00Z"), at("2026-04-04T15:15:00.000123Z")})
            BOOST_TEST(str(parse_datetime(format_datetime(t, z), z)) == str(t), zone);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(time_zones)

// Zones are located by IANA name; handles compare by zone.
BOOST_AUTO_TEST_CASE(locate_by_name)
{
    const auto berlin = time_zone::locate("Europe/Berlin");
    BOOST_TEST(berlin.name() == "Europe/Berlin");
    BOOST_TEST((berlin == time_zone::locate("Europe/Berlin")));
    BOOST_TEST(!(berlin == time_zone::locate("Europe/Paris")));
    BOOST_TEST(time_zone{}.name() == "UTC");
    BOOST_TEST((time_zone{} == time_zone::utc()));
}

// An unknown name is std::invalid_argument naming it.
BOOST_AUTO_TEST_CASE(unknown_zone_named_in_error)
{
    const auto msg = what_of<std::invalid_argument>([] { time_zone::locate("Mars/Olympus_Mons"); });
    BOOST_TEST(msg != "<no exception>");
    BOOST_TEST(contains(msg, "Mars/Olympus_Mons"), msg);
    BOOST_CHECK_THROW(time_zone::locate(""), std::invalid_argument);
}

// offset_at switches exactly at the transition instant.
BOOST_AUTO_TEST_CASE(offset_at_transition)
{
    // New York springs forward at 07:00Z on 2026-03-08
    BOOST_TEST(new_york().offset_at(at("2026-03-08T06:59:59Z")).count() == -5 * 3600);
    BOOST_TEST(new_york().offset_at(at("2026-03-08T07:00:00Z")).count() == -4 * 3600);
    // and falls back at 06:00Z on 2026-11-01
    BOOST_TEST(new_york().offset_at(at("2026-11-01T05:59:59Z")).count() == -4 * 3600);
    BOOST_TEST(new_york().offset_at(at("2026-11-01T06:00:00Z")).count() == -5 * 3600);
    // Lord Howe: +10:30 from 2026-04-04 15:00Z, +11 from 2026-10-03 15:30Z
    const auto lh = time_zone::locate("Australia/Lord_Howe");
    BOOST_TEST(lh.offset_at(at("2026-04-04T14:59:59Z")).count() == 11 * 3600);
    BOOST_TEST(lh.offset_at(at("2026-04-04T15:00:00Z")).count() == 10 * 3600 + 1800);
    BOOST_TEST(lh.offset_at(at("2026-10-03T15:29:59Z")).count() == 10 * 3600 + 1800);
    BOOST_TEST(lh.offset_at(at("2026-10-03T15:30:00Z")).count() == 11 * 3600);
}

// to_local reads the wall clock.
BOOST_AUTO_TEST_CASE(to_local_reads_wall_clock)
{
    BOOST_TEST((new_york().to_local(at("2026-03-08T07:00:00Z")) == local(2026, 3, 8, 3, 0)));
    BOOST_TEST((new_york().to_local(at("2026-03-08T06:59:59Z")) == local(2026, 3, 8, 1, 59, 59)));
    BOOST_TEST((new_york().to_local(at("2026-11-01T06:30:00.5Z")) == local(2026, 11, 1, 1, 30, 0, 500000)));
}

// A local time that exists once maps to its instant.
BOOST_AUTO_TEST_CASE(to_instant_unique)
{
    BOOST_TEST(str(new_york().to_instant(local(2026, 3, 8, 1, 59, 59))) == "2026-03-08T06:59:59Z");
    BOOST_TEST(str(new_york().to_instant(local(2026, 3, 8, 3, 0))) == "2026-03-08T07:00:00Z");
    BOOST_TEST(str(new_york().to_instant(local(2026, 11, 1, 0, 59, 59))) == "2026-11-01T04:59:59Z");
    // 02:00 on the fall-back day happens once (EST): the repeated hour is 01:00-01:59
    BOOST_TEST(str(new_york().to_instant(local(2026, 11, 1, 2, 0))) == "2026-11-01T07:00:00Z");
    BOOST_TEST(str(time_zone::utc().to_instant(local(2026, 3, 8, 2, 30, 0, 7))) == "2026-03-08T02:30:00.000007Z");
}

// A local time in a gap maps with the offset before the gap.
BOOST_AUTO_TEST_CASE(to_instant_gap)
{
    // New York 2026-03-08: 02:30 does not exist; 02:30 - (-5h) = 07:30Z, i.e. 03:30 EDT
    BOOST_TEST(str(new_york().to_instant(local(2026, 3, 8, 2, 30))) == "2026-03-08T07:30:00Z");
    BOOST_TEST(str(new_york().to_instant(local(2026, 3, 8, 2, 0))) == "2026-03-08T07:00:00Z");
    BOOST_TEST(str(new_york().to_instant(local(2026, 3, 8, 2, 59, 59, 999999))) == "2026-03-08T07:59:59.999999Z");
    // London 2026-03-29: 01:30 does not exist; 01:30 - 0 = 01:30Z, i.e. 02:30 BST
    BOOST_TEST(str(time_zone::locate("Europe/London").to_instant(local(2026, 3, 29, 1, 30))) == "2026-03-29T01:30:00Z");
    // Sydney 2026-10-04: 02:30 does not exist; 02:30 - 10h = 16:30Z on 10-03, i.e. 03:30 AEDT
    BOOST_TEST(
        str(time_zone::locate("Australia/Sydney").to_instant(local(2026, 10, 4, 2, 30))) == "2026-10-03T16:30:00Z"
    );
    // Lord Howe 2026-10-04: 02:00-02:29 do not exist; 02:15 - 10:30 = 15:45Z on 10-03, i.e. 02:45 (+11)
    BOOST_TEST(
        str(time_zone::locate("Australia/Lord_Howe").to_instant(local(2026, 10, 4, 2, 15))) == "2026-10-03T15:45:00Z"
    );
}

// A local time in a fold maps to its first occurrence.
BOOST_AUTO_TEST_CASE(to_instant_fold)
{
    // New York 2026-11-01: 01:30 EDT (-4) = 05:30Z comes first, 01:30 EST = 06:30Z second
    BOOST_TEST(str(new_york().to_instant(local(2026, 11, 1, 1, 30))) == "2026-11-01T05:30:00Z");
    BOOST_TEST(str(new_york().to_instant(local(2026, 11, 1, 1, 0))) == "2026-11-01T05:00:00Z");
    // London 2026-10-25: 01:30 BST (+1) = 00:30Z
    BOOST_TEST(
        str(time_zone::locate("Europe/London").to_instant(local(2026, 10, 25, 1, 30))) == "2026-10-25T00:30:00Z"
    );
    // Sydney 2026-04-05: 02:30 AEDT (+11) = 15:30Z on 04-04
    BOOST_TEST(
        str(time_zone::locate("Australia/Sydney").to_instant(local(2026, 4, 5, 2, 30))) == "2026-04-04T15:30:00Z"
    );
    // Lord Howe 2026-04-05: 01:45 (+11) = 14:45Z on 04-04
    BOOST_TEST(
        str(time_zone::locate("Australia/Lord_Howe").to_instant(local(2026, 4, 5, 1, 45))) == "2026-04-04T14:45:00Z"
    );
}

// Past the tz database's last stored transition (2037) the zone keeps observing DST by its POSIX rule.
BOOST_AUTO_TEST_CASE(dst_continues_after_2037)
{
    // New York 2040-07-01 12:00 EDT (-4) = 16:00Z; 2040-01-15 12:00 EST (-5) = 17:00Z
    BOOST_TEST(str(new_york().to_instant(local(2040, 7, 1, 12, 0))) == "2040-07-01T16:00:00Z");
    BOOST_TEST(str(new_york().to_instant(local(2040, 1, 15, 12, 0))) == "2040-01-15T17:00:00Z");
    BOOST_TEST(new_york().offset_at(at("2040-07-01T16:00:00Z")).count() == -4 * 3600);
    BOOST_TEST(format_datetime(at("2040-07-01T16:00:00Z"), new_york()) == "2040-07-01T12:00:00-04:00");
    // 2040: second Sunday of March is the 11th (gap), first Sunday of November the 4th (fold)
    BOOST_TEST(str(new_york().to_instant(local(2040, 3, 11, 2, 30))) == "2040-03-11T07:30:00Z");
    BOOST_TEST(str(new_york().to_instant(local(2040, 11, 4, 1, 30))) == "2040-11-04T05:30:00Z");
    BOOST_TEST(new_york().offset_at(at("2040-11-04T05:59:59Z")).count() == -4 * 3600);
    BOOST_TEST(new_york().offset_at(at("2040-11-04T06:00:00Z")).count() == -5 * 3600);
    // Berlin 2096-07-01 00:00 CEST (+2) = 2096-06-30 22:00Z
    const auto berlin = time_zone::locate("Europe/Berlin");
    BOOST_TEST(str(berlin.to_instant(local(2096, 7, 1))) == "2096-06-30T22:00:00Z");
    BOOST_TEST(berlin.offset_at(at("2096-06-30T22:00:00Z")).count() == 2 * 3600);
    // Berlin 2100: last Sunday of March is the 28th
    BOOST_TEST(berlin.offset_at(at("2100-03-27T12:00:00Z")).count() == 1 * 3600);
    BOOST_TEST(berlin.offset_at(at("2100-03-28T12:00:00Z")).count() == 2 * 3600);
    // Far future: New York 2600-07-01 12:00 EDT = 16:00Z; Berlin 9999-07-01 12:00 CEST = 10:00Z;
    // Lord Howe 9999-12-31 12:00 (+11) = 01:00Z
    BOOST_TEST(str(new_york().to_instant(local(2600, 7, 1, 12, 0))) == "2600-07-01T16:00:00Z");
    BOOST_TEST(str(berlin.to_instant(local(9999, 7, 1, 12, 0))) == "9999-07-01T10:00:00Z");
    BOOST_TEST(
        str(time_zone::locate("Australia/Lord_Howe").to_instant(local(9999, 12, 31, 12, 0))) == "9999-12-31T01:00:00Z"
    );
    // Southern hemisphere: Sydney +11 and Lord Howe +11 in January 2050; Lord Howe +10:30 in July
    BOOST_TEST(time_zone::locate("Australia/Sydney").offset_at(at("2050-01-01T00:00:00Z")).count() == 11 * 3600);
    const auto lh = time_zone::locate("Australia/Lord_Howe");
    BOOST_TEST(lh.offset_at(at("2050-01-01T00:00:00Z")).count() == 11 * 3600);
    BOOST_TEST(lh.offset_at(at("2050-07-01T00:00:00Z")).count() == 10 * 3600 + 1800);
}

BOOST_AUTO_TEST_SUITE_END()
