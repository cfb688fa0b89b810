// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// The date, interval, calendarinterval, and, or triggers; jitter; the JSON round trip and describe() of every kind
// (spec: "next_fire_time", "Kinds and their JSON form"). Times are UTC unless a case says otherwise.
// 2026-01-01 is a Thursday.

#include <asched/triggers.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <set>
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
using asched::or_trigger;
using asched::time_zone;
using asched::trigger;
using asched::test::after;
using asched::test::at;
using asched::test::crontab;
using asched::test::fires;
using asched::test::first;
using asched::test::json;
using asched::test::str;
using strings = std::vector<std::string>;

namespace {

const auto new_year = at("2026-01-01T00:00:00Z");

date::year_month_day ymd(int y, unsigned m, unsigned d) { return date::year{y} / date::month{m} / date::day{d}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(date_triggers)

// Fires once at run_date: now before or at run_date gives it, after gives none.
BOOST_AUTO_TEST_CASE(fires_once)
{
    const date_trigger t{at("2026-06-01T12:00:00Z")};
    BOOST_TEST(first(t, new_year) == "2026-06-01T12:00:00Z");
    BOOST_TEST(first(t, at("2026-06-01T12:00:00Z")) == "2026-06-01T12:00:00Z");  // at now: inclusive
    BOOST_TEST(fires(t, new_year, 3) == (strings{"2026-06-01T12:00:00Z"}), boost::test_tools::per_element());
    BOOST_TEST(str(t.run_date()) == "2026-06-01T12:00:00Z");
    BOOST_TEST(t.kind() == "date");
}

// A run_date before now: no fire time (a trigger never answers the past).
BOOST_AUTO_TEST_CASE(run_date_in_the_past)
{
    const date_trigger t{at("2026-06-01T12:00:00Z")};
    BOOST_TEST(!t.next_fire_time(std::nullopt, at("2026-06-01T12:00:00.000001Z")));
    BOOST_TEST(!t.next_fire_time(std::nullopt, at("2027-01-01T00:00:00Z")));
}

// previous at or after run_date: finished.
BOOST_AUTO_TEST_CASE(previous_at_or_after_run_date)
{
    const date_trigger t{at("2026-06-01T12:00:00Z")};
    BOOST_TEST(!t.next_fire_time(at("2026-06-01T12:00:00Z"), new_year));
    BOOST_TEST(!t.next_fire_time(at("2026-07-01T00:00:00Z"), new_year));
}

// The zone is only where it is shown; a JSON run_date with an offset is exact, a local one is in the zone.
BOOST_AUTO_TEST_CASE(zone_and_json)
{
    const auto berlin = time_zone::locate("Europe/Berlin");
    const date_trigger t{at("2026-06-01T12:00:00Z"), berlin};
    BOOST_TEST((t.zone() == berlin));
    BOOST_TEST(first(t, new_year) == "2026-06-01T12:00:00Z");
    // 12:00 CEST (+2) = 10:00Z
    BOOST_TEST(
        first(json(R"({"type":"date","run_date":"2026-06-01T12:00:00","timezone":"Europe/Berlin"})"), new_year) ==
        "2026-06-01T10:00:00Z"
    );
    BOOST_TEST(
        first(json(R"({"type":"date","run_date":"2026-06-01T12:00:00-03:00","timezone":"Europe/Berlin"})"), new_year) ==
        "2026-06-01T15:00:00Z"
    );
    // A bare date is local midnight
    BOOST_TEST(
        first(json(R"({"type":"date","run_date":"2026-06-01","timezone":"Europe/Berlin"})"), new_year) ==
        "2026-05-31T22:00:00Z"
    );
    // The default zone passed to from_json/parse applies when the JSON names none
    const auto local = trigger::parse(R"({"type":"date","run_date":"2026-06-01T12:00:00"})", berlin);
    BOOST_TEST(first(local, new_year) == "2026-06-01T10:00:00Z");
    BOOST_TEST((local.zone() == berlin));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(interval_triggers)

// Without start_date the first fire is now + interval, then every interval after the previous one.
BOOST_AUTO_TEST_CASE(without_start_date)
{
    const interval_trigger t{90s};
    BOOST_TEST(
        fires(t, new_year, 3) == (strings{"2026-01-01T00:01:30Z", "2026-01-01T00:03:00Z", "2026-01-01T00:04:30Z"}),
        boost::test_tools::per_element()
    );
    BOOST_TEST(t.interval().count() == 90'000'000);
    BOOST_TEST(t.kind() == "interval");
    // A sub-second now carries through
    BOOST_TEST(first(t, at("2026-01-01T00:00:00.25Z")) == "2026-01-01T00:01:30.250000Z");
}

// With start_date: the grid start_date + k * interval; the first grid point at or after max(now, start_date).
BOOST_AUTO_TEST_CASE(start_date_grid)
{
    const interval_trigger t{1h, {.start_date = new_year}};
    BOOST_TEST(first(t, at("2025-12-01T00:00:00Z")) == "2026-01-01T00:00:00Z");  // before start: start
    BOOST_TEST(first(t, new_year) == "2026-01-01T00:00:00Z");                    // at start: inclusive
    BOOST_TEST(first(t, at("2026-01-01T02:00:00Z")) == "2026-01-01T02:00:00Z");  // on the grid: inclusive
    BOOST_TEST(first(t, at("2026-01-01T02:30:00Z")) == "2026-01-01T03:00:00Z");  // between: next grid point
    BOOST_TEST(first(t, at("2026-01-01T02:00:00.000001Z")) == "2026-01-01T03:00:00Z");
    BOOST_TEST(after(t, at("2026-01-01T05:00:00Z")) == "2026-01-01T06:00:00Z");
    // Years later, the grid has not drifted
    BOOST_TEST(first(t, at("2036-07-15T10:20:30Z")) == "2036-07-15T11:00:00Z");
}

// A 7-second grid from an odd start: k * 7 s exactly.
BOOST_AUTO_TEST_CASE(grid_of_odd_interval)
{
    const interval_trigger t{7s, {.start_date = at("2026-01-01T00:00:03Z")}};
    // 00:01:00 is 57 s after the start: the next multiple of 7 is 63 s -> 00:01:06
    BOOST_TEST(first(t, at("2026-01-01T00:01:00Z")) == "2026-01-01T00:01:06Z");
    BOOST_TEST(first(t, at("2026-01-01T00:01:06Z")) == "2026-01-01T00:01:06Z");
}

// Fractional seconds in JSON: 1.5 s.
BOOST_AUTO_TEST_CASE(fractional_seconds)
{
    const auto t = json(R"({"type":"interval","seconds":1.5,"start_date":"2026-01-01T00:00:00Z"})");
    BOOST_TEST(
        fires(t, new_year, 3) ==
            (strings{"2026-01-01T00:00:00Z", "2026-01-01T00:00:01.500000Z", "2026-01-01T00:00:03Z"}),
        boost::test_tools::per_element()
    );
    const interval_trigger us{1500ms};
    BOOST_TEST(first(us, new_year) == "2026-01-01T00:00:01.500000Z");
}

// The JSON units add up: 1 week + 1 day + 1 h + 1 min + 1 s.
BOOST_AUTO_TEST_CASE(json_units_add_up)
{
    const auto t = json(
        R"({"type":"interval","weeks":1,"days":1,"hours":1,"minutes":1,"seconds":1,"start_date":"2026-01-01T00:00:00Z"})"
    );
    BOOST_TEST(after(t, new_year) == "2026-01-09T01:01:01Z");
    BOOST_TEST(after(json(R"({"type":"interval","minutes":0.5})"), new_year) == "2026-01-01T00:00:30Z");
}

// end_date is inclusive; past it the trigger is finished.
BOOST_AUTO_TEST_CASE(end_date)
{
    const interval_trigger t{1h, {.start_date = new_year, .end_date = at("2026-01-01T02:00:00Z")}};
    BOOST_TEST(
        fires(t, new_year, 10) == (strings{"2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"}),
        boost::test_tools::per_element()
    );
    BOOST_TEST(!t.next_fire_time(std::nullopt, at("2026-01-01T02:00:01Z")));
    const interval_trigger no_start{1h, {.end_date = at("2026-01-01T01:59:59Z")}};
    BOOST_TEST(fires(no_start, new_year, 10) == (strings{"2026-01-01T01:00:00Z"}), boost::test_tools::per_element());
}

// With a previous answer, the next one is strictly after it (now does not move the grid).
BOOST_AUTO_TEST_CASE(previous_decides)
{
    const interval_trigger t{1h, {.start_date = new_year}};
    BOOST_TEST(str(t.next_fire_time(at("2026-01-01T01:00:00Z"), at("2026-01-01T01:00:00Z"))) == "2026-01-01T02:00:00Z");
    BOOST_TEST(str(t.next_fire_time(at("2026-01-01T01:00:00Z"), at("2026-01-01T05:30:00Z"))) == "2026-01-01T02:00:00Z");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(calendar_interval_triggers)

// Jan 31 + 1 month: Feb 31 doesn't exist, so it keeps adding months: Mar 31 (skipped, never clamped).
BOOST_AUTO_TEST_CASE(month_end_skips_short_months)
{
    const calendar_interval_trigger t{{.months = 1, .hour = 9, .start_date = ymd(2026, 1, 31)}};
    BOOST_TEST(
        fires(t, new_year, 8) == (strings{
                                     "2026-01-31T09:00:00Z",
                                     "2026-03-31T09:00:00Z",
                                     "2026-05-31T09:00:00Z",
                                     "2026-07-31T09:00:00Z",
                                     "2026-08-31T09:00:00Z",
                                     "2026-10-31T09:00:00Z",
                                     "2026-12-31T09:00:00Z",
                                     "2027-01-31T09:00:00Z",
                                 }),
        boost::test_tools::per_element()
    );
    BOOST_TEST(t.kind() == "calendarinterval");
}

// Yearly from Feb 29: only leap years have it.
BOOST_AUTO_TEST_CASE(years_from_leap_day)
{
    const calendar_interval_trigger t{{.years = 1, .start_date = ymd(2024, 2, 29)}};
    BOOST_TEST(
        fires(t, at("2024-01-01T00:00:00Z"), 3) ==
            (strings{"2024-02-29T00:00:00Z", "2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}),
        boost::test_tools::per_element()
    );
    const calendar_interval_trigger two{{.years = 2, .hour = 6, .start_date = ymd(2026, 7, 4)}};
    BOOST_TEST(
        fires(two, new_year, 2) == (strings{"2026-07-04T06:00:00Z", "2028-07-04T06:00:00Z"}),
        boost::test_tools::per_element()
    );
}

// Years and months are added together, again and again while the day does not exist; days are added after.
BOOST_AUTO_TEST_CASE(skip_then_add_days)
{
    // 2024-01-31 + 1y1m = 2025-02-31 (no) -> 2026-03-31; -> 2027-04-31 (no) -> 2028-05-31; -> 2029-06-31 (no) ->
    // 2030-07-31
    const calendar_interval_trigger t{{.years = 1, .months = 1, .start_date = ymd(2024, 1, 31)}};
    BOOST_TEST(
        fires(t, at("2024-01-01T00:00:00Z"), 4) == (strings{
                                                       "2024-01-31T00:00:00Z",
                                                       "2026-03-31T00:00:00Z",
                                                       "2028-05-31T00:00:00Z",
                                                       "2030-07-31T00:00:00Z",
                                                   }),
        boost::test_tools::per_element()
    );
    // 01-30 + 1m = 02-30 (no) -> 03-30, + 1d -> 03-31; + 1m = 04-31 (no) -> 05-31, + 1d -> 06-01; -> 07-01 + 1d ->
    // 07-02
    const calendar_interval_trigger d{{.months = 1, .days = 1, .start_date = ymd(2026, 1, 30)}};
    BOOST_TEST(
        fires(d, new_year, 4) == (strings{
                                     "2026-01-30T00:00:00Z",
                                     "2026-03-31T00:00:00Z",
                                     "2026-06-01T00:00:00Z",
                                     "2026-07-02T00:00:00Z",
                                 }),
        boost::test_tools::per_element()
    );
}

// Weeks and days are plain calendar days.
BOOST_AUTO_TEST_CASE(weeks_and_days)
{
    const calendar_interval_trigger weeks{{.weeks = 2, .hour = 12, .start_date = ymd(2026, 1, 1)}};
    BOOST_TEST(
        fires(weeks, new_year, 3) == (strings{"2026-01-01T12:00:00Z", "2026-01-15T12:00:00Z", "2026-01-29T12:00:00Z"}),
        boost::test_tools::per_element()
    );
    const calendar_interval_trigger days{{.days = 10, .start_date = ymd(2026, 1, 1)}};
    BOOST_TEST(
        fires(days, new_year, 5) == (strings{
                                        "2026-01-01T00:00:00Z",
                                        "2026-01-11T00:00:00Z",
                                        "2026-01-21T00:00:00Z",
                                        "2026-01-31T00:00:00Z",
                                        "2026-02-10T00:00:00Z",
                                    }),
        boost::test_tools::per_element()
    );
    // Months first, then days: Jan 1 -> Feb 1 + 1 day -> Feb 2 -> Mar 2 + 1 -> Mar 3
    const calendar_interval_trigger both{{.months = 1, .days = 1, .start_date = ymd(2026, 1, 1)}};
    BOOST_TEST(
        fires(both, new_year, 3) == (strings{"2026-01-01T00:00:00Z", "2026-02-02T00:00:00Z", "2026-03-03T00:00:00Z"}),
        boost::test_tools::per_element()
    );
}

// The time of day is local: 09:30:15 in Berlin is 08:30:15Z in winter, 07:30:15Z in summer.
BOOST_AUTO_TEST_CASE(local_time_of_day)
{
    const calendar_interval_trigger t{
        {.months = 6,
         .hour = 9,
         .minute = 30,
         .second = 15,
         .start_date = ymd(2026, 1, 15),
         .timezone = time_zone::locate("Europe/Berlin")}};
    BOOST_TEST(
        fires(t, new_year, 2) == (strings{"2026-01-15T08:30:15Z", "2026-07-15T07:30:15Z"}),
        boost::test_tools::per_element()
    );
}

// The first fire at or after now: dates before now are passed over, the sequence itself does not move.
BOOST_AUTO_TEST_CASE(now_after_start_date)
{
    const calendar_interval_trigger t{{.weeks = 1, .start_date = ymd(2026, 1, 1)}};
    BOOST_TEST(first(t, at("2026-01-10T00:00:00Z")) == "2026-01-15T00:00:00Z");
    BOOST_TEST(after(t, at("2026-01-15T00:00:00Z")) == "2026-01-22T00:00:00Z");
    // A start date in the future: nothing before it
    const calendar_interval_trigger later{{.days = 1, .start_date = ymd(2026, 3, 1)}};
    BOOST_TEST(first(later, new_year) == "2026-03-01T00:00:00Z");
}

// Without start_date the sequence starts on the local date of now.
BOOST_AUTO_TEST_CASE(default_start_date_is_local_date_of_now)
{
    const calendar_interval_trigger t{{.days = 2, .hour = 9}};
    // 09:00 today is still ahead
    BOOST_TEST(first(t, at("2026-03-10T08:00:00Z")) == "2026-03-10T09:00:00Z");
    BOOST_TEST(after(t, at("2026-03-10T09:00:00Z")) == "2026-03-12T09:00:00Z");
    // 09:00 today has passed: the next date of the sequence started today
    BOOST_TEST(first(t, at("2026-03-10T10:00:00Z")) == "2026-03-12T09:00:00Z");
    // The local date, not the UTC date: 2026-03-10T20:00Z is 03-11 05:00 in Tokyo; 09:00 JST = 00:00Z
    const calendar_interval_trigger tokyo{{.days = 2, .hour = 9, .timezone = time_zone::locate("Asia/Tokyo")}};
    BOOST_TEST(first(tokyo, at("2026-03-10T20:00:00Z")) == "2026-03-11T00:00:00Z");
}

// end_date is inclusive, then finished.
BOOST_AUTO_TEST_CASE(end_date)
{
    const calendar_interval_trigger t{
        {.days = 1, .hour = 9, .start_date = ymd(2026, 1, 1), .end_date = ymd(2026, 1, 3)}};
    BOOST_TEST(
        fires(t, new_year, 10) == (strings{"2026-01-01T09:00:00Z", "2026-01-02T09:00:00Z", "2026-01-03T09:00:00Z"}),
        boost::test_tools::per_element()
    );
    BOOST_TEST(!t.next_fire_time(std::nullopt, at("2026-01-03T09:00:01Z")));
}

// The JSON form: start_date is a date; hour/minute/second default to 0.
BOOST_AUTO_TEST_CASE(json_form)
{
    const auto t = json(R"({"type":"calendarinterval","months":1,"hour":9,"start_date":"2026-01-31"})");
    BOOST_TEST(
        fires(t, new_year, 3) == (strings{"2026-01-31T09:00:00Z", "2026-03-31T09:00:00Z", "2026-05-31T09:00:00Z"}),
        boost::test_tools::per_element()
    );
    const auto midnight = json(R"({"type":"calendarinterval","days":1,"start_date":"2026-01-05"})");
    BOOST_TEST(first(midnight, new_year) == "2026-01-05T00:00:00Z");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(and_triggers)

// Daily 12:00 AND Mondays 12:00: Mondays at 12:00.
BOOST_AUTO_TEST_CASE(common_times)
{
    const and_trigger t{{crontab("0 12 * * *"), crontab("0 12 * * mon")}};
    BOOST_TEST(
        fires(t, new_year, 3) == (strings{"2026-01-05T12:00:00Z", "2026-01-12T12:00:00Z", "2026-01-19T12:00:00Z"}),
        boost::test_tools::per_element()
    );
    BOOST_TEST(t.kind() == "and");
    // Every 10 and every 15 minutes, threshold 0: on the half hour
    const and_trigger exact{{crontab("*/10 * * * *"), crontab("*/15 * * * *")}, 0s};
    BOOST_TEST(
        fires(exact, new_year, 3) == (strings{"2026-01-01T00:00:00Z", "2026-01-01T00:30:00Z", "2026-01-01T01:00:00Z"}),
        boost::test_tools::per_element()
    );
}

// The threshold is inclusive and the answer is the earliest of the children's times.
BOOST_AUTO_TEST_CASE(threshold_inclusive_earliest_wins)
{
    const and_trigger t{{crontab("1 12 * * *"), crontab("0 12 * * *")}, 60s};
    BOOST_TEST(
        fires(t, new_year, 2) == (strings{"2026-01-01T12:00:00Z", "2026-01-02T12:00:00Z"}),
        boost::test_tools::per_element()
    );
    // 59 s: they never agree, and the search gives up after max_iterations rounds
    const and_trigger never{{crontab("0 12 * * *"), crontab("1 12 * * *")}, 59s, 100};
    BOOST_CHECK_THROW(never.next_fire_time(std::nullopt, new_year), asched::trigger_search_exhausted);
}

// A child's time used in an answer is not used again: each child moves past its own first fire at or after previous.
BOOST_AUTO_TEST_CASE(child_times_not_reused)
{
    // A fires at :00 and :01, B at :01; threshold 60 s. 00:00 pairs A 00:00 with B 00:01. After it, A's next is
    // 00:01 but B's is 01:01 (its 00:01 was used), so the next answer is 01:00 (A 01:00 with B 01:01), not 00:01.
    const and_trigger t{{crontab("0,1 * * * *"), crontab("1 * * * *")}, 60s};
    BOOST_TEST(
        fires(t, new_year, 3) == (strings{"2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"}),
        boost::test_tools::per_element()
    );
}

// Finished as soon as any child is, even when the children never agree (finished wins over the error).
BOOST_AUTO_TEST_CASE(finished_wins)
{
    // A already finished: none, even with a single allowed round
    const and_trigger past{{date_trigger{at("2025-06-01T00:00:00Z")}, crontab("0 12 * * *")}, 1s, 1};
    BOOST_TEST(!past.next_fire_time(std::nullopt, new_year));
    // A runs out while the search goes on: none rather than an error
    const and_trigger runs_out{{date_trigger{at("2026-01-10T12:00:30Z")}, crontab("0 12 * * *")}, 1s};
    BOOST_TEST(!runs_out.next_fire_time(std::nullopt, new_year));
    // Two equal date triggers fire once, then are finished
    const and_trigger once{{date_trigger{at("2026-02-01T00:00:00Z")}, date_trigger{at("2026-02-01T00:00:00Z")}}};
    BOOST_TEST(fires(once, new_year, 3) == (strings{"2026-02-01T00:00:00Z"}), boost::test_tools::per_element());
}

// The JSON form with defaults (threshold 1 s, max_iterations 10000); the zone is the first child's.
BOOST_AUTO_TEST_CASE(json_form_and_zone)
{
    const auto t = json(R"({"type":"and","triggers":[{"type":"cron","hour":9,"timezone":"Europe/Berlin"},)"
                        R"({"type":"cron","day_of_week":"sat,sun","hour":"*","timezone":"UTC"}]})");
    // 09:00 CET = 08:00Z on Sat 01-03; the UTC child fires hourly on weekends
    BOOST_TEST(first(t, new_year) == "2026-01-03T08:00:00Z");
    BOOST_TEST(t.zone().name() == "Europe/Berlin");
    const auto loose = json(
        R"({"type":"and","threshold":90,"max_iterations":5,"triggers":[{"type":"cron","crontab":"0 12 * * *"},)"
        R"({"type":"cron","crontab":"1 12 * * *"}]})"
    );
    BOOST_TEST(first(loose, new_year) == "2026-01-01T12:00:00Z");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(or_triggers)

// The earliest of the children's next times.
BOOST_AUTO_TEST_CASE(earliest_child)
{
    const or_trigger t{{crontab("30 17 * * *"), crontab("0 9 * * *")}};
    BOOST_TEST(
        fires(t, new_year, 3) == (strings{"2026-01-01T09:00:00Z", "2026-01-01T17:30:00Z", "2026-01-02T09:00:00Z"}),
        boost::test_tools::per_element()
    );
    BOOST_TEST(t.kind() == "or");
}

// Equal times fire once.
BOOST_AUTO_TEST_CASE(equal_times_fire_once)
{
    const or_trigger t{{crontab("0 12 * * *"), crontab("0 12 * * mon")}};
    BOOST_TEST(
        fires(t, at("2026-01-04T13:00:00Z"), 3) ==
            (strings{"2026-01-05T12:00:00Z", "2026-01-06T12:00:00Z", "2026-01-07T12:00:00Z"}),
        boost::test_tools::per_element()
    );
}

// Finished when every child is; a finished child no longer contributes.
BOOST_AUTO_TEST_CASE(finished_when_all_are)
{
    const or_trigger dates{{date_trigger{at("2026-01-05T00:00:00Z")}, date_trigger{at("2026-01-02T00:00:00Z")}}};
    BOOST_TEST(
        fires(dates, new_year, 5) == (strings{"2026-01-02T00:00:00Z", "2026-01-05T00:00:00Z"}),
        boost::test_tools::per_element()
    );
    const or_trigger mixed{{date_trigger{at("2026-01-01T06:00:00Z")}, crontab("0 12 * * *")}};
    BOOST_TEST(
        fires(mixed, new_year, 3) == (strings{"2026-01-01T06:00:00Z", "2026-01-01T12:00:00Z", "2026-01-02T12:00:00Z"}),
        boost::test_tools::per_element()
    );
}

// The zone is the first child's; the JSON form nests.
BOOST_AUTO_TEST_CASE(json_form_and_zone)
{
    const auto t = json(R"({"type":"or","triggers":[{"type":"cron","hour":9,"timezone":"Asia/Tokyo"},)"
                        R"({"type":"date","run_date":"2026-01-01T03:00:00Z"}]})");
    BOOST_TEST(t.zone().name() == "Asia/Tokyo");
    // 09:00 JST = 00:00Z
    BOOST_TEST(
        fires(t, new_year, 3) == (strings{"2026-01-01T00:00:00Z", "2026-01-01T03:00:00Z", "2026-01-02T00:00:00Z"}),
        boost::test_tools::per_element()
    );
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(jitter)

// Each fire is delayed by a uniform random amount in [0, jitter].
BOOST_AUTO_TEST_CASE(within_bounds)
{
    const interval_trigger t{1h, {.start_date = new_year, .jitter = 30s}};
    std::set<instant> seen;
    for (int k = 0; k < 200; ++k)
    {
        const auto base = new_year + std::chrono::hours{k};
        const auto got = t.next_fire_time(std::nullopt, base);
        BOOST_REQUIRE(got);
        BOOST_TEST((*got >= base && *got <= base + 30s), str(*got) << " not within 30 s after " << str(base));
        seen.insert(*got - std::chrono::hours{k});
    }
    // 200 uniform draws over 30 s are not all the same
    BOOST_TEST(seen.size() > 1u);
}

// Fed back as previous, jittered answers still follow the schedule and strictly increase.
BOOST_AUTO_TEST_CASE(successive_answers_follow_schedule)
{
    const auto t = json(R"({"type":"interval","hours":1,"start_date":"2026-01-01T00:00:00Z","jitter":30})");
    const auto got = asched::test::fire_instants(t, new_year, 100);
    BOOST_REQUIRE(got.size() == 100u);
    for (std::size_t i = 0; i < got.size(); ++i)
    {
        const auto base = new_year + std::chrono::hours{static_cast<int>(i)};
        BOOST_TEST((got[i] >= base && got[i] <= base + 30s), str(got[i]) << " vs " << str(base));
        if (i > 0)
            BOOST_TEST((got[i] > got[i - 1]));
    }
    const cron_trigger c{{.minute = "*/10"}, {.jitter = 5s}};
    const auto cron_got = asched::test::fire_instants(c, new_year, 100);
    BOOST_REQUIRE(cron_got.size() == 100u);
    for (std::size_t i = 0; i < cron_got.size(); ++i)
    {
        const auto base = new_year + std::chrono::minutes{10 * static_cast<int>(i)};
        BOOST_TEST((cron_got[i] >= base && cron_got[i] <= base + 5s), str(cron_got[i]) << " vs " << str(base));
    }
}

// Jitter never moves a fire past end_date.
BOOST_AUTO_TEST_CASE(never_past_end_date)
{
    const cron_trigger t{{.hour = "12"}, {.end_date = at("2026-01-01T12:00:05Z"), .jitter = 60s}};
    for (int i = 0; i < 200; ++i)
    {
        const auto got = t.next_fire_time(std::nullopt, new_year);
        BOOST_REQUIRE(got);
        BOOST_TEST((*got >= at("2026-01-01T12:00:00Z") && *got <= at("2026-01-01T12:00:05Z")), str(*got));
    }
    const interval_trigger iv{
        10s,
        {.start_date = new_year, .end_date = at("2026-01-01T00:00:10.5Z"), .jitter = std::chrono::seconds{9}}};
    for (int i = 0; i < 200; ++i)
    {
        const auto got = iv.next_fire_time(std::nullopt, at("2026-01-01T00:00:05Z"));
        BOOST_REQUIRE(got);
        BOOST_TEST((*got >= at("2026-01-01T00:00:10Z") && *got <= at("2026-01-01T00:00:10.5Z")), str(*got));
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(trigger_values)

// Every kind, built by its constructor, with its options set.
std::vector<trigger> samples()
{
    const auto berlin = time_zone::locate("Europe/Berlin");
    const auto ny = time_zone::locate("America/New_York");
    return {
        date_trigger{at("2026-06-01T12:00:00Z"), berlin},
        date_trigger{at("2026-06-01T12:00:00.123456Z")},
        interval_trigger{1h},
        interval_trigger{
            1500ms,
            {.start_date = new_year, .end_date = at("2027-01-01T00:00:00Z"), .timezone = ny, .jitter = 250ms}},
        cron_trigger{{.day_of_week = "mon-fri", .hour = "9-17"}},
        cron_trigger{
            {.year = "2026-2030", .month = "jan,jul", .day = "last fri", .week = "*", .minute = "*/5", .second = "30"},
            {.start_date = new_year, .end_date = at("2031-01-01T00:00:00Z"), .timezone = berlin, .jitter = 2s}},
        cron_trigger::from_crontab("0 9 * * mon-fri", {.timezone = ny}),
        cron_trigger::from_crontab("@hourly"),
        calendar_interval_trigger{{.months = 1, .hour = 9, .start_date = ymd(2026, 1, 31)}},
        calendar_interval_trigger{
            {.years = 1,
             .months = 2,
             .weeks = 3,
             .days = 4,
             .hour = 5,
             .minute = 6,
             .second = 7,
             .start_date = ymd(2026, 2, 3),
             .end_date = ymd(2040, 1, 1),
             .timezone = berlin}},
        and_trigger{{cron_trigger{{.hour = "12"}}, cron_trigger::from_crontab("0 12 * * mon")}},
        and_trigger{
            {cron_trigger{{.hour = "12"}}, interval_trigger{24h, {.start_date = at("2026-01-01T12:00:03Z")}}},
            5s,
            50},
        or_trigger{{date_trigger{at("2026-01-02T00:00:00Z")}, cron_trigger{{.minute = "*/15"}, {.timezone = ny}}}},
        or_trigger{
            {and_trigger{{cron_trigger{{.hour = "1"}}, cron_trigger{{.day = "1", .hour = "1"}}}},
             interval_trigger{90min}}},
    };
}

// from_json(to_json()) gives an equal trigger, for every kind; so does parse() of the serialized text.
BOOST_AUTO_TEST_CASE(json_round_trip)
{
    for (const auto& t : samples())
    {
        const auto object = t.to_json();
        const auto text = boost::json::serialize(object);
        BOOST_TEST_CONTEXT(text)
        {
            BOOST_TEST(object.at("type").as_string() == t.kind());
            const auto back = trigger::from_json(object);
            BOOST_TEST((back == t));
            BOOST_TEST((trigger::parse(text) == t));
            BOOST_TEST(back.kind() == t.kind());
            BOOST_TEST((back.zone() == t.zone()));
            BOOST_TEST(back.describe() == t.describe());
            // Same answers (for the triggers without jitter, whose answers repeat)
            if (fires(t, new_year, 5) == fires(t, new_year, 5))
                BOOST_TEST(fires(back, new_year, 5) == fires(t, new_year, 5), boost::test_tools::per_element());
        }
    }
}

// Equality is by kind and settings.
BOOST_AUTO_TEST_CASE(equality)
{
    const auto s = samples();
    for (std::size_t i = 0; i < s.size(); ++i)
        for (std::size_t j = 0; j < s.size(); ++j)
            BOOST_TEST(((s[i] == s[j]) == (i == j)), i << " vs " << j);
    BOOST_TEST((cron_trigger{{.hour = "9"}} == cron_trigger{{.hour = "9"}}));
    BOOST_TEST((interval_trigger{1h} == interval_trigger{60min}));
    BOOST_TEST(!(interval_trigger{1h} == interval_trigger{2h}));
    BOOST_TEST(!(date_trigger{new_year} == date_trigger{new_year + 1us}));
}

// describe() is APScheduler style: kind[settings].
BOOST_AUTO_TEST_CASE(describe_every_kind)
{
    BOOST_TEST(interval_trigger{1h}.describe() == "interval[1:00:00]");
    BOOST_TEST(interval_trigger{90s}.describe() == "interval[0:01:30]");
    BOOST_TEST(
        cron_trigger({.day_of_week = "mon-fri", .hour = "9-17"}).describe() ==
        "cron[day_of_week='mon-fri', hour='9-17']"
    );
    const auto d = date_trigger{at("2026-06-01T12:00:00Z")}.describe();
    BOOST_TEST(d.starts_with("date["), d);
    BOOST_TEST(asched::test::contains(d, "2026-06-01"), d);
    const auto c = calendar_interval_trigger{{.months = 1, .start_date = ymd(2026, 1, 31)}}.describe();
    BOOST_TEST(c.starts_with("calendarinterval["), c);
    const and_trigger a{{interval_trigger{1h}, cron_trigger{{.hour = "9"}}}};
    BOOST_TEST(a.describe().starts_with("and["), a.describe());
    BOOST_TEST(asched::test::contains(a.describe(), "interval[1:00:00]"), a.describe());
    BOOST_TEST(asched::test::contains(a.describe(), "cron[hour='9']"), a.describe());
    const or_trigger o{{interval_trigger{1h}, cron_trigger{{.hour = "9"}}}};
    BOOST_TEST(o.describe().starts_with("or["), o.describe());
    BOOST_TEST(asched::test::contains(o.describe(), "interval[1:00:00]"), o.describe());
}

// Successive answers are strictly increasing, for every kind.
BOOST_AUTO_TEST_CASE(successive_answers_strictly_increase)
{
    for (const auto& t : samples())
    {
        const auto got = asched::test::fire_instants(t, new_year, 60);
        for (std::size_t i = 1; i < got.size(); ++i)
            BOOST_TEST((got[i] > got[i - 1]), t.describe() << ": " << str(got[i - 1]) << " then " << str(got[i]));
    }
}

BOOST_AUTO_TEST_SUITE_END()
