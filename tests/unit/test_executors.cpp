// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// What a job can be (plain functions, functions of a job_context, coroutines, callbacks with a completion) and
// where it runs (inline, strand, thread pool, custom executors), on mock clocks (spec: "Jobs", "Executors").
// Work on other threads is awaited with test::poll_until, never with a sleep; concurrency is proved with
// rendezvous points that every run must reach before any may leave.

#include <asched/executors.hpp>
#include <asched/job_context.hpp>
#include <asched/scheduler.hpp>
#include <asched/task.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <any>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <typeinfo>
#include <vector>

#include "common/mock_scheduler.hpp"
#include "common/thread_sync.hpp"

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using asched::errc;
using asched::error_code;
using asched::event;
using asched::event_code;
using asched::instant;
using asched::job_completion;
using asched::job_context;
using asched::job_executor;
using asched::job_options;
using asched::job_run;
using asched::scheduler_options;
namespace test = asched::test;
using asched::test::budget;
using asched::test::gate;
using asched::test::gate_on_shutdown;
using asched::test::rendezvous;
using asched::test::what_of;

namespace {

// A timer on the mock clock, for coroutine jobs that must stay suspended until the test moves time
using mock_timer = asio::basic_waitable_timer<test::mock_timer_clock>;

// Returned by a job to show that a result JSON cannot represent still reaches listeners as itself
struct opaque
{
    int secret;
};

error_code code_of(const std::exception_ptr& e)
{
    if (!e)
        return {};
    try
    {
        std::rethrow_exception(e);
    }
    catch (const boost::system::system_error& x)
    {
        return x.code();
    }
    catch (...)
    {
        return {};
    }
}

// An executor that keeps the runs it is given, so that a test decides when (and whether) they start
class queue_executor final : public job_executor
{
public:
    void submit(job_run run) override { runs.push_back(std::move(run)); }
    std::string describe() const override { return "queue"; }
    std::vector<job_run> runs;
};

// Wraps another executor and opens a gate when the scheduler shuts it down: a job waiting at the gate can then
// only finish after shutdown began, which makes "shutdown waited for it" observable without timing

struct fixture : test::scheduler_fixture
{
    const std::thread::id main_thread = std::this_thread::get_id();
    std::mutex listener_threads_mutex;
    std::vector<std::thread::id> listener_threads;  // the thread of every listener call
    std::vector<std::string> log_lines;

    // UTC, so that nothing depends on the machine's zone; log lines are kept, not printed
    scheduler_options options(std::map<std::string, std::shared_ptr<job_executor>> executors = {})
    {
        return {
            .zone = asched::time_zone::utc(),
            .executors = std::move(executors),
            .log = [this](asched::log_level, std::string_view line) { log_lines.emplace_back(line); },
        };
    }

    // Records events and the threads listeners are called on
    void watch(test::mock_scheduler& sched)
    {
        record(sched);
        sched.add_listener([this](const event&) {
            const std::lock_guard lock(listener_threads_mutex);
            listener_threads.push_back(std::this_thread::get_id());
        });
    }

    bool listeners_ran_on_main_thread()
    {
        const std::lock_guard lock(listener_threads_mutex);
        return std::all_of(listener_threads.begin(), listener_threads.end(), [this](auto id) {
            return id == main_thread;
        });
    }

    std::size_t outcomes() const { return count(event_code::job_executed) + count(event_code::job_error); }

    // Adds `code` as a job firing once, 1 s after the epoch; starts the scheduler, fires the job and waits for
    // its outcome (on whatever thread it runs)
    void run_once(test::mock_scheduler& sched, asched::task code, job_options job = {})
    {
        const auto before = outcomes();
        sched.add_job(std::move(code), asched::date_trigger{test::mock_epoch + 1s}, std::move(job));
        if (sched.state() == asched::scheduler_state::stopped)
            sched.start();
        advance(1s);
        test::poll_until(ctx, [&] { return outcomes() > before; });
    }

    // The single recorded event with `code`
    event only(event_code code) const
    {
        std::vector<event> found;
        for (const auto& e : events)
            if (e.code == code)
                found.push_back(e);
        BOOST_REQUIRE_EQUAL(found.size(), 1u);
        return found.front();
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(task_kinds, fixture)

BOOST_AUTO_TEST_CASE(a_void_function_runs_once_and_reports_no_result)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    int runs = 0;
    run_once(sched, [&] { ++runs; }, {.id = "void", .executor = "inline"});
    BOOST_TEST(runs == 1);
    const auto e = only(event_code::job_executed);
    BOOST_TEST(e.job_id == "void");
    BOOST_TEST(e.result.is_null());
    BOOST_TEST(!e.return_value.has_value());
    BOOST_TEST(!e.exception);
    BOOST_TEST(count(event_code::job_error) == 0u);
}

BOOST_AUTO_TEST_CASE(an_int_result_reaches_listeners_as_json_and_as_itself)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    run_once(sched, [] { return 42; }, {.executor = "inline"});
    const auto e = only(event_code::job_executed);
    BOOST_TEST(e.result == json::value(42));
    const int* value = std::any_cast<int>(&e.return_value);
    BOOST_REQUIRE(value != nullptr);
    BOOST_TEST(*value == 42);
}

BOOST_AUTO_TEST_CASE(a_string_result_reaches_listeners_as_a_json_string)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    run_once(sched, [] { return std::string("text"); }, {.executor = "inline"});
    const auto e = only(event_code::job_executed);
    BOOST_TEST(e.result == json::value("text"));
    const auto* value = std::any_cast<std::string>(&e.return_value);
    BOOST_REQUIRE(value != nullptr);
    BOOST_TEST(*value == "text");
}

BOOST_AUTO_TEST_CASE(a_vector_result_reaches_listeners_as_a_json_array)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    run_once(sched, [] { return std::vector<int>{1, 2, 3}; }, {.executor = "inline"});
    const auto e = only(event_code::job_executed);
    BOOST_TEST(e.result == json::value(json::array{1, 2, 3}));
    const auto* value = std::any_cast<std::vector<int>>(&e.return_value);
    BOOST_REQUIRE(value != nullptr);
    BOOST_TEST(*value == (std::vector<int>{1, 2, 3}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_result_json_cannot_represent_is_null_json_but_reaches_listeners_as_itself)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    run_once(sched, [] { return opaque{7}; }, {.executor = "inline"});
    const auto e = only(event_code::job_executed);
    BOOST_TEST(e.result.is_null());
    const auto* value = std::any_cast<opaque>(&e.return_value);
    BOOST_REQUIRE(value != nullptr);
    BOOST_TEST(value->secret == 7);
}

BOOST_AUTO_TEST_CASE(a_function_of_a_context_sees_its_id_run_time_and_arguments)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    std::string id;
    instant run_time{};
    json::array args;
    json::object kwargs;
    asio::any_io_executor executor;
    run_once(
        sched,
        [&](const job_context& c) {
            id = c.job_id();
            run_time = c.scheduled_run_time();
            args = c.args();
            kwargs = c.kwargs();
            executor = c.scheduler_executor();
            return static_cast<int>(c.args().size());
        },
        {.id = "with-context", .executor = "inline", .args = {1, "two"}, .kwargs = {{"name", "value"}}}
    );
    BOOST_TEST(id == "with-context");
    BOOST_TEST((run_time == test::mock_epoch + 1s));  // the date trigger's time, 1 s after the epoch
    BOOST_TEST(args == (json::array{1, "two"}));
    BOOST_TEST(kwargs == (json::object{{"name", "value"}}));
    BOOST_TEST((executor == sched.get_executor()));
    const auto e = only(event_code::job_executed);
    BOOST_TEST(e.result == json::value(2));
    BOOST_TEST(e.job_id == "with-context");
    BOOST_REQUIRE(e.scheduled_run_times.size() == 1u);
    BOOST_TEST((e.scheduled_run_times.front() == test::mock_epoch + 1s));
}

BOOST_AUTO_TEST_CASE(a_job_without_arguments_sees_empty_ones)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    std::optional<bool> empty;
    run_once(
        sched,
        [&](const job_context& c) { empty = c.args().empty() && c.kwargs().empty(); },
        {.executor = "inline"}
    );
    BOOST_TEST((empty == std::optional<bool>(true)));
}

BOOST_AUTO_TEST_CASE(the_context_reaches_the_scheduler_by_its_type_only)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    test::mock_scheduler* seen = nullptr;
    bool wrong_type_threw = false;
    run_once(
        sched,
        [&](const job_context& c) {
            seen = &c.get_scheduler<test::mock_scheduler>();
            try
            {
                c.get_scheduler<asched::scheduler>();  // the production scheduler is another type
            }
            catch (const std::bad_cast&)
            {
                wrong_type_threw = true;
            }
        },
        {.executor = "inline"}
    );
    BOOST_TEST(seen == &sched);
    BOOST_TEST(wrong_type_threw);
}

BOOST_AUTO_TEST_CASE(a_context_built_without_a_scheduler_reaches_none)
{
    const std::string id = "standalone";  // the context refers to it
    const job_context c(id, test::mock_epoch);
    BOOST_CHECK_THROW(c.get_scheduler<test::mock_scheduler>(), std::bad_cast);
    BOOST_TEST(c.job_id() == "standalone");
    BOOST_TEST(c.args().empty());
    BOOST_TEST(c.kwargs().empty());
}

BOOST_AUTO_TEST_CASE(an_inline_job_can_pause_itself_through_its_context)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    int runs = 0;
    sched.add_job(
        [&](const job_context& c) {
            ++runs;
            c.get_scheduler<test::mock_scheduler>().pause_job(c.job_id());
        },
        asched::interval_trigger{10s},
        {.id = "once-then-pause", .executor = "inline"}
    );
    sched.start();
    advance(10s);
    BOOST_TEST(runs == 1);
    advance(10s);
    advance(10s);
    BOOST_TEST(runs == 1);  // paused by its first run
    const auto job = sched.get_job("once-then-pause");
    BOOST_REQUIRE(job.has_value());
    BOOST_TEST(job->paused());
    sched.shutdown();
}

BOOST_AUTO_TEST_CASE(a_coroutine_does_asynchronous_work_and_returns_its_result)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    std::thread::id ran_on;
    int steps = 0;
    run_once(sched, [&]() -> asio::awaitable<int> {
        auto executor = co_await asio::this_coro::executor;
        ++steps;
        co_await asio::post(executor, asio::use_awaitable);  // suspends: the run is not over when the call returns
        ++steps;
        ran_on = std::this_thread::get_id();
        co_return 42;
    });
    BOOST_TEST(steps == 2);
    BOOST_TEST((ran_on == main_thread));  // coroutines default to the inline executor
    const auto e = only(event_code::job_executed);
    BOOST_TEST(e.result == json::value(42));
    const int* value = std::any_cast<int>(&e.return_value);
    BOOST_REQUIRE(value != nullptr);
    BOOST_TEST(*value == 42);
}

BOOST_AUTO_TEST_CASE(a_coroutine_keeps_its_context_across_suspensions)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    run_once(
        sched,
        [](job_context c) -> asio::awaitable<std::string> {
            co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
            co_return c.job_id() + " " + std::to_string(c.args().size());
        },
        {.id = "coro", .args = {"a", "b", "c"}}
    );
    BOOST_TEST(only(event_code::job_executed).result == json::value("coro 3"));
}

BOOST_AUTO_TEST_CASE(a_void_coroutine_reports_no_result)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    bool finished = false;
    run_once(sched, [&]() -> asio::awaitable<void> {
        co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
        finished = true;
    });
    BOOST_TEST(finished);
    const auto e = only(event_code::job_executed);
    BOOST_TEST(e.result.is_null());
    BOOST_TEST(!e.return_value.has_value());
}

BOOST_AUTO_TEST_CASE(a_coroutine_that_throws_after_suspending_is_a_job_error)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    run_once(sched, []() -> asio::awaitable<int> {
        co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
        throw std::runtime_error("coroutine failed");
    });
    BOOST_TEST(count(event_code::job_executed) == 0u);
    BOOST_TEST(what_of(only(event_code::job_error).exception) == "coroutine failed");
}

// The run of a one-off job outlives the job: the job is removed when its trigger finishes, while the coroutine is
// still suspended. The coroutine's captures live in the job's function object, which must live as long as the run
BOOST_AUTO_TEST_CASE(a_coroutine_outliving_its_finished_job_completes_safely)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    bool finished = false;
    const std::string message = "captured by value, read after the suspension";
    sched.add_job(
        [&finished, message]() -> asio::awaitable<std::string> {
            mock_timer timer(co_await asio::this_coro::executor);
            timer.expires_after(10s);
            co_await timer.async_wait(asio::use_awaitable);
            finished = true;
            co_return message;
        },
        asched::date_trigger{test::mock_epoch + 1s},
        {.id = "one-off"}
    );
    sched.start();
    advance(1s);
    BOOST_TEST(!sched.get_job("one-off").has_value());  // the trigger has finished: the job is gone
    advance(10s);
    test::poll_until(ctx, [&] { return outcomes() == 1; });
    BOOST_TEST(finished);
    BOOST_TEST(only(event_code::job_executed).result == json::value(message));
}

// "Removes a job; runs in progress finish": also a coroutine run suspended when the job goes
BOOST_AUTO_TEST_CASE(a_coroutine_whose_job_is_removed_while_it_runs_completes_safely)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    bool finished = false;
    const std::string message = "still here";
    sched.add_job(
        [&finished, message]() -> asio::awaitable<std::string> {
            mock_timer timer(co_await asio::this_coro::executor);
            timer.expires_after(5s);
            co_await timer.async_wait(asio::use_awaitable);
            finished = true;
            co_return message;
        },
        asched::interval_trigger{10s},
        {.id = "removed"}
    );
    sched.start();
    advance(10s);
    sched.remove_job("removed");
    advance(5s);
    test::poll_until(ctx, [&] { return outcomes() == 1; });
    BOOST_TEST(finished);
    BOOST_TEST(only(event_code::job_executed).result == json::value(message));
}

BOOST_AUTO_TEST_CASE(a_callback_completed_later_from_another_thread_reports_on_the_scheduler_thread)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    std::optional<job_completion> held;
    sched.add_job(
        [&](job_completion done) { held.emplace(std::move(done)); },
        asched::interval_trigger{10s},
        {.id = "callback"}
    );
    BOOST_TEST(sched.get_job("callback")->executor == "inline");  // callbacks default to inline
    sched.start();
    advance(10s);
    BOOST_REQUIRE(held.has_value());
    // The work is outstanding: no outcome yet, and the run counts as running
    poll();
    BOOST_TEST(outcomes() == 0u);
    BOOST_TEST(sched.get_job("callback")->running_instances == 1u);

    std::thread worker([done = std::move(*held)]() mutable { done(std::exception_ptr{}, json::value("from a thread")); }
    );
    worker.join();
    held.reset();
    test::poll_until(ctx, [&] { return outcomes() == 1; });
    BOOST_TEST(only(event_code::job_executed).result == json::value("from a thread"));
    BOOST_TEST(sched.get_job("callback")->running_instances == 0u);
    BOOST_TEST(listeners_ran_on_main_thread());
    sched.shutdown();
}

BOOST_AUTO_TEST_CASE(a_callback_taking_a_context_sees_its_job)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    std::string id;
    run_once(
        sched,
        [&](const job_context& c, job_completion done) {
            id = c.job_id();
            done(std::exception_ptr{}, 7);
        },
        {.id = "callback-with-context"}
    );
    BOOST_TEST(id == "callback-with-context");
    BOOST_TEST(only(event_code::job_executed).result == json::value(7));
}

BOOST_AUTO_TEST_CASE(a_callback_that_drops_its_completion_is_a_job_error)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    run_once(sched, [](job_completion) {});
    BOOST_TEST(count(event_code::job_executed) == 0u);
    BOOST_TEST((code_of(only(event_code::job_error).exception) == errc::completion_dropped));
    // The run is over, not counted as running forever
    poll();
    BOOST_TEST(sched.job_count() == 0u);  // the date trigger has finished
}

BOOST_AUTO_TEST_CASE(a_callback_completed_with_an_error_code_is_a_job_error)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    run_once(sched, [](job_completion done) { done(error_code(asio::error::timed_out)); });
    BOOST_TEST((code_of(only(event_code::job_error).exception) == asio::error::timed_out));
}

BOOST_AUTO_TEST_CASE(a_callback_completed_with_an_exception_is_a_job_error)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    run_once(sched, [](job_completion done) { done(std::make_exception_ptr(std::runtime_error("callback failed"))); });
    BOOST_TEST(what_of(only(event_code::job_error).exception) == "callback failed");
}

BOOST_AUTO_TEST_CASE(a_callback_that_throws_before_completing_is_one_job_error)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    // The throw also destroys the completion uncalled: still one run, so one outcome, and the throw says more
    run_once(sched, [](job_completion) { throw std::runtime_error("start failed"); });
    poll();
    BOOST_TEST(count(event_code::job_executed) == 0u);
    BOOST_TEST(what_of(only(event_code::job_error).exception) == "start failed");
}

BOOST_AUTO_TEST_CASE(a_returned_error_code_that_is_set_is_a_job_error)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    run_once(sched, [] { return error_code(asio::error::connection_refused); }, {.executor = "inline"});
    BOOST_TEST(count(event_code::job_executed) == 0u);
    BOOST_TEST((code_of(only(event_code::job_error).exception) == asio::error::connection_refused));
}

BOOST_AUTO_TEST_CASE(a_returned_error_code_that_is_clear_is_success)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    run_once(sched, [] { return error_code{}; }, {.executor = "inline"});
    BOOST_TEST(count(event_code::job_error) == 0u);
    BOOST_TEST(count(event_code::job_executed) == 1u);
}

BOOST_AUTO_TEST_CASE(a_job_that_throws_affects_neither_the_scheduler_nor_other_jobs)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    int good_runs = 0;
    sched.add_job(
        []() -> int { throw std::runtime_error("boom"); },
        asched::interval_trigger{10s},
        {.id = "bad", .executor = "inline"}
    );
    sched.add_job([&] { ++good_runs; }, asched::interval_trigger{10s}, {.id = "good", .executor = "inline"});
    sched.start();
    advance(10s);
    advance(10s);
    test::poll_until(ctx, [&] { return outcomes() == 4; });
    BOOST_TEST(good_runs == 2);
    BOOST_TEST(count(event_code::job_error) == 2u);
    for (const auto& e : events)
        if (e.code == event_code::job_error)
        {
            BOOST_TEST(e.job_id == "bad");
            BOOST_TEST(what_of(e.exception) == "boom");
        }
    BOOST_TEST((sched.state() == asched::scheduler_state::running));
    BOOST_TEST(sched.get_job("bad").has_value());  // a failing job keeps its schedule
    sched.shutdown();
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(job_executors, fixture)

BOOST_AUTO_TEST_CASE(built_in_executors_describe_themselves)
{
    BOOST_TEST(asched::make_inline_executor()->describe() == "inline");
    BOOST_TEST(asched::make_inline_executor()->runs_inline());
    asio::io_context other;
    BOOST_TEST(asched::make_strand_executor(other.get_executor())->describe() == "strand");
    BOOST_TEST(!asched::make_strand_executor(other.get_executor())->runs_inline());
    const auto pool = asched::make_thread_pool_executor(4);
    BOOST_TEST(pool->describe() == "thread_pool(4)");
    BOOST_TEST(!pool->runs_inline());
    pool->shutdown(true);
    BOOST_CHECK_THROW(asched::make_thread_pool_executor(0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(an_inline_function_runs_on_the_scheduler_thread_during_the_poll)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    int runs = 0;
    std::thread::id ran_on;
    sched.add_job(
        [&] {
            ++runs;
            ran_on = std::this_thread::get_id();
        },
        asched::interval_trigger{10s},
        {.executor = "inline"}
    );
    sched.start();
    advance(9s);
    BOOST_TEST(runs == 0);
    advance(1s);  // one poll, no waiting: the run happened inside it
    BOOST_TEST(runs == 1);
    BOOST_TEST((ran_on == main_thread));
    sched.shutdown();
}

BOOST_AUTO_TEST_CASE(coroutines_and_callbacks_default_to_inline_and_functions_to_the_thread_pool)
{
    test::mock_scheduler sched(ctx, options());
    const auto coroutine = sched.add_job([]() -> asio::awaitable<void> { co_return; }, asched::interval_trigger{1h});
    const auto callback = sched.add_job([](job_completion done) { done(); }, asched::interval_trigger{1h});
    const auto function = sched.add_job([] {}, asched::interval_trigger{1h});
    const auto with_context = sched.add_job([](const job_context&) { return 1; }, asched::interval_trigger{1h});
    BOOST_TEST(coroutine.executor == "inline");
    BOOST_TEST(callback.executor == "inline");
    BOOST_TEST(function.executor == "default");
    BOOST_TEST(with_context.executor == "default");
}

BOOST_AUTO_TEST_CASE(a_function_runs_on_the_default_thread_pool_and_reports_on_the_scheduler_thread)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    std::atomic<std::thread::id> ran_on{};
    run_once(sched, [&] {
        ran_on = std::this_thread::get_id();
        return 5;
    });
    BOOST_TEST((ran_on.load() != std::thread::id{}));
    BOOST_TEST((ran_on.load() != main_thread));
    BOOST_TEST(only(event_code::job_executed).result == json::value(5));
    BOOST_TEST(listeners_ran_on_main_thread());
    sched.shutdown();
}

BOOST_AUTO_TEST_CASE(a_coroutine_on_a_thread_pool_runs_there_and_reports_on_the_scheduler_thread)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    std::atomic<std::thread::id> ran_on{};
    run_once(
        sched,
        [&]() -> asio::awaitable<int> {
            co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
            ran_on = std::this_thread::get_id();
            co_return 8;
        },
        {.executor = "default"}
    );
    BOOST_TEST((ran_on.load() != std::thread::id{}));
    BOOST_TEST((ran_on.load() != main_thread));
    BOOST_TEST(only(event_code::job_executed).result == json::value(8));
    BOOST_TEST(listeners_ran_on_main_thread());
    sched.shutdown();
}

BOOST_AUTO_TEST_CASE(a_callback_on_a_thread_pool_starts_there_and_reports_on_the_scheduler_thread)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    std::atomic<std::thread::id> started_on{};
    run_once(
        sched,
        [&](job_completion done) {
            started_on = std::this_thread::get_id();
            done(std::exception_ptr{}, "pooled");
        },
        {.executor = "default"}
    );
    BOOST_TEST((started_on.load() != std::thread::id{}));
    BOOST_TEST((started_on.load() != main_thread));
    BOOST_TEST(only(event_code::job_executed).result == json::value("pooled"));
    BOOST_TEST(listeners_ran_on_main_thread());
    sched.shutdown();
}

BOOST_AUTO_TEST_CASE(a_thread_pool_of_3_runs_3_jobs_at_once)
{
    test::mock_scheduler sched(ctx, options({{"pool3", asched::make_thread_pool_executor(3)}}));
    watch(sched);
    rendezvous all_three(3);
    std::atomic<int> met = 0;
    for (int i = 0; i < 3; ++i)
        sched.add_job(
            [&] { met += all_three.arrive_and_wait() ? 1 : 0; },
            asched::date_trigger{test::mock_epoch + 1s},
            {.executor = "pool3"}
        );
    sched.start();
    advance(1s);
    test::poll_until(ctx, [&] { return outcomes() == 3; });
    BOOST_TEST(met == 3);  // each run waited until all three were running
    BOOST_TEST(count(event_code::job_executed) == 3u);
    BOOST_TEST(listeners_ran_on_main_thread());
    sched.shutdown();
}

BOOST_AUTO_TEST_CASE(a_strand_never_runs_two_jobs_at_once_on_a_two_thread_io_context)
{
    asio::io_context work;
    auto guard = asio::make_work_guard(work);
    std::thread t1([&] { work.run(); });
    std::thread t2([&] { work.run(); });

    test::mock_scheduler sched(ctx, options({{"serial", asched::make_strand_executor(work.get_executor())}}));
    watch(sched);
    std::atomic<int> in_flight = 0;
    std::atomic<int> most_in_flight = 0;
    std::atomic<int> on_main_thread = 0;
    constexpr int jobs = 8;
    constexpr int rounds = 10;
    for (int i = 0; i < jobs; ++i)
        sched.add_job(
            [&] {
                const int now = ++in_flight;
                int most = most_in_flight;
                while (now > most && !most_in_flight.compare_exchange_weak(most, now))
                {
                }
                on_main_thread += std::this_thread::get_id() == main_thread ? 1 : 0;
                // Stay a while, so that a second thread entering now would be seen
                for (int spin = 0; spin < 200; ++spin)
                    std::this_thread::yield();
                --in_flight;
            },
            asched::interval_trigger{1s},
            {.executor = "serial"}
        );
    sched.start();
    for (int round = 1; round <= rounds; ++round)
    {
        advance(1s);  // all eight jobs come due together
        test::poll_until(ctx, [&] { return outcomes() == static_cast<std::size_t>(jobs * round); });
    }
    BOOST_TEST(most_in_flight == 1);
    BOOST_TEST(on_main_thread == 0);  // the runs happened on the other io_context's threads
    BOOST_TEST(count(event_code::job_executed) == static_cast<std::size_t>(jobs * rounds));
    BOOST_TEST(listeners_ran_on_main_thread());

    sched.shutdown();
    guard.reset();
    t1.join();
    t2.join();
}

BOOST_AUTO_TEST_CASE(added_and_removed_executors_are_announced)
{
    test::mock_scheduler sched(ctx, options());
    watch(sched);
    sched.add_executor("extra", asched::make_inline_executor());
    poll();
    BOOST_REQUIRE(count(event_code::executor_added) == 1u);
    BOOST_TEST(only(event_code::executor_added).alias == "extra");
    sched.remove_executor("extra");
    poll();
    BOOST_REQUIRE(count(event_code::executor_removed) == 1u);
    BOOST_TEST(only(event_code::executor_removed).alias == "extra");
}

BOOST_AUTO_TEST_CASE(executor_names_must_be_new_known_and_non_null)
{
    test::mock_scheduler sched(ctx, options());
    sched.add_executor("extra", asched::make_inline_executor());
    try
    {
        sched.add_executor("extra", asched::make_inline_executor());
        BOOST_ERROR("a second executor named 'extra' was accepted");
    }
    catch (const asched::scheduler_error& e)
    {
        BOOST_TEST((e.code() == errc::conflicting_name));
        BOOST_TEST(std::string(e.what()).find("extra") != std::string::npos, e.what());
    }
    // The built-in names are taken too
    try
    {
        sched.add_executor("default", asched::make_inline_executor());
        BOOST_ERROR("a second executor named 'default' was accepted");
    }
    catch (const asched::scheduler_error& e)
    {
        BOOST_TEST((e.code() == errc::conflicting_name));
    }
    try
    {
        sched.remove_executor("missing");
        BOOST_ERROR("removing an unknown executor did not throw");
    }
    catch (const asched::scheduler_error& e)
    {
        BOOST_TEST((e.code() == errc::executor_not_found));
        BOOST_TEST(std::string(e.what()).find("missing") != std::string::npos, e.what());
    }
    BOOST_CHECK_THROW(sched.add_executor("null", nullptr), std::invalid_argument);
    try
    {
        sched.add_job([] {}, asched::interval_trigger{1h}, {.executor = "missing"});
        BOOST_ERROR("a job naming an unknown executor was accepted");
    }
    catch (const asched::scheduler_error& e)
    {
        BOOST_TEST((e.code() == errc::executor_not_found));
    }
}

BOOST_AUTO_TEST_CASE(a_job_whose_executor_was_removed_fails_until_it_is_added_again)
{
    test::mock_scheduler sched(ctx, options({{"extra", asched::make_inline_executor()}}));
    watch(sched);
    int runs = 0;
    sched.add_job([&] { ++runs; }, asched::interval_trigger{10s}, {.id = "orphan", .executor = "extra"});
    sched.start();
    sched.remove_executor("extra");
    advance(10s);
    test::poll_until(ctx, [&] { return count(event_code::job_error) == 1; });
    BOOST_TEST(runs == 0);
    BOOST_TEST(only(event_code::job_error).job_id == "orphan");
    BOOST_TEST(sched.get_job("orphan").has_value());  // the job keeps its schedule
    sched.add_executor("extra", asched::make_inline_executor());
    advance(10s);
    test::poll_until(ctx, [&] { return count(event_code::job_executed) == 1; });
    BOOST_TEST(runs == 1);
    sched.shutdown();
}

BOOST_AUTO_TEST_CASE(a_custom_executor_starts_runs_whenever_it_likes)
{
    auto queue = std::make_shared<queue_executor>();
    test::mock_scheduler sched(ctx, options({{"queue", queue}}));
    watch(sched);
    std::thread::id ran_on;
    sched.add_job(
        [&] {
            ran_on = std::this_thread::get_id();
            return 3;
        },
        asched::date_trigger{test::mock_epoch + 1s},
        {.id = "queued", .executor = "queue"}
    );
    sched.start();
    advance(1s);
    BOOST_REQUIRE(queue->runs.size() == 1u);
    BOOST_TEST(count(event_code::job_submitted) == 1u);
    BOOST_TEST(outcomes() == 0u);  // submitted, not started
    BOOST_TEST(queue->runs.front().context().job_id() == "queued");
    BOOST_TEST((queue->runs.front().context().scheduled_run_time() == test::mock_epoch + 1s));
    BOOST_TEST((queue->runs.front().kind() == asched::task_kind::function));

    std::thread starter([&] { std::move(queue->runs.front()).start(ctx.get_executor()); });
    starter.join();
    queue->runs.clear();
    test::poll_until(ctx, [&] { return outcomes() == 1; });
    BOOST_TEST((ran_on != main_thread));  // a function runs on the thread that starts it
    BOOST_TEST(only(event_code::job_executed).result == json::value(3));
    BOOST_TEST(listeners_ran_on_main_thread());
}

BOOST_AUTO_TEST_CASE(a_run_an_executor_drops_is_reported_abandoned)
{
    auto queue = std::make_shared<queue_executor>();
    test::mock_scheduler sched(ctx, options({{"queue", queue}}));
    watch(sched);
    int runs = 0;
    sched.add_job([&] { ++runs; }, asched::date_trigger{test::mock_epoch + 1s}, {.executor = "queue"});
    sched.start();
    advance(1s);
    BOOST_REQUIRE(queue->runs.size() == 1u);
    queue->runs.clear();  // destroyed without being started
    test::poll_until(ctx, [&] { return outcomes() == 1; });
    BOOST_TEST(runs == 0);
    BOOST_TEST((code_of(only(event_code::job_error).exception) == errc::run_abandoned));
}

BOOST_AUTO_TEST_CASE(shutdown_with_wait_returns_after_thread_pool_runs_finished)
{
    gate released;
    test::mock_scheduler sched(
        ctx,
        options({{"pool", std::make_shared<gate_on_shutdown>(asched::make_thread_pool_executor(2), released)}})
    );
    watch(sched);
    std::atomic<bool> started = false;
    std::atomic<bool> finished = false;
    sched.add_job(
        [&] {
            started = true;
            // The scheduler may shut the executor down before its runs end (the gate opens at once) or after
            // (the run goes on after a short wait); either way shutdown(true) must return after the run ended.
            // The wait is not a timing assumption: it only keeps the run going long enough to catch a shutdown
            // that did not wait
            released.wait_for(300ms);
            for (int spin = 0; spin < 1000; ++spin)
                std::this_thread::yield();
            finished = true;
        },
        asched::date_trigger{test::mock_epoch + 1s},
        {.executor = "pool"}
    );
    sched.start();
    advance(1s);
    test::poll_until(ctx, [&] { return started.load(); });
    sched.shutdown(true);
    BOOST_TEST(finished.load());  // the run ended after shutdown began and before it returned
    BOOST_TEST((sched.state() == asched::scheduler_state::stopped));
}

BOOST_AUTO_TEST_CASE(shutdown_without_wait_abandons_runs_still_queued)
{
    gate release_first;
    std::atomic<bool> first_started = false;
    std::atomic<int> second_runs = 0;
    {
        test::mock_scheduler sched(ctx, options({{"pool1", asched::make_thread_pool_executor(1)}}));
        watch(sched);
        sched.add_job(
            [&] {
                first_started = true;
                release_first.wait();
            },
            asched::date_trigger{test::mock_epoch + 1s},
            {.executor = "pool1"}
        );
        sched.add_job([&] { ++second_runs; }, asched::date_trigger{test::mock_epoch + 2s}, {.executor = "pool1"});
        sched.start();
        advance(1s);
        test::poll_until(ctx, [&] { return first_started.load(); });
        advance(1s);  // the second run queues behind the first on the pool's one thread
        test::poll_until(ctx, [&] { return count(event_code::job_submitted) == 2; });
        sched.shutdown(false);
        BOOST_TEST((sched.state() == asched::scheduler_state::stopped));
        release_first.open();
    }  // destroying the scheduler destroys the pool, which joins its thread
    poll();
    BOOST_TEST(second_runs == 0);
}

BOOST_AUTO_TEST_CASE(max_instances_limits_concurrent_runs_on_a_thread_pool)
{
    test::mock_scheduler sched(ctx, options({{"pool4", asched::make_thread_pool_executor(4)}}));
    watch(sched);
    gate release;
    std::atomic<int> started = 0;
    sched.add_job(
        [&] {
            ++started;
            release.wait();
        },
        asched::interval_trigger{1s},
        {.id = "slow", .executor = "pool4", .max_instances = 2}
    );
    sched.start();
    advance(1s);
    test::poll_until(ctx, [&] { return started == 1; });
    advance(1s);
    test::poll_until(ctx, [&] { return started == 2; });
    BOOST_TEST(sched.get_job("slow")->running_instances == 2u);
    advance(1s);  // a third run would exceed max_instances = 2
    test::poll_until(ctx, [&] { return count(event_code::job_max_instances) == 1; });
    const auto refused = only(event_code::job_max_instances);
    BOOST_TEST(refused.job_id == "slow");
    BOOST_REQUIRE(refused.scheduled_run_times.size() == 1u);
    BOOST_TEST((refused.scheduled_run_times.front() == test::mock_epoch + 3s));
    BOOST_TEST(started == 2);

    release.open();
    test::poll_until(ctx, [&] { return count(event_code::job_executed) == 2; });
    BOOST_TEST(sched.get_job("slow")->running_instances == 0u);
    sched.shutdown();
}

BOOST_AUTO_TEST_SUITE_END()

// "Destroying it shuts it down without waiting": runs still going when the scheduler goes must end without
// touching it (the sanitizer build checks the memory side of this)
BOOST_FIXTURE_TEST_SUITE(runs_outliving_the_scheduler, fixture)

BOOST_AUTO_TEST_CASE(a_thread_pool_run_ending_after_the_scheduler_is_destroyed_is_harmless)
{
    const auto pool = asched::make_thread_pool_executor(1);  // ours too, so that it outlives the scheduler
    gate release;
    std::atomic<bool> started = false;
    std::atomic<bool> finished = false;
    {
        test::mock_scheduler sched(ctx, options({{"pool", pool}}));
        sched.add_job(
            [&] {
                started = true;
                release.wait();
                finished = true;
                return 1;
            },
            asched::date_trigger{test::mock_epoch + 1s},
            {.executor = "pool"}
        );
        sched.start();
        advance(1s);
        test::poll_until(ctx, [&] { return started.load(); });
    }
    release.open();
    pool->shutdown(true);  // joins: the run has ended and reported to a scheduler that is gone
    poll();
    BOOST_TEST(finished.load());
}

BOOST_AUTO_TEST_CASE(a_callback_completed_after_the_scheduler_is_destroyed_is_harmless)
{
    std::optional<job_completion> held;
    {
        test::mock_scheduler sched(ctx, options());
        sched.add_job(
            [&](job_completion done) { held.emplace(std::move(done)); },
            asched::date_trigger{test::mock_epoch + 1s}
        );
        sched.start();
        advance(1s);
        BOOST_REQUIRE(held.has_value());
    }
    (*held)(std::exception_ptr{}, 1);
    held.reset();
    poll();
}

BOOST_AUTO_TEST_CASE(a_callback_dropped_after_the_scheduler_is_destroyed_is_harmless)
{
    std::optional<job_completion> held;
    {
        test::mock_scheduler sched(ctx, options());
        sched.add_job(
            [&](job_completion done) { held.emplace(std::move(done)); },
            asched::date_trigger{test::mock_epoch + 1s}
        );
        sched.start();
        advance(1s);
        BOOST_REQUIRE(held.has_value());
    }
    held.reset();  // reports a dropped completion to nobody
    poll();
}

BOOST_AUTO_TEST_CASE(a_coroutine_resuming_after_the_scheduler_is_destroyed_is_harmless)
{
    bool finished = false;
    {
        test::mock_scheduler sched(ctx, options());
        sched.add_job(
            [&finished]() -> asio::awaitable<int> {
                mock_timer timer(co_await asio::this_coro::executor);
                timer.expires_after(10s);
                co_await timer.async_wait(asio::use_awaitable);
                finished = true;
                co_return 1;
            },
            asched::date_trigger{test::mock_epoch + 1s}
        );
        sched.start();
        advance(1s);
    }
    advance(10s);
    test::poll_until(ctx, [&] { return finished; });
}

BOOST_AUTO_TEST_SUITE_END()
