// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// `asched next`, end to end (spec: "asched next"): the command runs as a child process; its stdout, stderr and exit
// status are checked. The binary is the compile definition ASCHED_CLI_PATH.

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "common/cli_runner.hpp"
#include "common/trigger_helpers.hpp"

namespace {

using strings = std::vector<std::string>;

using run_result = asched::test::cli_result;

// Runs `asched next ARGS...`, stdin from /dev/null.
run_result run_next(std::initializer_list<std::string> args)
{
    std::vector<std::string> all{"next"};
    all.insert(all.end(), args.begin(), args.end());
    return asched::test::run_asched(all);
}

// A successful run: status 0, nothing on stderr.
void check_ok(const run_result& r)
{
    BOOST_TEST(r.status == 0);
    BOOST_TEST(r.err.empty(), r.err);
}

// A rejected run: status 2, nothing on stdout, exactly one non-empty line on stderr containing `needle`.
void check_rejected(const run_result& r, const std::string& needle)
{
    BOOST_TEST(r.status == 2);
    BOOST_TEST(r.out.empty(), r.out);
    BOOST_TEST(r.err.size() > 1u);
    BOOST_TEST((!r.err.empty() && r.err.back() == '\n'), r.err);
    BOOST_TEST(r.err.find('\n') == r.err.size() - 1, "more than one line: " << r.err);
    BOOST_TEST(asched::test::contains(r.err, needle), r.err);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_next)

// A bare crontab string; the default zone is UTC, written +00:00.
BOOST_AUTO_TEST_CASE(crontab_input)
{
    const auto r = run_next({"0 9 * * mon-fri", "--from", "2026-01-01T00:00:00Z", "--count", "3"});
    check_ok(r);
    BOOST_TEST(
        r.lines() == (strings{"2026-01-01T09:00:00+00:00", "2026-01-02T09:00:00+00:00", "2026-01-05T09:00:00+00:00"}),
        boost::test_tools::per_element()
    );
    BOOST_TEST(r.out.back() == '\n');
}

// A JSON trigger, printed in its own zone with the offset of each instant.
BOOST_AUTO_TEST_CASE(json_input)
{
    const auto r = run_next(
        {R"({"type":"cron","hour":14,"timezone":"America/New_York"})", "--from", "2026-03-07T00:00:00Z", "--count", "3"}
    );
    check_ok(r);
    BOOST_TEST(
        r.lines() == (strings{"2026-03-07T14:00:00-05:00", "2026-03-08T14:00:00-04:00", "2026-03-09T14:00:00-04:00"}),
        boost::test_tools::per_element()
    );
    // The help text's example
    const auto h = run_next({R"({"type": "cron", "hour": 9})", "--from", "2026-01-01T10:00:00Z", "--count", "1"});
    check_ok(h);
    BOOST_TEST(h.lines() == (strings{"2026-01-02T09:00:00+00:00"}), boost::test_tools::per_element());
}

// The spec's output example: 02:30 in the New York gap fires at 03:30 EDT.
BOOST_AUTO_TEST_CASE(spec_example_gap)
{
    const auto r = run_next({"30 2 * * *", "--tz", "America/New_York", "--from", "2026-03-08T00:00:00", "--count", "2"}
    );
    check_ok(r);
    BOOST_TEST(
        r.lines() == (strings{"2026-03-08T03:30:00-04:00", "2026-03-09T02:30:00-04:00"}),
        boost::test_tools::per_element()
    );
}

// --from with an offset is that instant; without one it is local time in the trigger's zone.
BOOST_AUTO_TEST_CASE(from_with_and_without_offset)
{
    // 09:30 in Berlin (+01:00): the next full hour is 10:00 local
    const auto local = run_next({"0 * * * *", "--tz", "Europe/Berlin", "--from", "2026-01-01T09:30:00", "--count", "1"}
    );
    check_ok(local);
    BOOST_TEST(local.lines() == (strings{"2026-01-01T10:00:00+01:00"}), boost::test_tools::per_element());
    // 09:30Z is 10:30 in Berlin: the next full hour is 11:00 local
    const auto exact = run_next({"0 * * * *", "--tz", "Europe/Berlin", "--from", "2026-01-01T09:30:00Z", "--count", "1"}
    );
    check_ok(exact);
    BOOST_TEST(exact.lines() == (strings{"2026-01-01T11:00:00+01:00"}), boost::test_tools::per_element());
    // The trigger's own zone, not --tz's, reads a local --from: 09:00 JST, + 1 h interval
    const auto tokyo = run_next(
        {R"({"type":"interval","hours":1,"timezone":"Asia/Tokyo"})", "--from", "2026-01-01T09:00:00", "--count", "2"}
    );
    check_ok(tokyo);
    BOOST_TEST(
        tokyo.lines() == (strings{"2026-01-01T10:00:00+09:00", "2026-01-01T11:00:00+09:00"}),
        boost::test_tools::per_element()
    );
    // A bare date is local midnight
    const auto bare = run_next({"0 * * * *", "--tz", "America/New_York", "--from", "2026-07-01", "--count", "1"});
    check_ok(bare);
    BOOST_TEST(bare.lines() == (strings{"2026-07-01T00:00:00-04:00"}), boost::test_tools::per_element());
}

// A local --from in a DST gap maps by the spec's rule: 02:30 on 2026-03-08 in New York is 03:30 EDT.
BOOST_AUTO_TEST_CASE(local_from_in_gap)
{
    const auto r = run_next({"0 * * * *", "--tz", "America/New_York", "--from", "2026-03-08T02:30:00", "--count", "2"});
    check_ok(r);
    BOOST_TEST(
        r.lines() == (strings{"2026-03-08T04:00:00-04:00", "2026-03-08T05:00:00-04:00"}),
        boost::test_tools::per_element()
    );
}

// Without --from the first 'now' is the current time.
BOOST_AUTO_TEST_CASE(from_defaults_to_now)
{
    const auto before = std::chrono::system_clock::now();
    const auto r = run_next({"* * * * * *", "--count", "1"});
    const auto after = std::chrono::system_clock::now();
    check_ok(r);
    BOOST_REQUIRE(r.lines().size() == 1u);
    const auto t = asched::test::at(r.lines()[0]);
    BOOST_TEST((t >= std::chrono::floor<std::chrono::seconds>(before)), r.out);
    BOOST_TEST((t <= std::chrono::ceil<std::chrono::seconds>(after) + std::chrono::seconds{1}), r.out);
}

// --count defaults to 10.
BOOST_AUTO_TEST_CASE(count_defaults_to_ten)
{
    const auto r = run_next({"*/5 * * * *", "--from", "2026-01-01T00:00:00Z"});
    check_ok(r);
    BOOST_TEST(r.lines().size() == 10u);
    BOOST_TEST(r.lines().front() == "2026-01-01T00:00:00+00:00");
    BOOST_TEST(r.lines().back() == "2026-01-01T00:45:00+00:00");
    const auto many = run_next({"*/5 * * * *", "--from", "2026-01-01T00:00:00Z", "--count", "25"});
    check_ok(many);
    BOOST_TEST(many.lines().size() == 25u);
}

// --tz sets the zone of a trigger that names none; a trigger's own zone wins.
BOOST_AUTO_TEST_CASE(tz_option)
{
    const auto r = run_next({"0 9 * * *", "--tz", "Asia/Kolkata", "--from", "2026-01-01T00:00:00Z", "--count", "1"});
    check_ok(r);
    BOOST_TEST(r.lines() == (strings{"2026-01-01T09:00:00+05:30"}), boost::test_tools::per_element());
    const auto own = run_next(
        {R"({"type":"cron","hour":9,"timezone":"Asia/Tokyo"})",
         "--tz",
         "Europe/Berlin",
         "--from",
         "2026-01-01T00:00:00Z",
         "--count",
         "1"}
    );
    check_ok(own);
    BOOST_TEST(own.lines() == (strings{"2026-01-01T09:00:00+09:00"}), boost::test_tools::per_element());
    // A local run_date in a JSON trigger without a zone is read in --tz's zone
    const auto date = run_next(
        {R"({"type":"date","run_date":"2026-06-01T12:00:00"})", "--tz", "Europe/Berlin", "--from", "2026-01-01"}
    );
    check_ok(date);
    BOOST_TEST(date.lines() == (strings{"2026-06-01T12:00:00+02:00"}), boost::test_tools::per_element());
}

// Fractional seconds are printed only when not zero.
BOOST_AUTO_TEST_CASE(fractional_output)
{
    const auto r = run_next(
        {R"({"type":"interval","seconds":1.5,"start_date":"2026-01-01T00:00:00Z"})",
         "--from",
         "2026-01-01T00:00:00Z",
         "--count",
         "3"}
    );
    check_ok(r);
    BOOST_TEST(
        r.lines() ==
            (strings{"2026-01-01T00:00:00+00:00", "2026-01-01T00:00:01.500000+00:00", "2026-01-01T00:00:03+00:00"}),
        boost::test_tools::per_element()
    );
}

// Fewer lines than --count when the trigger finishes.
BOOST_AUTO_TEST_CASE(fewer_lines_when_finished)
{
    const auto once = run_next(
        {R"({"type":"date","run_date":"2026-06-01T12:00:00Z"})", "--from", "2026-01-01T00:00:00Z"}
    );
    check_ok(once);
    BOOST_TEST(once.lines() == (strings{"2026-06-01T12:00:00+00:00"}), boost::test_tools::per_element());
    const auto ended = run_next(
        {R"({"type":"cron","hour":12,"end_date":"2026-01-02T12:00:00Z"})",
         "--from",
         "2026-01-01T00:00:00Z",
         "--count",
         "5"}
    );
    check_ok(ended);
    BOOST_TEST(
        ended.lines() == (strings{"2026-01-01T12:00:00+00:00", "2026-01-02T12:00:00+00:00"}),
        boost::test_tools::per_element()
    );
}

// A trigger that never fires (a past date, a date no calendar has): no lines, status 0, and one line on stderr
// saying so, since an empty answer alone would leave the user guessing.
BOOST_AUTO_TEST_CASE(never_fires_is_said_on_stderr)
{
    const auto check_never = [](const run_result& r) {
        BOOST_TEST(r.status == 0);
        BOOST_TEST(r.out.empty(), r.out);
        BOOST_TEST(r.err.find("never fires at or after 2026-01-01T00:00:00+00:00") != std::string::npos, r.err);
        BOOST_TEST(r.err.find('\n') == r.err.size() - 1, "not one line: " << r.err);
    };
    check_never(run_next({R"({"type":"date","run_date":"2025-06-01T12:00:00Z"})", "--from", "2026-01-01T00:00:00Z"}));
    check_never(run_next({"0 0 30 2 *", "--from", "2026-01-01T00:00:00Z"}));
}

// --count must be at least 1: zero answers is never what the user meant.
BOOST_AUTO_TEST_CASE(count_zero_is_rejected)
{
    check_rejected(run_next({"0 9 * * *", "--count", "0"}), "--count");
    check_rejected(run_next({"0 9 * * *", "--count", "-1"}), "--count");
}

// Bad input: exit status 2 and one line on stderr naming the problem.
BOOST_AUTO_TEST_CASE(rejected_input)
{
    check_rejected(run_next({"0 25 * * *", "--from", "2026-01-01T00:00:00Z"}), "25");
    check_rejected(run_next({"* * * *"}), "* * * *");
    check_rejected(run_next({R"({"type":"interval","hourz":1})"}), "hourz");
    check_rejected(run_next({R"({"type":"interval","hours":"3"})"}), "hours");
    check_rejected(run_next({R"({"type":"cron","hour":1,"timezone":"Mars/Base"})"}), "Mars/Base");
    check_rejected(run_next({"0 9 * * *", "--tz", "Mars/Base"}), "Mars/Base");
    check_rejected(run_next({"0 9 * * *", "--from", "yesterday"}), "yesterday");
    check_rejected(run_next({"0 9 * * *", "--from", "2026-01-01T00:00:00.1234567Z"}), "2026-01-01T00:00:00.1234567Z");
    check_rejected(run_next({"0 9 * * *", "--frobnicate"}), "--frobnicate");
    check_rejected(run_next({"0 9 * * *", "--count", "many"}), "many");
    check_rejected(run_next({"0 9 * * *", "--from"}), "--from");
    check_rejected(run_next({"{"}), "");  // not JSON and not a crontab
    check_rejected(run_next({R"({"type":"weekly"})"}), "weekly");
    check_rejected(run_next({}), "");
}

// An 'and' trigger whose children never agree: exit 2 (spec: max_iterations exhausted).
BOOST_AUTO_TEST_CASE(and_search_exhausted)
{
    const auto r = run_next(
        {R"({"type":"and","threshold":0,"max_iterations":10,"triggers":[)"
         R"({"type":"cron","crontab":"0 12 * * *"},{"type":"cron","crontab":"1 12 * * *"}]})",
         "--from",
         "2026-01-01T00:00:00Z"}
    );
    BOOST_TEST(r.status == 2);
    BOOST_TEST(r.err.find('\n') == r.err.size() - 1, "not one line: " << r.err);
}

BOOST_AUTO_TEST_SUITE_END()
