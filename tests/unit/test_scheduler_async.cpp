// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// The asynchronous face of the scheduler: `co_await sched.async_run()`, async_shutdown, cancellation, and the
// thread-safe async_ forms (spec: "What users write" 7, "Calls from other threads are safe through the async_
// forms"), on mock clocks; then the blocking and background flavours on the real clocks, kept short (spec: "What
// users write" 1 and 2). Other threads are awaited with budgets, never with sleeps.

#include <asched/background_scheduler.hpp>
#include <asched/blocking_scheduler.hpp>
#include <asched/executors.hpp>
#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <exception>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/mock_scheduler.hpp"
#include "common/thread_sync.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using asched::errc;
using asched::error_code;
using asched::event_code;
using asched::job_context;
using asched::job_executor;
using asched::job_run;
using asched::scheduler_options;
using asched::scheduler_state;
namespace test = asched::test;
using asched::test::budget;
using asched::test::gate;
using asched::test::gate_on_shutdown;
using asched::test::rendezvous;
using asched::test::what_of;

namespace {

// A timer on the mock clock, for coroutine jobs that must stay suspended until the test moves time
using mock_timer = asio::basic_waitable_timer<test::mock_timer_clock>;

// Opens a gate when shut down, then shuts down the executor it wraps: a job waiting at the gate can only finish
// after shutdown began, so "shutdown waited for it" is observable without timing

struct fixture : test::scheduler_fixture
{
    const std::thread::id main_thread = std::this_thread::get_id();

    static scheduler_options options() { return {.zone = asched::time_zone::utc(), .log = nullptr}; }
};

// Real clocks: the current time plus `d`, as a one-off trigger
asched::date_trigger soon(std::chrono::milliseconds d = 20ms)
{
    return asched::date_trigger{asched::system_clocks::now() + d};
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(async_operations, fixture)

BOOST_AUTO_TEST_CASE(co_await_async_run_completes_after_a_job_shuts_the_scheduler_down)
{
    test::mock_scheduler sched(ctx, options());
    record(sched);
    int runs = 0;
    sched.add_job(
        [&](const job_context& c) {
            if (++runs == 2)
                c.get_scheduler<test::mock_scheduler>().async_shutdown(true, asio::detached);
        },
        asched::interval_trigger{10s},
        {.executor = "inline"}
    );
    bool returned = false;
    asio::co_spawn(
        ctx,
        [&]() -> asio::awaitable<void> {
            co_await sched.async_run();  // starts the scheduler; an error would throw
            returned = true;
        },
        asio::detached
    );
    poll();
    BOOST_TEST((sched.state() == scheduler_state::running));
    BOOST_TEST(count(event_code::scheduler_started) == 1u);
    advance(10s);
    BOOST_TEST(!returned);
    advance(10s);
    test::poll_until(ctx, [&] { return returned; });
    BOOST_TEST(runs == 2);
    BOOST_TEST((sched.state() == scheduler_state::stopped));
    BOOST_TEST(count(event_code::scheduler_shutdown) == 1u);
}

BOOST_AUTO_TEST_CASE(async_run_completes_after_async_shutdown_from_another_coroutine)
{
    test::mock_scheduler sched(ctx, options());
    std::vector<std::string> completed;
    std::optional<error_code> run_result;
    asio::co_spawn(
        ctx,
        [&]() -> asio::awaitable<void> {
            auto [ec] = co_await sched.async_run(asio::as_tuple(asio::deferred));
            run_result = ec;
            completed.push_back("run");
        },
        asio::detached
    );
    poll();
    BOOST_TEST(!run_result.has_value());
    asio::co_spawn(
        ctx,
        [&]() -> asio::awaitable<void> {
            co_await sched.async_shutdown();
            completed.push_back("shutdown");
        },
        asio::detached
    );
    test::poll_until(ctx, [&] { return completed.size() == 2; });
    BOOST_REQUIRE(run_result.has_value());
    BOOST_TEST(!*run_result);
    // "Shuts down and completes ...; then outstanding async_run operations complete"
    BOOST_TEST(completed == (std::vector<std::string>{"shutdown", "run"}), boost::test_tools::per_element());
    BOOST_TEST((sched.state() == scheduler_state::stopped));
}

BOOST_AUTO_TEST_CASE(async_run_of_a_started_scheduler_waits_for_its_shutdown)
{
    test::mock_scheduler sched(ctx, options());
    sched.start();
    std::optional<error_code> result;
    sched.async_run([&](error_code ec) { result = ec; });
    poll();
    BOOST_TEST(!result.has_value());
    sched.shutdown();
    test::poll_until(ctx, [&] { return result.has_value(); });
    BOOST_TEST(!*result);
}

BOOST_AUTO_TEST_CASE(a_second_async_run_completes_with_already_running)
{
    test::mock_scheduler sched(ctx, options());
    std::optional<error_code> first;
    std::optional<error_code> second;
    sched.async_run([&](error_code ec) { first = ec; });
    sched.async_run([&](error_code ec) { second = ec; });
    BOOST_TEST(!second.has_value());  // never completed inside the initiating call
    test::poll_until(ctx, [&] { return second.has_value(); });
    BOOST_TEST((*second == errc::already_running));
    BOOST_TEST(!first.has_value());  // the first one is unaffected
    BOOST_TEST((sched.state() == scheduler_state::running));
    sched.async_shutdown(true, asio::detached);
    test::poll_until(ctx, [&] { return first.has_value(); });
    BOOST_TEST(!*first);
}

BOOST_AUTO_TEST_CASE(async_run_keeps_the_io_context_from_running_out_of_work)
{
    test::mock_scheduler sched(ctx, options());
    bool done = false;
    sched.async_run([&](error_code) { done = true; });
    // No jobs, no timers: only the outstanding operation keeps the io_context from stopping
    ctx.poll();
    BOOST_TEST(!ctx.stopped());
    BOOST_TEST(!done);
    sched.shutdown();
    test::poll_until(ctx, [&] { return done; });
}

BOOST_AUTO_TEST_CASE(cancelling_async_run_shuts_the_scheduler_down)
{
    test::mock_scheduler sched(ctx, options());
    record(sched);
    asio::cancellation_signal signal;
    std::optional<error_code> result;
    sched.async_run(asio::bind_cancellation_slot(signal.slot(), [&](error_code ec) { result = ec; }));
    poll();
    BOOST_TEST((sched.state() == scheduler_state::running));
    BOOST_TEST(!result.has_value());
    signal.emit(asio::cancellation_type::terminal);
    test::poll_until(ctx, [&] { return result.has_value(); });
    BOOST_TEST(!*result);  // a cancelled run is a clean shutdown, not an error
    BOOST_TEST((sched.state() == scheduler_state::stopped));
    BOOST_TEST(count(event_code::scheduler_shutdown) == 1u);
}

BOOST_AUTO_TEST_CASE(async_shutdown_with_wait_completes_after_running_coroutine_jobs_finished)
{
    test::mock_scheduler sched(ctx, options());
    bool job_started = false;
    bool job_finished = false;
    sched.add_job(
        [&]() -> asio::awaitable<void> {
            job_started = true;
            mock_timer timer(co_await asio::this_coro::executor);
            timer.expires_after(100s);  // mock time: it passes only when the test says so
            co_await timer.async_wait(asio::use_awaitable);
            job_finished = true;
        },
        asched::interval_trigger{1s}  // a job that stays scheduled: its function object lives on
    );
    sched.start();
    advance(1s);
    test::poll_until(ctx, [&] { return job_started; });

    std::optional<bool> job_finished_at_completion;
    sched.async_shutdown(true, [&](error_code ec) {
        BOOST_TEST(!ec);
        job_finished_at_completion = job_finished;
    });
    poll();
    BOOST_TEST(!job_finished_at_completion.has_value());  // the coroutine is still suspended
    advance(100s);
    test::poll_until(ctx, [&] { return job_finished_at_completion.has_value(); });
    BOOST_TEST(*job_finished_at_completion);
    BOOST_TEST((sched.state() == scheduler_state::stopped));
}

BOOST_AUTO_TEST_CASE(async_shutdown_without_wait_completes_at_once)
{
    test::mock_scheduler sched(ctx, options());
    bool job_started = false;
    bool job_finished = false;
    sched.add_job(
        [&]() -> asio::awaitable<void> {
            job_started = true;
            mock_timer timer(co_await asio::this_coro::executor);
            timer.expires_after(100s);
            co_await timer.async_wait(asio::use_awaitable);
            job_finished = true;
        },
        asched::interval_trigger{1s}  // a job that stays scheduled: its function object lives on
    );
    sched.start();
    advance(1s);
    test::poll_until(ctx, [&] { return job_started; });
    bool completed = false;
    sched.async_shutdown(false, [&](error_code ec) {
        BOOST_TEST(!ec);
        completed = true;
    });
    BOOST_TEST(!completed);  // never inside the initiating call
    test::poll_until(ctx, [&] { return completed; });
    BOOST_TEST(!job_finished);
    BOOST_TEST((sched.state() == scheduler_state::stopped));
    advance(100s);  // let the abandoned coroutine end before the scheduler goes
    test::poll_until(ctx, [&] { return job_finished; });
}

BOOST_AUTO_TEST_CASE(async_shutdown_from_another_thread_stops_the_scheduler)
{
    test::mock_scheduler sched(ctx, options());
    std::optional<error_code> run_result;
    sched.async_run([&](error_code ec) { run_result = ec; });
    poll();
    std::atomic<bool> shut_down = false;
    std::thread client([&] {
        sched.async_shutdown(true, asio::use_future).get();
        shut_down = true;
    });
    test::poll_until(ctx, [&] { return shut_down && run_result.has_value(); });
    client.join();
    BOOST_TEST(!*run_result);
    BOOST_TEST((sched.state() == scheduler_state::stopped));
}

BOOST_AUTO_TEST_CASE(async_invoke_from_another_thread_returns_what_the_function_returned)
{
    test::mock_scheduler sched(ctx, options());
    sched.add_job([] {}, asched::interval_trigger{1h}, {.id = "one"});
    sched.add_job([] {}, asched::interval_trigger{1h}, {.id = "two"});
    sched.start();
    std::atomic<bool> done = false;
    std::size_t job_count = 0;
    std::string name;
    std::thread::id invoked_on;
    std::thread client([&] {
        job_count = sched
                        .async_invoke(
                            [&](test::mock_scheduler& s) {
                                invoked_on = std::this_thread::get_id();
                                return s.job_count();
                            },
                            asio::use_future
                        )
                        .get();
        name = sched.async_invoke([](test::mock_scheduler& s) { return s.get_job("two")->name; }, asio::use_future)
                   .get();
        done = true;
    });
    test::poll_until(ctx, [&] { return done.load(); });
    client.join();
    BOOST_TEST(job_count == 2u);
    BOOST_TEST(name == "two");                // no name given: the id
    BOOST_TEST((invoked_on == main_thread));  // the function ran on the scheduler's thread
    sched.shutdown();
}

BOOST_AUTO_TEST_CASE(async_invoke_from_another_thread_rethrows_what_the_function_threw)
{
    test::mock_scheduler sched(ctx, options());
    sched.start();
    std::atomic<bool> done = false;
    std::optional<error_code> code;
    std::string message;
    bool out_of_range = false;
    std::thread client([&] {
        try
        {
            sched.async_invoke([](test::mock_scheduler& s) { s.remove_job("ghost"); }, asio::use_future).get();
        }
        catch (const asched::scheduler_error& e)
        {
            code = e.code();
            message = e.what();
        }
        try
        {
            sched
                .async_invoke(
                    [](test::mock_scheduler&) -> int { throw std::out_of_range("too far"); },
                    asio::use_future
                )
                .get();
        }
        catch (const std::out_of_range&)
        {
            out_of_range = true;
        }
        done = true;
    });
    test::poll_until(ctx, [&] { return done.load(); });
    client.join();
    BOOST_REQUIRE(code.has_value());
    BOOST_TEST((*code == errc::job_not_found));
    BOOST_TEST(message.find("ghost") != std::string::npos, message);
    BOOST_TEST(out_of_range);
    sched.shutdown();
}

BOOST_AUTO_TEST_CASE(async_invoke_never_completes_inside_the_call)
{
    test::mock_scheduler sched(ctx, options());
    std::optional<int> value;
    std::exception_ptr error;
    sched.async_invoke(
        [](test::mock_scheduler&) { return 7; },
        [&](std::exception_ptr e, int v) {
            error = e;
            value = v;
        }
    );
    BOOST_TEST(!value.has_value());
    poll();
    BOOST_TEST((value == std::optional<int>(7)));
    BOOST_TEST(!error);
}

BOOST_AUTO_TEST_CASE(async_invoke_completes_on_the_handlers_own_executor)
{
    test::mock_scheduler sched(ctx, options());
    asio::io_context elsewhere;
    std::optional<int> value;
    sched.async_invoke(
        [](test::mock_scheduler& s) { return static_cast<int>(s.job_count()) + 1; },
        asio::bind_executor(elsewhere, [&](std::exception_ptr, int v) { value = v; })
    );
    poll();
    BOOST_TEST(!value.has_value());  // the function ran, but the handler belongs to the other io_context
    elsewhere.poll();
    BOOST_TEST((value == std::optional<int>(1)));
}

BOOST_AUTO_TEST_CASE(many_threads_add_jobs_at_once_through_async_add_job)
{
    test::mock_scheduler sched(ctx, options());
    sched.start();
    constexpr int threads = 4;
    constexpr int per_thread = 25;
    std::atomic<int> added = 0;
    std::vector<std::thread> clients;
    for (int t = 0; t < threads; ++t)
        clients.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i)
            {
                const auto id = "t" + std::to_string(t) + "-" + std::to_string(i);
                if (sched.async_add_job(asched::task([] {}), asched::interval_trigger{1h}, {.id = id}, asio::use_future)
                        .get() == id)
                    ++added;
            }
        });
    test::poll_until(ctx, [&] { return added == threads * per_thread; });
    for (auto& client : clients)
        client.join();
    BOOST_TEST(sched.job_count() == static_cast<std::size_t>(threads * per_thread));
    sched.shutdown();
}

BOOST_AUTO_TEST_CASE(async_add_job_and_async_remove_job_work_from_another_thread)
{
    test::mock_scheduler sched(ctx, options());
    record(sched);
    sched.start();
    std::atomic<int> runs = 0;
    std::atomic<int> stage = 0;  // the client thread's progress
    std::string added_id;
    std::optional<error_code> removing_again;
    gate removed_checked;
    std::thread client([&] {
        added_id = sched
                       .async_add_job(
                           asched::task([&] { ++runs; }),
                           asched::interval_trigger{10s},
                           {.id = "remote", .executor = "inline"},
                           asio::use_future
                       )
                       .get();
        stage = 1;
        removed_checked.wait();  // the main thread moves time and sees a run first
        sched.async_remove_job("remote", asio::use_future).get();
        stage = 2;
        try
        {
            sched.async_remove_job("remote", asio::use_future).get();
        }
        catch (const asched::scheduler_error& e)
        {
            removing_again = e.code();
        }
        stage = 3;
    });
    test::poll_until(ctx, [&] { return stage == 1; });
    BOOST_TEST(added_id == "remote");
    BOOST_TEST(sched.get_job("remote").has_value());
    advance(10s);
    BOOST_TEST(runs == 1);
    removed_checked.open();
    test::poll_until(ctx, [&] { return stage == 3; });
    client.join();
    BOOST_TEST(!sched.get_job("remote").has_value());
    BOOST_REQUIRE(removing_again.has_value());
    BOOST_TEST((*removing_again == errc::job_not_found));
    BOOST_TEST(count(event_code::job_added) == 1u);
    BOOST_TEST(count(event_code::job_removed) == 1u);
    sched.shutdown();
}

BOOST_AUTO_TEST_SUITE_END()

// Real clocks from here on: the waits are tens of milliseconds, and no assertion bounds how long anything took
BOOST_AUTO_TEST_SUITE(blocking_flavour)

BOOST_AUTO_TEST_CASE(run_returns_once_a_job_shuts_the_scheduler_down)
{
    asched::blocking_scheduler sched({.log = nullptr});
    int runs = 0;
    sched.add_job(
        [&] {
            if (++runs == 2)
                sched.shutdown();
        },
        asched::interval_trigger{20ms},
        {.executor = "inline"}
    );
    sched.run();
    BOOST_TEST(runs == 2);
    BOOST_TEST((sched.state() == scheduler_state::stopped));
}

BOOST_AUTO_TEST_CASE(run_returns_once_a_thread_pool_job_calls_async_shutdown)
{
    asched::blocking_scheduler sched({.log = nullptr});
    std::atomic<int> runs = 0;
    std::atomic<bool> on_another_thread = false;
    const auto main_thread = std::this_thread::get_id();
    sched.add_job(
        [&] {
            ++runs;
            on_another_thread = std::this_thread::get_id() != main_thread;
            sched.async_shutdown(true, asio::detached);  // safe from any thread
        },
        soon()
    );
    sched.run();
    BOOST_TEST(runs == 1);
    BOOST_TEST(on_another_thread.load());
    BOOST_TEST((sched.state() == scheduler_state::stopped));
}

BOOST_AUTO_TEST_CASE(sigterm_shuts_it_down_cleanly)
{
    asched::blocking_scheduler sched({.log = nullptr});
    int runs = 0;
    sched.add_job(
        [&] {
            ++runs;
            std::raise(SIGTERM);
        },
        soon(),
        {.executor = "inline"}
    );
    sched.run();  // returns instead of the process dying
    BOOST_TEST(runs == 1);
    BOOST_TEST((sched.state() == scheduler_state::stopped));
}

BOOST_AUTO_TEST_CASE(sigint_shuts_it_down_cleanly)
{
    asched::blocking_scheduler sched({.log = nullptr});
    int runs = 0;
    sched.add_job(
        [&] {
            ++runs;
            std::raise(SIGINT);
        },
        soon(),
        {.executor = "inline"}
    );
    sched.run();
    BOOST_TEST(runs == 1);
    BOOST_TEST((sched.state() == scheduler_state::stopped));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(background_flavour)

BOOST_AUTO_TEST_CASE(jobs_run_on_its_thread_pool_while_the_main_thread_waits)
{
    asched::background_scheduler sched({.log = nullptr});
    std::promise<std::thread::id> ran_on;
    const auto job = sched.add_job([&] { ran_on.set_value(std::this_thread::get_id()); }, soon(), {.id = "bg"});
    BOOST_TEST(job.executor == "default");
    BOOST_TEST(job.jobstore == "default");
    sched.start();
    BOOST_TEST((sched.state() == scheduler_state::running));
    const auto scheduler_thread = sched.invoke([](asched::scheduler&) { return std::this_thread::get_id(); });
    auto future = ran_on.get_future();
    BOOST_REQUIRE(future.wait_for(budget) == std::future_status::ready);
    const auto job_thread = future.get();
    const auto main_thread = std::this_thread::get_id();
    BOOST_TEST((scheduler_thread != main_thread));
    BOOST_TEST((job_thread != main_thread));
    BOOST_TEST((job_thread != scheduler_thread));  // a pool thread, not the scheduler's own
    sched.shutdown();
}

BOOST_AUTO_TEST_CASE(jobs_are_added_read_and_removed_from_the_main_thread)
{
    asched::background_scheduler sched({.zone = asched::time_zone::utc(), .log = nullptr});
    sched.add_job([] {}, asched::interval_trigger{1h}, {.id = "before-start"});
    sched.start();
    const auto before = asched::system_clocks::now();
    sched.add_job([] {}, asched::interval_trigger{1h}, {.id = "hourly"});
    const auto after = asched::system_clocks::now();

    const auto hourly = sched.get_job("hourly");
    BOOST_REQUIRE(hourly.has_value());
    BOOST_REQUIRE(hourly->next_run_time.has_value());
    // An interval without a start date fires one interval after it was added
    BOOST_TEST((*hourly->next_run_time >= before + 1h));
    BOOST_TEST((*hourly->next_run_time <= after + 1h));
    const auto earlier = sched.get_job("before-start");
    BOOST_REQUIRE(earlier.has_value());
    BOOST_TEST(!earlier->pending);  // its first run time was computed at start
    BOOST_TEST(earlier->next_run_time.has_value());
    BOOST_TEST(sched.get_jobs().size() == 2u);

    BOOST_TEST(sched.pause_job("hourly").paused());
    BOOST_REQUIRE(sched.resume_job("hourly").has_value());
    BOOST_TEST(sched.modify_job("hourly", {.name = "every hour"}).name == "every hour");
    sched.pause();
    BOOST_TEST((sched.state() == scheduler_state::paused));
    sched.resume();
    BOOST_TEST((sched.state() == scheduler_state::running));

    sched.remove_job("hourly");
    BOOST_TEST(!sched.get_job("hourly").has_value());
    try
    {
        sched.remove_job("hourly");
        BOOST_ERROR("removing a removed job did not throw");
    }
    catch (const asched::scheduler_error& e)
    {
        BOOST_TEST((e.code() == errc::job_not_found));
    }
    sched.remove_all_jobs();
    BOOST_TEST(sched.get_jobs().empty());
    sched.shutdown();
}

BOOST_AUTO_TEST_CASE(shutdown_waits_for_running_jobs)
{
    gate released;
    asched::background_scheduler sched({
        .executors = {{"default", std::make_shared<gate_on_shutdown>(asched::make_thread_pool_executor(10), released)}},
        .log = nullptr,
    });
    std::promise<void> started;
    std::atomic<bool> finished = false;
    sched.add_job(
        [&] {
            started.set_value();
            // The scheduler may shut the executor down before its runs end (the gate opens at once) or after
            // (the run goes on after a short wait); either way shutdown(true) must return after the run ended.
            // The wait is not a timing assumption: it only keeps the run going long enough to catch a shutdown
            // that did not wait
            released.wait_for(300ms);
            for (int spin = 0; spin < 1000; ++spin)
                std::this_thread::yield();
            finished = true;
        },
        soon()
    );
    sched.start();
    BOOST_REQUIRE(started.get_future().wait_for(budget) == std::future_status::ready);
    sched.shutdown(true);
    BOOST_TEST(finished.load());  // the run ended after shutdown began and before it returned
}

BOOST_AUTO_TEST_CASE(the_default_executor_runs_10_jobs_at_once)
{
    asched::background_scheduler sched({.log = nullptr});
    rendezvous all_ten(10);
    rendezvous finish(11);  // the ten jobs and the main thread
    std::atomic<int> met = 0;
    const auto when = soon(50ms);
    for (int i = 0; i < 10; ++i)
        sched.add_job(
            [&] {
                met += all_ten.arrive_and_wait() ? 1 : 0;
                finish.arrive_and_wait();
            },
            when
        );
    sched.start();
    BOOST_TEST(finish.arrive_and_wait());
    BOOST_TEST(met == 10);  // each run waited until all ten were running
    sched.shutdown();
}

BOOST_AUTO_TEST_CASE(an_inline_job_may_call_it_from_the_scheduler_thread)
{
    // Allocated so that a deadlock can be leaked instead of hanging the test on the destructor's join
    auto sched = std::make_unique<asched::background_scheduler>(scheduler_options{.log = nullptr});
    std::promise<std::size_t> jobs_seen;
    sched->add_job(
        [&] { jobs_seen.set_value(sched->get_jobs().size()); },
        soon(),
        {.id = "introspective", .executor = "inline"}
    );
    sched->start();
    auto future = jobs_seen.get_future();
    if (future.wait_for(budget) != std::future_status::ready)
    {
        (void)sched.release();
        BOOST_FAIL("the job calling the scheduler from its own thread never finished: deadlock");
    }
    BOOST_TEST(future.get() == 1u);
    sched->shutdown();
}

BOOST_AUTO_TEST_CASE(listeners_added_from_the_main_thread_hear_on_the_scheduler_thread)
{
    asched::background_scheduler sched({.log = nullptr});
    std::promise<std::thread::id> heard_on;
    std::atomic<bool> set = false;
    sched.add_listener(
        [&](const asched::event&) {
            if (!set.exchange(true))
                heard_on.set_value(std::this_thread::get_id());
        },
        static_cast<asched::event_mask>(event_code::job_executed)
    );
    sched.add_job([] { return 1; }, soon());
    sched.start();
    auto future = heard_on.get_future();
    BOOST_REQUIRE(future.wait_for(budget) == std::future_status::ready);
    const auto scheduler_thread = sched.invoke([](asched::scheduler&) { return std::this_thread::get_id(); });
    BOOST_TEST((future.get() == scheduler_thread));
    sched.shutdown();
}

BOOST_AUTO_TEST_CASE(destroying_it_without_shutdown_stops_and_joins)
{
    std::atomic<int> runs = 0;
    {
        asched::background_scheduler sched({.log = nullptr});
        sched.add_job([&] { ++runs; }, asched::interval_trigger{1h});
        sched.start();
    }
    BOOST_TEST(runs == 0);  // nothing came due; the point is that the destructor returned
}

BOOST_AUTO_TEST_SUITE_END()
