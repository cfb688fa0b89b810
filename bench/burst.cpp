// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// bench/run burst: 100,000 date jobs all due at the same instant T, no-op callables on the inline executor, with
// the default misfire grace time (1 s); against 100,000 raw Asio steady_timers all expiring at T.
//
// T lies about 1 s after the last job is added. Each run stores its steady-clock time into a preallocated array;
// lateness is that time - T, and the rate is 100,000 / (last run - T). Every run must happen: the benchmark
// counts runs and job_missed events (through a listener for job_missed only) and prints `burst_dropped`, the
// runs missing over all repetitions. Each repetition runs in a fresh child process; the two systems alternate.
// `burst_cpu_ns_per_run` is the loop thread's CPU time from 50 ms before T (it sleeps until T) to the last run, per
// run: what the time slices of other processes do not inflate.
// Prints medians of 5 runs (or --runs N); `burst_lateness_max_us` last. `--samples PREFIX` writes each
// repetition's lateness values (ns, int64) to PREFIX-<system>-<run>.bin.
#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <vector>

#include "bench_common.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

struct burst_result
{
    double runs_per_s = 0;
    double first_us = 0;  // lateness of the first run: the wake-up and Asio's collection of the expired timers
    double p50_us = 0, p99_us = 0, max_us = 0;
    double dropped = 0;         // runs that did not happen
    double missed = 0;          // runs reported by job_missed (asched only)
    double setup_s = 0;         // adding the jobs (arming the timers)
    double slack_s = 0;         // from the end of the setup to T
    double cpu_ns_per_run = 0;  // the loop thread's CPU time from 50 ms before T to the last run, per run
};

// The state the no-op runs touch: globals, so that the job callable is a lambda without captures (asched then
// shares one function object among all jobs, with no allocation)
bench::lateness_log run_times;  // steady-clock ns of each run
std::size_t expected_runs = 0;
std::size_t missed_runs = 0;
asio::io_context* context = nullptr;
double cpu_before_ns = 0, cpu_after_ns = 0;

void record_run()
{
    run_times.record(bench::steady::now().time_since_epoch().count());
    if (run_times.count() + missed_runs == expected_runs)
    {
        cpu_after_ns = bench::thread_cpu_ns();
        context->stop();
    }
}

burst_result summarise(
    bench::steady::time_point due,
    bench::steady::time_point setup_start,
    bench::steady::time_point setup_end
)
{
    burst_result r;
    r.dropped = static_cast<double>(expected_runs - std::min(expected_runs, run_times.count()));
    r.missed = static_cast<double>(missed_runs);
    r.setup_s = bench::seconds_between(setup_start, setup_end);
    r.slack_s = bench::seconds_between(setup_end, due);
    std::vector<std::int64_t>& times = run_times.values();
    if (times.empty())
        return r;
    if (cpu_after_ns > cpu_before_ns && cpu_before_ns > 0)
        r.cpu_ns_per_run = (cpu_after_ns - cpu_before_ns) / static_cast<double>(times.size());
    const std::int64_t due_ns = due.time_since_epoch().count();
    for (std::int64_t& t : times)
        t -= due_ns;
    bench::write_samples(times);
    const bench::percentiles p = bench::lateness_percentiles(times);
    r.runs_per_s = static_cast<double>(times.size()) / (p.max_us / 1e6);
    r.first_us = static_cast<double>(times.front()) / 1e3;  // sorted by lateness_percentiles
    r.p50_us = p.p50_us;
    r.p99_us = p.p99_us;
    r.max_us = p.max_us;
    return r;
}

// Stops the io_context if the runs have not all come 10 s after T; reads the thread's CPU time 50 ms before T (the
// loop then sleeps until T, so the CPU time from there to the last run is the burst's)
void arm_guard(asio::steady_timer& guard, asio::steady_timer& mark, bench::steady::time_point due)
{
    cpu_before_ns = cpu_after_ns = 0;
    guard.expires_at(due + 10s);
    guard.async_wait([](const boost::system::error_code& ec) {
        if (!ec)
            context->stop();
    });
    mark.expires_at(due - 50ms);
    mark.async_wait([](const boost::system::error_code& ec) {
        if (!ec)
            cpu_before_ns = bench::thread_cpu_ns();
    });
}

burst_result burst_asched(long n, std::chrono::microseconds lead)
{
    asio::io_context ctx;
    context = &ctx;
    expected_runs = static_cast<std::size_t>(n);
    run_times.reserve(expected_runs);
    asched::scheduler sched(ctx);
    asio::steady_timer guard(ctx), mark(ctx);
    bench::steady::time_point due, setup_start, setup_end;
    asio::post(ctx, [&] {
        sched.add_listener(
            [](const asched::event& e) {
                missed_runs += e.scheduled_run_times.size();
                if (run_times.count() + missed_runs == expected_runs)
                    context->stop();
            },
            static_cast<asched::event_mask>(asched::event_code::job_missed)
        );
        sched.start();
        // T on both clocks: the scheduler reads the system clock, the runs record the steady clock
        setup_start = bench::steady::now();
        const auto system_now = std::chrono::system_clock::now();
        const asched::instant due_instant = std::chrono::floor<std::chrono::microseconds>(system_now) + lead;
        due = setup_start + (due_instant - system_now);
        const asched::date_trigger at_due{due_instant};
        for (long i = 0; i < n; ++i)
            sched.add_job([] { record_run(); }, at_due, {.executor = "inline"});
        setup_end = bench::steady::now();
        arm_guard(guard, mark, due);
    });
    ctx.run();
    return summarise(due, setup_start, setup_end);
}

burst_result burst_raw(long n, std::chrono::microseconds lead)
{
    asio::io_context ctx;
    context = &ctx;
    expected_runs = static_cast<std::size_t>(n);
    run_times.reserve(expected_runs);
    std::vector<asio::steady_timer> timers;
    asio::steady_timer guard(ctx), mark(ctx);
    bench::steady::time_point due, setup_start, setup_end;
    asio::post(ctx, [&] {
        setup_start = bench::steady::now();
        due = setup_start + lead;
        timers.reserve(static_cast<std::size_t>(n));
        for (long i = 0; i < n; ++i)
        {
            asio::steady_timer& timer = timers.emplace_back(ctx, due);
            timer.async_wait([](const boost::system::error_code&) { record_run(); });
        }
        setup_end = bench::steady::now();
        arm_guard(guard, mark, due);
    });
    ctx.run();
    return summarise(due, setup_start, setup_end);
}

// Runs one repetition (see bench::repetition_with_lead) and prints its figures
template <class Body>
burst_result repetition(const char* system, int run, double& longest_setup_s, Body body)
{
    return bench::repetition_with_lead<burst_result>(
        system,
        run,
        "T",
        longest_setup_s,
        body,
        [&](const burst_result& r) {
            bench::progress(
                "run %d %-6s: %.0f runs/s (CPU %.0f ns/run), lateness first %.0f us, p50 %.0f us, p99 %.0f us, max "
                "%.0f us; dropped %.0f, missed %.0f (setup %.3f s, then %.2f s to T)",
                run,
                system,
                r.runs_per_s,
                r.cpu_ns_per_run,
                r.first_us,
                r.p50_us,
                r.p99_us,
                r.max_us,
                r.dropped,
                r.missed,
                r.setup_s,
                r.slack_s
            );
        }
    );
}

}  // namespace

int main(int argc, char** argv)
{
    const bench::options opt = bench::parse_options(argc, argv, 5, 100'000);
    bench::progress(
        "burst: %ld date jobs due at one instant per repetition, %d repetitions of each system, each in a child "
        "process",
        opt.n,
        opt.runs
    );
    std::vector<burst_result> asched_runs, raw_runs;
    double raw_setup_s = 0.2, asched_setup_s = 1.0;  // first guesses; each repetition learns from the previous
    for (int run = 1; run <= opt.runs; ++run)
    {
        if (opt.run_raw)
            raw_runs.push_back(repetition("raw", run, raw_setup_s, [&](auto lead) { return burst_raw(opt.n, lead); }));
        if (opt.run_asched)
            asched_runs.push_back(repetition("asched", run, asched_setup_s, [&](auto lead) {
                return burst_asched(opt.n, lead);
            }));
    }

    const double dropped = bench::total_dropped(asched_runs, raw_runs);

    std::printf("burst_repetitions: %d\n", opt.runs);
    if (opt.run_raw)
    {
        bench::metric("burst_runs_per_s_raw", bench::median_of(raw_runs, &burst_result::runs_per_s));
        bench::metric("burst_lateness_p50_us_raw", bench::median_of(raw_runs, &burst_result::p50_us));
        bench::metric("burst_lateness_p99_us_raw", bench::median_of(raw_runs, &burst_result::p99_us));
        bench::metric("burst_lateness_max_us_raw", bench::median_of(raw_runs, &burst_result::max_us));
        bench::metric("burst_cpu_ns_per_run_raw", bench::median_of(raw_runs, &burst_result::cpu_ns_per_run));
    }
    bench::metric("burst_dropped", dropped);
    if (!opt.run_asched)
        return dropped == 0 ? 0 : 1;
    const double rate = bench::median_of(asched_runs, &burst_result::runs_per_s);
    const double p99 = bench::median_of(asched_runs, &burst_result::p99_us);
    bench::metric("burst_runs_per_s", rate);
    bench::metric("burst_cpu_ns_per_run", bench::median_of(asched_runs, &burst_result::cpu_ns_per_run));
    bench::metric("burst_lateness_p50_us", bench::median_of(asched_runs, &burst_result::p50_us));
    bench::metric("burst_lateness_p99_us", p99);
    if (opt.run_raw)
    {
        const double rate_ratio = rate / bench::median_of(raw_runs, &burst_result::runs_per_s);
        const double p99_ratio = p99 / bench::median_of(raw_runs, &burst_result::p99_us);
        bench::ratio("burst_rate_ratio_to_raw", rate_ratio, ">= 0.33", rate_ratio >= 1.0 / 3);
        bench::ratio("burst_p99_ratio_to_raw", p99_ratio, "<= 3", p99_ratio <= 3);
    }
    bench::metric("burst_lateness_max_us", bench::median_of(asched_runs, &burst_result::max_us));
    if (dropped != 0)
        bench::progress("burst: %.0f runs were dropped", dropped);
    return dropped == 0 ? 0 : 1;
}
