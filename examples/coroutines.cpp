// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// coroutines: a coroutine program whose heart is `co_await sched.async_run()`, with jobs that are themselves
// asio::awaitable coroutines. They run on the scheduler's own thread (the `inline` executor, the default for
// coroutines) and wait for their asynchronous work without blocking it, so two jobs overlap on one thread. The
// `fetch` job shuts the scheduler down after a few runs, which completes async_run and ends the program.
//
// APScheduler equivalent (APScheduler 3's AsyncIOScheduler with coroutine jobs):
//
//     async def fetch_feed():
//         await asyncio.sleep(0.2)  # a network request
//
//     async def main():
//         scheduler = AsyncIOScheduler()
//         scheduler.add_job(fetch_feed, "interval", seconds=0.3)
//         scheduler.start()
//         await stopped.wait()
//
//     asyncio.run(main())
#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <chrono>
#include <exception>
#include <iostream>

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

const auto program_start = std::chrono::steady_clock::now();

// Milliseconds since the start, to show how the jobs interleave
long long ms()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - program_start)
        .count();
}

struct feed_reader
{
    int fetches = 0;
    int heartbeats = 0;
    int stop_after = 5;
};

// A job as a coroutine: it waits for a (simulated) network response without blocking the thread, so that timers,
// other jobs and sockets go on meanwhile. Its context comes by value: it must live across the suspensions.
asio::awaitable<int> fetch_feed(asched::job_context job, feed_reader& reader)
{
    std::cout << ms() << " ms: fetch #" << reader.fetches + 1 << " sent\n";
    asio::steady_timer response(co_await asio::this_coro::executor, 200ms);
    co_await response.async_wait(asio::deferred);
    const int items = 10 + reader.fetches;
    std::cout << ms() << " ms: fetch #" << ++reader.fetches << " answered with " << items << " items\n";

    if (reader.fetches == reader.stop_after)
    {
        // Started, not awaited: the shutdown waits for running jobs to finish, this one included, so a job that
        // awaited it would wait for itself forever
        std::cout << ms() << " ms: enough fetches, shutting down\n";
        job.get_scheduler<asched::scheduler>().async_shutdown(true, asio::detached);
    }
    co_return items;  // reaches listeners as the event's result
}

asio::awaitable<void> heartbeat(feed_reader& reader)
{
    asio::steady_timer beat(co_await asio::this_coro::executor, 50ms);
    co_await beat.async_wait(asio::deferred);
    std::cout << ms() << " ms: heartbeat #" << ++reader.heartbeats << '\n';
}

}  // namespace

int main()
{
    asio::io_context ctx;
    asched::scheduler sched(ctx);
    feed_reader reader;

    // The lambdas are not coroutines themselves: they call one, passing what it needs as parameters, so that
    // the coroutine frame never refers to a lambda's captures
    sched.add_job(
        [&reader](asched::job_context job) { return fetch_feed(std::move(job), reader); },
        asched::interval_trigger{300ms},
        {.id = "fetch"}
    );
    sched.add_job([&reader] { return heartbeat(reader); }, asched::interval_trigger{250ms}, {.id = "heartbeat"});
    sched.add_listener(
        [](const asched::event& event) {
            std::cout << ms() << " ms: job '" << event.job_id << "' finished, result " << event.result << '\n';
        },
        asched::event_code::job_executed | asched::event_code::job_error
    );

    asio::co_spawn(
        ctx,
        [&sched]() -> asio::awaitable<void> {
            std::cout << "Running; jobs run on executor '" << sched.get_job("fetch")->executor << "'\n";
            co_await sched.async_run();  // starts the scheduler; completes once it has shut down
            std::cout << ms() << " ms: the scheduler has shut down\n";
        },
        [](std::exception_ptr error) {
            if (error)
                std::rethrow_exception(error);  // out of ctx.run(): an error must not pass silently
        }
    );
    ctx.run();

    // For CI: the fetch job ran until it stopped the scheduler, and the other job ran meanwhile
    std::cout << reader.fetches << " fetches, " << reader.heartbeats << " heartbeats\n";
    return reader.fetches == reader.stop_after && reader.heartbeats > 0 ? 0 : 1;
}
