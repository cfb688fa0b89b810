// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// Bad input (spec: "Errors"): a malformed trigger is rejected when it is built with asched::invalid_trigger (a
// std::invalid_argument) whose message names the field and quotes the offending text.

#include <asched/triggers.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "common/trigger_helpers.hpp"

using namespace std::chrono_literals;
using asched::and_trigger;
using asched::calendar_interval_trigger;
using asched::cron_fields;
using asched::cron_trigger;
using asched::date_trigger;
using asched::interval_trigger;
using asched::invalid_trigger;
using asched::or_trigger;
using asched::trigger;
using asched::test::at;
using asched::test::contains;

static_assert(std::is_base_of_v<std::invalid_argument, invalid_trigger>);

namespace {

// Runs `fn`, which must throw invalid_trigger whose what() contains every one of `needles`.
template <class Fn>
void expect_invalid(const std::string& what_was_built, Fn&& fn, std::initializer_list<std::string> needles)
{
    BOOST_TEST_CONTEXT(what_was_built)
    {
        try
        {
            fn();
            BOOST_ERROR("no exception");
        }
        catch (const invalid_trigger& e)
        {
            const std::string msg = e.what();
            BOOST_TEST(!e.field().empty());
            for (const auto& needle : needles)
                BOOST_TEST(contains(msg, needle), "'" << msg << "' does not contain '" << needle << "'");
        }
        catch (const std::exception& e)
        {
            BOOST_ERROR("wrong exception type: " << e.what());
        }
    }
}

// A cron_trigger built from `fields` must be rejected naming `field` and quoting `text`.
void expect_bad_cron(const cron_fields& fields, const std::string& field, const std::string& text)
{
    expect_invalid(field + "=" + text, [&] { cron_trigger t{fields}; }, {field, text});
}

void expect_bad_crontab(const std::string& crontab, std::initializer_list<std::string> needles)
{
    expect_invalid(
        "crontab " + crontab,
        [&] { cron_trigger::from_crontab(crontab); },
        needles
    );
}

void expect_bad_json(const std::string& json, std::initializer_list<std::string> needles)
{
    expect_invalid(
        json,
        [&] { trigger::parse(json); },
        needles
    );
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bad_input)

// The spec's own example, word for word.
BOOST_AUTO_TEST_CASE(spec_example_message)
{
    try
    {
        cron_trigger t{{.hour = "25"}};
        BOOST_ERROR("no exception");
    }
    catch (const invalid_trigger& e)
    {
        BOOST_TEST(std::string(e.what()) == "cron field 'hour': value 25 is out of range 0-23");
        BOOST_TEST(e.field() == "cron field 'hour'");
    }
}

// A value outside a field's range names the field and the value.
BOOST_AUTO_TEST_CASE(out_of_range_values)
{
    expect_bad_cron({.hour = "25"}, "hour", "25");
    expect_bad_cron({.hour = "24"}, "hour", "24");
    expect_bad_cron({.minute = "60"}, "minute", "60");
    expect_bad_cron({.second = "61"}, "second", "61");
    expect_bad_cron({.day = "32"}, "day", "32");
    expect_bad_cron({.day = "0"}, "day", "0");
    expect_bad_cron({.month = "13"}, "month", "13");
    expect_bad_cron({.month = "0"}, "month", "0");
    expect_bad_cron({.day_of_week = "8"}, "day_of_week", "8");
    expect_bad_cron({.week = "54"}, "week", "54");
    expect_bad_cron({.week = "0"}, "week", "0");
    expect_bad_cron({.year = "1969"}, "year", "1969");
    expect_bad_cron({.year = "10000"}, "year", "10000");
    expect_bad_cron({.hour = "1-24"}, "hour", "24");
    expect_bad_cron({.minute = "1,2,99"}, "minute", "99");
}

// A zero step is an error.
BOOST_AUTO_TEST_CASE(zero_step)
{
    expect_bad_cron({.hour = "*/0"}, "hour", "*/0");
    expect_bad_cron({.minute = "1-10/0"}, "minute", "1-10/0");
}

// A range whose start is after its end is an error, except for weekdays (which wrap).
BOOST_AUTO_TEST_CASE(reversed_ranges)
{
    expect_bad_cron({.hour = "5-1"}, "hour", "5-1");
    expect_bad_cron({.minute = "10-5"}, "minute", "10-5");
    expect_bad_cron({.month = "dec-jan"}, "month", "dec-jan");
    expect_bad_cron({.day = "31-1"}, "day", "31-1");
    expect_bad_cron({.year = "2030-2026"}, "year", "2030-2026");
    // Wrapping weekday ranges are fine
    BOOST_CHECK_NO_THROW(cron_trigger({.day_of_week = "5-1"}));
    BOOST_CHECK_NO_THROW(cron_trigger({.day_of_week = "sun-sat"}));
}

// Unknown names, and names in fields that take none.
BOOST_AUTO_TEST_CASE(unknown_names)
{
    expect_bad_cron({.month = "foo"}, "month", "foo");
    expect_bad_cron({.month = "jan-foo"}, "month", "foo");
    expect_bad_cron({.day_of_week = "funday"}, "day_of_week", "funday");
    expect_bad_cron({.hour = "mon"}, "hour", "mon");
    expect_bad_cron({.day = "jan"}, "day", "jan");
    expect_bad_cron({.day = "6th mon"}, "day", "6th");
    expect_bad_cron({.day = "1st moon"}, "day", "moon");
    expect_bad_cron({.day = "last blah"}, "day", "blah");
}

// Text that is no expression at all.
BOOST_AUTO_TEST_CASE(malformed_expressions)
{
    expect_bad_cron({.hour = "abc"}, "hour", "abc");
    expect_bad_cron({.hour = "1,,2"}, "hour", "1,,2");
    expect_bad_cron({.hour = "-5"}, "hour", "-5");
    expect_bad_cron({.hour = "5-"}, "hour", "5-");
    expect_bad_cron({.hour = "1-2-3"}, "hour", "1-2-3");
    expect_bad_cron({.minute = "*/"}, "minute", "*/");
    expect_bad_cron({.minute = "9.5"}, "minute", "9.5");
    expect_invalid("hour=''", [] { cron_trigger t{{.hour = ""}}; }, {"hour"});
}

// A crontab string must have 5 or 6 fields, or be a known macro.
BOOST_AUTO_TEST_CASE(crontab_field_count)
{
    expect_bad_crontab("* * * *", {"* * * *"});
    expect_bad_crontab("* * * * * * *", {"* * * * * * *"});
    expect_bad_crontab("@fortnightly", {"@fortnightly"});
    expect_invalid("empty crontab", [] { cron_trigger::from_crontab(""); }, {});
    expect_bad_json(R"({"type":"cron","crontab":"* * * *"})", {"crontab", "* * * *"});
    expect_bad_json("* * * *", {"* * * *"});
}

// Crontab fields are checked like the field form, named by their position's field.
BOOST_AUTO_TEST_CASE(crontab_field_values)
{
    expect_bad_crontab("0 25 * * *", {"hour", "25"});
    expect_bad_crontab("61 * * * *", {"minute", "61"});
    expect_bad_crontab("0 0 32 * *", {"day", "32"});
    expect_bad_crontab("0 0 * 13 *", {"month", "13"});
    expect_bad_crontab("0 0 * * 8", {"day_of_week", "8"});
    expect_bad_crontab("61 0 0 * * *", {"second", "61"});
    expect_bad_crontab("* * * * * 9", {"day_of_week", "9"});
    expect_bad_crontab("0 5-1 * * *", {"hour", "5-1"});
    expect_bad_crontab("*/0 * * * *", {"minute", "*/0"});
    expect_bad_crontab("0 0 * foo *", {"month", "foo"});
}

// Unknown time zone names are errors naming the zone.
BOOST_AUTO_TEST_CASE(unknown_time_zones)
{
    expect_bad_json(R"({"type":"cron","hour":1,"timezone":"Mars/Olympus_Mons"})", {"timezone", "Mars/Olympus_Mons"});
    expect_bad_json(R"({"type":"interval","hours":1,"timezone":"Nowhere"})", {"timezone", "Nowhere"});
    expect_bad_json(R"({"type":"date","run_date":"2026-01-01","timezone":"Europe/Atlantis"})", {"Europe/Atlantis"});
    expect_bad_json(R"({"type":"calendarinterval","days":1,"timezone":"X/Y"})", {"X/Y"});
}

// Unknown keys are errors naming the key; keys of one kind are unknown to the others.
BOOST_AUTO_TEST_CASE(unknown_json_keys)
{
    expect_bad_json(R"({"type":"interval","hours":1,"hourz":2})", {"hourz"});
    expect_bad_json(R"({"type":"cron","hour":1,"minutes":5})", {"minutes"});
    expect_bad_json(R"({"type":"date","run_date":"2026-01-01T00:00:00Z","jitter":1})", {"jitter"});
    expect_bad_json(R"({"type":"calendarinterval","days":1,"seconds":5})", {"seconds"});
    expect_bad_json(R"({"type":"calendarinterval","days":1,"jitter":5})", {"jitter"});
    expect_bad_json(
        R"({"type":"and","triggers":[{"type":"cron","hour":1},{"type":"cron","hour":2}],"timezone":"UTC"})",
        {"timezone"}
    );
    expect_bad_json(
        R"({"type":"or","triggers":[{"type":"cron","hour":1},{"type":"cron","hour":2}],"threshold":1})",
        {"threshold"}
    );
    // In a nested child too
    expect_bad_json(
        R"({"type":"or","triggers":[{"type":"cron","hour":1,"colour":"red"},{"type":"cron","hour":2}]})",
        {"colour"}
    );
}

// Values of the wrong JSON type name the key.
BOOST_AUTO_TEST_CASE(wrong_json_types)
{
    expect_bad_json(R"({"type":"interval","hours":"3"})", {"hours", "3"});
    expect_bad_json(R"({"type":"interval","hours":1,"jitter":"5"})", {"jitter"});
    expect_bad_json(R"({"type":"cron","hour":true})", {"hour"});
    expect_bad_json(R"({"type":"cron","hour":[1,2]})", {"hour"});
    expect_bad_json(R"({"type":"cron","hour":1.5})", {"hour"});
    expect_bad_json(R"({"type":"calendarinterval","months":1.5})", {"months"});
    expect_bad_json(R"({"type":"calendarinterval","months":-1})", {"months", "-1"});
    expect_bad_json(R"({"type":"date","run_date":12345})", {"run_date"});
    expect_bad_json(R"({"type":"interval","hours":1,"timezone":5})", {"timezone"});
    expect_bad_json(R"({"type":"interval","hours":1,"start_date":"yesterday"})", {"start_date", "yesterday"});
    expect_bad_json(R"({"type":"and","triggers":{}})", {"triggers"});
    expect_bad_json(R"({"type":"and","triggers":[{"type":"cron","hour":1},5]})", {});
    expect_bad_json(R"({"type":5})", {"type"});
    expect_bad_json("[1,2]", {});
    expect_bad_json("{", {});
}

// A zero or negative interval, or a negative jitter, is an error.
BOOST_AUTO_TEST_CASE(zero_interval)
{
    expect_invalid("interval 0", [] { interval_trigger t{0s}; }, {});
    expect_invalid("interval -1s", [] { interval_trigger t{-1s}; }, {});
    expect_invalid("jitter -1s", [] { interval_trigger t{1s, {.jitter = -1s}}; }, {"jitter"});
    expect_invalid("cron jitter -1s", [] { cron_trigger t{{.hour = "1"}, {.jitter = -1s}}; }, {"jitter"});
    expect_bad_json(R"({"type":"interval"})", {});
    expect_bad_json(R"({"type":"interval","seconds":0})", {});
    expect_bad_json(R"({"type":"interval","hours":-1})", {});
    expect_bad_json(R"({"type":"interval","hours":1,"jitter":-1})", {"jitter"});
}

// An end before the start is an error; an end equal to the start is a trigger that fires once.
BOOST_AUTO_TEST_CASE(end_before_start)
{
    const auto start = at("2026-01-02T00:00:00Z");
    const auto end = at("2026-01-01T00:00:00Z");
    expect_invalid(
        "interval end < start",
        [&] {
            interval_trigger t{1h, {.start_date = start, .end_date = end}};
        },
        {"end_date"}
    );
    expect_invalid(
        "cron end < start",
        [&] {
            cron_trigger t{{.hour = "1"}, {.start_date = start, .end_date = end}};
        },
        {"end_date"}
    );
    expect_bad_json(
        R"({"type":"interval","hours":1,"start_date":"2026-01-02T00:00:00Z","end_date":"2026-01-01T00:00:00Z"})",
        {"end_date"}
    );
    expect_bad_json(
        R"({"type":"calendarinterval","days":1,"start_date":"2026-01-02","end_date":"2026-01-01T00:00:00Z"})",
        {"end_date"}
    );
    const interval_trigger once{1h, {.start_date = start, .end_date = start}};
    BOOST_TEST(asched::test::fires(once, end, 3).size() == 1u);
}

// A calendarinterval needs a stride, and a valid time of day.
BOOST_AUTO_TEST_CASE(calendar_interval_settings)
{
    expect_invalid("no stride", [] { calendar_interval_trigger t{{.hour = 9}}; }, {});
    expect_bad_json(R"({"type":"calendarinterval","hour":9})", {});
    expect_bad_json(R"({"type":"calendarinterval","years":0,"months":0,"weeks":0,"days":0})", {});
    expect_invalid("negative weeks", [] { calendar_interval_trigger t{{.weeks = -1}}; }, {"weeks"});
    expect_invalid("hour 24", [] { calendar_interval_trigger t{{.days = 1, .hour = 24}}; }, {"hour", "24"});
    expect_invalid("minute 60", [] { calendar_interval_trigger t{{.days = 1, .minute = 60}}; }, {"minute", "60"});
    expect_invalid("second 60", [] { calendar_interval_trigger t{{.days = 1, .second = 60}}; }, {"second", "60"});
    expect_bad_json(R"({"type":"calendarinterval","days":1,"hour":25})", {"hour", "25"});
    expect_bad_json(R"({"type":"calendarinterval","days":1,"start_date":"2026-02-30"})", {"start_date", "2026-02-30"});
}

// and/or need at least 2 children; and needs a threshold >= 0 and max_iterations > 0.
BOOST_AUTO_TEST_CASE(combining_settings)
{
    const trigger one = cron_trigger{{.hour = "1"}};
    expect_invalid("and of 1", [&] { and_trigger t{{one}}; }, {});
    expect_invalid("and of 0", [&] { and_trigger t{{}}; }, {});
    expect_invalid("or of 1", [&] { or_trigger t{{one}}; }, {});
    expect_invalid("or of 0", [&] { or_trigger t{{}}; }, {});
    expect_invalid("negative threshold", [&] { and_trigger t{{one, one}, -1s}; }, {});
    expect_invalid("zero iterations", [&] { and_trigger t{{one, one}, 1s, 0}; }, {});
    expect_bad_json(R"({"type":"or","triggers":[{"type":"cron","hour":1}]})", {"triggers"});
    expect_bad_json(R"({"type":"and","triggers":[]})", {"triggers"});
    expect_bad_json(R"({"type":"and"})", {"triggers"});
    expect_bad_json(
        R"({"type":"and","triggers":[{"type":"cron","hour":1},{"type":"cron","hour":2}],"max_iterations":0})",
        {"max_iterations"}
    );
    expect_bad_json(
        R"({"type":"and","triggers":[{"type":"cron","hour":1},{"type":"cron","hour":2}],"threshold":-1})",
        {"threshold"}
    );
    // A bad child is reported
    expect_bad_json(
        R"({"type":"and","triggers":[{"type":"cron","hour":25},{"type":"cron","hour":2}]})",
        {"hour", "25"}
    );
}

// The "type" key: unknown or missing.
BOOST_AUTO_TEST_CASE(type_key)
{
    expect_bad_json(R"({"type":"weekly","hours":1})", {"weekly"});
    expect_bad_json(R"({"hours":1})", {"type"});
    expect_bad_json(R"({})", {"type"});
}

// A cron trigger with no field at all is an error (but an explicit '*' is a field).
BOOST_AUTO_TEST_CASE(cron_without_fields)
{
    expect_invalid("cron{}", [] { cron_trigger t{cron_fields{}}; }, {});
    expect_bad_json(R"({"type":"cron"})", {});
    expect_bad_json(R"({"type":"cron","timezone":"UTC","jitter":1})", {});
    BOOST_CHECK_NO_THROW(cron_trigger({.second = "*"}));
}

// A cron trigger takes either the fields or a crontab string, not both.
BOOST_AUTO_TEST_CASE(cron_fields_and_crontab)
{
    expect_bad_json(R"({"type":"cron","crontab":"* * * * *","hour":1})", {});
}

// Datetimes: 7 fractional digits, garbage, and a missing run_date.
BOOST_AUTO_TEST_CASE(bad_datetimes)
{
    expect_bad_json(
        R"({"type":"date","run_date":"2026-01-01T00:00:00.1234567Z"})",
        {"run_date", "2026-01-01T00:00:00.1234567Z"}
    );
    expect_bad_json(
        R"({"type":"interval","hours":1,"start_date":"2026-01-01T00:00:00.1234567"})",
        {"start_date", "2026-01-01T00:00:00.1234567"}
    );
    expect_bad_json(
        R"({"type":"cron","hour":1,"end_date":"2026-13-01T00:00:00Z"})",
        {"end_date", "2026-13-01T00:00:00Z"}
    );
    expect_bad_json(R"({"type":"date"})", {"run_date"});
    expect_bad_json(R"({"type":"date","run_date":"soon"})", {"run_date", "soon"});
}

BOOST_AUTO_TEST_SUITE_END()
