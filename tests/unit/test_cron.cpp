// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// The cron trigger's field syntax, defaults, day rules and crontab form (spec: "Kinds and their JSON form", cron
// and crontab). Unless a case says otherwise the zone is UTC, so wall-clock times are UTC times. Calendar facts
// used below: 2026-01-01 is a Thursday; ISO week 1 of 2026 starts Mon 2025-12-29; 2026 has 53 ISO weeks.

#include <asched/triggers.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "common/trigger_helpers.hpp"

using namespace std::chrono_literals;
using asched::cron_fields;
using asched::cron_trigger;
using asched::time_zone;
using asched::trigger;
using asched::test::at;
using asched::test::crontab;
using asched::test::fires;
using asched::test::first;
using asched::test::json;
using asched::test::str;
using strings = std::vector<std::string>;

namespace {

// 2026-01-01T00:00:00Z, a Thursday
const auto new_year = at("2026-01-01T00:00:00Z");

}  // namespace

BOOST_AUTO_TEST_SUITE(cron_syntax)

// '*' matches every value: {"second": "*"} fires every second.
BOOST_AUTO_TEST_CASE(star_every_value)
{
    const cron_trigger t{{.second = "*"}};
    BOOST_TEST(
        fires(t, new_year, 3) == (strings{"2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", "2026-01-01T00:00:02Z"}),
        boost::test_tools::per_element()
    );
}

// '*/a' steps from the field's minimum.
BOOST_AUTO_TEST_CASE(star_slash_step)
{
    const cron_trigger t{{.minute = "*/20"}};
    BOOST_TEST(
        fires(t, at("2026-01-01T00:05:00Z"), 4) ==
            (strings{"2026-01-01T00:20:00Z", "2026-01-01T00:40:00Z", "2026-01-01T01:00:00Z", "2026-01-01T01:20:00Z"}),
        boost::test_tools::per_element()
    );
}

// 'a-b' is an inclusive range; fields after the least significant one given default to their minimum.
BOOST_AUTO_TEST_CASE(range)
{
    const cron_trigger t{{.hour = "9-11"}};
    BOOST_TEST(
        fires(t, at("2026-01-01T10:30:00Z"), 5) == (strings{
                                                       "2026-01-01T11:00:00Z",
                                                       "2026-01-02T09:00:00Z",
                                                       "2026-01-02T10:00:00Z",
                                                       "2026-01-02T11:00:00Z",
                                                       "2026-01-03T09:00:00Z",
                                                   }),
        boost::test_tools::per_element()
    );
}

// 'a-b/c' steps from the start of the range and stops at its end.
BOOST_AUTO_TEST_CASE(range_with_step)
{
    const cron_trigger t{{.minute = "10-40/15"}};
    BOOST_TEST(
        fires(t, new_year, 4) ==
            (strings{"2026-01-01T00:10:00Z", "2026-01-01T00:25:00Z", "2026-01-01T00:40:00Z", "2026-01-01T01:10:00Z"}),
        boost::test_tools::per_element()
    );
}

// 'a' alone is one value: {"day": "15"} fires on the 15th at midnight.
BOOST_AUTO_TEST_CASE(single_value)
{
    const cron_trigger t{{.day = "15"}};
    BOOST_TEST(
        fires(t, new_year, 3) == (strings{"2026-01-15T00:00:00Z", "2026-02-15T00:00:00Z", "2026-03-15T00:00:00Z"}),
        boost::test_tools::per_element()
    );
}

// 'a/c' steps from a to the field's maximum (APScheduler).
BOOST_AUTO_TEST_CASE(value_with_step)
{
    const cron_trigger t{{.minute = "5/20"}};
    BOOST_TEST(
        fires(t, new_year, 4) ==
            (strings{"2026-01-01T00:05:00Z", "2026-01-01T00:25:00Z", "2026-01-01T00:45:00Z", "2026-01-01T01:05:00Z"}),
        boost::test_tools::per_element()
    );
}

// Comma lists combine every form; spaces around the commas are ignored.
BOOST_AUTO_TEST_CASE(lists_with_spaces)
{
    const cron_trigger hours{{.hour = "1 , 5,22"}};
    BOOST_TEST(
        fires(hours, new_year, 4) ==
            (strings{"2026-01-01T01:00:00Z", "2026-01-01T05:00:00Z", "2026-01-01T22:00:00Z", "2026-01-02T01:00:00Z"}),
        boost::test_tools::per_element()
    );
    const cron_trigger mixed{{.minute = "0, 10-12 ,*/30"}};
    BOOST_TEST(
        fires(mixed, new_year, 6) == (strings{
                                         "2026-01-01T00:00:00Z",
                                         "2026-01-01T00:10:00Z",
                                         "2026-01-01T00:11:00Z",
                                         "2026-01-01T00:12:00Z",
                                         "2026-01-01T00:30:00Z",
                                         "2026-01-01T01:00:00Z",
                                     }),
        boost::test_tools::per_element()
    );
    // The same list through JSON and through a 6-field crontab
    BOOST_TEST(
        fires(json(R"({"type":"cron","minute":"0, 10-12 ,*/30"})"), new_year, 6) == fires(mixed, new_year, 6),
        boost::test_tools::per_element()
    );
}

// Month and weekday names are case-insensitive, in lists and ranges.
BOOST_AUTO_TEST_CASE(names_case_insensitive)
{
    const cron_trigger months{{.month = "JAN,Mar", .day = "1"}};
    BOOST_TEST(
        fires(months, new_year, 3) == (strings{"2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z", "2027-01-01T00:00:00Z"}),
        boost::test_tools::per_element()
    );
    const cron_trigger weekdays{{.day_of_week = "MON-fri", .hour = "9"}};
    // Thu 01-01, Fri 01-02, Mon 01-05, Tue 01-06
    BOOST_TEST(
        fires(weekdays, new_year, 4) ==
            (strings{"2026-01-01T09:00:00Z", "2026-01-02T09:00:00Z", "2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z"}),
        boost::test_tools::per_element()
    );
    // Month names in a month range in crontab form: Sat Jan 3, 10, ..., 31 then Sat Feb 7
    const auto t = crontab("0 9 * JAN-feb Sat");
    BOOST_TEST(first(t, new_year) == "2026-01-03T09:00:00Z");
    BOOST_TEST(first(t, at("2026-02-01T00:00:00Z")) == "2026-02-07T09:00:00Z");
    BOOST_TEST(first(t, at("2026-03-01T00:00:00Z")) == "2027-01-02T09:00:00Z");
}

// 'last' in the day field is the month's last day, leap years included.
BOOST_AUTO_TEST_CASE(last_day_of_month)
{
    const cron_trigger t{{.day = "last"}};
    BOOST_TEST(
        fires(t, new_year, 4) ==
            (strings{"2026-01-31T00:00:00Z", "2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z", "2026-04-30T00:00:00Z"}),
        boost::test_tools::per_element()
    );
    BOOST_TEST(first(t, at("2028-02-01T00:00:00Z")) == "2028-02-29T00:00:00Z");
    // In a crontab day field too (no space in it)
    BOOST_TEST(first(crontab("0 12 last * *"), new_year) == "2026-01-31T12:00:00Z");
}

// 'xth y' is the x-th such weekday of the month; names case-insensitive.
BOOST_AUTO_TEST_CASE(nth_weekday)
{
    // First Mondays of 2026: Jan 5, Feb 2, Mar 2
    const cron_trigger first_mon{{.day = "1ST Mon"}};
    BOOST_TEST(
        fires(first_mon, new_year, 3) ==
            (strings{"2026-01-05T00:00:00Z", "2026-02-02T00:00:00Z", "2026-03-02T00:00:00Z"}),
        boost::test_tools::per_element()
    );
    // Third Wednesdays: Jan 21, Feb 18, Mar 18
    const cron_trigger third_wed{{.day = "3rd wed", .hour = "8"}};
    BOOST_TEST(
        fires(third_wed, new_year, 3) ==
            (strings{"2026-01-21T08:00:00Z", "2026-02-18T08:00:00Z", "2026-03-18T08:00:00Z"}),
        boost::test_tools::per_element()
    );
    // Second Sundays: Jan 11, Feb 8
    const cron_trigger second_sun{{.day = "2nd sun"}};
    BOOST_TEST(
        fires(second_sun, new_year, 2) == (strings{"2026-01-11T00:00:00Z", "2026-02-08T00:00:00Z"}),
        boost::test_tools::per_element()
    );
    // Fourth Fridays: Jan 23, Feb 27
    const cron_trigger fourth_fri{{.day = "4th fri"}};
    BOOST_TEST(
        fires(fourth_fri, new_year, 2) == (strings{"2026-01-23T00:00:00Z", "2026-02-27T00:00:00Z"}),
        boost::test_tools::per_element()
    );
}

// A 5th weekday exists only in some months; the others are skipped.
BOOST_AUTO_TEST_CASE(fifth_weekday_skips_short_months)
{
    // Fridays with a 5th in 2026: Jan 30, May 29, Jul 31, Oct 30
    const cron_trigger t{{.day = "5th fri"}};
    BOOST_TEST(
        fires(t, new_year, 4) ==
            (strings{"2026-01-30T00:00:00Z", "2026-05-29T00:00:00Z", "2026-07-31T00:00:00Z", "2026-10-30T00:00:00Z"}),
        boost::test_tools::per_element()
    );
}

// 'last y' is the last such weekday of the month.
BOOST_AUTO_TEST_CASE(last_weekday)
{
    // Last Fridays of 2026: Jan 30, Feb 27, Mar 27, Apr 24
    const cron_trigger t{{.day = "last fri"}};
    BOOST_TEST(
        fires(t, new_year, 4) ==
            (strings{"2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-27T00:00:00Z", "2026-04-24T00:00:00Z"}),
        boost::test_tools::per_element()
    );
    // In a list with a plain day: 1st Monday or the 15th
    const cron_trigger mixed{{.day = "1st mon, 15"}};
    BOOST_TEST(
        fires(mixed, new_year, 4) ==
            (strings{"2026-01-05T00:00:00Z", "2026-01-15T00:00:00Z", "2026-02-02T00:00:00Z", "2026-02-15T00:00:00Z"}),
        boost::test_tools::per_element()
    );
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cron_defaults)

// {"hour": 14}: more significant fields take '*', less significant their minimum: daily at 14:00:00.
BOOST_AUTO_TEST_CASE(hour_only_is_daily)
{
    const auto t = json(R"({"type":"cron","hour":14})");
    BOOST_TEST(
        fires(t, at("2026-01-01T15:00:00Z"), 2) == (strings{"2026-01-02T14:00:00Z", "2026-01-03T14:00:00Z"}),
        boost::test_tools::per_element()
    );
    // The string form is the same
    BOOST_TEST(fires(json(R"({"type":"cron","hour":"14"})"), new_year, 3) == fires(t, new_year, 3));
}

// {"day": 1, "hour": 14}: monthly on the 1st at 14:00:00.
BOOST_AUTO_TEST_CASE(day_and_hour_is_monthly)
{
    const auto t = json(R"({"type":"cron","day":1,"hour":14})");
    BOOST_TEST(
        fires(t, at("2026-01-01T15:00:00Z"), 2) == (strings{"2026-02-01T14:00:00Z", "2026-03-01T14:00:00Z"}),
        boost::test_tools::per_element()
    );
}

// {"month": 6}: day takes its minimum (1): yearly on June 1st at midnight.
BOOST_AUTO_TEST_CASE(month_only_is_yearly_on_the_first)
{
    const cron_trigger t{{.month = "6"}};
    BOOST_TEST(
        fires(t, new_year, 2) == (strings{"2026-06-01T00:00:00Z", "2027-06-01T00:00:00Z"}),
        boost::test_tools::per_element()
    );
}

// {"year": 2030}: once, at 2030-01-01T00:00:00, then finished.
BOOST_AUTO_TEST_CASE(year_only_fires_once)
{
    const cron_trigger t{{.year = "2030"}};
    BOOST_TEST(fires(t, new_year, 3) == (strings{"2030-01-01T00:00:00Z"}), boost::test_tools::per_element());
}

// {"second": 30}: every minute at :30.
BOOST_AUTO_TEST_CASE(second_only_is_every_minute)
{
    const cron_trigger t{{.second = "30"}};
    BOOST_TEST(
        fires(t, new_year, 2) == (strings{"2026-01-01T00:00:30Z", "2026-01-01T00:01:30Z"}),
        boost::test_tools::per_element()
    );
}

// {"minute": "*/30"}: hour takes '*', second 0.
BOOST_AUTO_TEST_CASE(minute_only_keeps_every_hour)
{
    const cron_trigger t{{.minute = "*/30"}};
    BOOST_TEST(
        fires(t, new_year, 3) == (strings{"2026-01-01T00:00:00Z", "2026-01-01T00:30:00Z", "2026-01-01T01:00:00Z"}),
        boost::test_tools::per_element()
    );
}

// {"day_of_week": "sun"}: every Sunday at midnight (hour, minute, second take 0).
BOOST_AUTO_TEST_CASE(weekday_only_is_weekly)
{
    const cron_trigger t{{.day_of_week = "sun"}};
    BOOST_TEST(
        fires(t, new_year, 2) == (strings{"2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"}),
        boost::test_tools::per_element()
    );
}

// {"week": 10}: day_of_week stays '*': every day of ISO week 10 (2026: Mar 2-8) at midnight.
BOOST_AUTO_TEST_CASE(week_only_keeps_every_weekday)
{
    const cron_trigger t{{.week = "10"}};
    const auto got = fires(t, new_year, 8);
    BOOST_TEST(
        got == (strings{
                   "2026-03-02T00:00:00Z",
                   "2026-03-03T00:00:00Z",
                   "2026-03-04T00:00:00Z",
                   "2026-03-05T00:00:00Z",
                   "2026-03-06T00:00:00Z",
                   "2026-03-07T00:00:00Z",
                   "2026-03-08T00:00:00Z",
                   "2027-03-08T00:00:00Z",  // ISO week 10 of 2027 starts Mon Mar 8
               }),
        boost::test_tools::per_element()
    );
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cron_weekdays)

// Numeric day_of_week follows cron: 0 and 7 are Sunday, 1 Monday, 6 Saturday.
BOOST_AUTO_TEST_CASE(numeric_weekdays)
{
    BOOST_TEST(first(cron_trigger{{.day_of_week = "0"}}, new_year) == "2026-01-04T00:00:00Z");
    BOOST_TEST(first(cron_trigger{{.day_of_week = "7"}}, new_year) == "2026-01-04T00:00:00Z");
    BOOST_TEST(first(cron_trigger{{.day_of_week = "1"}}, new_year) == "2026-01-05T00:00:00Z");
    BOOST_TEST(first(cron_trigger{{.day_of_week = "6"}}, new_year) == "2026-01-03T00:00:00Z");
    BOOST_TEST(first(cron_trigger{{.day_of_week = "4"}}, new_year) == "2026-01-01T00:00:00Z");
    BOOST_TEST(first(crontab("0 0 * * 0"), new_year) == "2026-01-04T00:00:00Z");
    BOOST_TEST(first(crontab("0 0 * * 7"), new_year) == "2026-01-04T00:00:00Z");
    // 6-7 is Saturday and Sunday
    const cron_trigger weekend{{.day_of_week = "6-7"}};
    BOOST_TEST(
        fires(weekend, new_year, 3) ==
            (strings{"2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-10T00:00:00Z"}),
        boost::test_tools::per_element()
    );
}

// '*/2' in day_of_week counts from 0: Sun, Tue, Thu, Sat.
BOOST_AUTO_TEST_CASE(star_step_from_sunday)
{
    const cron_trigger t{{.day_of_week = "*/2"}};
    // Thu 01-01, Sat 01-03, Sun 01-04, Tue 01-06, Thu 01-08
    BOOST_TEST(
        fires(t, new_year, 5) == (strings{
                                     "2026-01-01T00:00:00Z",
                                     "2026-01-03T00:00:00Z",
                                     "2026-01-04T00:00:00Z",
                                     "2026-01-06T00:00:00Z",
                                     "2026-01-08T00:00:00Z",
                                 }),
        boost::test_tools::per_element()
    );
    BOOST_TEST(fires(crontab("0 0 * * */2"), new_year, 5) == fires(t, new_year, 5), boost::test_tools::per_element());
}

// Name ranges run Monday first; a step counts from the range's start (mon-fri/2: Mon, Wed, Fri).
BOOST_AUTO_TEST_CASE(name_range_with_step)
{
    const cron_trigger t{{.day_of_week = "mon-fri/2"}};
    // Fri 01-02, Mon 01-05, Wed 01-07, Fri 01-09
    BOOST_TEST(
        fires(t, new_year, 4) ==
            (strings{"2026-01-02T00:00:00Z", "2026-01-05T00:00:00Z", "2026-01-07T00:00:00Z", "2026-01-09T00:00:00Z"}),
        boost::test_tools::per_element()
    );
}

// Weekday ranges may wrap: fri-mon and 5-1 are Fri, Sat, Sun, Mon.
BOOST_AUTO_TEST_CASE(wrapping_ranges)
{
    const strings expected{
        "2026-01-02T00:00:00Z",  // Fri
        "2026-01-03T00:00:00Z",  // Sat
        "2026-01-04T00:00:00Z",  // Sun
        "2026-01-05T00:00:00Z",  // Mon
        "2026-01-09T00:00:00Z",  // Fri
    };
    BOOST_TEST(
        fires(cron_trigger{{.day_of_week = "fri-mon"}}, new_year, 5) == expected,
        boost::test_tools::per_element()
    );
    BOOST_TEST(fires(cron_trigger{{.day_of_week = "5-1"}}, new_year, 5) == expected, boost::test_tools::per_element());
    BOOST_TEST(fires(crontab("0 0 * * fri-mon"), new_year, 5) == expected, boost::test_tools::per_element());
}

// A step counts along the wrapped range: fri-mon/2 and 5-1/2 are Fri, Sun.
BOOST_AUTO_TEST_CASE(wrapping_range_with_step)
{
    const strings expected{
        "2026-01-02T00:00:00Z",  // Fri
        "2026-01-04T00:00:00Z",  // Sun
        "2026-01-09T00:00:00Z",  // Fri
        "2026-01-11T00:00:00Z",  // Sun
    };
    BOOST_TEST(
        fires(cron_trigger{{.day_of_week = "fri-mon/2"}}, new_year, 4) == expected,
        boost::test_tools::per_element()
    );
    BOOST_TEST(
        fires(cron_trigger{{.day_of_week = "5-1/2"}}, new_year, 4) == expected,
        boost::test_tools::per_element()
    );
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cron_calendar)

// ISO week 53 exists in 2026 (Dec 28 - Jan 3), next in 2032 (from Dec 27); its days in January still match.
BOOST_AUTO_TEST_CASE(iso_week_53)
{
    const cron_trigger mondays{{.week = "53", .day_of_week = "mon"}};
    BOOST_TEST(
        fires(mondays, new_year, 2) == (strings{"2026-12-28T00:00:00Z", "2032-12-27T00:00:00Z"}),
        boost::test_tools::per_element()
    );
    const cron_trigger every_day{{.week = "53"}};
    BOOST_TEST(
        fires(every_day, at("2026-12-31T00:00:00Z"), 5) == (strings{
                                                               "2026-12-31T00:00:00Z",
                                                               "2027-01-01T00:00:00Z",
                                                               "2027-01-02T00:00:00Z",
                                                               "2027-01-03T00:00:00Z",
                                                               "2032-12-27T00:00:00Z",
                                                           }),
        boost::test_tools::per_element()
    );
}

// year is the calendar year and week the ISO week, matched independently: 2025's days in ISO week 1 are
// Jan 1-5 (week 1 of 2025) and Dec 29-31 (week 1 of 2026).
BOOST_AUTO_TEST_CASE(year_and_week_independent)
{
    const cron_trigger t{{.year = "2025", .week = "1"}};
    BOOST_TEST(
        fires(t, at("2024-06-01T00:00:00Z"), 10) == (strings{
                                                        "2025-01-01T00:00:00Z",
                                                        "2025-01-02T00:00:00Z",
                                                        "2025-01-03T00:00:00Z",
                                                        "2025-01-04T00:00:00Z",
                                                        "2025-01-05T00:00:00Z",
                                                        "2025-12-29T00:00:00Z",
                                                        "2025-12-30T00:00:00Z",
                                                        "2025-12-31T00:00:00Z",
                                                    }),
        boost::test_tools::per_element()
    );
}

// The year field bounds the trigger: last day of February in 2027 and 2028, then finished.
BOOST_AUTO_TEST_CASE(year_field)
{
    const cron_trigger t{{.year = "2027-2028", .month = "feb", .day = "last"}};
    BOOST_TEST(
        fires(t, new_year, 3) == (strings{"2027-02-28T00:00:00Z", "2028-02-29T00:00:00Z"}),
        boost::test_tools::per_element()
    );
    const cron_trigger listed{{.year = "2026, 2030", .month = "7", .day = "4", .hour = "12"}};
    BOOST_TEST(
        fires(listed, new_year, 3) == (strings{"2026-07-04T12:00:00Z", "2030-07-04T12:00:00Z"}),
        boost::test_tools::per_element()
    );
}

// Feb 29 fires only in leap years; 2100 is not one.
BOOST_AUTO_TEST_CASE(leap_days)
{
    const auto t = crontab("0 0 29 2 *");
    BOOST_TEST(
        fires(t, new_year, 2) == (strings{"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}),
        boost::test_tools::per_element()
    );
    BOOST_TEST(
        fires(t, at("2096-03-01T00:00:00Z"), 2) == (strings{"2104-02-29T00:00:00Z", "2108-02-29T00:00:00Z"}),
        boost::test_tools::per_element()
    );
    BOOST_TEST(first(t, at("2096-02-29T00:00:00Z")) == "2096-02-29T00:00:00Z");
}

// The last representable cron year: fires at 9999-12-31T23:59:59, then is finished.
BOOST_AUTO_TEST_CASE(year_9999)
{
    const cron_trigger t{{.year = "9999", .month = "12", .day = "31", .hour = "23", .minute = "59", .second = "59"}};
    BOOST_TEST(fires(t, new_year, 3) == (strings{"9999-12-31T23:59:59Z"}), boost::test_tools::per_element());
    BOOST_TEST(!crontab("0 0 * * *").next_fire_time(at("9999-12-31T00:00:00Z"), at("9999-12-31T00:00:00Z")));
}

// Carrying across a year end.
BOOST_AUTO_TEST_CASE(year_boundaries)
{
    BOOST_TEST(first(crontab("59 23 31 12 *"), at("2026-12-31T23:59:01Z")) == "2027-12-31T23:59:00Z");
    BOOST_TEST(first(crontab("0 0 1 1 *"), at("2026-12-31T23:59:59Z")) == "2027-01-01T00:00:00Z");
    BOOST_TEST(first(crontab("* * * * * *"), at("2026-12-31T23:59:59.5Z")) == "2027-01-01T00:00:00Z");
    const auto last_second = crontab("59 59 23 31 12 *");
    BOOST_TEST(
        fires(last_second, at("2026-12-31T23:59:59Z"), 2) == (strings{"2026-12-31T23:59:59Z", "2027-12-31T23:59:59Z"}),
        boost::test_tools::per_element()
    );
}

// 'now' is inclusive to the microsecond; sub-second 'now' moves to the next match.
BOOST_AUTO_TEST_CASE(now_inclusive_and_sub_second)
{
    const auto daily = crontab("0 0 * * *");
    BOOST_TEST(first(daily, new_year) == "2026-01-01T00:00:00Z");
    BOOST_TEST(first(daily, at("2026-01-01T00:00:00.000001Z")) == "2026-01-02T00:00:00Z");
    BOOST_TEST(first(cron_trigger{{.second = "*"}}, at("2026-01-01T00:00:00.5Z")) == "2026-01-01T00:00:01Z");
}

// Fields are read on the wall clock of the trigger's zone.
BOOST_AUTO_TEST_CASE(fields_in_local_time)
{
    const cron_trigger t{{.hour = "9"}, {.timezone = time_zone::locate("Europe/Berlin")}};
    // 09:00 CET (+1) = 08:00Z in January; 09:00 CEST (+2) = 07:00Z in July
    BOOST_TEST(first(t, new_year) == "2026-01-01T08:00:00Z");
    BOOST_TEST(first(t, at("2026-07-01T00:00:00Z")) == "2026-07-01T07:00:00Z");
    // Midnight local, Tokyo (+9): 2026-01-02 00:00 JST = 01-01 15:00Z
    const auto tokyo = cron_trigger::from_crontab("0 0 * * *", {.timezone = time_zone::locate("Asia/Tokyo")});
    BOOST_TEST(first(tokyo, new_year) == "2026-01-01T15:00:00Z");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cron_bounds)

// end_date is inclusive; past it the trigger is finished.
BOOST_AUTO_TEST_CASE(end_date_inclusive_then_finished)
{
    const cron_trigger t{{.hour = "12"}, {.end_date = at("2026-01-03T12:00:00Z")}};
    BOOST_TEST(
        fires(t, new_year, 5) == (strings{"2026-01-01T12:00:00Z", "2026-01-02T12:00:00Z", "2026-01-03T12:00:00Z"}),
        boost::test_tools::per_element()
    );
    BOOST_TEST(!t.next_fire_time(std::nullopt, at("2026-01-04T00:00:00Z")));
    BOOST_TEST(!t.next_fire_time(at("2026-01-03T12:00:00Z"), at("2026-01-03T12:00:00Z")));
    // An end just before a match ends the trigger there
    const cron_trigger short_end{{.hour = "12"}, {.end_date = at("2026-01-02T11:59:59.999999Z")}};
    BOOST_TEST(fires(short_end, new_year, 5) == (strings{"2026-01-01T12:00:00Z"}), boost::test_tools::per_element());
}

// start_date is inclusive and later than now wins.
BOOST_AUTO_TEST_CASE(start_date_inclusive)
{
    const cron_trigger t{{.hour = "12"}, {.start_date = at("2026-01-05T12:00:00Z")}};
    BOOST_TEST(first(t, new_year) == "2026-01-05T12:00:00Z");
    // now later than start_date: now wins
    BOOST_TEST(first(t, at("2026-01-07T13:00:00Z")) == "2026-01-08T12:00:00Z");
    const cron_trigger late{{.hour = "12"}, {.start_date = at("2026-01-05T12:00:00.000001Z")}};
    BOOST_TEST(first(late, new_year) == "2026-01-06T12:00:00Z");
}

// An expression that can never match answers none, quickly.
BOOST_AUTO_TEST_CASE(never_fires)
{
    const auto started = std::chrono::steady_clock::now();
    BOOST_TEST(!crontab("0 0 30 2 *").next_fire_time(std::nullopt, new_year));
    BOOST_TEST(!crontab("0 0 31 4,6,9,11 *").next_fire_time(std::nullopt, new_year));
    BOOST_TEST(!cron_trigger({.month = "2", .day = "30"}).next_fire_time(std::nullopt, new_year));
    // February 2026 has only 4 Mondays
    BOOST_TEST(!cron_trigger({.year = "2026", .month = "2", .day = "5th mon"}).next_fire_time(std::nullopt, new_year));
    // Past years
    BOOST_TEST(!cron_trigger({.year = "2020-2025"}).next_fire_time(std::nullopt, new_year));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    BOOST_TEST(
        elapsed < 2s,
        "took " << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms"
    );
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cron_day_rules)

// Field form: day and day_of_week both restricted means both must match (AND): first Monday only.
BOOST_AUTO_TEST_CASE(field_form_and_rule)
{
    const cron_trigger first_monday{{.day = "1-7", .day_of_week = "mon"}};
    BOOST_TEST(
        fires(first_monday, new_year, 4) ==
            (strings{"2026-01-05T00:00:00Z", "2026-02-02T00:00:00Z", "2026-03-02T00:00:00Z", "2026-04-06T00:00:00Z"}),
        boost::test_tools::per_element()
    );
    const auto from_json = json(R"({"type":"cron","day":"1-7","day_of_week":"mon"})");
    BOOST_TEST(fires(from_json, new_year, 4) == fires(first_monday, new_year, 4), boost::test_tools::per_element());
    // Every day of the month and Mondays: Mondays only
    const cron_trigger mondays{{.day = "1-31", .day_of_week = "mon"}};
    BOOST_TEST(
        fires(mondays, new_year, 2) == (strings{"2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z"}),
        boost::test_tools::per_element()
    );
}

// Crontab form, neither day field starting with '*': a day matching either fires (OR).
BOOST_AUTO_TEST_CASE(crontab_or_rule)
{
    // Every day of the month matches the day field: daily
    BOOST_TEST(
        fires(crontab("0 0 1-31 * mon"), new_year, 3) ==
            (strings{"2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"}),
        boost::test_tools::per_element()
    );
    // The 1st and 15th, or any Friday
    BOOST_TEST(
        fires(crontab("0 0 1,15 * fri"), new_year, 8) == (strings{
                                                             "2026-01-01T00:00:00Z",  // 1st (Thu)
                                                             "2026-01-02T00:00:00Z",  // Fri
                                                             "2026-01-09T00:00:00Z",  // Fri
                                                             "2026-01-15T00:00:00Z",  // 15th (Thu)
                                                             "2026-01-16T00:00:00Z",  // Fri
                                                             "2026-01-23T00:00:00Z",  // Fri
                                                             "2026-01-30T00:00:00Z",  // Fri
                                                             "2026-02-01T00:00:00Z",  // 1st (Sun)
                                                         }),
        boost::test_tools::per_element()
    );
    // 'last' or a Friday
    BOOST_TEST(
        fires(crontab("0 0 last * fri"), at("2026-01-24T00:00:00Z"), 3) ==
            (strings{"2026-01-30T00:00:00Z", "2026-01-31T00:00:00Z", "2026-02-06T00:00:00Z"}),
        boost::test_tools::per_element()
    );
    // The first 7 days, or any Monday
    BOOST_TEST(
        fires(crontab("0 0 1-7 * mon"), at("2026-01-06T00:00:00Z"), 4) ==
            (strings{"2026-01-06T00:00:00Z", "2026-01-07T00:00:00Z", "2026-01-12T00:00:00Z", "2026-01-19T00:00:00Z"}),
        boost::test_tools::per_element()
    );
}

// Crontab form, a day field starting with '*': both must match (AND).
BOOST_AUTO_TEST_CASE(crontab_star_means_and)
{
    // Odd days that are Saturdays: Jan 3, 17, 31, Feb 7, 21
    BOOST_TEST(
        fires(crontab("0 0 */2 * sat"), new_year, 5) == (strings{
                                                            "2026-01-03T00:00:00Z",
                                                            "2026-01-17T00:00:00Z",
                                                            "2026-01-31T00:00:00Z",
                                                            "2026-02-07T00:00:00Z",
                                                            "2026-02-21T00:00:00Z",
                                                        }),
        boost::test_tools::per_element()
    );
    // day '*': Fridays only
    BOOST_TEST(
        fires(crontab("0 0 * * fri"), new_year, 2) == (strings{"2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z"}),
        boost::test_tools::per_element()
    );
    // day_of_week '*': the 13th only
    BOOST_TEST(
        fires(crontab("0 0 13 * *"), new_year, 2) == (strings{"2026-01-13T00:00:00Z", "2026-02-13T00:00:00Z"}),
        boost::test_tools::per_element()
    );
    // day_of_week '*/3' starts with '*' (Sun, Wed, Sat): AND with the 10th-20th: Sat 10, Sun 11, Wed 14, Sat 17
    BOOST_TEST(
        fires(crontab("0 0 10-20 * */3"), new_year, 4) ==
            (strings{"2026-01-10T00:00:00Z", "2026-01-11T00:00:00Z", "2026-01-14T00:00:00Z", "2026-01-17T00:00:00Z"}),
        boost::test_tools::per_element()
    );
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cron_crontab)

// 5 fields: minute hour day month day_of_week; seconds are 0.
BOOST_AUTO_TEST_CASE(five_fields)
{
    BOOST_TEST(
        fires(crontab("30 9 * * mon-fri"), new_year, 3) ==
            (strings{"2026-01-01T09:30:00Z", "2026-01-02T09:30:00Z", "2026-01-05T09:30:00Z"}),
        boost::test_tools::per_element()
    );
    // second defaults to 0: every minute on the minute
    BOOST_TEST(
        fires(crontab("* * * * *"), at("2026-01-01T00:00:30Z"), 2) ==
            (strings{"2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z"}),
        boost::test_tools::per_element()
    );
    // Extra blanks between fields are harmless
    BOOST_TEST(first(crontab("  30  9 *  * *  "), new_year) == "2026-01-01T09:30:00Z");
    // Crontab text through trigger::parse
    BOOST_TEST(first(json("30 9 * * mon-fri"), new_year) == "2026-01-01T09:30:00Z");
}

// 6 fields: seconds first.
BOOST_AUTO_TEST_CASE(six_fields)
{
    BOOST_TEST(
        fires(crontab("15 30 9 * * *"), new_year, 2) == (strings{"2026-01-01T09:30:15Z", "2026-01-02T09:30:15Z"}),
        boost::test_tools::per_element()
    );
    BOOST_TEST(
        fires(crontab("*/20 * * * * *"), new_year, 4) ==
            (strings{"2026-01-01T00:00:00Z", "2026-01-01T00:00:20Z", "2026-01-01T00:00:40Z", "2026-01-01T00:01:00Z"}),
        boost::test_tools::per_element()
    );
}

// The @ macros.
BOOST_AUTO_TEST_CASE(macros)
{
    const auto just_after = at("2026-01-01T00:00:01Z");
    BOOST_TEST(first(crontab("@yearly"), just_after) == "2027-01-01T00:00:00Z");
    BOOST_TEST(first(crontab("@annually"), just_after) == "2027-01-01T00:00:00Z");
    BOOST_TEST(first(crontab("@monthly"), just_after) == "2026-02-01T00:00:00Z");
    BOOST_TEST(first(crontab("@weekly"), just_after) == "2026-01-04T00:00:00Z");  // Sunday
    BOOST_TEST(first(crontab("@daily"), just_after) == "2026-01-02T00:00:00Z");
    BOOST_TEST(first(crontab("@midnight"), just_after) == "2026-01-02T00:00:00Z");
    BOOST_TEST(first(crontab("@hourly"), just_after) == "2026-01-01T01:00:00Z");
    BOOST_TEST(
        fires(crontab("@weekly"), just_after, 2) == (strings{"2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"}),
        boost::test_tools::per_element()
    );
    BOOST_TEST(first(json(R"({"type":"cron","crontab":"@monthly"})"), just_after) == "2026-02-01T00:00:00Z");
}

// The crontab JSON key takes the same strings; its options still apply.
BOOST_AUTO_TEST_CASE(crontab_json_key)
{
    const auto t = json(
        R"({"type":"cron","crontab":"0 9 * * *","timezone":"Europe/Berlin","end_date":"2026-01-02T12:00:00+01:00"})"
    );
    // 09:00 CET = 08:00Z; ends after Jan 2
    BOOST_TEST(
        fires(t, new_year, 3) == (strings{"2026-01-01T08:00:00Z", "2026-01-02T08:00:00Z"}),
        boost::test_tools::per_element()
    );
    BOOST_TEST(t.zone().name() == "Europe/Berlin");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cron_describe)

// APScheduler style: the given fields in significance order.
BOOST_AUTO_TEST_CASE(describe_given_fields)
{
    const cron_trigger t{{.day_of_week = "mon-fri", .hour = "9-17"}};
    BOOST_TEST(t.describe() == "cron[day_of_week='mon-fri', hour='9-17']");
    BOOST_TEST(t.kind() == "cron");
    const cron_trigger m{{.month = "6", .day = "last fri", .minute = "*/5"}};
    BOOST_TEST(m.describe() == "cron[month='6', day='last fri', minute='*/5']");
}

// A crontab trigger is described in the same style (whether it lists fields or the crontab text is not fixed).
BOOST_AUTO_TEST_CASE(describe_crontab)
{
    const auto d = crontab("0 9 * * mon-fri").describe();
    BOOST_TEST(d.starts_with("cron["), d);
    BOOST_TEST(d.ends_with("]"), d);
    BOOST_TEST(asched::test::contains(d, "mon-fri"), d);
}

BOOST_AUTO_TEST_SUITE_END()
