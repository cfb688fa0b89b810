// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// What bench/sqlite.cpp and bench/scaling.cpp share: adding jobs to a SQLite job file through the public scheduler,
// and starting a new scheduler over such a file (see bench/sqlite.cpp for what each one measures).
#ifndef ASCHED_BENCH_SQLITE_COMMON_HPP
#define ASCHED_BENCH_SQLITE_COMMON_HPP

#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_common.hpp"

namespace bench::sqlite {

namespace asio = boost::asio;
using namespace std::chrono_literals;

inline constexpr double mb = 1024.0 * 1024.0;

struct add_result
{
    double jobs_per_s = 0;
    double seconds = 0;  // first issue to last completion
    double failed = 0;   // completions with an error
    double close_s = 0;  // shutdown, which commits what is pending and closes the file
    double file_mb = 0;  // the file after the close
    double cpu_s = 0;    // user + system CPU of the process (all threads) over the adds
};

struct start_result
{
    double start_s = 0;      // construct + start + load
    double open_s = 0;       // the constructor: opening the file
    double load_s = 0;       // from start() to the last job armed
    double rss_mb = 0;       // resident memory after the start
    double base_rss_mb = 0;  // resident memory before constructing the scheduler
    double cpu_s = 0;        // user + system CPU of the process over the start
    double bad = 0;          // jobs pending or without a next run time after the start, or a count other than n
};

inline asched::scheduler_options store_options(const std::string& path)
{
    return {.jobstores = {{"default", "sqlite:" + path}}};
}

inline add_result add_jobs(const std::string& path, long n)
{
    add_result r;
    asio::io_context ctx;
    asched::scheduler sched(ctx, store_options(path));
    sched.register_task("noop", [] {});
    const asched::task noop = *sched.find_task("noop");
    const asched::trigger hourly = asched::interval_trigger{1h};
    long done = 0;
    long failed = 0;
    bench::steady::time_point first, last;
    double cpu_before = 0;
    std::exception_ptr warm_up_error;

    asio::post(ctx, [&] {
        sched.start();
        // One job first, durable before the timed adds: the store has then been read (adds before that are kept
        // as registrations and written after the read), and the file exists with its schema
        sched.async_add_job(noop, hourly, {.id = "warm-up"}, [&](std::exception_ptr error, std::string) {
            if (error)
            {
                warm_up_error = error;
                ctx.stop();
                return;
            }
            sched.remove_job("warm-up");
            cpu_before = bench::cpu_us();
            first = bench::steady::now();
            for (long i = 0; i < n; ++i)
                sched.async_add_job(noop, hourly, {}, [&](std::exception_ptr e, std::string) {
                    if (e)
                        ++failed;
                    if (++done == n)
                    {
                        last = bench::steady::now();
                        r.cpu_s = (bench::cpu_us() - cpu_before) / 1e6;
                        const auto close_start = bench::steady::now();
                        sched.shutdown();  // closes the store: the file is complete for the start child
                        r.close_s = bench::seconds_between(close_start, bench::steady::now());
                        ctx.stop();
                    }
                });
        });
    });
    ctx.run();
    if (warm_up_error)
        std::rethrow_exception(warm_up_error);
    if (done != n)
        throw std::runtime_error("add: only " + std::to_string(done) + " of " + std::to_string(n) + " adds completed");
    r.seconds = bench::seconds_between(first, last);
    r.jobs_per_s = static_cast<double>(n) / r.seconds;
    r.failed = static_cast<double>(failed);
    r.file_mb = static_cast<double>(std::filesystem::file_size(path)) / mb;
    return r;
}

inline start_result start_scheduler(const std::string& path, long n)
{
    start_result r;
    r.base_rss_mb = bench::resident_bytes() / mb;
    const double cpu_before = bench::cpu_us();
    asio::io_context ctx;
    const auto t0 = bench::steady::now();
    asched::scheduler sched(ctx, store_options(path));  // opens the file
    const auto t_open = bench::steady::now();
    sched.register_task("noop", [] {});
    sched.start();  // issues the read of the store; its listing is applied on ctx
    bench::steady::time_point t_loaded;

    asio::steady_timer poll(ctx);
    std::function<void()> check = [&] {
        if (sched.job_count() >= static_cast<std::size_t>(n))
        {
            t_loaded = bench::steady::now();
            ctx.stop();
            return;
        }
        poll.expires_after(500us);
        poll.async_wait([&](const boost::system::error_code& ec) {
            if (!ec)
                check();
        });
    };
    check();
    ctx.run();
    r.cpu_s = (bench::cpu_us() - cpu_before) / 1e6;
    r.rss_mb = bench::resident_bytes() / mb;
    r.start_s = bench::seconds_between(t0, t_loaded);
    r.open_s = bench::seconds_between(t0, t_open);
    r.load_s = bench::seconds_between(t_open, t_loaded);

    // Not timed: every job loaded, armed, none pending
    const std::vector<asched::job> jobs = sched.get_jobs();
    for (const asched::job& j : jobs)
        if (j.pending || !j.next_run_time)
            ++r.bad;
    if (jobs.size() != static_cast<std::size_t>(n))
        ++r.bad;
    return r;
}

}  // namespace bench::sqlite

#endif
