// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// The scheduler firing jobs on mock clocks (issue 3, "Timers and dispatch"): runs on time, date jobs, past first
// run times, misfires after a stall with and without coalescing, max_instances, scheduler pause/resume, jobs that
// throw, zones, steps of the wall clock, absolute deadlines. Function jobs use the `inline` executor, so that they
// run inside ctx.poll(). The clocks start at 2026-01-05T00:00:00Z (T0); an interval trigger without a start date
// first fires one interval after it is armed. Expected times are worked out by hand.

#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/json.hpp>
#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/mock_scheduler.hpp"
#include "common/run_helpers.hpp"
#include "common/thread_sync.hpp"
#include "common/trigger_helpers.hpp"

using namespace std::chrono_literals;
using asched::cron_trigger;
using asched::date_trigger;
using asched::errc;
using asched::event;
using asched::event_code;
using asched::instant;
using asched::interval_trigger;
using asched::job_completion;
using asched::job_context;
using asched::scheduler_error;
using asched::scheduler_state;
using asched::time_zone;
using asched::unlimited_grace;
using asched::test::mock_clocks;
using asched::test::mock_scheduler;
using asched::test::mock_step_watcher;
using asched::test::str;
using asched::test::strings;
using asched::test::what_of;

namespace {

using asched::test::at_s;
using asched::test::recorder;
using asched::test::seconds_list;
using asched::test::T0;
using asched::test::texts;

struct firing_fixture : asched::test::scheduler_fixture
{
    mock_scheduler sched{ctx, {.zone = time_zone::utc()}};

    firing_fixture() { record(sched); }

    // Every scheduled run time reported by events of `code` for `job_id`, however they were grouped into events
    std::vector<instant> reported_times(event_code code, std::string_view job_id) const
    {
        std::vector<instant> out;
        for (const auto& e : events_of(code, job_id))
            out.insert(out.end(), e.scheduled_run_times.begin(), e.scheduled_run_times.end());
        std::sort(out.begin(), out.end());
        return out;
    }

    std::optional<instant> next_run_of(std::string_view id) const
    {
        const auto j = sched.get_job(id);
        BOOST_TEST_REQUIRE(j.has_value(), "job " << id << " exists");
        return j->next_run_time;
    }
};

struct started_fixture : firing_fixture
{
    started_fixture()
    {
        sched.start();
        poll();
    }
};

}  // namespace

// ------------------------------------------------------------------------------------------------------ on time

BOOST_FIXTURE_TEST_SUITE(scheduler_firing_on_time, started_fixture)

BOOST_AUTO_TEST_CASE(interval_job_fires_once_per_interval)
{
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "tick", .executor = "inline"});
    poll();
    BOOST_TEST(runs.empty());
    advance(9s);
    BOOST_TEST(runs.empty());
    advance(1s);
    BOOST_TEST(texts(runs) == seconds_list({10}), boost::test_tools::per_element());
    advance(5s);
    BOOST_TEST(runs.size() == 1u);
    advance(5s);
    BOOST_TEST(texts(runs) == seconds_list({10, 20}), boost::test_tools::per_element());
    for (int i = 0; i < 8; ++i)
        advance(10s);
    BOOST_TEST(runs.size() == 10u);
    BOOST_TEST(str(runs.back()) == at_s(100));

    // One submitted and one executed event per run, each with its one scheduled time
    const auto executed = events_of(event_code::job_executed, "tick");
    BOOST_TEST(executed.size() == 10u);
    BOOST_TEST(events_of(event_code::job_submitted, "tick").size() == 10u);
    BOOST_REQUIRE(!executed.empty());
    BOOST_TEST(texts(executed[0].scheduled_run_times) == seconds_list({10}), boost::test_tools::per_element());
    BOOST_TEST(executed[0].jobstore == "default");
    BOOST_TEST(count(event_code::job_missed) == 0u);
    BOOST_TEST(str(next_run_of("tick")) == at_s(110));
}

BOOST_AUTO_TEST_CASE(a_thousand_jobs_due_at_one_instant_all_run_once)
{
    // A burst: none may be dropped or missed with the default grace, since the mock clock does not move meanwhile
    std::vector<int> runs(1000, 0);
    for (std::size_t i = 0; i < runs.size(); ++i)
        sched.add_job([&runs, i] { ++runs[i]; }, date_trigger{T0 + 10s}, {.executor = "inline"});
    advance(10s);
    BOOST_TEST(std::count(runs.begin(), runs.end(), 1) == 1000);
    BOOST_TEST(count(event_code::job_executed) == 1000u);
    BOOST_TEST(count(event_code::job_missed) == 0u);
    BOOST_TEST(sched.job_count() == 0u);
}

BOOST_AUTO_TEST_CASE(interval_job_with_a_start_date_fires_on_its_grid)
{
    // start_date T0 + 3 s, every 10 s: 3, 13, 23
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s, {.start_date = T0 + 3s}}, {.id = "g", .executor = "inline"});
    for (int i = 0; i < 25; ++i)
        advance(1s);
    BOOST_TEST(texts(runs) == seconds_list({3, 13, 23}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(date_job_runs_once_and_is_removed)
{
    std::vector<instant> runs;
    sched.add_job(recorder(runs), date_trigger{T0 + 5s}, {.id = "once", .executor = "inline"});
    advance(4s);
    BOOST_TEST(runs.empty());
    BOOST_TEST(sched.job_count() == 1u);
    advance(1s);
    BOOST_TEST(texts(runs) == seconds_list({5}), boost::test_tools::per_element());
    BOOST_TEST(sched.job_count() == 0u);
    BOOST_TEST(!sched.get_job("once").has_value());
    const auto removed = events_of(event_code::job_removed, "once");
    BOOST_REQUIRE(removed.size() == 1u);
    BOOST_TEST(removed[0].jobstore == "default");
    advance(60s);
    BOOST_TEST(runs.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_finished_job_is_gone_at_once_and_its_id_is_free_again)
{
    // The index lets go of a finished job in a later sweep; until then nothing may see it. The removal listener
    // runs before that sweep: the job must already be absent there, and its id free for a new job
    std::vector<instant> runs;
    std::vector<std::string> seen_in_listener;
    sched.add_job(recorder(runs), date_trigger{T0 + 5s}, {.id = "once", .executor = "inline"});
    sched.add_job(recorder(runs), interval_trigger{1h}, {.id = "other", .executor = "inline"});
    bool re_added = false;
    sched.add_listener(
        [&](const event& e) {
            if (e.job_id != "once" || re_added)
                return;
            re_added = true;
            seen_in_listener.push_back(sched.get_job("once") ? "found" : "absent");
            seen_in_listener.push_back(std::to_string(sched.job_count()));
            seen_in_listener.push_back(std::to_string(sched.get_jobs().size()));
            sched.add_job(recorder(runs), date_trigger{T0 + 20s}, {.id = "once", .executor = "inline"});
            seen_in_listener.push_back(sched.get_job("once") ? "found" : "absent");
            seen_in_listener.push_back(std::to_string(sched.job_count()));
        },
        event_code::job_removed
    );
    advance(5s);
    BOOST_TEST(seen_in_listener == strings({"absent", "1", "1", "found", "2"}), boost::test_tools::per_element());
    BOOST_TEST(sched.job_count() == 2u);
    BOOST_TEST(str(next_run_of("once")) == at_s(20));
    advance(15s);
    BOOST_TEST(texts(runs) == seconds_list({5, 20}), boost::test_tools::per_element());
    BOOST_TEST(sched.job_count() == 1u);
    BOOST_TEST(!sched.get_job("once").has_value());
    // Removing all jobs right after a finished one leaves none behind
    sched.add_job(recorder(runs), date_trigger{T0 + 21s}, {.id = "last", .executor = "inline"});
    sched.add_listener([&](const event&) { sched.remove_all_jobs(); }, event_code::job_executed);
    advance(1s);
    BOOST_TEST(sched.job_count() == 0u);
    BOOST_TEST(sched.get_jobs().empty());
}

BOOST_AUTO_TEST_CASE(a_past_date_job_within_grace_runs_at_once)
{
    // Five seconds ago with 10 s of grace: a misfire within grace, so it runs for its own run date
    std::vector<instant> runs;
    const auto added = sched.add_job(
        recorder(runs),
        date_trigger{T0 - 5s},
        {.id = "late", .executor = "inline", .misfire_grace_time = 10s}
    );
    BOOST_TEST(str(added.next_run_time) == at_s(-5));
    poll();
    BOOST_TEST(texts(runs) == seconds_list({-5}), boost::test_tools::per_element());
    BOOST_TEST(count(event_code::job_missed) == 0u);
    BOOST_TEST(sched.job_count() == 0u);
    BOOST_TEST(events_of(event_code::job_removed, "late").size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_past_date_job_beyond_grace_is_reported_missed)
{
    // Five seconds ago with 1 s of grace: never silently dropped, reported as a missed run
    std::vector<instant> runs;
    sched
        .add_job(recorder(runs), date_trigger{T0 - 5s}, {.id = "late", .executor = "inline", .misfire_grace_time = 1s});
    poll();
    BOOST_TEST(runs.empty());
    BOOST_TEST(
        texts(reported_times(event_code::job_missed, "late")) == seconds_list({-5}),
        boost::test_tools::per_element()
    );
    BOOST_TEST(sched.job_count() == 0u);
    BOOST_TEST(events_of(event_code::job_removed, "late").size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_past_date_job_added_before_start_runs_at_start_within_grace)
{
    firing_fixture f;  // a scheduler not started yet
    std::vector<instant> runs;
    f.sched.add_job(
        recorder(runs),
        date_trigger{T0 - 5s},
        {.id = "late", .executor = "inline", .misfire_grace_time = 10s}
    );
    f.sched.start();
    f.poll();
    BOOST_TEST(texts(runs) == seconds_list({-5}), boost::test_tools::per_element());
    BOOST_TEST(f.sched.job_count() == 0u);
}

BOOST_AUTO_TEST_CASE(a_first_run_time_exactly_grace_ago_still_runs)
{
    // now - t == grace is on time; the default grace is 1 s
    std::vector<instant> runs;
    sched.add_job(recorder(runs), date_trigger{T0 - 1s}, {.id = "edge", .executor = "inline"});
    poll();
    BOOST_TEST(texts(runs) == seconds_list({-1}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(cron_job_without_zone_fires_in_the_scheduler_zone)
{
    // hour=14 in Asia/Shanghai (UTC+8, no DST) is 06:00 UTC; T0 is 08:00 in Shanghai
    firing_fixture f;
    const auto shanghai = time_zone::locate("Asia/Shanghai");
    mock_scheduler in_shanghai{f.ctx, {.zone = shanghai}};
    BOOST_TEST((in_shanghai.zone() == shanghai));
    in_shanghai.start();
    std::vector<instant> runs;
    const auto added = in_shanghai.add_job(
        recorder(runs),
        cron_trigger{{.hour = "14"}},
        {.id = "report", .executor = "inline"}
    );
    BOOST_TEST((added.trigger.zone() == shanghai));
    BOOST_TEST(str(added.next_run_time) == "2026-01-05T06:00:00Z");
    f.advance(6h - 1s);
    BOOST_TEST(runs.empty());
    f.advance(1s);
    BOOST_TEST(texts(runs) == (strings{"2026-01-05T06:00:00Z"}), boost::test_tools::per_element());
    BOOST_TEST(str(in_shanghai.get_job("report")->next_run_time) == "2026-01-06T06:00:00Z");

    // Tables and descriptions show the time in the trigger's zone: 14:00 in Shanghai
    const auto report = in_shanghai.get_job("report");
    BOOST_TEST(report->describe() == "report (trigger: cron[hour='14'], next run at: 2026-01-06T14:00:00+08:00)");
    std::ostringstream table;
    in_shanghai.print_jobs(table);
    BOOST_TEST(asched::test::contains(table.str(), "14:00:00"), table.str());

    // A trigger that names its zone keeps it
    const auto in_utc = in_shanghai.add_job(
        [] {},
        cron_trigger{{.hour = "14"}, {.timezone = time_zone::utc()}},
        {.id = "utc", .executor = "inline"}
    );
    BOOST_TEST(str(in_utc.next_run_time) == "2026-01-05T14:00:00Z");
}

BOOST_AUTO_TEST_CASE(timers_are_armed_on_absolute_deadlines)
{
    // A job that takes 300 ms (the clock moves inside it) must not push the next fire back by 300 ms: the next
    // timer waits until the planned time, not for an interval measured from the start of the pass
    std::vector<instant> runs;
    std::vector<instant> started;
    sched.add_job(
        [&](const job_context& c) {
            runs.push_back(c.scheduled_run_time());
            started.push_back(mock_clocks::now());
            mock_clocks::advance(300ms);
        },
        interval_trigger{10s},
        {.id = "slow", .executor = "inline"}
    );
    advance(10s);
    BOOST_TEST(texts(runs) == seconds_list({10}), boost::test_tools::per_element());
    BOOST_TEST(str(next_run_of("slow")) == at_s(20));
    // The clock is at T0 + 10.3 s; 9.7 s more reaches the planned T0 + 20 s exactly
    advance(9700ms);
    BOOST_TEST(texts(runs) == seconds_list({10, 20}), boost::test_tools::per_element());
    BOOST_REQUIRE(started.size() == 2u);
    BOOST_TEST(str(started[1]) == at_s(20));
    BOOST_TEST(str(next_run_of("slow")) == at_s(30));
}

BOOST_AUTO_TEST_CASE(a_step_of_the_wall_clock_rearms_the_timers)
{
    // The wall clock jumps 1 h ahead (NTP, resume) while the timer clock does not move. A job due in the skipped
    // hour runs at once; a job due 5 min after the new wall time runs 5 min later, not 65 min later
    std::vector<instant> in_gap, after_gap;
    sched.add_job(
        recorder(in_gap),
        date_trigger{T0 + 30min},
        {.id = "in-gap", .executor = "inline", .misfire_grace_time = 1h}
    );
    sched.add_job(recorder(after_gap), date_trigger{T0 + 65min}, {.id = "after-gap", .executor = "inline"});
    poll();
    const int steps_before = mock_step_watcher::steps_signalled();
    mock_clocks::step_wall(1h);
    BOOST_TEST(mock_step_watcher::steps_signalled() == steps_before + 1);  // the scheduler was watching
    poll();
    BOOST_TEST(texts(in_gap) == (strings{"2026-01-05T00:30:00Z"}), boost::test_tools::per_element());
    BOOST_TEST(after_gap.empty());
    advance(5min - 1s);
    BOOST_TEST(after_gap.empty());
    advance(1s);
    BOOST_TEST(texts(after_gap) == (strings{"2026-01-05T01:05:00Z"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_step_of_the_wall_clock_applies_misfire_rules)
{
    // A 10 min interval on the grid 00:10, 00:20, ...; after a 1 h step, 10..60 are due: coalesced into one run at 60
    // with unlimited grace, and the next run back on the grid
    std::vector<instant> runs;
    sched.add_job(
        recorder(runs),
        interval_trigger{10min, {.start_date = T0 + 10min}},
        {.id = "grid", .executor = "inline", .misfire_grace_time = unlimited_grace, .coalesce = true}
    );
    poll();
    mock_clocks::step_wall(1h);
    poll();
    BOOST_TEST(texts(runs) == (strings{"2026-01-05T01:00:00Z"}), boost::test_tools::per_element());
    BOOST_TEST(str(next_run_of("grid")) == "2026-01-05T01:10:00Z");
    advance(10min);
    BOOST_TEST(runs.size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

// ----------------------------------------------------------------------------------------------------- misfires

BOOST_FIXTURE_TEST_SUITE(scheduler_misfires, started_fixture)

BOOST_AUTO_TEST_CASE(a_stall_with_coalesce_runs_once_for_the_latest_due_time)
{
    // The loop stalls for 10 intervals (one 100 s step of both clocks): 10..100 are due
    std::vector<instant> runs;
    sched.add_job(
        recorder(runs),
        interval_trigger{10s},
        {.id = "c", .executor = "inline", .misfire_grace_time = unlimited_grace, .coalesce = true}
    );
    advance(100s);
    BOOST_TEST(texts(runs) == seconds_list({100}), boost::test_tools::per_element());
    BOOST_TEST(count(event_code::job_missed) == 0u);
    BOOST_TEST(count(event_code::job_max_instances) == 0u);
    BOOST_TEST(str(next_run_of("c")) == at_s(110));
}

BOOST_AUTO_TEST_CASE(a_stall_without_coalesce_runs_every_due_time_within_grace)
{
    // Grace 35 s at T0 + 100 s: 70 (30 s late) .. 100 run, 10 .. 60 are reported missed
    std::vector<instant> runs;
    sched.add_job(
        recorder(runs),
        interval_trigger{10s},
        {.id = "nc", .executor = "inline", .misfire_grace_time = 35s, .coalesce = false, .max_instances = 20}
    );
    advance(100s);
    BOOST_TEST(texts(runs) == seconds_list({70, 80, 90, 100}), boost::test_tools::per_element());
    BOOST_TEST(
        texts(reported_times(event_code::job_missed, "nc")) == seconds_list({10, 20, 30, 40, 50, 60}),
        boost::test_tools::per_element()
    );
    BOOST_TEST(str(next_run_of("nc")) == at_s(110));
}

BOOST_AUTO_TEST_CASE(a_stall_with_coalesce_still_reports_the_runs_beyond_grace)
{
    // Default grace 1 s: only 100 is on time; 10 .. 90 are missed, never silently dropped
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "c", .executor = "inline"});
    advance(100s);
    BOOST_TEST(texts(runs) == seconds_list({100}), boost::test_tools::per_element());
    BOOST_TEST(
        texts(reported_times(event_code::job_missed, "c")) == seconds_list({10, 20, 30, 40, 50, 60, 70, 80, 90}),
        boost::test_tools::per_element()
    );
}

BOOST_AUTO_TEST_CASE(missed_runs_of_a_coalescing_job_are_one_event_and_otherwise_one_each)
{
    // run_plan: with coalesce the missed times collapse into one event too; without, each is its own event
    sched.add_job([] {}, interval_trigger{10s}, {.id = "c", .executor = "inline", .coalesce = true});
    sched.add_job([] {}, interval_trigger{10s}, {.id = "nc", .executor = "inline", .coalesce = false});
    advance(40s);  // 10, 20, 30 missed (grace 1 s), 40 runs
    const auto coalesced = events_of(event_code::job_missed, "c");
    BOOST_REQUIRE(coalesced.size() == 1u);
    BOOST_TEST(texts(coalesced[0].scheduled_run_times) == seconds_list({10, 20, 30}), boost::test_tools::per_element());
    const auto separate = events_of(event_code::job_missed, "nc");
    BOOST_REQUIRE(separate.size() == 3u);
    for (const auto& e : separate)
        BOOST_TEST(e.scheduled_run_times.size() == 1u);
    BOOST_TEST(
        texts(reported_times(event_code::job_missed, "nc")) == seconds_list({10, 20, 30}),
        boost::test_tools::per_element()
    );
}

BOOST_AUTO_TEST_CASE(a_recurring_job_with_a_past_first_run_time_catches_up_on_its_grid)
{
    // next_run_time 5 s ago, grace 10 s: runs at once for -5, then every 10 s from there (5, 15), not from now
    std::vector<instant> runs;
    sched.add_job(
        recorder(runs),
        interval_trigger{10s},
        {.id = "r", .executor = "inline", .misfire_grace_time = 10s, .next_run_time = T0 - 5s}
    );
    poll();
    BOOST_TEST(texts(runs) == seconds_list({-5}), boost::test_tools::per_element());
    BOOST_TEST(str(next_run_of("r")) == at_s(5));
    advance(5s);
    BOOST_TEST(texts(runs) == seconds_list({-5, 5}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_interval_job_ending_at_its_end_date_is_removed_after_its_last_run)
{
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s, {.end_date = T0 + 25s}}, {.id = "e", .executor = "inline"});
    advance(10s);
    advance(10s);
    BOOST_TEST(sched.job_count() == 0u);  // no fire time after 20 is within the end date
    BOOST_TEST(texts(runs) == seconds_list({10, 20}), boost::test_tools::per_element());
    BOOST_TEST(events_of(event_code::job_removed, "e").size() == 1u);
    advance(30s);
    BOOST_TEST(runs.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_wall_clock_step_backwards_delays_the_run_to_its_wall_time)
{
    // The wall clock goes back 1 h: a job due at T0 + 10 s is now 1 h 10 s away, and must not run early
    std::vector<instant> runs;
    sched.add_job(recorder(runs), date_trigger{T0 + 10s}, {.id = "d", .executor = "inline"});
    poll();
    mock_clocks::step_wall(-1h);
    poll();
    advance(10s);
    BOOST_TEST(runs.empty());
    BOOST_TEST(sched.job_count() == 1u);
    BOOST_TEST(count(event_code::job_missed) == 0u);
    advance(1h - 1s);
    BOOST_TEST(runs.empty());
    advance(1s);
    BOOST_TEST(texts(runs) == seconds_list({10}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(lowering_max_instances_while_runs_are_in_progress_refuses_the_next)
{
    std::vector<job_completion> held;
    sched.add_job(
        [&](job_completion done) { held.push_back(std::move(done)); },
        interval_trigger{10s},
        {.id = "cb", .max_instances = 3}
    );
    advance(10s);
    advance(10s);
    BOOST_REQUIRE(held.size() == 2u);
    sched.modify_job("cb", {.max_instances = 2});
    advance(10s);
    BOOST_TEST(held.size() == 2u);
    BOOST_TEST(
        texts(reported_times(event_code::job_max_instances, "cb")) == seconds_list({30}),
        boost::test_tools::per_element()
    );
    for (auto& done : held)
        done();
    poll();
    BOOST_TEST(sched.get_job("cb")->running_instances == 0u);
}

BOOST_AUTO_TEST_CASE(max_instances_refuses_runs_while_a_callback_job_is_running)
{
    std::vector<job_completion> held;
    std::vector<instant> scheduled;
    sched.add_job(
        [&](const job_context& c, job_completion done) {
            scheduled.push_back(c.scheduled_run_time());
            held.push_back(std::move(done));
        },
        interval_trigger{10s},
        {.id = "cb", .max_instances = 1}
    );
    advance(10s);
    BOOST_REQUIRE(held.size() == 1u);
    BOOST_TEST(sched.get_job("cb")->running_instances == 1u);
    BOOST_TEST(count(event_code::job_executed) == 0u);

    // Still running at 20 and 30: both refused, each reported, and the schedule goes on
    advance(10s);
    advance(10s);
    BOOST_TEST(held.size() == 1u);
    BOOST_TEST(
        texts(reported_times(event_code::job_max_instances, "cb")) == seconds_list({20, 30}),
        boost::test_tools::per_element()
    );
    BOOST_TEST(str(next_run_of("cb")) == at_s(40));

    // Completing frees the slot: executed, then 40 runs
    held[0]();
    poll();
    BOOST_TEST(count(event_code::job_executed) == 1u);
    BOOST_TEST(sched.get_job("cb")->running_instances == 0u);
    advance(10s);
    BOOST_REQUIRE(held.size() == 2u);
    BOOST_TEST(texts(scheduled) == seconds_list({10, 40}), boost::test_tools::per_element());
    held[1]();
    poll();
    BOOST_TEST(count(event_code::job_executed) == 2u);
}

BOOST_AUTO_TEST_CASE(max_instances_above_one_lets_runs_overlap)
{
    std::vector<job_completion> held;
    sched.add_job(
        [&](job_completion done) { held.push_back(std::move(done)); },
        interval_trigger{10s},
        {.id = "cb", .max_instances = 2}
    );
    advance(10s);
    advance(10s);
    advance(10s);
    // Two overlap; the third is refused
    BOOST_TEST(held.size() == 2u);
    BOOST_TEST(sched.get_job("cb")->running_instances == 2u);
    BOOST_TEST(
        texts(reported_times(event_code::job_max_instances, "cb")) == seconds_list({30}),
        boost::test_tools::per_element()
    );
    for (auto& done : held)
        done();
    poll();
    BOOST_TEST(count(event_code::job_executed) == 2u);
}

BOOST_AUTO_TEST_CASE(a_job_that_throws_is_a_job_error_and_affects_nothing_else)
{
    std::vector<instant> good_runs;
    int bad_runs = 0;
    sched.add_job(
        [&] {
            ++bad_runs;
            throw std::runtime_error("boom");
        },
        interval_trigger{10s},
        {.id = "bad", .executor = "inline"}
    );
    sched.add_job(recorder(good_runs), interval_trigger{10s}, {.id = "good", .executor = "inline"});
    advance(10s);
    BOOST_TEST(bad_runs == 1);
    BOOST_TEST(texts(good_runs) == seconds_list({10}), boost::test_tools::per_element());
    const auto errors = events_of(event_code::job_error);
    BOOST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(errors[0].job_id == "bad");
    BOOST_TEST(what_of(errors[0].exception) == "boom");
    BOOST_TEST(texts(errors[0].scheduled_run_times) == seconds_list({10}), boost::test_tools::per_element());
    BOOST_TEST(events_of(event_code::job_executed, "good").size() == 1u);
    BOOST_TEST(events_of(event_code::job_executed, "bad").empty());

    // The scheduler goes on, and so does the failing job
    BOOST_TEST((sched.state() == scheduler_state::running));
    advance(10s);
    BOOST_TEST(bad_runs == 2);
    BOOST_TEST(good_runs.size() == 2u);
    BOOST_TEST(events_of(event_code::job_error, "bad").size() == 2u);
    BOOST_TEST(sched.get_job("bad").has_value());
}

BOOST_AUTO_TEST_CASE(a_job_returning_a_set_error_code_is_a_job_error)
{
    sched.add_job(
        []() -> boost::system::error_code { return make_error_code(boost::system::errc::io_error); },
        interval_trigger{10s},
        {.id = "ec", .executor = "inline"}
    );
    advance(10s);
    const auto errors = events_of(event_code::job_error, "ec");
    BOOST_REQUIRE(errors.size() == 1u);
    BOOST_REQUIRE(errors[0].exception);
    BOOST_CHECK_THROW(std::rethrow_exception(errors[0].exception), boost::system::system_error);
    BOOST_TEST(events_of(event_code::job_executed, "ec").empty());
}

BOOST_AUTO_TEST_CASE(a_callback_job_completing_with_an_error_is_a_job_error)
{
    sched.add_job(
        [](job_completion done) { done(std::make_exception_ptr(std::runtime_error("callback failed"))); },
        interval_trigger{10s},
        {.id = "cb"}
    );
    advance(10s);
    const auto errors = events_of(event_code::job_error, "cb");
    BOOST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(what_of(errors[0].exception) == "callback failed");
    BOOST_TEST(sched.get_job("cb")->running_instances == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

// ------------------------------------------------------------------------------------------ scheduler lifecycle

BOOST_FIXTURE_TEST_SUITE(scheduler_pause_and_resume, firing_fixture)

BOOST_AUTO_TEST_CASE(a_paused_scheduler_runs_nothing_and_resume_applies_misfire_rules)
{
    sched.start();
    std::vector<instant> lenient, strict;
    sched.add_job(
        recorder(lenient),
        interval_trigger{10s},
        {.id = "lenient", .executor = "inline", .misfire_grace_time = unlimited_grace, .coalesce = true}
    );
    sched.add_job(
        recorder(strict),
        interval_trigger{10s},
        {.id = "strict", .executor = "inline", .misfire_grace_time = 1s}
    );
    advance(5s);
    sched.pause();
    poll();
    BOOST_TEST((sched.state() == scheduler_state::paused));
    BOOST_TEST(count(event_code::scheduler_paused) == 1u);

    advance(30s);  // T0 + 35 s: 10, 20, 30 came due while paused
    BOOST_TEST(lenient.empty());
    BOOST_TEST(strict.empty());
    BOOST_TEST(count(event_code::job_missed) == 0u);

    sched.resume();
    poll();
    BOOST_TEST((sched.state() == scheduler_state::running));
    BOOST_TEST(count(event_code::scheduler_resumed) == 1u);
    // Unlimited grace, coalesced: one run for 30. Grace 1 s: all three reported missed
    BOOST_TEST(texts(lenient) == seconds_list({30}), boost::test_tools::per_element());
    BOOST_TEST(strict.empty());
    BOOST_TEST(
        texts(reported_times(event_code::job_missed, "strict")) == seconds_list({10, 20, 30}),
        boost::test_tools::per_element()
    );
    // Both back on schedule
    advance(5s);
    BOOST_TEST(texts(lenient) == seconds_list({30, 40}), boost::test_tools::per_element());
    BOOST_TEST(texts(strict) == seconds_list({40}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_scheduler_started_paused_runs_nothing_until_resumed)
{
    std::vector<instant> runs;
    sched.add_job(
        recorder(runs),
        interval_trigger{10s},
        {.id = "a", .executor = "inline", .misfire_grace_time = unlimited_grace, .coalesce = true}
    );
    sched.start(true);
    poll();
    BOOST_TEST((sched.state() == scheduler_state::paused));
    BOOST_TEST(count(event_code::scheduler_started) == 1u);
    advance(25s);
    BOOST_TEST(runs.empty());
    sched.resume();
    poll();
    BOOST_TEST(texts(runs) == seconds_list({20}), boost::test_tools::per_element());
    advance(5s);
    BOOST_TEST(texts(runs) == seconds_list({20, 30}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(jobs_added_while_paused_wait_for_resume)
{
    sched.start();
    sched.pause();
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "a", .executor = "inline", .misfire_grace_time = 30s});
    advance(15s);
    BOOST_TEST(runs.empty());
    sched.resume();
    poll();
    BOOST_TEST(texts(runs) == seconds_list({10}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(pause_and_resume_need_a_started_scheduler)
{
    for (auto call : {+[](mock_scheduler& s) { s.pause(); }, +[](mock_scheduler& s) { s.resume(); }})
    {
        try
        {
            call(sched);
            BOOST_ERROR("expected scheduler_not_running");
        }
        catch (const scheduler_error& e)
        {
            BOOST_TEST((e.code() == errc::scheduler_not_running));
        }
    }
    BOOST_TEST((sched.state() == scheduler_state::stopped));
}

BOOST_AUTO_TEST_CASE(starting_twice_is_already_running)
{
    sched.start();
    try
    {
        sched.start();
        BOOST_ERROR("expected already_running");
    }
    catch (const scheduler_error& e)
    {
        BOOST_TEST((e.code() == errc::already_running));
    }
    BOOST_TEST(count(event_code::scheduler_started) == 1u);
}

BOOST_AUTO_TEST_CASE(starting_after_a_shutdown_is_shut_down)
{
    sched.start();
    sched.shutdown();
    try
    {
        sched.start();
        BOOST_ERROR("expected shut_down");
    }
    catch (const scheduler_error& e)
    {
        BOOST_TEST((e.code() == errc::shut_down));
    }
}

BOOST_AUTO_TEST_CASE(shutdown_disarms_timers_and_keeps_the_jobs)
{
    sched.start();
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "a", .executor = "inline"});
    sched.shutdown();
    poll();
    BOOST_TEST((sched.state() == scheduler_state::stopped));
    BOOST_TEST(count(event_code::scheduler_shutdown) == 1u);
    advance(30s);
    BOOST_TEST(runs.empty());
    BOOST_TEST(sched.job_count() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

// ----------------------------------------------------------------------------------------- calls from inside a run

BOOST_FIXTURE_TEST_SUITE(scheduler_calls_from_a_running_job, started_fixture)

BOOST_AUTO_TEST_CASE(an_inline_job_can_pause_itself)
{
    int runs = 0;
    sched.add_job(
        [&](const job_context& c) {
            ++runs;
            c.get_scheduler<mock_scheduler>().pause_job(c.job_id());
        },
        interval_trigger{10s},
        {.id = "self-pausing", .executor = "inline"}
    );
    advance(10s);
    BOOST_TEST(runs == 1);
    // The pause made inside the run is not undone when the run's pass re-arms the job
    BOOST_TEST(sched.get_job("self-pausing")->paused());
    advance(30s);
    BOOST_TEST(runs == 1);
}

BOOST_AUTO_TEST_CASE(an_inline_job_can_remove_itself)
{
    int runs = 0;
    sched.add_job(
        [&](const job_context& c) {
            ++runs;
            c.get_scheduler<mock_scheduler>().remove_job(c.job_id());
        },
        interval_trigger{10s},
        {.id = "self-removing", .executor = "inline"}
    );
    advance(10s);
    BOOST_TEST(runs == 1);
    BOOST_TEST(sched.job_count() == 0u);
    BOOST_TEST(events_of(event_code::job_removed, "self-removing").size() == 1u);
    advance(30s);
    BOOST_TEST(runs == 1);
    BOOST_TEST((sched.state() == scheduler_state::running));
}

BOOST_AUTO_TEST_CASE(a_date_job_removing_itself_is_removed_once)
{
    // Its trigger finishes in the same pass: the scheduler must not remove it a second time
    sched.add_job(
        [](const job_context& c) { c.get_scheduler<mock_scheduler>().remove_job(c.job_id()); },
        date_trigger{T0 + 5s},
        {.id = "once", .executor = "inline"}
    );
    advance(5s);
    BOOST_TEST(sched.job_count() == 0u);
    BOOST_TEST(events_of(event_code::job_removed, "once").size() == 1u);
    BOOST_TEST(events_of(event_code::job_error, "once").empty());
}

BOOST_AUTO_TEST_CASE(an_inline_job_rescheduling_itself_keeps_the_new_schedule)
{
    // At T0 + 10 s the job switches itself to every 3 s: next at 13 (from now), not the old 20
    std::vector<instant> runs;
    sched.add_job(
        [&](const job_context& c) {
            runs.push_back(c.scheduled_run_time());
            if (runs.size() == 1)
                c.get_scheduler<mock_scheduler>().reschedule_job(c.job_id(), interval_trigger{3s});
        },
        interval_trigger{10s},
        {.id = "self-rescheduling", .executor = "inline"}
    );
    advance(10s);
    BOOST_TEST(str(next_run_of("self-rescheduling")) == at_s(13));
    advance(3s);
    BOOST_TEST(texts(runs) == seconds_list({10, 13}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_inline_job_can_add_another_job)
{
    std::vector<instant> child_runs;
    sched.add_job(
        [&](const job_context& c) {
            c.get_scheduler<mock_scheduler>().add_job(
                recorder(child_runs),
                date_trigger{c.scheduled_run_time() + 5s},
                {.id = "child", .executor = "inline"}
            );
        },
        date_trigger{T0 + 10s},
        {.id = "parent", .executor = "inline"}
    );
    advance(10s);
    BOOST_TEST(sched.job_count() == 1u);
    BOOST_TEST(sched.get_job("child").has_value());
    advance(5s);
    BOOST_TEST(texts(child_runs) == seconds_list({15}), boost::test_tools::per_element());
    BOOST_TEST(sched.job_count() == 0u);
}

BOOST_AUTO_TEST_CASE(changing_a_running_job_keeps_its_run_counted)
{
    // Rescheduling or pausing a job does not forget the run in progress, and its completion does not undo the pause
    std::vector<job_completion> held;
    sched.add_job(
        [&](job_completion done) { held.push_back(std::move(done)); },
        interval_trigger{10s},
        {.id = "cb", .max_instances = 1}
    );
    advance(10s);
    BOOST_REQUIRE(held.size() == 1u);
    sched.reschedule_job("cb", interval_trigger{5s});
    BOOST_TEST(sched.get_job("cb")->running_instances == 1u);
    advance(5s);  // T0 + 15 s: the rescheduled run is refused, the first one still running
    BOOST_TEST(held.size() == 1u);
    BOOST_TEST(
        texts(reported_times(event_code::job_max_instances, "cb")) == seconds_list({15}),
        boost::test_tools::per_element()
    );
    sched.pause_job("cb");
    held[0]();
    poll();
    const auto after = sched.get_job("cb");
    BOOST_TEST(after->running_instances == 0u);
    BOOST_TEST(after->paused());
    BOOST_TEST(count(event_code::job_executed) == 1u);
}

BOOST_AUTO_TEST_CASE(a_run_of_a_removed_job_does_not_count_against_a_new_job_with_its_id)
{
    // The old run completes after a job with the same id was added: the new job's count must not go below zero
    std::vector<job_completion> held;
    const auto hold = [&](job_completion done) { held.push_back(std::move(done)); };
    sched.add_job(hold, interval_trigger{10s}, {.id = "cb", .max_instances = 1});
    advance(10s);
    BOOST_REQUIRE(held.size() == 1u);
    sched.remove_job("cb");
    sched.add_job(hold, interval_trigger{10s}, {.id = "cb", .max_instances = 1});
    held[0]();
    poll();
    BOOST_TEST(sched.get_job("cb")->running_instances == 0u);
    // The new job runs at its first time (20) and is counted once
    advance(10s);
    BOOST_REQUIRE(held.size() == 2u);
    BOOST_TEST(sched.get_job("cb")->running_instances == 1u);
    BOOST_TEST(count(event_code::job_max_instances) == 0u);
    held[1]();
    poll();
    BOOST_TEST(sched.get_job("cb")->running_instances == 0u);
}

BOOST_AUTO_TEST_CASE(a_run_completing_after_the_scheduler_is_destroyed_is_harmless)
{
    // "Destroying it shuts it down without waiting": a completion called later must find nothing to update
    std::vector<job_completion> held;
    {
        mock_scheduler local{ctx, {.zone = time_zone::utc()}};
        local.start();
        local.add_job(
            [&](job_completion done) { held.push_back(std::move(done)); },
            interval_trigger{10s},
            {.id = "cb"}
        );
        advance(10s);
        BOOST_REQUIRE(held.size() == 1u);
    }
    held[0]();
    poll();
    held.clear();
    poll();
    BOOST_TEST((sched.state() == scheduler_state::running));
}

BOOST_AUTO_TEST_CASE(a_job_removed_while_running_still_reports_its_outcome)
{
    // "Removes a job; runs in progress finish": the held run completes after the removal
    std::vector<job_completion> held;
    sched.add_job([&](job_completion done) { held.push_back(std::move(done)); }, interval_trigger{10s}, {.id = "cb"});
    advance(10s);
    BOOST_REQUIRE(held.size() == 1u);
    sched.remove_job("cb");
    BOOST_TEST(sched.job_count() == 0u);
    held[0](nullptr, 7);
    poll();
    const auto executed = events_of(event_code::job_executed, "cb");
    BOOST_REQUIRE(executed.size() == 1u);
    BOOST_TEST(executed[0].result == boost::json::value(7));
    advance(30s);
    BOOST_TEST(held.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
