// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// The daylight-saving contract (spec: "Daylight-saving time"): a local time in a gap fires at the instant it would
// have had with the offset before the gap; an instant reached twice fires once; a local time in a fold fires at its
// first occurrence only, except for a cron trigger whose hour field matches all 24 hours, which fires in both passes.
//
// The 2026 transitions used (checked against tzdata):
//   America/New_York     gap  03-08 02:00 EST(-5) -> 03:00 EDT(-4) at 07:00Z; fold 11-01 02:00 EDT -> 01:00 EST at
//   06:00Z Europe/London        gap  03-29 01:00 GMT(+0) -> 02:00 BST(+1) at 01:00Z; fold 10-25 02:00 BST -> 01:00 GMT
//   at 01:00Z Australia/Sydney     fold 04-05 03:00 AEDT(+11) -> 02:00 AEST(+10) at 04-04 16:00Z;
//                        gap  10-04 02:00 AEST -> 03:00 AEDT at 10-03 16:00Z
//   Australia/Lord_Howe  fold 04-05 02:00 (+11) -> 01:30 (+10:30) at 04-04 15:00Z;
//                        gap  10-04 02:00 (+10:30) -> 02:30 (+11) at 10-03 15:30Z
// Every expected instant is written in UTC with its local reading and offset in a comment.

#include <asched/triggers.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "common/trigger_helpers.hpp"

using namespace std::chrono_literals;
using asched::calendar_interval_trigger;
using asched::cron_trigger;
using asched::interval_trigger;
using asched::time_zone;
using asched::trigger;
using asched::test::at;
using asched::test::fire_instants;
using asched::test::fires;
using asched::test::first;
using asched::test::json;
using strings = std::vector<std::string>;

namespace {

time_zone zone(const char* name) { return time_zone::locate(name); }

trigger crontab_in(const char* tz, const char* text)
{
    return cron_trigger::from_crontab(text, {.timezone = zone(tz)});
}

// Checks that successive fire times are exactly `step` apart.
void check_evenly_spaced(const std::vector<asched::instant>& times, std::chrono::microseconds step)
{
    for (std::size_t i = 1; i < times.size(); ++i)
        BOOST_TEST(
            (times[i] - times[i - 1]).count() == step.count(),
            "between " << asched::test::str(times[i - 1]) << " and " << asched::test::str(times[i])
        );
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dst_new_york)

// A daily time inside the spring-forward gap fires at the same local time with the old offset (03:30 EDT).
BOOST_AUTO_TEST_CASE(daily_time_in_gap)
{
    const auto t = crontab_in("America/New_York", "30 2 * * *");
    BOOST_TEST(
        fires(t, at("2026-03-07T00:00:00Z"), 3) == (strings{
                                                       "2026-03-07T07:30:00Z",  // 02:30 EST
                                                       "2026-03-08T07:30:00Z",  // 02:30 doesn't exist: 03:30 EDT
                                                       "2026-03-09T06:30:00Z",  // 02:30 EDT
                                                   }),
        boost::test_tools::per_element()
    );
}

// A daily time inside the fall-back fold fires once, at its first occurrence.
BOOST_AUTO_TEST_CASE(daily_time_in_fold_fires_once)
{
    const auto t = crontab_in("America/New_York", "30 1 * * *");
    BOOST_TEST(
        fires(t, at("2026-10-31T00:00:00Z"), 3) == (strings{
                                                       "2026-10-31T05:30:00Z",  // 01:30 EDT
                                                       "2026-11-01T05:30:00Z",  // 01:30 EDT, first pass only
                                                       "2026-11-02T06:30:00Z",  // 01:30 EST
                                                   }),
        boost::test_tools::per_element()
    );
    // 02:30 on the fold day exists once (EST)
    BOOST_TEST(
        first(crontab_in("America/New_York", "30 2 * * *"), at("2026-11-01T00:00:00Z")) == "2026-11-01T07:30:00Z"
    );
}

// '*/15 * * * *' across the gap: gap times map onto the instants after it, which fire once each.
BOOST_AUTO_TEST_CASE(quarter_hours_across_gap)
{
    const auto t = crontab_in("America/New_York", "*/15 * * * *");
    const auto got = fire_instants(t, at("2026-03-08T06:30:00Z"), 7);
    BOOST_TEST(
        asched::test::fires(t, at("2026-03-08T06:30:00Z"), 7) == (strings{
                                                                     "2026-03-08T06:30:00Z",  // 01:30 EST
                                                                     "2026-03-08T06:45:00Z",  // 01:45 EST
                                                                     "2026-03-08T07:00:00Z",  // 03:00 EDT
                                                                     "2026-03-08T07:15:00Z",  // 03:15 EDT
                                                                     "2026-03-08T07:30:00Z",  // 03:30 EDT
                                                                     "2026-03-08T07:45:00Z",  // 03:45 EDT
                                                                     "2026-03-08T08:00:00Z",  // 04:00 EDT
                                                                 }),
        boost::test_tools::per_element()
    );
    check_evenly_spaced(got, 15min);
}

// '*/15 * * * *' across the fold: hour is '*', so both passes fire: every 15 minutes of real time.
BOOST_AUTO_TEST_CASE(quarter_hours_across_fold_fire_in_both_passes)
{
    const auto t = crontab_in("America/New_York", "*/15 * * * *");
    BOOST_TEST(
        fires(t, at("2026-11-01T04:30:00Z"), 11) == (strings{
                                                        "2026-11-01T04:30:00Z",  // 00:30 EDT
                                                        "2026-11-01T04:45:00Z",  // 00:45 EDT
                                                        "2026-11-01T05:00:00Z",  // 01:00 EDT
                                                        "2026-11-01T05:15:00Z",  // 01:15 EDT
                                                        "2026-11-01T05:30:00Z",  // 01:30 EDT
                                                        "2026-11-01T05:45:00Z",  // 01:45 EDT
                                                        "2026-11-01T06:00:00Z",  // 01:00 EST
                                                        "2026-11-01T06:15:00Z",  // 01:15 EST
                                                        "2026-11-01T06:30:00Z",  // 01:30 EST
                                                        "2026-11-01T06:45:00Z",  // 01:45 EST
                                                        "2026-11-01T07:00:00Z",  // 02:00 EST
                                                    }),
        boost::test_tools::per_element()
    );
    check_evenly_spaced(fire_instants(t, at("2026-11-01T00:00:00Z"), 40), 15min);
}

// The spec's example: {"hour": 2, "minute": "*/15"} on the gap day fires at 03:00, 03:15, 03:30, 03:45 EDT.
BOOST_AUTO_TEST_CASE(hour_two_on_gap_day)
{
    const cron_trigger t{{.hour = "2", .minute = "*/15"}, {.timezone = zone("America/New_York")}};
    BOOST_TEST(
        fires(t, at("2026-03-08T00:00:00Z"), 5) == (strings{
                                                       "2026-03-08T07:00:00Z",  // 02:00 -> 03:00 EDT
                                                       "2026-03-08T07:15:00Z",  // 02:15 -> 03:15 EDT
                                                       "2026-03-08T07:30:00Z",  // 02:30 -> 03:30 EDT
                                                       "2026-03-08T07:45:00Z",  // 02:45 -> 03:45 EDT
                                                       "2026-03-09T06:00:00Z",  // 02:00 EDT next day
                                                   }),
        boost::test_tools::per_element()
    );
}

// Hourly across the fold fires in both passes; across the gap the 02:00 slot and 03:00 coincide and fire once.
BOOST_AUTO_TEST_CASE(hourly_across_fold_and_gap)
{
    const auto t = crontab_in("America/New_York", "0 * * * *");
    BOOST_TEST(
        fires(t, at("2026-11-01T04:00:00Z"), 4) == (strings{
                                                       "2026-11-01T04:00:00Z",  // 00:00 EDT
                                                       "2026-11-01T05:00:00Z",  // 01:00 EDT
                                                       "2026-11-01T06:00:00Z",  // 01:00 EST
                                                       "2026-11-01T07:00:00Z",  // 02:00 EST
                                                   }),
        boost::test_tools::per_element()
    );
    BOOST_TEST(
        fires(t, at("2026-03-08T05:00:00Z"), 4) == (strings{
                                                       "2026-03-08T05:00:00Z",  // 00:00 EST
                                                       "2026-03-08T06:00:00Z",  // 01:00 EST
                                                       "2026-03-08T07:00:00Z",  // 02:00 -> 03:00 EDT, = 03:00 EDT
                                                       "2026-03-08T08:00:00Z",  // 04:00 EDT
                                                   }),
        boost::test_tools::per_element()
    );
}

// "Matches all 24 hours" is about the set, not the spelling: '0-23' and an omitted hour fire in both passes too.
BOOST_AUTO_TEST_CASE(full_hour_set_fires_in_both_passes)
{
    const strings both{"2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z"};  // 01:30 EDT, 01:30 EST
    const auto from = at("2026-11-01T05:15:00Z");
    BOOST_TEST(
        fires(crontab_in("America/New_York", "30 0-23 * * *"), from, 2) == both,
        boost::test_tools::per_element()
    );
    const cron_trigger omitted{{.minute = "30"}, {.timezone = zone("America/New_York")}};
    BOOST_TEST(fires(omitted, from, 2) == both, boost::test_tools::per_element());
}

// An hour field that is not all 24 hours fires in the first pass only.
BOOST_AUTO_TEST_CASE(partial_hour_set_fires_in_first_pass_only)
{
    // Every minute of 01:xx: the first pass only, then 01:00 EST the next day
    const auto t = crontab_in("America/New_York", "* 1 * * *");
    BOOST_TEST(
        fires(t, at("2026-11-01T05:58:00Z"), 3) == (strings{
                                                       "2026-11-01T05:58:00Z",  // 01:58 EDT
                                                       "2026-11-01T05:59:00Z",  // 01:59 EDT
                                                       "2026-11-02T06:00:00Z",  // 01:00 EST on 11-02
                                                   }),
        boost::test_tools::per_element()
    );
    const auto three = crontab_in("America/New_York", "30 0-2 * * *");
    BOOST_TEST(
        fires(three, at("2026-11-01T04:00:00Z"), 3) == (strings{
                                                           "2026-11-01T04:30:00Z",  // 00:30 EDT
                                                           "2026-11-01T05:30:00Z",  // 01:30 EDT (once)
                                                           "2026-11-01T07:30:00Z",  // 02:30 EST
                                                       }),
        boost::test_tools::per_element()
    );
}

// A calendarinterval time of day in the gap maps like cron; in the fold it is the first occurrence.
BOOST_AUTO_TEST_CASE(calendar_interval_gap_and_fold)
{
    const calendar_interval_trigger gap{
        {.days = 1,
         .hour = 2,
         .minute = 30,
         .start_date = date::year{2026} / 3 / 7,
         .timezone = zone("America/New_York")}};
    BOOST_TEST(
        fires(gap, at("2026-03-07T00:00:00Z"), 3) == (strings{
                                                         "2026-03-07T07:30:00Z",  // 02:30 EST
                                                         "2026-03-08T07:30:00Z",  // 02:30 -> 03:30 EDT
                                                         "2026-03-09T06:30:00Z",  // 02:30 EDT
                                                     }),
        boost::test_tools::per_element()
    );
    const calendar_interval_trigger fold{
        {.days = 1,
         .hour = 1,
         .minute = 30,
         .start_date = date::year{2026} / 10 / 31,
         .timezone = zone("America/New_York")}};
    BOOST_TEST(
        fires(fold, at("2026-10-31T00:00:00Z"), 3) == (strings{
                                                          "2026-10-31T05:30:00Z",  // 01:30 EDT
                                                          "2026-11-01T05:30:00Z",  // 01:30 EDT, first occurrence
                                                          "2026-11-02T06:30:00Z",  // 01:30 EST
                                                      }),
        boost::test_tools::per_element()
    );
}

// An interval is plain elapsed time: 3600 s apart across both changes.
BOOST_AUTO_TEST_CASE(interval_is_elapsed_time)
{
    const interval_trigger spring{1h, {.start_date = at("2026-03-08T05:00:00Z"), .timezone = zone("America/New_York")}};
    BOOST_TEST(
        fires(spring, at("2026-03-08T05:00:00Z"), 4) == (strings{
                                                            "2026-03-08T05:00:00Z",  // 00:00 EST
                                                            "2026-03-08T06:00:00Z",  // 01:00 EST
                                                            "2026-03-08T07:00:00Z",  // 03:00 EDT
                                                            "2026-03-08T08:00:00Z",  // 04:00 EDT
                                                        }),
        boost::test_tools::per_element()
    );
    const interval_trigger fall{1h, {.start_date = at("2026-11-01T04:00:00Z"), .timezone = zone("America/New_York")}};
    BOOST_TEST(
        fires(fall, at("2026-11-01T04:00:00Z"), 4) == (strings{
                                                          "2026-11-01T04:00:00Z",  // 00:00 EDT
                                                          "2026-11-01T05:00:00Z",  // 01:00 EDT
                                                          "2026-11-01T06:00:00Z",  // 01:00 EST
                                                          "2026-11-01T07:00:00Z",  // 02:00 EST
                                                      }),
        boost::test_tools::per_element()
    );
    // A 1-day interval is 24 h, not "same local time tomorrow": 12:00 EST -> 13:00 EDT
    const interval_trigger daily{24h, {.start_date = at("2026-03-07T17:00:00Z"), .timezone = zone("America/New_York")}};
    BOOST_TEST(
        fires(daily, at("2026-03-07T17:00:00Z"), 2) == (strings{"2026-03-07T17:00:00Z", "2026-03-08T17:00:00Z"}),
        boost::test_tools::per_element()
    );
}

// A date trigger's local run_date in a gap or fold maps by the same rules.
BOOST_AUTO_TEST_CASE(date_trigger_local_run_date)
{
    const auto now = at("2026-01-01T00:00:00Z");
    // 02:30 doesn't exist: 03:30 EDT
    BOOST_TEST(
        first(json(R"({"type":"date","run_date":"2026-03-08T02:30:00","timezone":"America/New_York"})"), now) ==
        "2026-03-08T07:30:00Z"
    );
    // 01:30 happens twice: the first (EDT)
    BOOST_TEST(
        first(json(R"({"type":"date","run_date":"2026-11-01T01:30:00","timezone":"America/New_York"})"), now) ==
        "2026-11-01T05:30:00Z"
    );
}

// Local start_date and end_date in a gap or fold map by the same rules (fold: first occurrence).
BOOST_AUTO_TEST_CASE(local_bounds_in_gap_and_fold)
{
    // start 02:30 (gap) = 07:30Z: the */30 slots 02:00 (07:00Z) is before it, 02:30 (07:30Z) is the first
    const auto started = json(
        R"({"type":"cron","minute":"*/30","start_date":"2026-03-08T02:30:00","timezone":"America/New_York"})"
    );
    BOOST_TEST(first(started, at("2026-03-08T00:00:00Z")) == "2026-03-08T07:30:00Z");
    // end 01:30 (fold) = 05:30Z, the first occurrence: the second pass is past the end
    const auto ended = json(
        R"({"type":"cron","minute":"*/30","end_date":"2026-11-01T01:30:00","timezone":"America/New_York"})"
    );
    BOOST_TEST(
        fires(ended, at("2026-11-01T04:00:00Z"), 10) ==
            (strings{"2026-11-01T04:00:00Z", "2026-11-01T04:30:00Z", "2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z"}),
        boost::test_tools::per_element()
    );
}

// After 2037 the rules still apply (the zone keeps DST): 2040's gap is on March 11.
BOOST_AUTO_TEST_CASE(gap_after_2037)
{
    const auto t = crontab_in("America/New_York", "30 2 * * *");
    BOOST_TEST(
        fires(t, at("2040-03-10T00:00:00Z"), 3) == (strings{
                                                       "2040-03-10T07:30:00Z",  // 02:30 EST
                                                       "2040-03-11T07:30:00Z",  // 02:30 -> 03:30 EDT
                                                       "2040-03-12T06:30:00Z",  // 02:30 EDT
                                                   }),
        boost::test_tools::per_element()
    );
    // Midsummer 2040: 09:00 EDT = 13:00Z
    BOOST_TEST(
        first(crontab_in("America/New_York", "0 9 * * *"), at("2040-07-01T00:00:00Z")) == "2040-07-01T13:00:00Z"
    );
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dst_london)

// London: the gap is 01:00-02:00 GMT in March, the fold 01:00-02:00 in October.
BOOST_AUTO_TEST_CASE(daily_gap_and_fold)
{
    const auto t = crontab_in("Europe/London", "30 1 * * *");
    BOOST_TEST(
        fires(t, at("2026-03-28T00:00:00Z"), 3) == (strings{
                                                       "2026-03-28T01:30:00Z",  // 01:30 GMT
                                                       "2026-03-29T01:30:00Z",  // 01:30 doesn't exist: 02:30 BST
                                                       "2026-03-30T00:30:00Z",  // 01:30 BST
                                                   }),
        boost::test_tools::per_element()
    );
    BOOST_TEST(
        fires(t, at("2026-10-24T00:00:00Z"), 3) == (strings{
                                                       "2026-10-24T00:30:00Z",  // 01:30 BST
                                                       "2026-10-25T00:30:00Z",  // 01:30 BST, first pass only
                                                       "2026-10-26T01:30:00Z",  // 01:30 GMT
                                                   }),
        boost::test_tools::per_element()
    );
}

// '*/15' through both London changes keeps a 15-minute beat.
BOOST_AUTO_TEST_CASE(quarter_hours_keep_beat)
{
    const auto t = crontab_in("Europe/London", "*/15 * * * *");
    check_evenly_spaced(fire_instants(t, at("2026-03-28T23:00:00Z"), 24), 15min);
    check_evenly_spaced(fire_instants(t, at("2026-10-24T23:00:00Z"), 24), 15min);
    BOOST_TEST(first(t, at("2026-10-25T00:50:00Z")) == "2026-10-25T01:00:00Z");  // 01:00 GMT, second pass
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dst_sydney)

// Southern hemisphere: the fold is in April, the gap in October.
BOOST_AUTO_TEST_CASE(daily_fold_in_april_gap_in_october)
{
    const auto t = crontab_in("Australia/Sydney", "30 2 * * *");
    BOOST_TEST(
        fires(t, at("2026-04-03T00:00:00Z"), 3) == (strings{
                                                       "2026-04-03T15:30:00Z",  // 04-04 02:30 AEDT
                                                       "2026-04-04T15:30:00Z",  // 04-05 02:30 AEDT, first pass
                                                       "2026-04-05T16:30:00Z",  // 04-06 02:30 AEST
                                                   }),
        boost::test_tools::per_element()
    );
    BOOST_TEST(
        fires(t, at("2026-10-02T00:00:00Z"), 3) == (strings{
                                                       "2026-10-02T16:30:00Z",  // 10-03 02:30 AEST
                                                       "2026-10-03T16:30:00Z",  // 10-04 02:30 -> 03:30 AEDT
                                                       "2026-10-04T15:30:00Z",  // 10-05 02:30 AEDT
                                                   }),
        boost::test_tools::per_element()
    );
}

// '*/15' across the October gap never fires twice at once.
BOOST_AUTO_TEST_CASE(quarter_hours_across_gap)
{
    const auto t = crontab_in("Australia/Sydney", "*/15 * * * *");
    BOOST_TEST(
        fires(t, at("2026-10-03T15:30:00Z"), 7) == (strings{
                                                       "2026-10-03T15:30:00Z",  // 01:30 AEST
                                                       "2026-10-03T15:45:00Z",  // 01:45 AEST
                                                       "2026-10-03T16:00:00Z",  // 03:00 AEDT
                                                       "2026-10-03T16:15:00Z",  // 03:15 AEDT
                                                       "2026-10-03T16:30:00Z",  // 03:30 AEDT
                                                       "2026-10-03T16:45:00Z",  // 03:45 AEDT
                                                       "2026-10-03T17:00:00Z",  // 04:00 AEDT
                                                   }),
        boost::test_tools::per_element()
    );
    check_evenly_spaced(fire_instants(t, at("2026-04-04T14:00:00Z"), 24), 15min);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dst_lord_howe)

// A 30-minute gap: 02:00-02:29 don't exist on 2026-10-04; '*/15' maps 02:00 and 02:15 onto 02:30 and 02:45.
BOOST_AUTO_TEST_CASE(quarter_hours_across_half_hour_gap)
{
    const auto t = crontab_in("Australia/Lord_Howe", "*/15 * * * *");
    BOOST_TEST(
        fires(t, at("2026-10-03T15:00:00Z"), 5) == (strings{
                                                       "2026-10-03T15:00:00Z",  // 01:30 +10:30
                                                       "2026-10-03T15:15:00Z",  // 01:45 +10:30
                                                       "2026-10-03T15:30:00Z",  // 02:00 -> 02:30 +11 (= 02:30)
                                                       "2026-10-03T15:45:00Z",  // 02:15 -> 02:45 +11 (= 02:45)
                                                       "2026-10-03T16:00:00Z",  // 03:00 +11
                                                   }),
        boost::test_tools::per_element()
    );
}

// A 30-minute fold: 01:30-01:59 happen twice on 2026-04-05; hour '*' fires in both passes.
BOOST_AUTO_TEST_CASE(quarter_hours_across_half_hour_fold)
{
    const auto t = crontab_in("Australia/Lord_Howe", "*/15 * * * *");
    BOOST_TEST(
        fires(t, at("2026-04-04T14:30:00Z"), 5) == (strings{
                                                       "2026-04-04T14:30:00Z",  // 01:30 +11
                                                       "2026-04-04T14:45:00Z",  // 01:45 +11
                                                       "2026-04-04T15:00:00Z",  // 01:30 +10:30
                                                       "2026-04-04T15:15:00Z",  // 01:45 +10:30
                                                       "2026-04-04T15:30:00Z",  // 02:00 +10:30
                                                   }),
        boost::test_tools::per_element()
    );
}

// {"hour": 2, "minute": "*/10"} on the gap day: 02:00, 02:10, 02:20 map onto 02:30, 02:40, 02:50 (+11), which
// also match: each instant fires once.
BOOST_AUTO_TEST_CASE(hour_two_on_half_hour_gap_day)
{
    const cron_trigger t{{.hour = "2", .minute = "*/10"}, {.timezone = zone("Australia/Lord_Howe")}};
    BOOST_TEST(
        fires(t, at("2026-10-03T00:00:00Z"), 7) == (strings{
                                                       "2026-10-03T15:30:00Z",  // 02:00 -> 02:30 +11, = 02:30
                                                       "2026-10-03T15:40:00Z",  // 02:10 -> 02:40 +11, = 02:40
                                                       "2026-10-03T15:50:00Z",  // 02:20 -> 02:50 +11, = 02:50
                                                       "2026-10-04T15:00:00Z",  // 10-05 02:00 +11
                                                       "2026-10-04T15:10:00Z",  // 10-05 02:10 +11
                                                       "2026-10-04T15:20:00Z",  // 10-05 02:20 +11
                                                       "2026-10-04T15:30:00Z",  // 10-05 02:30 +11
                                                   }),
        boost::test_tools::per_element()
    );
}

// Fixed times in the half-hour gap and fold.
BOOST_AUTO_TEST_CASE(fixed_times_in_gap_and_fold)
{
    const auto gap = crontab_in("Australia/Lord_Howe", "15 2 * * *");
    BOOST_TEST(
        fires(gap, at("2026-10-02T00:00:00Z"), 3) == (strings{
                                                         "2026-10-02T15:45:00Z",  // 10-03 02:15 +10:30
                                                         "2026-10-03T15:45:00Z",  // 10-04 02:15 -> 02:45 +11
                                                         "2026-10-04T15:15:00Z",  // 10-05 02:15 +11
                                                     }),
        boost::test_tools::per_element()
    );
    const auto fold = crontab_in("Australia/Lord_Howe", "45 1 * * *");
    BOOST_TEST(
        fires(fold, at("2026-04-03T00:00:00Z"), 3) == (strings{
                                                          "2026-04-03T14:45:00Z",  // 04-04 01:45 +11
                                                          "2026-04-04T14:45:00Z",  // 04-05 01:45 +11, first pass
                                                          "2026-04-05T15:15:00Z",  // 04-06 01:45 +10:30
                                                      }),
        boost::test_tools::per_element()
    );
}

// calendarinterval and date triggers in the half-hour gap and fold.
BOOST_AUTO_TEST_CASE(calendar_interval_and_date)
{
    const calendar_interval_trigger t{
        {.days = 1,
         .hour = 2,
         .minute = 15,
         .start_date = date::year{2026} / 10 / 3,
         .timezone = zone("Australia/Lord_Howe")}};
    BOOST_TEST(
        fires(t, at("2026-10-01T00:00:00Z"), 3) == (strings{
                                                       "2026-10-02T15:45:00Z",  // 10-03 02:15 +10:30
                                                       "2026-10-03T15:45:00Z",  // 10-04 02:15 -> 02:45 +11
                                                       "2026-10-04T15:15:00Z",  // 10-05 02:15 +11
                                                   }),
        boost::test_tools::per_element()
    );
    const auto now = at("2026-01-01T00:00:00Z");
    BOOST_TEST(
        first(json(R"({"type":"date","run_date":"2026-10-04T02:15:00","timezone":"Australia/Lord_Howe"})"), now) ==
        "2026-10-03T15:45:00Z"  // 02:15 -> 02:45 +11
    );
    BOOST_TEST(
        first(json(R"({"type":"date","run_date":"2026-04-05T01:45:00","timezone":"Australia/Lord_Howe"})"), now) ==
        "2026-04-04T14:45:00Z"  // 01:45 +11, first occurrence
    );
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dst_no_dst_zone)

// A zone without DST: a fixed local time is the same UTC time every day, on the dates other zones change.
BOOST_AUTO_TEST_CASE(fixed_offset_all_year)
{
    const auto kolkata = crontab_in("Asia/Kolkata", "30 2 * * *");
    BOOST_TEST(
        fires(kolkata, at("2026-03-07T00:00:00Z"), 3) == (strings{
                                                             "2026-03-07T21:00:00Z",  // 03-08 02:30 IST (+5:30)
                                                             "2026-03-08T21:00:00Z",  // 03-09 02:30 IST
                                                             "2026-03-09T21:00:00Z",  // 03-10 02:30 IST
                                                         }),
        boost::test_tools::per_element()
    );
    const auto tokyo = crontab_in("Asia/Tokyo", "*/15 * * * *");
    check_evenly_spaced(fire_instants(tokyo, at("2026-11-01T00:00:00Z"), 40), 15min);
    // 09:00 JST (+9) = 00:00Z, inclusive of now
    BOOST_TEST(first(crontab_in("Asia/Tokyo", "0 9 * * *"), at("2026-07-01T00:00:00Z")) == "2026-07-01T00:00:00Z");
}

BOOST_AUTO_TEST_SUITE_END()
