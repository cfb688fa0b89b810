// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// asched::detail::plan_runs, what a job does when its timer expires, as a plain function (no io_context, no clock).
// Spec: issue 3, "Timers and dispatch": collect the due run times, drop those older than the misfire grace time,
// coalesce if asked, refuse runs beyond max_instances, compute the next fire time from the trigger, or none when
// the trigger has finished. Every expected value is worked out by hand from the trigger's grid.

#include <asched/job.hpp>
#include <asched/triggers.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "common/trigger_helpers.hpp"
#include "lib/run_plan.hpp"

using namespace std::chrono_literals;
using asched::cron_trigger;
using asched::date_trigger;
using asched::instant;
using asched::interval_trigger;
using asched::time_zone;
using asched::unlimited_grace;
using asched::detail::max_due_times;
using asched::detail::plan_runs;
using asched::detail::run_policy;
using asched::test::str;
using asched::test::utc;
using strings = std::vector<std::string>;

namespace {

// 2026-01-05T00:00:00Z; the interval triggers below fire on the grid T0 + k * 10 s
const instant T0 = utc(2026, 1, 5);

const interval_trigger every_10s{10s, {.start_date = T0}};

// Run times as UTC text, so that a failure shows which times differ
strings texts(const asched::detail::run_times& times)
{
    strings out;
    for (const instant t : times)
        out.push_back(str(t));
    return out;
}

// T0 + s seconds as UTC text
std::string at_s(long s) { return str(T0 + std::chrono::seconds{s}); }

strings seconds_list(std::initializer_list<long> seconds)
{
    strings out;
    for (const long s : seconds)
        out.push_back(at_s(s));
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(run_plan)

BOOST_AUTO_TEST_CASE(one_due_time_on_time_runs_once_and_moves_to_the_next_grid_point)
{
    const auto plan = plan_runs(every_10s, T0 + 10s, T0 + 10s, {1s, true, 1}, 0);
    BOOST_TEST(texts(plan.runs) == seconds_list({10}), boost::test_tools::per_element());
    BOOST_TEST(plan.missed.empty());
    BOOST_TEST(plan.refused.empty());
    BOOST_TEST(str(plan.next_run_time) == at_s(20));
}

BOOST_AUTO_TEST_CASE(one_due_time_slightly_late_still_runs_for_its_planned_time)
{
    // Half a second late is within the 1 s grace; the run keeps its scheduled time
    const auto plan = plan_runs(every_10s, T0 + 10s, T0 + 10500ms, {1s, true, 1}, 0);
    BOOST_TEST(texts(plan.runs) == seconds_list({10}), boost::test_tools::per_element());
    BOOST_TEST(plan.missed.empty());
    BOOST_TEST(str(plan.next_run_time) == at_s(20));
}

BOOST_AUTO_TEST_CASE(a_timer_that_fires_early_runs_nothing_and_keeps_the_next_run_time)
{
    // The wall clock stepped back after arming: nothing is due yet
    const auto plan = plan_runs(every_10s, T0 + 10s, T0 + 9s, {1s, true, 1}, 0);
    BOOST_TEST(plan.runs.empty());
    BOOST_TEST(plan.missed.empty());
    BOOST_TEST(plan.refused.empty());
    BOOST_TEST(str(plan.next_run_time) == at_s(10));
}

BOOST_AUTO_TEST_CASE(several_due_times_without_coalesce_run_each_in_order)
{
    // Due: 10, 20, 30, 40 (45 is between grid points)
    const auto plan = plan_runs(every_10s, T0 + 10s, T0 + 45s, {unlimited_grace, false, 10}, 0);
    BOOST_TEST(texts(plan.runs) == seconds_list({10, 20, 30, 40}), boost::test_tools::per_element());
    BOOST_TEST(plan.missed.empty());
    BOOST_TEST(plan.refused.empty());
    BOOST_TEST(str(plan.next_run_time) == at_s(50));
}

BOOST_AUTO_TEST_CASE(several_due_times_with_coalesce_run_once_for_the_latest)
{
    const auto plan = plan_runs(every_10s, T0 + 10s, T0 + 45s, {unlimited_grace, true, 10}, 0);
    BOOST_TEST(texts(plan.runs) == seconds_list({40}), boost::test_tools::per_element());
    BOOST_TEST(plan.missed.empty());
    BOOST_TEST(plan.refused.empty());
    BOOST_TEST(str(plan.next_run_time) == at_s(50));
}

BOOST_AUTO_TEST_CASE(a_run_exactly_grace_late_runs_and_one_microsecond_more_is_missed)
{
    // now - t > grace is a misfire: exactly 5 s late is still on time
    const run_policy policy{5s, true, 1};
    const auto on_time = plan_runs(every_10s, T0 + 10s, T0 + 15s, policy, 0);
    BOOST_TEST(texts(on_time.runs) == seconds_list({10}), boost::test_tools::per_element());
    BOOST_TEST(on_time.missed.empty());
    BOOST_TEST(str(on_time.next_run_time) == at_s(20));

    const auto late = plan_runs(every_10s, T0 + 10s, T0 + 15s + 1us, policy, 0);
    BOOST_TEST(late.runs.empty());
    BOOST_TEST(texts(late.missed) == seconds_list({10}), boost::test_tools::per_element());
    BOOST_TEST(late.refused.empty());
    BOOST_TEST(str(late.next_run_time) == at_s(20));
}

BOOST_AUTO_TEST_CASE(grace_splits_a_backlog_into_missed_and_run_times)
{
    // now = 45, grace 15 s: 10 (35 s late) and 20 (25 s) are missed, 30 (exactly 15 s) and 40 (5 s) run
    const auto plan = plan_runs(every_10s, T0 + 10s, T0 + 45s, {15s, false, 10}, 0);
    BOOST_TEST(texts(plan.runs) == seconds_list({30, 40}), boost::test_tools::per_element());
    BOOST_TEST(texts(plan.missed) == seconds_list({10, 20}), boost::test_tools::per_element());
    BOOST_TEST(plan.refused.empty());
    BOOST_TEST(str(plan.next_run_time) == at_s(50));
}

BOOST_AUTO_TEST_CASE(coalesce_merges_only_the_runs_and_still_reports_every_missed_time)
{
    // Misfires are decided before coalescing: the late times are reported, the rest collapse into 40
    const auto plan = plan_runs(every_10s, T0 + 10s, T0 + 45s, {15s, true, 10}, 0);
    BOOST_TEST(texts(plan.runs) == seconds_list({40}), boost::test_tools::per_element());
    BOOST_TEST(texts(plan.missed) == seconds_list({10, 20}), boost::test_tools::per_element());
    BOOST_TEST(plan.refused.empty());
}

BOOST_AUTO_TEST_CASE(a_backlog_entirely_beyond_grace_runs_nothing)
{
    const auto plan = plan_runs(every_10s, T0 + 10s, T0 + 45s, {1s, true, 1}, 0);
    BOOST_TEST(plan.runs.empty());
    BOOST_TEST(texts(plan.missed) == seconds_list({10, 20, 30, 40}), boost::test_tools::per_element());
    BOOST_TEST(plan.refused.empty());
    BOOST_TEST(str(plan.next_run_time) == at_s(50));
}

BOOST_AUTO_TEST_CASE(unlimited_grace_never_misses_even_a_day_late)
{
    // microseconds::max() must not overflow in now - t > grace: a run one day late still runs
    const auto now = T0 + 10s + 24h;  // T0 + 86410 s, a grid point
    const auto plan = plan_runs(every_10s, T0 + 10s, now, {unlimited_grace, true, 1}, 0);
    BOOST_TEST(texts(plan.runs) == seconds_list({86410}), boost::test_tools::per_element());
    BOOST_TEST(plan.missed.empty());
    BOOST_TEST(str(plan.next_run_time) == at_s(86420));

    // Without coalescing, all 8641 due times run (max_instances permitting)
    const auto all = plan_runs(every_10s, T0 + 10s, now, {unlimited_grace, false, 10'000}, 0);
    BOOST_TEST(all.runs.size() == 8641u);
    BOOST_TEST(str(all.runs.front()) == at_s(10));
    BOOST_TEST(str(all.runs.back()) == at_s(86410));
    BOOST_TEST(all.missed.empty());
    BOOST_TEST(all.refused.empty());
}

BOOST_AUTO_TEST_CASE(zero_grace_runs_only_exactly_on_time)
{
    const run_policy policy{0us, true, 1};
    const auto on_time = plan_runs(every_10s, T0 + 10s, T0 + 10s, policy, 0);
    BOOST_TEST(texts(on_time.runs) == seconds_list({10}), boost::test_tools::per_element());
    BOOST_TEST(on_time.missed.empty());

    const auto late = plan_runs(every_10s, T0 + 10s, T0 + 10s + 1us, policy, 0);
    BOOST_TEST(late.runs.empty());
    BOOST_TEST(texts(late.missed) == seconds_list({10}), boost::test_tools::per_element());
    BOOST_TEST(str(late.next_run_time) == at_s(20));
}

BOOST_AUTO_TEST_CASE(runs_beyond_max_instances_minus_running_are_refused)
{
    // max 3, 2 running: one free slot for the four due times 10..40
    const auto plan = plan_runs(every_10s, T0 + 10s, T0 + 45s, {unlimited_grace, false, 3}, 2);
    BOOST_TEST(texts(plan.runs) == seconds_list({10}), boost::test_tools::per_element());
    BOOST_TEST(texts(plan.refused) == seconds_list({20, 30, 40}), boost::test_tools::per_element());
    BOOST_TEST(plan.missed.empty());
    BOOST_TEST(str(plan.next_run_time) == at_s(50));
}

BOOST_AUTO_TEST_CASE(a_job_at_its_limit_has_its_only_run_refused)
{
    const auto plan = plan_runs(every_10s, T0 + 10s, T0 + 10s, {1s, true, 1}, 1);
    BOOST_TEST(plan.runs.empty());
    BOOST_TEST(texts(plan.refused) == seconds_list({10}), boost::test_tools::per_element());
    BOOST_TEST(plan.missed.empty());
    // Refusing a run does not stop the schedule
    BOOST_TEST(str(plan.next_run_time) == at_s(20));
}

BOOST_AUTO_TEST_CASE(a_coalesced_backlog_at_the_limit_is_refused_as_one_run)
{
    const auto plan = plan_runs(every_10s, T0 + 10s, T0 + 45s, {unlimited_grace, true, 2}, 2);
    BOOST_TEST(plan.runs.empty());
    BOOST_TEST(texts(plan.refused) == seconds_list({40}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(more_running_than_the_limit_refuses_everything)
{
    // The limit was lowered (modify_job) while 5 runs were in progress
    const auto plan = plan_runs(every_10s, T0 + 10s, T0 + 25s, {unlimited_grace, false, 2}, 5);
    BOOST_TEST(plan.runs.empty());
    BOOST_TEST(texts(plan.refused) == seconds_list({10, 20}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(missed_runs_are_not_counted_against_max_instances)
{
    // 10 and 20 are missed; 30 and 40 compete for the one free slot
    const auto plan = plan_runs(every_10s, T0 + 10s, T0 + 45s, {15s, false, 1}, 0);
    BOOST_TEST(texts(plan.runs) == seconds_list({30}), boost::test_tools::per_element());
    BOOST_TEST(texts(plan.refused) == seconds_list({40}), boost::test_tools::per_element());
    BOOST_TEST(texts(plan.missed) == seconds_list({10, 20}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_finished_date_trigger_leaves_no_next_run_time)
{
    const date_trigger once{T0 + 10s};
    const auto plan = plan_runs(once, T0 + 10s, T0 + 10s, {1s, true, 1}, 0);
    BOOST_TEST(texts(plan.runs) == seconds_list({10}), boost::test_tools::per_element());
    BOOST_TEST(!plan.next_run_time.has_value());
}

BOOST_AUTO_TEST_CASE(a_missed_date_trigger_is_reported_and_finished)
{
    // Ten seconds late with 1 s grace: reported missed, never silently dropped, and the job is done
    const date_trigger once{T0 + 10s};
    const auto plan = plan_runs(once, T0 + 10s, T0 + 20s, {1s, true, 1}, 0);
    BOOST_TEST(plan.runs.empty());
    BOOST_TEST(texts(plan.missed) == seconds_list({10}), boost::test_tools::per_element());
    BOOST_TEST(!plan.next_run_time.has_value());
}

BOOST_AUTO_TEST_CASE(a_past_date_trigger_within_grace_runs_for_its_run_date)
{
    // The date trigger itself answers nothing for a past run date; the plan starts from the job's next run time
    const date_trigger once{T0 - 5s};
    const auto plan = plan_runs(once, T0 - 5s, T0, {10s, true, 1}, 0);
    BOOST_TEST(texts(plan.runs) == seconds_list({-5}), boost::test_tools::per_element());
    BOOST_TEST(plan.missed.empty());
    BOOST_TEST(!plan.next_run_time.has_value());
}

BOOST_AUTO_TEST_CASE(an_interval_trigger_past_its_end_date_finishes_after_the_last_due_time)
{
    // Grid 10, 20, 30 up to the end date 35; the backlog ends the trigger
    const interval_trigger bounded{10s, {.start_date = T0, .end_date = T0 + 35s}};
    const auto plan = plan_runs(bounded, T0 + 10s, T0 + 45s, {unlimited_grace, false, 10}, 0);
    BOOST_TEST(texts(plan.runs) == seconds_list({10, 20, 30}), boost::test_tools::per_element());
    BOOST_TEST(!plan.next_run_time.has_value());
}

BOOST_AUTO_TEST_CASE(next_run_time_follows_the_grid_not_now)
{
    // now = 47: the next run is 50 (grid), not 57 (now + interval)
    const auto plan = plan_runs(every_10s, T0 + 10s, T0 + 47s, {unlimited_grace, true, 1}, 0);
    BOOST_TEST(str(plan.next_run_time) == at_s(50));
}

BOOST_AUTO_TEST_CASE(an_interval_without_start_date_continues_from_the_planned_time)
{
    // The job's phase is 3 µs past the second; a pass at 47 s keeps that phase: no drift towards "now"
    const interval_trigger every_10s_from_first{10s};
    const auto plan = plan_runs(every_10s_from_first, T0 + 10s + 3us, T0 + 47s, {unlimited_grace, false, 10}, 0);
    BOOST_TEST(
        texts(plan.runs) == (strings{
                                "2026-01-05T00:00:10.000003Z",
                                "2026-01-05T00:00:20.000003Z",
                                "2026-01-05T00:00:30.000003Z",
                                "2026-01-05T00:00:40.000003Z"}),
        boost::test_tools::per_element()
    );
    BOOST_TEST(str(plan.next_run_time) == "2026-01-05T00:00:50.000003Z");
}

BOOST_AUTO_TEST_CASE(a_cron_backlog_collects_each_quarter_hour)
{
    // minute */15 (second 0) in UTC: due 00:00, 00:15, 00:30 at 00:40; next 00:45
    const cron_trigger quarters{{.minute = "*/15"}, {.timezone = time_zone::utc()}};
    const auto plan = plan_runs(quarters, T0, T0 + 40min, {unlimited_grace, false, 10}, 0);
    BOOST_TEST(
        texts(plan.runs) == (strings{"2026-01-05T00:00:00Z", "2026-01-05T00:15:00Z", "2026-01-05T00:30:00Z"}),
        boost::test_tools::per_element()
    );
    BOOST_TEST(str(plan.next_run_time) == "2026-01-05T00:45:00Z");
}

BOOST_AUTO_TEST_CASE(a_long_outage_collects_at_most_max_due_times_and_resumes_after_now)
{
    // 1 s interval, 200,000 s of backlog: only the first 100,000 due times are enumerated
    BOOST_TEST(max_due_times == 100'000u);
    const interval_trigger every_second{1s};
    const auto now = T0 + 200'000s;
    const auto plan = plan_runs(every_second, T0, now, {unlimited_grace, false, 1'000'000}, 0);
    BOOST_TEST(plan.runs.size() == 100'000u);
    BOOST_TEST(str(plan.runs.front()) == at_s(0));
    BOOST_TEST(str(plan.runs.back()) == at_s(99'999));
    BOOST_TEST(plan.missed.empty());
    BOOST_TEST(plan.refused.empty());
    BOOST_REQUIRE(plan.next_run_time.has_value());
    // Continues from now, not from the 100,000th due time (which would leave 100,000 s to replay)
    BOOST_TEST(*plan.next_run_time > now);
    BOOST_TEST(*plan.next_run_time <= now + 1s);
}

BOOST_AUTO_TEST_CASE(a_long_outage_beyond_grace_reports_at_most_max_due_times_missed)
{
    const interval_trigger every_second{1s};
    const auto now = T0 + 200'000s;
    const auto plan = plan_runs(every_second, T0, now, {1s, true, 1}, 0);
    // Every collected time is at least 100,001 s late
    BOOST_TEST(plan.runs.empty());
    BOOST_TEST(plan.missed.size() == 100'000u);
    BOOST_TEST(plan.refused.empty());
    BOOST_REQUIRE(plan.next_run_time.has_value());
    BOOST_TEST(*plan.next_run_time > now);
}

BOOST_AUTO_TEST_CASE(a_long_outage_on_a_start_date_grid_resumes_on_the_grid)
{
    // With a start date the grid is T0 + k s; after the cap the job must land on a grid point, at or after now
    const interval_trigger every_second{1s, {.start_date = T0}};
    const auto now = T0 + 200'000s + 500ms;
    const auto plan = plan_runs(every_second, T0, now, {unlimited_grace, true, 1}, 0);
    BOOST_TEST(plan.runs.size() <= 1u);
    BOOST_TEST(plan.missed.size() + plan.runs.size() + plan.refused.size() <= max_due_times);
    // The first grid point after 200,000.5 s is 200,001 s
    BOOST_TEST(str(plan.next_run_time) == at_s(200'001));
}

BOOST_AUTO_TEST_CASE(a_long_outage_ending_exactly_on_a_grid_point_resumes_after_now)
{
    // now is itself a grid point: every fire time up to now belongs to this pass (run, missed or skipped by the
    // cap), so the next run time is strictly after now; a next run time equal to now would make a coalescing job
    // run a second time at once, for a backlog it has already coalesced
    const interval_trigger every_second{1s, {.start_date = T0}};
    const auto now = T0 + 200'000s;
    const auto plan = plan_runs(every_second, T0, now, {unlimited_grace, true, 1}, 0);
    BOOST_TEST(plan.runs.size() == 1u);
    BOOST_TEST(str(plan.next_run_time) == at_s(200'001));
}

BOOST_AUTO_TEST_SUITE_END()
