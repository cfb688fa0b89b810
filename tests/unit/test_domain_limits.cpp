// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// The edges of asched's time domain and its limits (issue 14; spec "Domain and limits"): datetimes of the years 1,
// 1970, 2038 and 9999 in zones far east and far west of UTC read back as they were written, anything outside the
// domain is an error naming the field, intervals and jitter near the longest duration never overflow and finish
// at the end of the domain, and/or nesting and rounds have their limits, every error is one bounded line, and job
// ids follow their rule. Expected instants come from plain date arithmetic (trigger_helpers.hpp), never from
// asched's own parser.

#include <asched/errors.hpp>
#include <asched/time.hpp>
#include <asched/triggers.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "common/trigger_helpers.hpp"

using namespace std::chrono_literals;
using asched::and_trigger;
using asched::calendar_interval_trigger;
using asched::cron_trigger;
using asched::date_trigger;
using asched::instant;
using asched::interval_trigger;
using asched::max_duration;
using asched::max_instant;
using asched::min_instant;
using asched::or_trigger;
using asched::time_zone;
using asched::trigger;
using asched::test::at;
using asched::test::contains;
using asched::test::fire_instants;
using asched::test::fires;
using asched::test::json;
using asched::test::str;
using asched::test::utc;
using asched::test::what_of;
using strings = std::vector<std::string>;

namespace {

// The zones at the ends of the offset range, one with DST on both sides of the ocean, and the zone of most
// servers: the domain's ends must work in each
const char* const edge_zones[] =
    {"UTC", "America/New_York", "Pacific/Kiritimati", "Etc/GMT+12", "Europe/Berlin", "Etc/GMT-14"};

// Instants of the edge years: the domain's ends, the Unix epoch, and both sides of the 32-bit time_t limit
std::vector<instant> edge_instants()
{
    return {
        min_instant,
        min_instant + 1us,
        utc(1, 1, 1, 12),
        utc(1969, 12, 31, 23, 59, 59, 999999),
        utc(1970, 1, 1),
        utc(2038, 1, 19, 3, 14, 7),
        utc(2038, 1, 19, 3, 14, 8),
        utc(9999, 12, 31),
        utc(9999, 12, 31, 12),
        max_instant - 1us,
        max_instant,
    };
}

// Whether every byte of `text` is printable: no control character, so the text is one line
bool one_line(std::string_view text)
{
    for (const char c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return false;
    return true;
}

// An or of two crons, nested `depth` times (depth 1: the or of two crons)
trigger nested_or(int depth)
{
    trigger t = or_trigger{{cron_trigger{{.hour = "9"}}, cron_trigger{{.hour = "10"}}}};
    for (int d = 1; d < depth; ++d)
        t = or_trigger{{t, cron_trigger{{.hour = "11"}}}};
    return t;
}

std::string nested_or_json(int depth)
{
    std::string t = R"({"type":"or","triggers":[{"type":"cron","hour":"9"},{"type":"cron","hour":"10"}]})";
    for (int d = 1; d < depth; ++d)
        t = R"({"type":"or","triggers":[)" + t + R"(,{"type":"cron","hour":"11"}]})";
    return t;
}

}  // namespace

// ------------------------------------------------------------------------------------------------------ datetimes

BOOST_AUTO_TEST_SUITE(domain_datetimes)

// The ends of the domain, as written in the spec, are exactly min_instant and max_instant.
BOOST_AUTO_TEST_CASE(the_ends_of_the_domain_are_the_specs)
{
    BOOST_TEST(min_instant == utc(1, 1, 1));
    BOOST_TEST(max_instant == utc(9999, 12, 31, 23, 59, 59, 999999));
    BOOST_TEST(max_duration == max_instant - min_instant);
    const auto utc_zone = time_zone::utc();
    BOOST_TEST(asched::parse_datetime("0001-01-01T00:00:00Z", utc_zone) == min_instant);
    BOOST_TEST(asched::parse_datetime("9999-12-31T23:59:59.999999Z", utc_zone) == max_instant);
    BOOST_TEST(asched::parse_datetime("9999-12-31T23:59:59.999999", utc_zone) == max_instant);
}

// Every edge instant, formatted in every edge zone, reads back as itself: what asched prints, it reads.
BOOST_AUTO_TEST_CASE(edge_instants_round_trip_in_every_edge_zone)
{
    for (const char* name : edge_zones)
    {
        const auto zone = time_zone::locate(name);
        for (const instant t : edge_instants())
        {
            const std::string text = asched::format_datetime(t, zone);
            BOOST_TEST(one_line(text));
            instant back{};
            BOOST_CHECK_NO_THROW(back = asched::parse_datetime(text, zone));
            BOOST_TEST(back == t, name << ": " << str(t) << " printed as " << text);
            // Also read in another zone: the text carries its offset, so the zone it is read in does not matter
            BOOST_TEST(asched::parse_datetime(text, time_zone::locate("Asia/Tokyo")) == t, text);
        }
    }
}

// Where the local reading leaves the years 1-9999 the text is UTC, so it stays readable.
BOOST_AUTO_TEST_CASE(a_local_year_outside_1_to_9999_is_written_in_utc)
{
    // UTC+14: 9999-12-31T23:59:59Z is 10000-01-01T13:59:59 local
    BOOST_TEST(
        asched::format_datetime(utc(9999, 12, 31, 23, 59, 59), time_zone::locate("Pacific/Kiritimati")) ==
        "9999-12-31T23:59:59+00:00"
    );
    // UTC-12: 0001-01-01T00:00:00Z is 0000-12-31T12:00:00 local
    BOOST_TEST(asched::format_datetime(min_instant, time_zone::locate("Etc/GMT+12")) == "0001-01-01T00:00:00+00:00");
    // Inside the years the zone's own offset is kept: 9999-12-31T09:00Z is 23:00 in Kiritimati
    BOOST_TEST(
        asched::format_datetime(utc(9999, 12, 31, 9), time_zone::locate("Pacific/Kiritimati")) ==
        "9999-12-31T23:00:00+14:00"
    );
}

// A datetime outside the domain is an error, also when only its offset carries it out, or its zone.
BOOST_AUTO_TEST_CASE(a_datetime_outside_the_domain_is_an_error)
{
    const auto utc_zone = time_zone::utc();
    const strings outside{
        "9999-12-31T23:59:59-12:00",  // 10000-01-01T11:59:59Z
        "0001-01-01T00:00:00+01:00",  // 0000-12-31T23:00:00Z
        "0001-01-01T00:59:59+01:00",
        "0000-12-31T23:59:59Z",
        "10000-01-01T00:00:00Z",
        "-0001-01-01T00:00:00Z",
    };
    for (const auto& text : outside)
    {
        const std::string what = what_of<asched::invalid_datetime>([&] { (void)asched::parse_datetime(text, utc_zone); }
        );
        BOOST_TEST(what != "<no exception>", text);
        BOOST_TEST(one_line(what), what);
    }
    // A wall-clock time in the last hours of 9999 that lies past the end in a zone west of UTC
    BOOST_CHECK_THROW(
        (void)asched::parse_datetime("9999-12-31T23:00:00", time_zone::locate("Etc/GMT+12")),
        asched::invalid_datetime
    );
    BOOST_TEST(
        asched::parse_datetime("9999-12-31T23:00:00", time_zone::locate("Pacific/Kiritimati")) == utc(9999, 12, 31, 9)
    );
    // One microsecond inside each end is fine
    BOOST_TEST(asched::parse_datetime("0001-01-01T01:00:00+01:00", utc_zone) == min_instant);
    BOOST_TEST(asched::parse_datetime("9999-12-31T11:59:59.999999-12:00", utc_zone) == max_instant);
}

// In a trigger's JSON form, a datetime outside the domain is an invalid_trigger naming its key.
BOOST_AUTO_TEST_CASE(a_trigger_datetime_outside_the_domain_names_its_key)
{
    const std::string date_what = what_of<asched::invalid_trigger>([] {
        (void)json(R"({"type":"date","run_date":"9999-12-31T23:59:59-12:00"})");
    });
    BOOST_TEST(contains(date_what, "run_date"), date_what);
    const std::string start_what = what_of<asched::invalid_trigger>([] {
        (void)json(R"({"type":"interval","hours":1,"start_date":"0001-01-01T00:00:00+00:01"})");
    });
    BOOST_TEST(contains(start_what, "start_date"), start_what);
    const std::string end_what = what_of<asched::invalid_trigger>([] {
        (void)json(R"({"type":"cron","hour":"9","end_date":"10000-01-01"})");
    });
    BOOST_TEST(contains(end_what, "end_date"), end_what);
}

BOOST_AUTO_TEST_SUITE_END()

// -------------------------------------------------------------------------------------------------------- triggers

BOOST_AUTO_TEST_SUITE(domain_triggers)

// A date trigger at either end of the domain fires there, and its JSON form reads back as the same trigger.
BOOST_AUTO_TEST_CASE(date_triggers_at_the_ends_of_the_domain)
{
    for (const char* name : edge_zones)
    {
        const auto zone = time_zone::locate(name);
        for (const instant t : {min_instant, max_instant})
        {
            const date_trigger d{t, zone};
            BOOST_TEST(d.next_fire_time(std::nullopt, min_instant) == t);
            BOOST_TEST(!d.next_fire_time(t, t));
            const trigger back = trigger::from_json(d.to_json());
            BOOST_TEST(back.next_fire_time(std::nullopt, min_instant) == t, name << " " << d.describe());
        }
    }
}

// An interval as long as the whole domain is accepted: from the first instant it fires there and at the last.
BOOST_AUTO_TEST_CASE(an_interval_of_the_whole_domain_fires_at_both_ends)
{
    const interval_trigger whole{max_duration, {.start_date = min_instant}};
    BOOST_TEST(fire_instants(whole, min_instant, 5) == (std::vector<instant>{min_instant, max_instant}));
    // Without a start date it counts from now: the first fire lies past the end, so it is finished
    BOOST_TEST(!interval_trigger{max_duration}.next_fire_time(std::nullopt, utc(2026, 1, 1)));
}

// The longest durations are refused naming the key or parameter the user wrote, not another one.
BOOST_AUTO_TEST_CASE(intervals_longer_than_the_domain_name_their_key)
{
    const auto refused = [](const std::string& text) {
        return what_of<asched::invalid_trigger>([&] { (void)json(text); });
    };
    const std::string weeks = refused(R"({"type":"interval","weeks":1e6})");
    BOOST_TEST(contains(weeks, "weeks"), weeks);
    BOOST_TEST(!contains(weeks, "seconds'"), weeks);
    const std::string weeks_e12 = refused(R"({"type":"interval","weeks":1e12})");
    BOOST_TEST(contains(weeks_e12, "weeks"), weeks_e12);
    const std::string seconds = refused(R"({"type":"interval","seconds":9223372036854})");
    BOOST_TEST(contains(seconds, "seconds"), seconds);
    // The sum of units carries it past: blamed on the key that does
    const std::string sum = refused(R"({"type":"interval","weeks":500000,"days":200000})");
    BOOST_TEST(contains(sum, "days"), sum);
    // A number too large for any integer type is an error too, not an overflow
    const std::string huge = refused(R"({"type":"interval","seconds":1e308})");
    BOOST_TEST(contains(huge, "seconds"), huge);
    // One microsecond past the domain's span is refused; the span itself was accepted above
    const std::string longest = refused(
        R"({"type":"interval","seconds":)" + std::to_string(max_duration.count() / 1000000 + 1) + "}"
    );
    BOOST_TEST(contains(longest, "seconds"), longest);

    // In C++ the parameter is named, never a JSON key
    const std::string cpp = what_of<asched::invalid_trigger>([] { interval_trigger{std::chrono::microseconds::max()}; }
    );
    BOOST_TEST(contains(cpp, "interval_trigger"), cpp);
    BOOST_TEST(!contains(cpp, "key"), cpp);
    const std::string negative = what_of<asched::invalid_trigger>([] { interval_trigger{-1s}; });
    BOOST_TEST(contains(negative, "interval_trigger"), negative);
    BOOST_TEST(!contains(negative, "key"), negative);
    BOOST_CHECK_THROW(interval_trigger{max_duration + 1us}, asched::invalid_trigger);
}

// Near the end of the domain an interval finishes instead of overflowing or going back in time; answers are
// strictly increasing all the way.
BOOST_AUTO_TEST_CASE(intervals_near_the_end_finish_at_the_domain_end)
{
    const interval_trigger weekly{7 * 24h, {.start_date = utc(9999, 12, 3)}};
    BOOST_TEST(
        fires(weekly, utc(9999, 12, 1), 10) == (strings{
                                                   "9999-12-03T00:00:00Z",
                                                   "9999-12-10T00:00:00Z",
                                                   "9999-12-17T00:00:00Z",
                                                   "9999-12-24T00:00:00Z",
                                                   "9999-12-31T00:00:00Z"}),
        boost::test_tools::per_element()
    );
    // A long interval from 2026: 400,000 weeks (2,800,000 days) lands in 9692, the next would be past the end
    const interval_trigger long_weeks{std::chrono::weeks{400000}};
    const auto first = long_weeks.next_fire_time(std::nullopt, utc(2026, 1, 1));
    const instant expected{date::sys_days{date::year{2026} / 1 / 1} + date::days{2800000}};
    BOOST_TEST(first == std::optional<instant>{expected});
    BOOST_TEST(!long_weeks.next_fire_time(first, *first));
    // Every answer from a start near the first instant is strictly increasing and inside the domain
    const interval_trigger big{std::chrono::weeks{1000}, {.start_date = min_instant}};
    const auto times = fire_instants(big, min_instant, 1000);
    // 0001-01-01 + k * 7,000 days while that is at most 9999-12-31, the domain's 3,652,059th day: k = 0 .. 521
    BOOST_TEST(times.size() == 522u);
    for (std::size_t i = 1; i < times.size(); ++i)
        BOOST_TEST(times[i] > times[i - 1]);
    BOOST_TEST(times.back() <= max_instant);
}

// Jitter never carries a fire time past the end of the domain, and a jitter longer than it is refused.
BOOST_AUTO_TEST_CASE(jitter_stays_inside_the_domain)
{
    const interval_trigger hourly{1h, {.start_date = utc(9999, 12, 31, 22), .jitter = max_duration}};
    for (int i = 0; i < 200; ++i)
    {
        const auto t = hourly.next_fire_time(std::nullopt, utc(9999, 12, 31, 22, 30));
        BOOST_REQUIRE(t.has_value());
        BOOST_TEST(*t >= utc(9999, 12, 31, 23));
        BOOST_TEST(*t <= max_instant);
    }
    const std::string what = what_of<asched::invalid_trigger>([] {
        interval_trigger{1h, {.jitter = max_duration + 1us}};
    });
    BOOST_TEST(contains(what, "jitter"), what);
    const std::string json_what = what_of<asched::invalid_trigger>([] {
        (void)json(R"({"type":"cron","hour":"9","jitter":1e300})");
    });
    BOOST_TEST(contains(json_what, "jitter"), json_what);
}

// Cron and calendar-interval triggers at the last year: they fire on its last days and then are finished.
BOOST_AUTO_TEST_CASE(calendar_triggers_in_the_last_year)
{
    const cron_trigger new_years_eve{{.month = "12", .day = "31", .hour = "12"}};
    BOOST_TEST(
        fires(new_years_eve, utc(9998, 1, 1), 5) == (strings{"9998-12-31T12:00:00Z", "9999-12-31T12:00:00Z"}),
        boost::test_tools::per_element()
    );
    // In New York, noon on 9999-12-31 is 17:00Z; the next fire would be in the year 10000
    const cron_trigger ny{
        {.month = "12", .day = "31", .hour = "12"},
        {.timezone = time_zone::locate("America/New_York")}};
    BOOST_TEST(fires(ny, utc(9999, 1, 1), 5) == (strings{"9999-12-31T17:00:00Z"}), boost::test_tools::per_element());
    const calendar_interval_trigger yearly{
        {.years = 1, .hour = 6, .start_date = date::year{9997} / 6 / 1, .timezone = time_zone::utc()}};
    BOOST_TEST(
        fires(yearly, utc(9997, 1, 1), 10) ==
            (strings{"9997-06-01T06:00:00Z", "9998-06-01T06:00:00Z", "9999-06-01T06:00:00Z"}),
        boost::test_tools::per_element()
    );
    // The 2038 boundary of a 32-bit time_t is an ordinary day
    BOOST_TEST(
        fires(
            cron_trigger{{.year = "2038", .month = "1", .day = "19", .hour = "3", .minute = "14", .second = "7-8"}},
            utc(2038, 1, 1),
            5
        ) == (strings{"2038-01-19T03:14:07Z", "2038-01-19T03:14:08Z"}),
        boost::test_tools::per_element()
    );
}

BOOST_AUTO_TEST_SUITE_END()

// ------------------------------------------------------------------------------------------------ and/or limits

BOOST_AUTO_TEST_SUITE(domain_combining_limits)

// Nesting of and/or: 8 levels are accepted, 9 are refused, in C++ and in JSON; the deepest still answers.
BOOST_AUTO_TEST_CASE(nesting_is_at_most_8_levels)
{
    const trigger deepest = nested_or(8);
    BOOST_TEST(str(deepest.next_fire_time(std::nullopt, utc(2026, 1, 1))) == "2026-01-01T09:00:00Z");
    BOOST_CHECK_NO_THROW((void)json(nested_or_json(8)));
    const std::string what = what_of<asched::invalid_trigger>([] { (void)nested_or(9); });
    BOOST_TEST(contains(what, "8"), what);
    BOOST_CHECK_THROW((void)json(nested_or_json(9)), asched::invalid_trigger);
    // A document nested far deeper is refused as well, without exhausting the stack
    BOOST_CHECK_THROW((void)json(nested_or_json(5000)), std::invalid_argument);
}

// max_iterations: 1,000,000 is the most, in C++ and in JSON; zero and more are refused naming the setting.
BOOST_AUTO_TEST_CASE(max_iterations_is_at_most_a_million)
{
    const std::vector<trigger> two{cron_trigger{{.hour = "9"}}, cron_trigger{{.minute = "0"}}};
    BOOST_CHECK_NO_THROW(and_trigger(two, 1s, 1'000'000));
    const std::string cpp = what_of<asched::invalid_trigger>([&] { and_trigger(two, 1s, 1'000'001); });
    BOOST_TEST(contains(cpp, "max_iterations"), cpp);
    BOOST_CHECK_THROW(and_trigger(two, 1s, 0), asched::invalid_trigger);
    const std::string base = R"({"type":"and","triggers":[{"type":"cron","hour":"9"},{"type":"cron","minute":"0"}],)";
    BOOST_CHECK_NO_THROW((void)json(base + R"("max_iterations":1000000})"));
    const std::string json_what = what_of<asched::invalid_trigger>([&] {
        (void)json(base + R"("max_iterations":1000000000000000})");
    });
    BOOST_TEST(contains(json_what, "max_iterations"), json_what);
    BOOST_CHECK_THROW((void)json(base + R"("max_iterations":1000001})"), asched::invalid_trigger);
}

// An and of children that never agree gives up after its rounds; nested ones share one budget per call, so the
// work of a call is bounded whatever the nesting.
BOOST_AUTO_TEST_CASE(a_search_that_never_agrees_gives_up)
{
    const and_trigger never{{cron_trigger{{.hour = "9"}}, cron_trigger{{.hour = "10"}}}, 1s, 1'000'000};
    BOOST_CHECK_THROW((void)never.next_fire_time(std::nullopt, utc(2026, 1, 1)), asched::trigger_search_exhausted);
    // Each level would search a million rounds of the one below: the shared budget stops it
    const and_trigger outer{{never, cron_trigger{{.minute = "0"}}}, 1s, 1'000'000};
    const and_trigger outermost{{outer, cron_trigger{{.second = "0"}}}, 1s, 1'000'000};
    BOOST_CHECK_THROW((void)outermost.next_fire_time(std::nullopt, utc(2026, 1, 1)), asched::trigger_search_exhausted);
    // The budget is per call: a trigger that does agree answers after one that failed
    const and_trigger agrees{{cron_trigger{{.hour = "9"}}, cron_trigger{{.minute = "0"}}}, 0s, 1'000'000};
    BOOST_TEST(str(agrees.next_fire_time(std::nullopt, utc(2026, 1, 1))) == "2026-01-01T09:00:00Z");
}

// An or at the end of the domain: finished when every child is, never past the end.
BOOST_AUTO_TEST_CASE(an_or_at_the_end_of_the_domain_finishes)
{
    const or_trigger either{
        {cron_trigger{{.month = "12", .day = "31", .hour = "23", .minute = "59", .second = "59"}},
         date_trigger{max_instant}}};
    BOOST_TEST(
        fires(either, utc(9999, 12, 31), 5) == (strings{"9999-12-31T23:59:59Z", "9999-12-31T23:59:59.999999Z"}),
        boost::test_tools::per_element()
    );
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------------- error text

BOOST_AUTO_TEST_SUITE(domain_error_text)

// Huge input gives a short message: the quoted part is cut with "...".
BOOST_AUTO_TEST_CASE(a_huge_crontab_gives_a_short_line)
{
    const std::string what = what_of<asched::invalid_trigger>([] {
        (void)cron_trigger::from_crontab(std::string(100000, '7') + " * * * *");
    });
    BOOST_TEST(what.size() < 300u, what.size() << " bytes: " << what);
    BOOST_TEST(contains(what, "..."), what);
    BOOST_TEST(one_line(what));
    // Bytes that must be escaped (4 bytes shown for each) are cut by their shown width, not by their count
    const std::string escaped = what_of<asched::invalid_trigger>([] {
        (void)cron_trigger::from_crontab("*/" + std::string(100000, '\xcf') + " * * * *");
    });
    BOOST_TEST(escaped.size() < 300u, escaped.size() << " bytes: " << escaped);
    BOOST_TEST(one_line(escaped));
    const std::string nul = what_of<asched::invalid_trigger>([] {
        (void)json(std::string("3N 12") + std::string(200, '\0') + " * * *");
    });
    BOOST_TEST(nul.size() < 300u, nul.size() << " bytes: " << nul);
    BOOST_TEST(one_line(nul));
}

// Control characters in input are shown escaped, so a message is one line and a terminal sees no escape sequence.
BOOST_AUTO_TEST_CASE(control_characters_are_escaped)
{
    const std::string what = what_of<asched::invalid_trigger>([] {
        (void)cron_trigger::from_crontab("0 9\n\x1b[31m * * *");
    });
    BOOST_TEST(one_line(what), what);
    BOOST_TEST(contains(what, "\\x1b"), what);
    const std::string date_what = what_of<asched::invalid_datetime>([] {
        (void)asched::parse_datetime("2026-01-01\nT00:00:00Z", time_zone::utc());
    });
    BOOST_TEST(one_line(date_what), date_what);
    BOOST_TEST(contains(date_what, "\\n"), date_what);
    const std::string zone_what = what_of<asched::unknown_time_zone>([] {
        (void)time_zone::locate("Europe/\x1b[2JBerlin");
    });
    BOOST_TEST(one_line(zone_what), zone_what);
    BOOST_TEST(contains(zone_what, "\\x1b"), zone_what);
}

// Every kind of bad input raises the exception errors.hpp names for it, all std::invalid_argument.
BOOST_AUTO_TEST_CASE(each_kind_of_bad_input_has_its_exception)
{
    BOOST_CHECK_THROW((void)time_zone::locate("Mars/Olympus_Mons"), asched::unknown_time_zone);
    BOOST_CHECK_THROW((void)asched::parse_datetime("2026-02-30", time_zone::utc()), asched::invalid_datetime);
    BOOST_CHECK_THROW((void)cron_trigger::from_crontab("61 * * * *"), asched::invalid_trigger);
    BOOST_CHECK_THROW(asched::validate_job_id(""), asched::invalid_job_id);
    // The trigger's JSON form reports a bad zone or datetime as invalid_trigger naming the key
    const std::string zone_key = what_of<asched::invalid_trigger>([] {
        (void)json(R"({"type":"cron","hour":"9","timezone":"Mars/Olympus_Mons"})");
    });
    BOOST_TEST(contains(zone_key, "timezone"), zone_key);
    BOOST_CHECK_THROW((void)time_zone::locate("Mars/Olympus_Mons"), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

// ------------------------------------------------------------------------------------------------------- job ids

BOOST_AUTO_TEST_SUITE(domain_job_ids)

// 1 to 200 bytes of UTF-8 without control characters; everything else is refused saying why.
BOOST_AUTO_TEST_CASE(the_job_id_rule)
{
    BOOST_CHECK_NO_THROW(asched::validate_job_id("a"));
    BOOST_CHECK_NO_THROW(asched::validate_job_id(std::string(200, 'x')));
    BOOST_CHECK_NO_THROW(asched::validate_job_id("rapport-été-✓"));
    BOOST_CHECK_NO_THROW(asched::validate_job_id("with spaces and / slashes: fine"));
    // 200 bytes of two-byte characters is the limit too
    std::string accents;
    for (int i = 0; i < 100; ++i)
        accents += "é";
    BOOST_CHECK_NO_THROW(asched::validate_job_id(accents));

    const auto refusal = [](const std::string& id) {
        return what_of<asched::invalid_job_id>([&] { asched::validate_job_id(id); });
    };
    BOOST_TEST(contains(refusal(""), "empty"));
    BOOST_TEST(contains(refusal(std::string(201, 'x')), "201"));
    BOOST_TEST(contains(refusal(accents + "x"), "201"));
    BOOST_TEST(contains(refusal(std::string(10000, 'x')), "10000"));
    BOOST_TEST(contains(refusal("a\xff"), "UTF-8"));
    BOOST_TEST(contains(refusal("\xc3"), "UTF-8"));          // a character cut short
    BOOST_TEST(contains(refusal("\xed\xa0\x80"), "UTF-8"));  // a surrogate
    BOOST_TEST(contains(refusal("\xc0\xaf"), "UTF-8"));      // an overlong '/'
    for (const std::string& id :
         {std::string("line\nbreak"),
          std::string("nul\0byte", 8),
          std::string("tab\there"),
          std::string("esc\x1b[31m"),
          std::string("del\x7f"),
          std::string("c1\xc2\x85")})
    {
        const std::string what = refusal(id);
        BOOST_TEST(contains(what, "control character"), what);
        BOOST_TEST(one_line(what), what);
    }
    // The message of a long id stays short
    BOOST_TEST(refusal(std::string(10000, 'x')).size() < 200u);
}

BOOST_AUTO_TEST_SUITE_END()
