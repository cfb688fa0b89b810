// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// The scheduler's job operations on mock clocks (issue 3, "Jobs"): add before and after start, ids, conflicts and
// replace_existing, unknown names, get/get all/count/print, modify every field, reschedule, pause/resume, remove,
// remove all, run now. Function jobs use the `inline` executor, so that they run inside ctx.poll(). The clocks start
// at 2026-01-05T00:00:00Z (T0); an interval trigger without a start date first fires one interval after it is
// armed. Expected times are worked out by hand.

#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/mock_scheduler.hpp"
#include "common/run_helpers.hpp"
#include "common/trigger_helpers.hpp"

using namespace std::chrono_literals;
using asched::date_trigger;
using asched::errc;
using asched::event;
using asched::event_code;
using asched::instant;
using asched::interval_trigger;
using asched::job_completion;
using asched::job_context;
using asched::job_options;
using asched::scheduler_error;
using asched::scheduler_state;
using asched::time_zone;
using asched::unlimited_grace;
using asched::test::contains;
using asched::test::mock_clocks;
using asched::test::mock_scheduler;
using asched::test::str;
using asched::test::strings;

namespace {

using asched::test::at_s;
using asched::test::recorder;
using asched::test::seconds_list;
using asched::test::T0;
using asched::test::texts;

// Runs `fn`, which must throw scheduler_error with `code`, and returns what(); an empty string otherwise
template <class Fn>
std::string scheduler_error_of(Fn&& fn, errc code)
{
    try
    {
        fn();
    }
    catch (const scheduler_error& e)
    {
        BOOST_TEST((e.code() == code), "error code " << e.code().message());
        return e.what();
    }
    catch (const std::exception& e)
    {
        BOOST_ERROR("expected scheduler_error, got " << e.what());
        return {};
    }
    BOOST_ERROR("expected scheduler_error, nothing was thrown");
    return {};
}

// A started scheduler on UTC recording every event; function jobs run inline where the tests say so
struct jobs_fixture : asched::test::scheduler_fixture
{
    mock_scheduler sched{ctx, {.zone = time_zone::utc()}};

    jobs_fixture() { record(sched); }

    std::optional<instant> next_run_of(std::string_view id) const
    {
        const auto j = sched.get_job(id);
        BOOST_TEST_REQUIRE(j.has_value(), "job " << id << " exists");
        return j->next_run_time;
    }
};

struct started_fixture : jobs_fixture
{
    started_fixture()
    {
        sched.start();
        poll();
    }
};

}  // namespace

// ---------------------------------------------------------------------------------------------------------- adding

BOOST_FIXTURE_TEST_SUITE(scheduler_adding_jobs, jobs_fixture)

BOOST_AUTO_TEST_CASE(a_job_added_before_start_is_pending_and_timed_from_the_start)
{
    std::vector<instant> runs;
    const auto added = sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "tick", .executor = "inline"});
    BOOST_TEST(added.id == "tick");
    BOOST_TEST(added.pending);
    BOOST_TEST(!added.paused());
    BOOST_TEST((sched.state() == scheduler_state::stopped));
    BOOST_TEST(sched.job_count() == 1u);
    const auto pending = sched.get_job("tick");
    BOOST_REQUIRE(pending);
    BOOST_TEST(pending->pending);

    // Time passing before the start runs nothing and is not a backlog: the first run counts from the start
    advance(30s);
    BOOST_TEST(runs.empty());
    BOOST_TEST(count(event_code::job_missed) == 0u);
    sched.start();
    poll();
    BOOST_TEST((sched.state() == scheduler_state::running));
    const auto armed = sched.get_job("tick");
    BOOST_REQUIRE(armed);
    BOOST_TEST(!armed->pending);
    BOOST_TEST(str(armed->next_run_time) == at_s(40));

    advance(9s);
    BOOST_TEST(runs.empty());
    advance(1s);
    BOOST_TEST(texts(runs) == seconds_list({40}), boost::test_tools::per_element());
    BOOST_TEST(count(event_code::job_added) == 1u);
    BOOST_TEST(count(event_code::scheduler_started) == 1u);
}

BOOST_AUTO_TEST_CASE(a_job_added_after_start_is_armed_at_once)
{
    sched.start();
    advance(3s);
    std::vector<instant> runs;
    const auto added = sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "tick", .executor = "inline"});
    BOOST_TEST(!added.pending);
    BOOST_TEST(str(added.next_run_time) == at_s(13));
    BOOST_TEST(added.jobstore == "default");
    BOOST_TEST(added.executor == "inline");
    poll();

    const auto added_events = events_of(event_code::job_added);
    BOOST_REQUIRE(added_events.size() == 1u);
    BOOST_TEST(added_events[0].job_id == "tick");
    BOOST_TEST(added_events[0].jobstore == "default");

    advance(10s);
    BOOST_TEST(texts(runs) == seconds_list({13}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(generated_ids_are_unique_non_empty_and_name_anonymous_jobs)
{
    sched.start();
    std::set<std::string> ids;
    for (int i = 0; i < 20; ++i)
    {
        const auto j = sched.add_job([] {}, interval_trigger{1h}, {.executor = "inline"});
        BOOST_TEST(!j.id.empty());
        BOOST_TEST(j.id.size() == 11u);  // job_options: "a random 11-character id"
        // job_options: an empty name becomes the task's registered name, else the id
        BOOST_TEST(j.name == j.id);
        BOOST_TEST(sched.get_job(j.id).has_value());
        ids.insert(j.id);
    }
    BOOST_TEST(ids.size() == 20u);
    BOOST_TEST(sched.job_count() == 20u);
}

BOOST_AUTO_TEST_CASE(a_given_id_and_name_are_kept)
{
    sched.start();
    const auto j = sched.add_job(
        [] {},
        interval_trigger{1h},
        {.id = "report", .name = "Daily report", .executor = "inline"}
    );
    BOOST_TEST(j.id == "report");
    BOOST_TEST(j.name == "Daily report");
    const auto got = sched.get_job("report");
    BOOST_REQUIRE(got);
    BOOST_TEST(got->name == "Daily report");
}

BOOST_AUTO_TEST_CASE(a_job_of_a_registered_task_is_named_after_the_task)
{
    std::vector<instant> runs;
    sched.register_task("cleanup", recorder(runs));
    BOOST_TEST(sched.find_task("cleanup").has_value());
    BOOST_TEST(!sched.find_task("nothing").has_value());
    sched.start();
    const auto j = sched.add_job("cleanup", interval_trigger{10s}, {.id = "c1", .executor = "inline"});
    BOOST_TEST(j.name == "cleanup");
    BOOST_TEST(j.task.name() == "cleanup");
    advance(10s);
    BOOST_TEST(texts(runs) == seconds_list({10}), boost::test_tools::per_element());

    const auto what = scheduler_error_of(
        [&] { sched.add_job("no-such-task", interval_trigger{10s}, {.executor = "inline"}); },
        errc::task_not_found
    );
    BOOST_TEST(contains(what, "no-such-task"), what);
}

BOOST_AUTO_TEST_CASE(a_conflicting_id_is_an_error_naming_the_id)
{
    // Before the start (pending jobs) and after it
    sched.add_job([] {}, interval_trigger{10s}, {.id = "nightly-report", .executor = "inline"});
    auto what = scheduler_error_of(
        [&] { sched.add_job([] {}, interval_trigger{20s}, {.id = "nightly-report", .executor = "inline"}); },
        errc::conflicting_job_id
    );
    BOOST_TEST(contains(what, "nightly-report"), what);
    sched.start();
    poll();
    what = scheduler_error_of(
        [&] { sched.add_job([] {}, interval_trigger{20s}, {.id = "nightly-report", .executor = "inline"}); },
        errc::conflicting_job_id
    );
    BOOST_TEST(contains(what, "nightly-report"), what);

    // The first job is untouched
    BOOST_TEST(sched.job_count() == 1u);
    const auto j = sched.get_job("nightly-report");
    BOOST_REQUIRE(j);
    BOOST_TEST(j->trigger.describe() == "interval[0:00:10]");
    BOOST_TEST(str(j->next_run_time) == at_s(10));
    BOOST_TEST(count(event_code::job_added) == 1u);
}

BOOST_AUTO_TEST_CASE(replace_existing_replaces_the_job_and_its_schedule)
{
    sched.start();
    std::vector<instant> old_runs, new_runs;
    sched.add_job(recorder(old_runs), interval_trigger{10s}, {.id = "a", .executor = "inline"});
    advance(4s);
    const auto replaced = sched.add_job(
        recorder(new_runs),
        interval_trigger{20s},
        {.id = "a", .executor = "inline", .replace_existing = true}
    );
    BOOST_TEST(sched.job_count() == 1u);
    BOOST_TEST(replaced.trigger.describe() == "interval[0:00:20]");
    // A different trigger: its first fire time from now
    BOOST_TEST(str(replaced.next_run_time) == at_s(24));

    advance(6s);  // T0 + 10 s: the old schedule is gone
    BOOST_TEST(old_runs.empty());
    BOOST_TEST(new_runs.empty());
    advance(14s);
    BOOST_TEST(old_runs.empty());
    BOOST_TEST(texts(new_runs) == seconds_list({24}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(replace_existing_with_an_equal_trigger_keeps_the_schedule)
{
    // Idempotent start-up registration must not push the next run back on every restart
    sched.start();
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "a", .executor = "inline"});
    advance(4s);
    const auto again = sched.add_job(
        recorder(runs),
        interval_trigger{10s},
        {.id = "a", .executor = "inline", .replace_existing = true}
    );
    BOOST_TEST(str(again.next_run_time) == at_s(10));
    advance(6s);
    BOOST_TEST(texts(runs) == seconds_list({10}), boost::test_tools::per_element());
    BOOST_TEST(sched.job_count() == 1u);
}

BOOST_AUTO_TEST_CASE(replace_existing_works_on_a_pending_job)
{
    sched.add_job([] {}, interval_trigger{10s}, {.id = "a", .executor = "inline"});
    sched.add_job([] {}, interval_trigger{20s}, {.id = "a", .executor = "inline", .replace_existing = true});
    BOOST_TEST(sched.job_count() == 1u);
    sched.start();
    poll();
    BOOST_TEST(sched.job_count() == 1u);
    BOOST_TEST(str(next_run_of("a")) == at_s(20));
}

BOOST_AUTO_TEST_CASE(an_unknown_executor_or_jobstore_is_an_error_naming_it)
{
    sched.start();
    auto what = scheduler_error_of(
        [&] { sched.add_job([] {}, interval_trigger{10s}, {.id = "a", .executor = "gpu"}); },
        errc::executor_not_found
    );
    BOOST_TEST(contains(what, "gpu"), what);
    what = scheduler_error_of(
        [&] { sched.add_job([] {}, interval_trigger{10s}, {.id = "b", .executor = "inline", .jobstore = "redis"}); },
        errc::jobstore_not_found
    );
    BOOST_TEST(contains(what, "redis"), what);
    BOOST_TEST(sched.job_count() == 0u);
    BOOST_TEST(count(event_code::job_added) == 0u);
}

BOOST_AUTO_TEST_CASE(invalid_job_options_are_rejected)
{
    sched.start();
    BOOST_CHECK_THROW(
        sched.add_job([] {}, interval_trigger{10s}, {.executor = "inline", .max_instances = 0}),
        std::invalid_argument
    );
    BOOST_CHECK_THROW(
        sched.add_job([] {}, interval_trigger{10s}, {.executor = "inline", .misfire_grace_time = -1s}),
        std::invalid_argument
    );
    BOOST_TEST(sched.job_count() == 0u);
}

BOOST_AUTO_TEST_CASE(options_left_unset_come_from_the_scheduler_job_defaults)
{
    mock_scheduler configured{
        ctx,
        {.zone = time_zone::utc(), .job_defaults = {.misfire_grace_time = 30s, .coalesce = false, .max_instances = 3}}};
    const auto by_default = configured.add_job([] {}, interval_trigger{10s});
    BOOST_TEST((by_default.misfire_grace_time == 30s));
    BOOST_TEST(!by_default.coalesce);
    BOOST_TEST(by_default.max_instances == 3u);
    BOOST_TEST(by_default.jobstore == "default");
    BOOST_TEST(by_default.executor == "default");  // a function task defaults to the `default` executor

    const auto own = configured.add_job(
        [] {},
        interval_trigger{10s},
        {.misfire_grace_time = unlimited_grace, .coalesce = true, .max_instances = 1}
    );
    BOOST_TEST((own.misfire_grace_time == unlimited_grace));
    BOOST_TEST(own.coalesce);
    BOOST_TEST(own.max_instances == 1u);

    // A callback task defaults to `inline`
    const auto callback = configured.add_job([](job_completion done) { done(); }, interval_trigger{10s});
    BOOST_TEST(callback.executor == "inline");
}

BOOST_AUTO_TEST_CASE(a_job_added_paused_has_no_next_run_time_and_does_not_run)
{
    sched.start();
    std::vector<instant> runs;
    const auto j = sched.add_job(
        recorder(runs),
        interval_trigger{10s},
        {.id = "p", .executor = "inline", .paused = true}
    );
    BOOST_TEST(j.paused());
    BOOST_TEST(!j.next_run_time.has_value());
    advance(60s);
    BOOST_TEST(runs.empty());
    BOOST_TEST(count(event_code::job_missed) == 0u);
}

BOOST_AUTO_TEST_CASE(a_given_first_run_time_replaces_the_trigger_first_fire_time)
{
    sched.start();
    std::vector<instant> runs;
    const auto j = sched.add_job(
        recorder(runs),
        interval_trigger{10s},
        {.id = "n", .executor = "inline", .next_run_time = T0 + 5s}
    );
    BOOST_TEST(str(j.next_run_time) == at_s(5));
    advance(5s);
    BOOST_TEST(texts(runs) == seconds_list({5}), boost::test_tools::per_element());
    // The interval continues from the run's planned time
    BOOST_TEST(str(next_run_of("n")) == at_s(15));
    advance(10s);
    BOOST_TEST(texts(runs) == seconds_list({5, 15}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(arguments_reach_the_job_through_its_context)
{
    sched.start();
    boost::json::array seen_args;
    boost::json::object seen_kwargs;
    sched.add_job(
        [&](const job_context& c) {
            seen_args = c.args();
            seen_kwargs = c.kwargs();
        },
        interval_trigger{10s},
        {.id = "args", .executor = "inline", .args = {1, "two"}, .kwargs = {{"three", 3}}}
    );
    advance(10s);
    BOOST_TEST(boost::json::serialize(seen_args) == R"([1,"two"])");
    BOOST_TEST(boost::json::serialize(seen_kwargs) == R"({"three":3})");
}

BOOST_AUTO_TEST_CASE(a_pending_job_can_be_modified_paused_and_resumed_before_start)
{
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "a", .executor = "inline"});
    sched.modify_job("a", {.trigger = interval_trigger{20s}});
    BOOST_TEST(sched.get_job("a")->trigger.describe() == "interval[0:00:20]");
    sched.pause_job("a");
    BOOST_TEST(sched.get_job("a")->paused());
    const auto resumed = sched.resume_job("a");
    BOOST_REQUIRE(resumed);
    BOOST_TEST(resumed->pending);
    advance(5s);
    sched.start();
    poll();
    // The first run time is computed at the start (T0 + 5 s) with the new trigger
    BOOST_TEST(str(next_run_of("a")) == at_s(25));
    advance(20s);
    BOOST_TEST(texts(runs) == seconds_list({25}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_job_paused_before_start_stays_paused_at_start)
{
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "a", .executor = "inline"});
    sched.pause_job("a");
    sched.start();
    poll();
    BOOST_TEST(sched.get_job("a")->paused());
    advance(30s);
    BOOST_TEST(runs.empty());
}

// Job ids follow the rule of asched::invalid_job_id at add_job: a newline, too many bytes or bytes that are not
// UTF-8 are refused, nothing is added and no event says otherwise; printable UTF-8 is fine.
BOOST_AUTO_TEST_CASE(a_job_id_breaking_the_rule_is_refused_at_add)
{
    for (const std::string& id : {std::string("line\nbreak"), std::string(201, 'x'), std::string("bad\xff")})
        BOOST_CHECK_THROW(sched.add_job([] {}, interval_trigger{10s}, {.id = id}), asched::invalid_job_id);
    BOOST_TEST(sched.job_count() == 0u);
    BOOST_TEST(count(event_code::job_added) == 0u);
    BOOST_CHECK_NO_THROW(sched.add_job([] {}, interval_trigger{10s}, {.id = "rapport-été-✓"}));
    BOOST_TEST(sched.get_job("rapport-été-✓").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

// -------------------------------------------------------------------------------------------------------- querying

BOOST_FIXTURE_TEST_SUITE(scheduler_querying_jobs, started_fixture)

BOOST_AUTO_TEST_CASE(get_job_finds_by_id_and_store)
{
    sched.add_job([] {}, interval_trigger{10s}, {.id = "a", .executor = "inline"});
    BOOST_TEST(sched.get_job("a").has_value());
    BOOST_TEST(sched.get_job("a", "default").has_value());
    BOOST_TEST(!sched.get_job("b").has_value());
    BOOST_TEST(!sched.get_job("b", "default").has_value());
}

BOOST_AUTO_TEST_CASE(get_jobs_sorts_by_next_run_time_with_paused_jobs_last)
{
    sched.add_job([] {}, interval_trigger{30s}, {.id = "c", .executor = "inline"});
    sched.add_job([] {}, interval_trigger{5s}, {.id = "d-paused", .executor = "inline", .paused = true});
    sched.add_job([] {}, interval_trigger{10s}, {.id = "a", .executor = "inline"});
    sched.add_job([] {}, interval_trigger{20s}, {.id = "b", .executor = "inline"});

    const auto ids = [](const std::vector<asched::job>& jobs) {
        strings out;
        for (const auto& j : jobs)
            out.push_back(j.id);
        return out;
    };
    const strings expected{"a", "b", "c", "d-paused"};
    BOOST_TEST(ids(sched.get_jobs()) == expected, boost::test_tools::per_element());
    BOOST_TEST(ids(sched.get_jobs("default")) == expected, boost::test_tools::per_element());
    BOOST_TEST(sched.job_count() == 4u);

    // Runs move a job back in the order: at T0 + 10 s, a's next run is 20 s, b's is 20 s too; c stays at 30 s
    advance(10s);
    const auto after = ids(sched.get_jobs());
    BOOST_REQUIRE(after.size() == 4u);
    BOOST_TEST(after[2] == "c");
    BOOST_TEST(after[3] == "d-paused");
}

BOOST_AUTO_TEST_CASE(job_count_follows_adds_and_removes)
{
    BOOST_TEST(sched.job_count() == 0u);
    sched.add_job([] {}, interval_trigger{10s}, {.id = "a", .executor = "inline"});
    sched.add_job([] {}, date_trigger{T0 + 5s}, {.id = "b", .executor = "inline"});
    BOOST_TEST(sched.job_count() == 2u);
    // The date job runs and is removed
    advance(5s);
    BOOST_TEST(sched.job_count() == 1u);
    sched.remove_job("a");
    BOOST_TEST(sched.job_count() == 0u);
}

BOOST_AUTO_TEST_CASE(print_jobs_shows_id_name_trigger_next_run_time_and_state)
{
    sched.add_job([] {}, interval_trigger{10s}, {.id = "report-job", .name = "Report", .executor = "inline"});
    sched.add_job([] {}, interval_trigger{1h}, {.id = "sleepy", .executor = "inline", .paused = true});
    std::ostringstream out;
    sched.print_jobs(out);
    const auto text = out.str();
    BOOST_TEST_MESSAGE(text);
    BOOST_TEST(contains(text, "report-job"), text);
    BOOST_TEST(contains(text, "Report"), text);
    BOOST_TEST(contains(text, "interval[0:00:10]"), text);
    BOOST_TEST(contains(text, "2026-01-05"), text);
    BOOST_TEST(contains(text, "00:00:10"), text);
    BOOST_TEST(contains(text, "sleepy"), text);
    BOOST_TEST(contains(text, "interval[1:00:00]"), text);
    BOOST_TEST(contains(text, "paused"), text);

    // Per store: the same jobs in "default"
    std::ostringstream in_default;
    sched.print_jobs(in_default, "default");
    BOOST_TEST(contains(in_default.str(), "report-job"));
}

BOOST_AUTO_TEST_CASE(job_describe_is_one_line_with_trigger_and_next_run_time)
{
    // job::describe's documented form, the time in the trigger's zone (the scheduler's UTC here)
    const auto j = sched.add_job(
        [] {},
        interval_trigger{10s},
        {.id = "report-job", .name = "Report", .executor = "inline"}
    );
    BOOST_TEST(j.describe() == "Report (trigger: interval[0:00:10], next run at: 2026-01-05T00:00:10+00:00)");
}

BOOST_AUTO_TEST_SUITE_END()

// -------------------------------------------------------------------------------------------------------- modifying

BOOST_FIXTURE_TEST_SUITE(scheduler_modifying_jobs, started_fixture)

BOOST_AUTO_TEST_CASE(modify_job_changes_the_name_and_reports_it)
{
    sched.add_job([] {}, interval_trigger{10s}, {.id = "a", .name = "old", .executor = "inline"});
    const auto changed = sched.modify_job("a", {.name = "new"});
    BOOST_TEST(changed.name == "new");
    BOOST_TEST(sched.get_job("a")->name == "new");
    // Nothing else changes
    BOOST_TEST(str(changed.next_run_time) == at_s(10));
    const auto modified = events_of(event_code::job_modified);
    BOOST_REQUIRE(modified.size() == 1u);
    BOOST_TEST(modified[0].job_id == "a");
    BOOST_TEST(modified[0].jobstore == "default");
}

BOOST_AUTO_TEST_CASE(modify_job_changes_the_task)
{
    std::vector<instant> old_runs, new_runs;
    sched.add_job(recorder(old_runs), interval_trigger{10s}, {.id = "a", .executor = "inline"});
    sched.modify_job("a", {.task = asched::task(recorder(new_runs))});
    advance(10s);
    BOOST_TEST(old_runs.empty());
    BOOST_TEST(texts(new_runs) == seconds_list({10}), boost::test_tools::per_element());
    BOOST_TEST(count(event_code::job_modified) == 1u);
}

BOOST_AUTO_TEST_CASE(modify_job_with_a_trigger_recomputes_the_next_run_time_from_now)
{
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "a", .executor = "inline"});
    advance(3s);
    const auto changed = sched.modify_job("a", {.trigger = interval_trigger{20s}});
    BOOST_TEST(changed.trigger.describe() == "interval[0:00:20]");
    BOOST_TEST(str(changed.next_run_time) == at_s(23));
    advance(7s);  // T0 + 10 s, the old schedule
    BOOST_TEST(runs.empty());
    advance(13s);
    BOOST_TEST(texts(runs) == seconds_list({23}), boost::test_tools::per_element());
    BOOST_TEST(count(event_code::job_modified) == 1u);
}

BOOST_AUTO_TEST_CASE(modify_job_with_a_trigger_and_a_next_run_time_uses_the_given_time)
{
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "a", .executor = "inline"});
    const auto changed = sched.modify_job("a", {.trigger = interval_trigger{20s}, .next_run_time = T0 + 7s});
    BOOST_TEST(str(changed.next_run_time) == at_s(7));
    advance(7s);
    BOOST_TEST(texts(runs) == seconds_list({7}), boost::test_tools::per_element());
    BOOST_TEST(str(next_run_of("a")) == at_s(27));
}

BOOST_AUTO_TEST_CASE(modify_job_with_a_cron_trigger_without_zone_takes_the_scheduler_zone)
{
    // As in add_job: an unspecified zone becomes the scheduler's (UTC here)
    sched.add_job([] {}, interval_trigger{10s}, {.id = "a", .executor = "inline"});
    const auto changed = sched.modify_job("a", {.trigger = asched::cron_trigger{{.hour = "3"}}});
    BOOST_TEST(changed.trigger.zone().is_specified());
    BOOST_TEST(str(changed.next_run_time) == "2026-01-05T03:00:00Z");
}

BOOST_AUTO_TEST_CASE(modify_job_changes_the_executor_to_an_existing_one_only)
{
    sched.add_executor("serial", asched::make_inline_executor());
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "a", .executor = "inline"});
    BOOST_TEST(sched.modify_job("a", {.executor = "serial"}).executor == "serial");
    const auto what = scheduler_error_of([&] { sched.modify_job("a", {.executor = "gpu"}); }, errc::executor_not_found);
    BOOST_TEST(contains(what, "gpu"), what);
    BOOST_TEST(sched.get_job("a")->executor == "serial");
    // It still runs, on its new executor
    advance(10s);
    BOOST_TEST(texts(runs) == seconds_list({10}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(modify_job_changes_grace_coalesce_and_max_instances)
{
    sched.add_job([] {}, interval_trigger{10s}, {.id = "a", .executor = "inline"});
    const auto changed = sched.modify_job(
        "a",
        {.misfire_grace_time = unlimited_grace, .coalesce = false, .max_instances = 4}
    );
    BOOST_TEST((changed.misfire_grace_time == unlimited_grace));
    BOOST_TEST(!changed.coalesce);
    BOOST_TEST(changed.max_instances == 4u);
    const auto got = sched.get_job("a");
    BOOST_TEST((got->misfire_grace_time == unlimited_grace));
    BOOST_TEST(!got->coalesce);
    BOOST_TEST(got->max_instances == 4u);
    BOOST_TEST(count(event_code::job_modified) == 1u);

    // Invalid values are refused and change nothing
    BOOST_CHECK_THROW(sched.modify_job("a", {.max_instances = 0}), std::invalid_argument);
    BOOST_CHECK_THROW(sched.modify_job("a", {.misfire_grace_time = -1s}), std::invalid_argument);
    BOOST_TEST(sched.get_job("a")->max_instances == 4u);
    BOOST_TEST(count(event_code::job_modified) == 1u);
}

BOOST_AUTO_TEST_CASE(a_modified_grace_time_decides_the_next_misfire)
{
    // The 1 s default would miss a run 30 s late; after the change to 60 s it runs
    std::vector<instant> runs;
    // Grid 10, 20, ... (a grid starting at T0 would fire at once, at T0)
    sched.add_job(recorder(runs), interval_trigger{10s, {.start_date = T0 + 10s}}, {.id = "a", .executor = "inline"});
    sched.modify_job("a", {.misfire_grace_time = 60s, .coalesce = false, .max_instances = 10});
    advance(40s);
    BOOST_TEST(texts(runs) == seconds_list({10, 20, 30, 40}), boost::test_tools::per_element());
    BOOST_TEST(count(event_code::job_missed) == 0u);
}

BOOST_AUTO_TEST_CASE(modify_job_moves_the_next_run_time)
{
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "a", .executor = "inline"});
    const auto changed = sched.modify_job("a", {.next_run_time = T0 + 5s});
    BOOST_TEST(str(changed.next_run_time) == at_s(5));
    advance(5s);
    BOOST_TEST(texts(runs) == seconds_list({5}), boost::test_tools::per_element());
    advance(5s);  // the old time, T0 + 10 s, is no longer armed
    BOOST_TEST(texts(runs) == seconds_list({5}), boost::test_tools::per_element());
    advance(5s);
    BOOST_TEST(texts(runs) == seconds_list({5, 15}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(modify_job_next_run_time_resumes_a_paused_job)
{
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "a", .executor = "inline", .paused = true});
    const auto changed = sched.modify_job("a", {.next_run_time = T0 + 30s});
    BOOST_TEST(!changed.paused());
    advance(30s);
    BOOST_TEST(texts(runs) == seconds_list({30}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(modify_job_changes_args_and_kwargs_for_the_next_run)
{
    std::vector<std::string> seen;
    sched.add_job(
        [&](const job_context& c) {
            seen.push_back(boost::json::serialize(c.args()) + " " + boost::json::serialize(c.kwargs()));
        },
        interval_trigger{10s},
        {.id = "a", .executor = "inline", .args = {1}}
    );
    advance(10s);
    sched.modify_job("a", {.args = boost::json::array{2, "x"}, .kwargs = boost::json::object{{"k", true}}});
    const auto got = sched.get_job("a");
    BOOST_REQUIRE(got && got->arguments);
    BOOST_TEST(boost::json::serialize(got->arguments->args) == R"([2,"x"])");
    advance(10s);
    BOOST_TEST(seen == (strings{"[1] {}", R"([2,"x"] {"k":true})"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(modify_job_of_an_unknown_id_is_job_not_found)
{
    const auto what = scheduler_error_of([&] { sched.modify_job("ghost", {.name = "x"}); }, errc::job_not_found);
    BOOST_TEST(contains(what, "ghost"), what);
    BOOST_TEST(count(event_code::job_modified) == 0u);
}

BOOST_AUTO_TEST_CASE(reschedule_job_gives_a_new_trigger_timed_from_now)
{
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "a", .executor = "inline"});
    advance(3s);
    const auto changed = sched.reschedule_job("a", interval_trigger{20s});
    BOOST_TEST(changed.trigger.describe() == "interval[0:00:20]");
    BOOST_TEST(str(changed.next_run_time) == at_s(23));
    advance(20s);
    BOOST_TEST(texts(runs) == seconds_list({23}), boost::test_tools::per_element());
    BOOST_TEST(count(event_code::job_modified) == 1u);

    const auto what = scheduler_error_of(
        [&] { sched.reschedule_job("ghost", interval_trigger{1s}); },
        errc::job_not_found
    );
    BOOST_TEST(contains(what, "ghost"), what);
}

// A trigger whose first fire time cannot be found (two hours that never coincide, and few rounds to look) is refused
// by reschedule_job and modify_job with the trigger's error, and the job keeps its old trigger and time.
BOOST_AUTO_TEST_CASE(a_new_trigger_that_fails_leaves_the_job_as_it_was)
{
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "a", .executor = "inline"});
    const asched::and_trigger never{
        {asched::cron_trigger{{.hour = "9"}}, asched::cron_trigger{{.hour = "10"}}},
        std::chrono::seconds{1},
        20};
    BOOST_CHECK_THROW(sched.reschedule_job("a", never), asched::trigger_search_exhausted);
    BOOST_CHECK_THROW(sched.modify_job("a", {.name = "renamed", .trigger = never}), asched::trigger_search_exhausted);
    const auto kept = sched.get_job("a");
    BOOST_REQUIRE(kept.has_value());
    BOOST_TEST(kept->trigger.describe() == "interval[0:00:10]");
    BOOST_TEST(kept->name != "renamed");
    BOOST_TEST(str(kept->next_run_time) == at_s(10));
    BOOST_TEST(count(event_code::job_modified) == 0u);
    advance(10s);
    BOOST_TEST(texts(runs) == seconds_list({10}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(reschedule_job_resumes_a_paused_job)
{
    // APScheduler's reschedule_job sets a next run time, which also resumes a paused job
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "a", .executor = "inline", .paused = true});
    const auto changed = sched.reschedule_job("a", interval_trigger{5s});
    BOOST_TEST(str(changed.next_run_time) == at_s(5));
    advance(5s);
    BOOST_TEST(texts(runs) == seconds_list({5}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

// ------------------------------------------------------------------------------------------- pausing and removing

BOOST_FIXTURE_TEST_SUITE(scheduler_pausing_and_removing_jobs, started_fixture)

BOOST_AUTO_TEST_CASE(pause_job_stops_runs_and_resume_job_times_from_now)
{
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "a", .executor = "inline"});
    advance(3s);
    const auto paused = sched.pause_job("a");
    BOOST_TEST(paused.paused());
    BOOST_TEST(!paused.next_run_time.has_value());
    BOOST_TEST(sched.get_job("a")->paused());
    BOOST_TEST(count(event_code::job_modified) == 1u);

    advance(22s);  // T0 + 25 s: two fire times passed while paused; they are neither run nor missed
    BOOST_TEST(runs.empty());
    BOOST_TEST(count(event_code::job_missed) == 0u);

    const auto resumed = sched.resume_job("a");
    BOOST_REQUIRE(resumed);
    BOOST_TEST(!resumed->paused());
    BOOST_TEST(str(resumed->next_run_time) == at_s(35));
    BOOST_TEST(count(event_code::job_modified) == 2u);
    advance(9s);
    BOOST_TEST(runs.empty());
    advance(1s);
    BOOST_TEST(texts(runs) == seconds_list({35}), boost::test_tools::per_element());
    BOOST_TEST(count(event_code::job_missed) == 0u);
}

BOOST_AUTO_TEST_CASE(resume_job_of_a_grid_trigger_lands_on_the_grid)
{
    // With a start date, "from now" means the first grid point at or after now
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s, {.start_date = T0}}, {.id = "a", .executor = "inline"});
    sched.pause_job("a");
    advance(25s);
    const auto resumed = sched.resume_job("a");
    BOOST_REQUIRE(resumed);
    BOOST_TEST(str(resumed->next_run_time) == at_s(30));
}

BOOST_AUTO_TEST_CASE(resume_job_of_a_finished_trigger_removes_the_job)
{
    // The end date passes while the job is paused: no fire time from now, so resuming removes it
    std::vector<instant> runs;
    sched.add_job(
        recorder(runs),
        interval_trigger{10s, {.end_date = T0 + 15s}},
        {.id = "bounded", .executor = "inline"}
    );
    sched.pause_job("bounded");
    advance(20s);
    const auto resumed = sched.resume_job("bounded");
    BOOST_TEST(!resumed.has_value());
    BOOST_TEST(sched.job_count() == 0u);
    BOOST_TEST(runs.empty());
    const auto removed = events_of(event_code::job_removed);
    BOOST_REQUIRE(removed.size() == 1u);
    BOOST_TEST(removed[0].job_id == "bounded");
}

BOOST_AUTO_TEST_CASE(resume_job_of_a_date_job_whose_date_passed_is_a_misfire)
{
    // As in APScheduler, a date trigger's first fire time is its run date even when past: resuming the job makes
    // that run due, and with the 1 s grace it is reported missed (never silently dropped), then the job is removed
    std::vector<instant> runs;
    sched.add_job(recorder(runs), date_trigger{T0 + 10s}, {.id = "once", .executor = "inline"});
    sched.pause_job("once");
    advance(20s);
    const auto resumed = sched.resume_job("once");
    BOOST_REQUIRE(resumed.has_value());
    BOOST_TEST(str(resumed->next_run_time) == at_s(10));
    poll();
    BOOST_TEST(runs.empty());
    const auto missed = events_of(event_code::job_missed);
    BOOST_REQUIRE(missed.size() == 1u);
    BOOST_TEST(texts(missed[0].scheduled_run_times) == seconds_list({10}), boost::test_tools::per_element());
    BOOST_TEST(sched.job_count() == 0u);
    BOOST_TEST(events_of(event_code::job_removed).size() == 1u);
}

BOOST_AUTO_TEST_CASE(pause_and_resume_of_an_unknown_id_are_job_not_found)
{
    auto what = scheduler_error_of([&] { sched.pause_job("ghost"); }, errc::job_not_found);
    BOOST_TEST(contains(what, "ghost"), what);
    what = scheduler_error_of([&] { sched.resume_job("ghost"); }, errc::job_not_found);
    BOOST_TEST(contains(what, "ghost"), what);
}

BOOST_AUTO_TEST_CASE(remove_job_disarms_it_and_reports_job_removed)
{
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "alpha-job", .executor = "inline"});
    sched.remove_job("alpha-job");
    BOOST_TEST(!sched.get_job("alpha-job").has_value());
    BOOST_TEST(sched.job_count() == 0u);
    const auto removed = events_of(event_code::job_removed);
    BOOST_REQUIRE(removed.size() == 1u);
    BOOST_TEST(removed[0].job_id == "alpha-job");
    BOOST_TEST(removed[0].jobstore == "default");
    advance(30s);
    BOOST_TEST(runs.empty());

    // Removing it again, or any unknown id
    const auto what = scheduler_error_of([&] { sched.remove_job("alpha-job"); }, errc::job_not_found);
    BOOST_TEST(contains(what, "alpha-job"), what);
    BOOST_TEST(count(event_code::job_removed) == 1u);
}

BOOST_AUTO_TEST_CASE(remove_job_of_a_pending_job_before_start)
{
    jobs_fixture f;  // a second scheduler, never started
    std::vector<instant> runs;
    f.sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "a", .executor = "inline"});
    f.sched.remove_job("a");
    BOOST_TEST(f.sched.job_count() == 0u);
    f.sched.start();
    f.advance(30s);
    BOOST_TEST(runs.empty());
}

BOOST_AUTO_TEST_CASE(remove_all_jobs_clears_every_job_and_reports_once)
{
    std::vector<instant> runs;
    for (const char* id : {"a", "b", "c"})
        sched.add_job(recorder(runs), interval_trigger{10s}, {.id = id, .executor = "inline"});
    sched.remove_all_jobs();
    BOOST_TEST(sched.job_count() == 0u);
    BOOST_TEST(sched.get_jobs().empty());
    const auto cleared = events_of(event_code::all_jobs_removed);
    BOOST_REQUIRE(cleared.size() == 1u);
    BOOST_TEST(cleared[0].jobstore.empty());  // all stores
    advance(30s);
    BOOST_TEST(runs.empty());

    // Of one store
    sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "d", .executor = "inline"});
    sched.remove_all_jobs("default");
    BOOST_TEST(sched.job_count() == 0u);
    const auto again = events_of(event_code::all_jobs_removed);
    BOOST_REQUIRE(again.size() == 2u);
    BOOST_TEST(again[1].jobstore == "default");
    advance(30s);
    BOOST_TEST(runs.empty());
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------------------- run now

BOOST_FIXTURE_TEST_SUITE(scheduler_run_job_now, jobs_fixture)

BOOST_AUTO_TEST_CASE(run_job_now_runs_once_more_without_changing_the_schedule)
{
    sched.start();
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "a", .executor = "inline"});
    advance(3s);
    sched.run_job_now("a");
    poll();
    // The extra run is scheduled for now
    BOOST_TEST(texts(runs) == seconds_list({3}), boost::test_tools::per_element());
    BOOST_TEST(str(next_run_of("a")) == at_s(10));
    BOOST_TEST(count(event_code::job_submitted) == 1u);
    BOOST_TEST(count(event_code::job_executed) == 1u);
    advance(7s);
    BOOST_TEST(texts(runs) == seconds_list({3, 10}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(run_job_now_of_a_paused_job_leaves_it_paused)
{
    sched.start();
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "a", .executor = "inline", .paused = true});
    sched.run_job_now("a");
    poll();
    BOOST_TEST(runs.size() == 1u);
    BOOST_TEST(sched.get_job("a")->paused());
    advance(30s);
    BOOST_TEST(runs.size() == 1u);
}

BOOST_AUTO_TEST_CASE(run_job_now_of_a_date_job_keeps_its_date)
{
    sched.start();
    std::vector<instant> runs;
    sched.add_job(recorder(runs), date_trigger{T0 + 10s}, {.id = "a", .executor = "inline"});
    sched.run_job_now("a");
    poll();
    BOOST_TEST(texts(runs) == seconds_list({0}), boost::test_tools::per_element());
    BOOST_TEST(sched.job_count() == 1u);
    advance(10s);
    BOOST_TEST(texts(runs) == seconds_list({0, 10}), boost::test_tools::per_element());
    BOOST_TEST(sched.job_count() == 0u);
}

BOOST_AUTO_TEST_CASE(run_job_now_respects_max_instances)
{
    sched.start();
    std::vector<job_completion> held;
    sched.add_job(
        [&](job_completion done) { held.push_back(std::move(done)); },
        interval_trigger{1h},
        {.id = "cb", .max_instances = 1}
    );
    sched.run_job_now("cb");
    poll();
    BOOST_REQUIRE(held.size() == 1u);
    BOOST_TEST(sched.get_job("cb")->running_instances == 1u);

    // A second run while the first has not completed is refused, and reported
    sched.run_job_now("cb");
    poll();
    BOOST_TEST(held.size() == 1u);
    const auto refused = events_of(event_code::job_max_instances);
    BOOST_REQUIRE(refused.size() == 1u);
    BOOST_TEST(refused[0].job_id == "cb");

    // Once it completes, run now works again
    held[0]();
    poll();
    BOOST_TEST(count(event_code::job_executed) == 1u);
    BOOST_TEST(sched.get_job("cb")->running_instances == 0u);
    sched.run_job_now("cb");
    poll();
    BOOST_REQUIRE(held.size() == 2u);
    held[1]();
    poll();
    BOOST_TEST(count(event_code::job_executed) == 2u);
}

BOOST_AUTO_TEST_CASE(run_job_now_needs_a_started_scheduler_and_a_known_job)
{
    std::vector<instant> runs;
    sched.add_job(recorder(runs), interval_trigger{10s}, {.id = "a", .executor = "inline"});
    scheduler_error_of([&] { sched.run_job_now("a"); }, errc::scheduler_not_running);
    poll();
    BOOST_TEST(runs.empty());
    sched.start();
    const auto what = scheduler_error_of([&] { sched.run_job_now("ghost"); }, errc::job_not_found);
    BOOST_TEST(contains(what, "ghost"), what);
}

BOOST_AUTO_TEST_SUITE_END()
