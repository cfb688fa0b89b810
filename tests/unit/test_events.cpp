// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// Events: which operation emits which code and when, the fields each carries, mask filtering, listeners that
// throw or are removed, and the text forms (spec: "Events"). Mock clocks and the inline executor throughout, so
// every event is emitted during a poll of the test's own thread.

#include <asched/events.hpp>
#include <asched/scheduler.hpp>
#include <asched/task.hpp>
#include <asched/triggers.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/mock_scheduler.hpp"
#include "common/thread_sync.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;
using asched::event;
using asched::event_code;
using asched::event_mask;
using asched::instant;
using asched::job_completion;
using asched::log_level;
using asched::scheduler_options;
namespace test = asched::test;
using asched::test::what_of;
using codes = std::vector<event_code>;

namespace {

std::string names(const codes& list)
{
    std::string out;
    for (const auto code : list)
        out += (out.empty() ? "" : ", ") + std::string(asched::to_string(code));
    return out;
}

struct fixture : test::scheduler_fixture
{
    std::vector<std::pair<log_level, std::string>> log_lines;

    scheduler_options options()
    {
        return {
            .zone = asched::time_zone::utc(),
            .log = [this](log_level level, std::string_view line) { log_lines.emplace_back(level, line); },
        };
    }

    // The codes of the events `action` caused, including those delivered by the poll that follows it
    codes step(const std::function<void()>& action)
    {
        const auto before = events.size();
        action();
        poll();
        codes out;
        for (auto i = before; i < events.size(); ++i)
            out.push_back(events[i].code);
        return out;
    }

    std::vector<event> all_of(event_code code) const
    {
        std::vector<event> found;
        for (const auto& e : events)
            if (e.code == code)
                found.push_back(e);
        return found;
    }

    event only(event_code code) const
    {
        const auto found = all_of(code);
        BOOST_REQUIRE_EQUAL(found.size(), 1u);
        return found.front();
    }
};

void check_codes(const codes& actual, const codes& expected)
{
    BOOST_TEST((actual == expected), "got [" << names(actual) << "], expected [" << names(expected) << "]");
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(events, fixture)

BOOST_AUTO_TEST_CASE(each_operation_emits_its_event_at_once)
{
    test::mock_scheduler sched(ctx, options());
    record(sched);
    const auto inline_job = asched::job_options{.id = "a", .executor = "inline"};

    check_codes(
        step([&] { sched.add_job([] {}, asched::interval_trigger{10s}, inline_job); }),
        {event_code::job_added}
    );
    check_codes(step([&] { sched.start(); }), {event_code::scheduler_started});
    check_codes(step([&] { advance(10s); }), {event_code::job_submitted, event_code::job_executed});
    check_codes(step([&] { sched.modify_job("a", {.name = "renamed"}); }), {event_code::job_modified});
    check_codes(step([&] { sched.pause_job("a"); }), {event_code::job_modified});
    check_codes(step([&] { sched.resume_job("a"); }), {event_code::job_modified});
    check_codes(step([&] { sched.reschedule_job("a", asched::interval_trigger{20s}); }), {event_code::job_modified});
    check_codes(step([&] { sched.pause(); }), {event_code::scheduler_paused});
    check_codes(step([&] { sched.resume(); }), {event_code::scheduler_resumed});
    check_codes(step([&] { sched.add_executor("x", asched::make_inline_executor()); }), {event_code::executor_added});
    check_codes(step([&] { sched.remove_executor("x"); }), {event_code::executor_removed});
    check_codes(step([&] { sched.remove_job("a"); }), {event_code::job_removed});
    check_codes(
        step([&] {
            sched.add_job([] {}, asched::interval_trigger{10s}, {.id = "b"});
            sched.add_job([] {}, asched::interval_trigger{10s}, {.id = "c"});
        }),
        {event_code::job_added, event_code::job_added}
    );
    const auto removed_all = step([&] { sched.remove_all_jobs(); });
    BOOST_TEST_REQUIRE(!removed_all.empty());
    BOOST_TEST((removed_all.back() == event_code::all_jobs_removed), names(removed_all));
    BOOST_TEST(std::count(removed_all.begin(), removed_all.end(), event_code::all_jobs_removed) == 1);
    check_codes(step([&] { sched.shutdown(); }), {event_code::scheduler_shutdown});

    // The job events name the job and its store
    for (const auto& e : events)
        if (e.code == event_code::job_added || e.code == event_code::job_modified || e.code == event_code::job_removed)
        {
            BOOST_TEST(!e.job_id.empty());
            BOOST_TEST(e.jobstore == "default");
        }
    for (const auto& e : all_of(event_code::job_modified))
        BOOST_TEST(e.job_id == "a");
    BOOST_TEST(only(event_code::job_removed).job_id == "a");
    BOOST_TEST(only(event_code::all_jobs_removed).jobstore.empty());  // every store was cleared
}

BOOST_AUTO_TEST_CASE(nothing_follows_the_shutdown_event)
{
    test::mock_scheduler sched(ctx, options());
    record(sched);
    sched.add_job([] {}, asched::interval_trigger{10s}, {.executor = "inline"});
    sched.start();
    sched.shutdown();
    advance(10s);
    advance(10s);
    BOOST_TEST_REQUIRE(!events.empty());
    BOOST_TEST((events.back().code == event_code::scheduler_shutdown));
    BOOST_TEST(count(event_code::job_submitted) == 0u);
}

BOOST_AUTO_TEST_CASE(starting_paused_emits_started_and_runs_nothing_until_resumed)
{
    test::mock_scheduler sched(ctx, options());
    record(sched);
    int runs = 0;
    sched.add_job([&] { ++runs; }, asched::interval_trigger{10s}, {.executor = "inline"});
    sched.start(true);
    poll();
    BOOST_TEST(count(event_code::scheduler_started) == 1u);
    BOOST_TEST((sched.state() == asched::scheduler_state::paused));
    advance(10s);
    BOOST_TEST(runs == 0);
    check_codes(
        step([&] { sched.resume(); }),
        {event_code::scheduler_resumed, event_code::job_submitted, event_code::job_executed}
    );
    BOOST_TEST(runs == 1);  // the run that came due while paused is on time (0 s late), so it runs on resume
}

BOOST_AUTO_TEST_CASE(a_run_emits_submitted_then_executed_with_its_job_store_and_time)
{
    test::mock_scheduler sched(ctx, options());
    record(sched);
    sched.add_job([] { return 42; }, asched::interval_trigger{10s}, {.id = "tick", .executor = "inline"});
    sched.start();
    advance(10s);
    const auto submitted = only(event_code::job_submitted);
    const auto executed = only(event_code::job_executed);
    for (const auto& e : {submitted, executed})
    {
        BOOST_TEST(e.job_id == "tick");
        BOOST_TEST(e.jobstore == "default");
        BOOST_REQUIRE(e.scheduled_run_times.size() == 1u);
        BOOST_TEST((e.scheduled_run_times.front() == test::mock_epoch + 10s));
        BOOST_TEST((e.when == test::mock_epoch + 10s));  // by the scheduler's (mock) clock, which stood still
        BOOST_TEST(!e.exception);
    }
    BOOST_TEST(executed.result == json::value(42));
    BOOST_TEST(submitted.result.is_null());  // a submission has no result yet
    const auto submitted_at = std::find_if(events.begin(), events.end(), [](const event& e) {
        return e.code == event_code::job_submitted;
    });
    const auto executed_at = std::find_if(events.begin(), events.end(), [](const event& e) {
        return e.code == event_code::job_executed;
    });
    BOOST_TEST((submitted_at < executed_at));
}

BOOST_AUTO_TEST_CASE(a_job_error_event_carries_the_exception)
{
    test::mock_scheduler sched(ctx, options());
    record(sched);
    sched.add_job(
        []() -> int { throw std::runtime_error("boom"); },
        asched::interval_trigger{10s},
        {.id = "crash", .executor = "inline"}
    );
    sched.start();
    advance(10s);
    const auto e = only(event_code::job_error);
    BOOST_TEST(e.job_id == "crash");
    BOOST_TEST(e.jobstore == "default");
    BOOST_REQUIRE(e.scheduled_run_times.size() == 1u);
    BOOST_TEST((e.scheduled_run_times.front() == test::mock_epoch + 10s));
    BOOST_TEST(what_of(e.exception) == "boom");
    BOOST_TEST(e.result.is_null());
    BOOST_TEST(count(event_code::job_executed) == 0u);
}

BOOST_AUTO_TEST_CASE(runs_later_than_the_grace_time_are_reported_missed)
{
    test::mock_scheduler sched(ctx, options());
    record(sched);
    int runs = 0;
    sched.add_job(
        [&] { ++runs; },
        asched::interval_trigger{10s},
        {.id = "late", .executor = "inline", .misfire_grace_time = 1s, .coalesce = false}
    );
    sched.start();
    // One stall of 30 s: +10 s is 20 s late and +20 s 10 s late, both beyond the 1 s grace; +30 s is on time
    advance(30s);
    std::vector<instant> missed;
    for (const auto& e : all_of(event_code::job_missed))
    {
        BOOST_TEST(e.job_id == "late");
        BOOST_TEST(e.jobstore == "default");
        missed.insert(missed.end(), e.scheduled_run_times.begin(), e.scheduled_run_times.end());
    }
    std::sort(missed.begin(), missed.end());
    BOOST_TEST((missed == std::vector<instant>{test::mock_epoch + 10s, test::mock_epoch + 20s}));
    BOOST_TEST(runs == 1);
    const auto executed = only(event_code::job_executed);
    BOOST_REQUIRE(executed.scheduled_run_times.size() == 1u);
    BOOST_TEST((executed.scheduled_run_times.front() == test::mock_epoch + 30s));
}

BOOST_AUTO_TEST_CASE(a_date_job_added_too_late_is_reported_missed_and_never_runs)
{
    test::mock_scheduler sched(ctx, options());
    record(sched);
    sched.start();
    int runs = 0;
    // Five seconds ago with the default grace time of 1 s
    sched.add_job([&] { ++runs; }, asched::date_trigger{test::mock_epoch - 5s}, {.id = "past", .executor = "inline"});
    poll();
    BOOST_TEST(runs == 0);
    const auto missed = only(event_code::job_missed);
    BOOST_TEST(missed.job_id == "past");
    BOOST_TEST((missed.scheduled_run_times == std::vector<instant>{test::mock_epoch - 5s}));
    BOOST_TEST(!sched.get_job("past").has_value());  // nothing is left to run
}

BOOST_AUTO_TEST_CASE(a_run_refused_by_max_instances_is_reported)
{
    test::mock_scheduler sched(ctx, options());
    record(sched);
    std::vector<job_completion> outstanding;
    // A callback that does not complete keeps its run going, with no threads involved
    sched.add_job(
        [&](job_completion done) { outstanding.push_back(std::move(done)); },
        asched::interval_trigger{10s},
        {.id = "busy"}
    );
    sched.start();
    advance(10s);
    BOOST_REQUIRE(outstanding.size() == 1u);
    advance(10s);  // max_instances is 1 by default: this run is refused
    BOOST_TEST(outstanding.size() == 1u);
    const auto refused = only(event_code::job_max_instances);
    BOOST_TEST(refused.job_id == "busy");
    BOOST_TEST(refused.jobstore == "default");
    BOOST_TEST((refused.scheduled_run_times == std::vector<instant>{test::mock_epoch + 20s}));

    outstanding.front()();
    poll();
    BOOST_TEST(count(event_code::job_executed) == 1u);
    advance(10s);  // the run finished, so the next one is allowed
    BOOST_TEST(outstanding.size() == 2u);
    BOOST_TEST(count(event_code::job_max_instances) == 1u);
    outstanding.back()();
    poll();
}

BOOST_AUTO_TEST_CASE(a_job_whose_trigger_finished_is_removed_with_an_event)
{
    test::mock_scheduler sched(ctx, options());
    record(sched);
    sched.add_job([] {}, asched::date_trigger{test::mock_epoch + 1s}, {.id = "once", .executor = "inline"});
    sched.start();
    advance(1s);
    BOOST_TEST(count(event_code::job_executed) == 1u);
    BOOST_TEST(only(event_code::job_removed).job_id == "once");
    BOOST_TEST(sched.job_count() == 0u);
}

BOOST_AUTO_TEST_CASE(removing_all_jobs_of_one_store_names_it)
{
    test::mock_scheduler sched(ctx, options());
    record(sched);
    sched.add_job([] {}, asched::interval_trigger{10s});
    sched.remove_all_jobs("default");
    poll();
    BOOST_TEST(only(event_code::all_jobs_removed).jobstore == "default");
    BOOST_TEST(sched.job_count() == 0u);
}

BOOST_AUTO_TEST_CASE(a_listener_gets_only_the_events_of_its_mask)
{
    test::mock_scheduler sched(ctx, options());
    record(sched);
    std::vector<event_code> seen;
    sched.add_listener(
        [&](const event& e) { seen.push_back(e.code); },
        event_code::job_executed | event_code::job_error
    );
    sched.add_job([] {}, asched::interval_trigger{10s}, {.executor = "inline"});
    sched.add_job(
        []() -> int { throw std::runtime_error("boom"); },
        asched::interval_trigger{10s},
        {.executor = "inline"}
    );
    sched.start();
    advance(10s);
    sched.shutdown();
    poll();
    // The unfiltered listener saw more: added, started, submitted, shutdown
    BOOST_TEST(events.size() > 2u);
    BOOST_REQUIRE(seen.size() == 2u);
    BOOST_TEST(std::count(seen.begin(), seen.end(), event_code::job_executed) == 1);
    BOOST_TEST(std::count(seen.begin(), seen.end(), event_code::job_error) == 1);
}

BOOST_AUTO_TEST_CASE(a_listener_for_job_events_hears_nothing_of_the_scheduler)
{
    test::mock_scheduler sched(ctx, options());
    std::vector<event_code> seen;
    sched.add_listener([&](const event& e) { seen.push_back(e.code); }, asched::job_events);
    sched.start();
    sched.pause();
    sched.resume();
    sched.add_job([] {}, asched::interval_trigger{10s}, {.executor = "inline"});
    sched.shutdown();
    poll();
    check_codes(seen, {event_code::job_added});
}

BOOST_AUTO_TEST_CASE(a_listener_that_throws_is_logged_and_the_others_still_hear)
{
    test::mock_scheduler sched(ctx, options());
    sched.add_listener([](const event&) { throw std::runtime_error("listener boom"); });
    sched.add_listener([](const event&) { throw 42; });  // not even a std::exception
    record(sched);
    sched.start();
    sched.add_job([] {}, asched::interval_trigger{10s}, {.executor = "inline"});
    advance(10s);
    // The recording listener, added last, still got everything
    BOOST_TEST(count(event_code::scheduler_started) == 1u);
    BOOST_TEST(count(event_code::job_added) == 1u);
    BOOST_TEST(count(event_code::job_executed) == 1u);
    BOOST_TEST((sched.state() == asched::scheduler_state::running));
    // Each throw was logged, as a warning or worse, with what was thrown
    const auto logged = [&](std::string_view needle) {
        return std::any_of(log_lines.begin(), log_lines.end(), [&](const auto& line) {
            return line.first >= log_level::warning && line.second.find(needle) != std::string::npos;
        });
    };
    BOOST_TEST(logged("listener boom"));
    BOOST_TEST(log_lines.size() >= 2u * 4u);  // two throwing listeners, four events at least
    sched.shutdown();
}

BOOST_AUTO_TEST_CASE(a_listener_may_remove_itself_while_it_is_called)
{
    test::mock_scheduler sched(ctx, options());
    int self_removing_heard = 0;
    int other_heard = 0;
    asched::listener_id self{};
    self = sched.add_listener([&](const event&) {
        ++self_removing_heard;
        sched.remove_listener(self);
    });
    sched.add_listener([&](const event&) { ++other_heard; });
    sched.start();
    sched.pause();
    sched.resume();
    poll();
    BOOST_TEST(self_removing_heard == 1);
    BOOST_TEST(other_heard == 3);  // started, paused, resumed: the removal disturbed nobody else
    sched.shutdown();
}

BOOST_AUTO_TEST_CASE(a_listener_added_by_a_listener_hears_later_events)
{
    test::mock_scheduler sched(ctx, options());
    std::vector<event_code> late_heard;
    bool added = false;
    sched.add_listener([&](const event&) {
        if (!std::exchange(added, true))
            sched.add_listener([&](const event& e) { late_heard.push_back(e.code); });
    });
    sched.start();
    sched.pause();
    poll();
    BOOST_REQUIRE(!late_heard.empty());
    BOOST_TEST((late_heard.back() == event_code::scheduler_paused));
    sched.shutdown();
}

BOOST_AUTO_TEST_CASE(a_failing_job_is_logged_as_an_error_naming_it)
{
    test::mock_scheduler sched(ctx, options());
    sched.add_job(
        []() -> int { throw std::runtime_error("disk full"); },
        asched::interval_trigger{10s},
        {.id = "backup", .executor = "inline"}
    );
    sched.start();
    advance(10s);
    const bool logged = std::any_of(log_lines.begin(), log_lines.end(), [](const auto& line) {
        return line.first == log_level::error && line.second.find("backup") != std::string::npos &&
               line.second.find("disk full") != std::string::npos;
    });
    BOOST_TEST(logged);
    sched.shutdown();
}

BOOST_AUTO_TEST_CASE(a_removed_listener_hears_no_more)
{
    test::mock_scheduler sched(ctx, options());
    int heard = 0;
    const auto id = sched.add_listener([&](const event&) { ++heard; });
    sched.start();
    poll();
    BOOST_TEST(heard == 1);  // scheduler_started
    sched.remove_listener(id);
    sched.pause();
    sched.resume();
    sched.shutdown();
    poll();
    BOOST_TEST(heard == 1);
    sched.remove_listener(id);  // removing it again is ignored
    sched.remove_listener(asched::listener_id{987654});
}

BOOST_AUTO_TEST_CASE(listeners_are_distinct_even_when_equal)
{
    test::mock_scheduler sched(ctx, options());
    int heard = 0;
    const auto listener = [&](const event&) { ++heard; };
    const auto first = sched.add_listener(listener);
    const auto second = sched.add_listener(listener);
    BOOST_TEST((first != second));
    sched.remove_listener(first);
    sched.start();
    poll();
    BOOST_TEST(heard == 1);  // the second copy still listens
    sched.shutdown();
}

BOOST_AUTO_TEST_CASE(event_code_names_are_apschedulers_in_lower_case)
{
    const std::vector<std::pair<event_code, std::string_view>> expected{
        {event_code::scheduler_started, "scheduler_started"},
        {event_code::scheduler_shutdown, "scheduler_shutdown"},
        {event_code::scheduler_paused, "scheduler_paused"},
        {event_code::scheduler_resumed, "scheduler_resumed"},
        {event_code::executor_added, "executor_added"},
        {event_code::executor_removed, "executor_removed"},
        {event_code::jobstore_added, "jobstore_added"},
        {event_code::jobstore_removed, "jobstore_removed"},
        {event_code::all_jobs_removed, "all_jobs_removed"},
        {event_code::job_added, "job_added"},
        {event_code::job_removed, "job_removed"},
        {event_code::job_modified, "job_modified"},
        {event_code::job_submitted, "job_submitted"},
        {event_code::job_executed, "job_executed"},
        {event_code::job_error, "job_error"},
        {event_code::job_missed, "job_missed"},
        {event_code::job_max_instances, "job_max_instances"},
        {event_code::job_quarantined, "job_quarantined"},
        {event_code::jobstore_error, "jobstore_error"},
        {event_code::job_trigger_failed, "job_trigger_failed"},
        {event_code::jobstore_recovered, "jobstore_recovered"},
    };
    event_mask union_of_all = 0;
    for (const auto& [code, name] : expected)
    {
        BOOST_TEST(asched::to_string(code) == name);
        union_of_all |= static_cast<event_mask>(code);
    }
    // The 21 codes are the 21 bits of all_events; job_events is the ten job_* codes (bits 9 to 17, and 19)
    BOOST_TEST(union_of_all == asched::all_events);
    BOOST_TEST(asched::all_events == 0x1fffffu);
    BOOST_TEST(asched::job_events == 0xbfe00u);
    const event_mask job_codes = event_code::job_added | event_code::job_removed | event_code::job_modified |
                                 event_code::job_submitted | event_code::job_executed | event_code::job_error |
                                 event_code::job_missed | event_code::job_max_instances | event_code::job_quarantined |
                                 event_code::job_trigger_failed;
    BOOST_TEST((asched::job_events & job_codes) == job_codes);
    BOOST_TEST((asched::job_events & static_cast<event_mask>(event_code::all_jobs_removed)) == 0u);
}

BOOST_AUTO_TEST_CASE(an_event_is_one_line_naming_its_code_and_job)
{
    event e;
    e.code = event_code::job_executed;
    e.when = test::mock_epoch;
    e.job_id = "tick";
    e.jobstore = "default";
    e.scheduled_run_times = {test::mock_epoch};
    e.result = 42;
    const auto text = e.to_string();
    BOOST_TEST(text.find('\n') == std::string::npos, text);
    BOOST_TEST(text.find("job_executed") != std::string::npos, text);
    BOOST_TEST(text.find("tick") != std::string::npos, text);
    BOOST_TEST(text.find("42") != std::string::npos, text);
    BOOST_TEST(e.bit() == static_cast<event_mask>(event_code::job_executed));

    event error;
    error.code = event_code::job_error;
    error.job_id = "crash";
    error.exception = std::make_exception_ptr(std::runtime_error("boom"));
    const auto error_text = error.to_string();
    BOOST_TEST(error_text.find('\n') == std::string::npos, error_text);
    BOOST_TEST(error_text.find("job_error") != std::string::npos, error_text);
    BOOST_TEST(error_text.find("crash") != std::string::npos, error_text);

    event started;
    started.code = event_code::scheduler_started;
    const auto started_text = started.to_string();
    BOOST_TEST(started_text.find('\n') == std::string::npos, started_text);
    BOOST_TEST(started_text.find("scheduler_started") != std::string::npos, started_text);
}

BOOST_AUTO_TEST_CASE(events_from_a_scheduler_print_as_one_line)
{
    test::mock_scheduler sched(ctx, options());
    record(sched);
    sched.add_job(
        [] { return std::string("multi\nline"); },
        asched::interval_trigger{10s},
        {.id = "tick", .executor = "inline"}
    );
    sched.start();
    advance(10s);
    for (const auto& e : events)
    {
        const auto text = e.to_string();
        BOOST_TEST(text.find('\n') == std::string::npos, text);
        BOOST_TEST(text.find(asched::to_string(e.code)) != std::string::npos, text);
        if (!e.job_id.empty())
            BOOST_TEST(text.find("tick") != std::string::npos, text);
    }
}

BOOST_AUTO_TEST_SUITE_END()
