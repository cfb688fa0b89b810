// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// bench/run add: the time and resident memory of adding 100,000 interval jobs (every hour) to a started scheduler
// with the default memory store, against one raw Asio steady_timer per job (expires_after(1h) + async_wait).
//
// Each repetition runs in a fresh child process, inside a handler on its io_context, so that its resident memory
// growth (/proc/self/statm) is its own. Repetitions of the two systems alternate. Prints medians of 5 runs (or
// --runs N); `add_bytes_per_job` last. `add_cpu_us_per_job` is the adding thread's CPU time over the same stretch,
// which the time slices of other processes on a shared machine do not inflate.
#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <vector>

#include "bench_common.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

struct add_result
{
    double us_per_job = 0;
    double bytes_per_job = 0;
    double cpu_us_per_job = 0;  // the thread's CPU time over the same stretch: what preemption does not inflate
};

// Adds `n` jobs to a started scheduler; timed from the first add to the last
add_result add_asched(long n)
{
    asio::io_context ctx;
    asched::scheduler sched(ctx);
    add_result result;
    asio::post(ctx, [&] {
        sched.start();
        const double rss_before = bench::resident_bytes();
        const double cpu0 = bench::thread_cpu_ns();
        const auto t0 = bench::steady::now();
        for (long i = 0; i < n; ++i)
            sched.add_job([] {}, asched::interval_trigger{std::chrono::hours{1}}, {.executor = "inline"});
        const auto t1 = bench::steady::now();
        const double cpu1 = bench::thread_cpu_ns();
        const double rss_after = bench::resident_bytes();
        if (sched.job_count() != static_cast<std::size_t>(n))
            throw std::runtime_error("the scheduler does not hold every job added");
        result = {
            bench::seconds_between(t0, t1) * 1e6 / static_cast<double>(n),
            (rss_after - rss_before) / static_cast<double>(n),
            (cpu1 - cpu0) / 1e3 / static_cast<double>(n)};
        ctx.stop();  // the jobs would keep run() busy for an hour
    });
    ctx.run();
    return result;
}

// The same on raw Asio: a steady_timer per job, in a vector reserved up front, each waiting an hour
add_result add_raw(long n)
{
    asio::io_context ctx;
    add_result result;
    std::vector<asio::steady_timer> timers;
    asio::post(ctx, [&] {
        const double rss_before = bench::resident_bytes();
        const double cpu0 = bench::thread_cpu_ns();
        const auto t0 = bench::steady::now();
        timers.reserve(static_cast<std::size_t>(n));
        for (long i = 0; i < n; ++i)
        {
            asio::steady_timer& timer = timers.emplace_back(ctx);
            timer.expires_after(1h);
            timer.async_wait([](const boost::system::error_code&) {});
        }
        const auto t1 = bench::steady::now();
        const double cpu1 = bench::thread_cpu_ns();
        const double rss_after = bench::resident_bytes();
        result = {
            bench::seconds_between(t0, t1) * 1e6 / static_cast<double>(n),
            (rss_after - rss_before) / static_cast<double>(n),
            (cpu1 - cpu0) / 1e3 / static_cast<double>(n)};
        ctx.stop();  // the timers would keep run() busy for an hour
    });
    ctx.run();
    return result;
}

}  // namespace

int main(int argc, char** argv)
{
    const bench::options opt = bench::parse_options(argc, argv, 5, 100'000);
    bench::progress(
        "add: %ld interval jobs (1 h) per repetition, %d repetitions of each system, each in a child process",
        opt.n,
        opt.runs
    );
    std::vector<add_result> asched_runs, raw_runs;
    for (int run = 1; run <= opt.runs; ++run)
    {
        if (opt.run_raw)
        {
            raw_runs.push_back(bench::run_in_child<add_result>([&] { return add_raw(opt.n); }));
            bench::progress(
                "run %d raw:    %.3f us/job (CPU %.3f us/job), %.0f B/job",
                run,
                raw_runs.back().us_per_job,
                raw_runs.back().cpu_us_per_job,
                raw_runs.back().bytes_per_job
            );
        }
        if (opt.run_asched)
        {
            asched_runs.push_back(bench::run_in_child<add_result>([&] { return add_asched(opt.n); }));
            bench::progress(
                "run %d asched: %.3f us/job (CPU %.3f us/job), %.0f B/job",
                run,
                asched_runs.back().us_per_job,
                asched_runs.back().cpu_us_per_job,
                asched_runs.back().bytes_per_job
            );
        }
    }

    std::printf("add_repetitions: %d\n", opt.runs);
    if (opt.run_raw)
    {
        bench::metric("add_us_per_job_raw", bench::median_of(raw_runs, &add_result::us_per_job), 3);
        bench::metric("add_bytes_per_job_raw", bench::median_of(raw_runs, &add_result::bytes_per_job));
        bench::metric("add_cpu_us_per_job_raw", bench::median_of(raw_runs, &add_result::cpu_us_per_job), 3);
    }
    if (!opt.run_asched)
        return 0;
    const double us = bench::median_of(asched_runs, &add_result::us_per_job);
    const double bytes = bench::median_of(asched_runs, &add_result::bytes_per_job);
    bench::metric("add_us_per_job", us, 3);
    bench::metric("add_cpu_us_per_job", bench::median_of(asched_runs, &add_result::cpu_us_per_job), 3);
    if (opt.run_raw)
    {
        const double time_ratio = us / bench::median_of(raw_runs, &add_result::us_per_job);
        const double memory_ratio = bytes / bench::median_of(raw_runs, &add_result::bytes_per_job);
        bench::ratio("add_time_ratio_to_raw", time_ratio, "<= 4", time_ratio <= 4);
        bench::ratio("add_memory_ratio_to_raw", memory_ratio, "<= 2", memory_ratio <= 2);
    }
    bench::metric("add_bytes_per_job", bytes);
}
