// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// bench/run steady: 10,000 interval jobs every second for 10 s, job i first due at T0 + i × 100 µs (phases spread
// evenly: 10,000 runs a second, 100,000 in all), no-op callables on the inline executor; against 10,000 raw Asio
// steady_timers re-armed on absolute deadlines (deadline += 1 s) ten times each.
//
// Job i is an interval_trigger of 1 s with start_date T0 + i × 100 µs and end_date 9 s later: exactly 10 runs.
// Each run records its lateness (now - its scheduled time, on the steady clock) into a preallocated array. CPU
// time (user + system, getrusage) is read just before T0 and at the last run. Each repetition runs in a fresh
// child process; the two systems alternate.
//
// A repetition takes about 11 s per system, so the default is 3 repetitions; the recorded figures use --runs 5.
// Prints medians; `steady_lateness_p99_us` last. `--samples PREFIX` writes each repetition's lateness values (ns,
// int64) to PREFIX-<system>-<run>.bin.
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

constexpr int periods = 10;  // runs per job
constexpr auto period = std::chrono::seconds{1};

struct steady_result
{
    double cpu_us_per_run = 0;
    double p50_us = 0, p99_us = 0, max_us = 0;
    double dropped = 0;   // runs that did not happen
    double missed = 0;    // runs reported by job_missed (asched only)
    double window_s = 0;  // the measured window, from just before T0 to the last run
    double setup_s = 0;   // adding the jobs (arming the timers)
    double slack_s = 0;   // from the end of the setup to T0
};

// The state the no-op runs touch: globals, so that the job callable is a lambda without captures
bench::lateness_log lateness;  // ns
std::size_t expected_runs = 0;
std::size_t missed_runs = 0;
asio::io_context* context = nullptr;
double cpu_start_us = 0, cpu_end_us = 0;
bench::steady::time_point window_start, window_end;
// T0 on both clocks (asched's scheduled run times are system-clock instants)
bench::steady::time_point t0_steady;
asched::instant t0_system;

// Ends the measured window at the last run
void check_done()
{
    if (lateness.count() + missed_runs == expected_runs)
    {
        cpu_end_us = bench::cpu_us();
        window_end = bench::steady::now();
        context->stop();
    }
}

void record_run(bench::steady::time_point scheduled)
{
    lateness.record((bench::steady::now() - scheduled).count());
    check_done();
}

// Sets T0 `lead` from now on both clocks
void set_t0(std::chrono::microseconds lead)
{
    const auto steady_now = bench::steady::now();
    const auto system_now = std::chrono::system_clock::now();
    t0_system = std::chrono::floor<std::chrono::microseconds>(system_now) + lead;
    t0_steady = steady_now + (t0_system - system_now);
}

// Starts the CPU window 10 ms before T0, and stops everything if the runs have not all come 10 s after the end
void arm_window(asio::steady_timer& start, asio::steady_timer& guard)
{
    start.expires_at(t0_steady - 10ms);
    start.async_wait([](const boost::system::error_code& ec) {
        if (ec)
            return;
        cpu_start_us = bench::cpu_us();
        window_start = bench::steady::now();
    });
    guard.expires_at(t0_steady + periods * period + 10s);
    guard.async_wait([](const boost::system::error_code& ec) {
        if (!ec)
        {
            cpu_end_us = bench::cpu_us();
            window_end = bench::steady::now();
            context->stop();
        }
    });
}

steady_result summarise(bench::steady::time_point setup_start, bench::steady::time_point setup_end)
{
    steady_result r;
    const std::size_t runs = std::min(expected_runs, lateness.count());
    r.dropped = static_cast<double>(expected_runs - runs);
    r.missed = static_cast<double>(missed_runs);
    r.setup_s = bench::seconds_between(setup_start, setup_end);
    r.slack_s = bench::seconds_between(setup_end, t0_steady);
    r.window_s = bench::seconds_between(window_start, window_end);
    if (runs == 0)
        return r;
    r.cpu_us_per_run = (cpu_end_us - cpu_start_us) / static_cast<double>(runs);
    bench::write_samples(lateness.values());
    const bench::percentiles p = bench::lateness_percentiles(lateness.values());
    r.p50_us = p.p50_us;
    r.p99_us = p.p99_us;
    r.max_us = p.max_us;
    return r;
}

void reset(asio::io_context& ctx, long n)
{
    context = &ctx;
    expected_runs = static_cast<std::size_t>(n) * periods;
    missed_runs = 0;
    lateness.reserve(expected_runs);
}

// The spacing of first runs: 1 s / n (100 µs for 10,000 jobs)
std::chrono::nanoseconds spacing(long n) { return std::chrono::nanoseconds{period} / n; }

steady_result steady_asched(long n, std::chrono::microseconds lead)
{
    asio::io_context ctx;
    reset(ctx, n);
    asched::scheduler sched(ctx);
    asio::steady_timer start(ctx), guard(ctx);
    bench::steady::time_point setup_start, setup_end;
    asio::post(ctx, [&] {
        sched.add_listener(
            [](const asched::event& e) {
                missed_runs += e.scheduled_run_times.size();
                check_done();
            },
            static_cast<asched::event_mask>(asched::event_code::job_missed)
        );
        sched.start();
        setup_start = bench::steady::now();
        set_t0(lead);
        for (long i = 0; i < n; ++i)
        {
            const asched::instant first = t0_system + std::chrono::floor<std::chrono::microseconds>(i * spacing(n));
            sched.add_job(
                [](const asched::job_context& job) { record_run(t0_steady + (job.scheduled_run_time() - t0_system)); },
                asched::interval_trigger{period, {.start_date = first, .end_date = first + (periods - 1) * period}},
                {.executor = "inline"}
            );
        }
        setup_end = bench::steady::now();
        arm_window(start, guard);
    });
    ctx.run();
    return summarise(setup_start, setup_end);
}

// One raw timer per job and its absolute deadline
struct raw_job
{
    asio::steady_timer timer;
    bench::steady::time_point deadline;
    int runs_left = periods;
};

void arm(raw_job& job)
{
    job.timer.expires_at(job.deadline);
    job.timer.async_wait([&job](const boost::system::error_code& ec) {
        if (ec)
            return;
        record_run(job.deadline);
        if (--job.runs_left > 0)
        {
            job.deadline += period;
            arm(job);
        }
    });
}

steady_result steady_raw(long n, std::chrono::microseconds lead)
{
    asio::io_context ctx;
    reset(ctx, n);
    std::vector<raw_job> jobs;
    asio::steady_timer start(ctx), guard(ctx);
    bench::steady::time_point setup_start, setup_end;
    asio::post(ctx, [&] {
        setup_start = bench::steady::now();
        set_t0(lead);
        jobs.reserve(static_cast<std::size_t>(n));
        for (long i = 0; i < n; ++i)
        {
            raw_job& job = jobs.emplace_back(raw_job{
                asio::steady_timer(ctx),
                t0_steady + std::chrono::floor<std::chrono::microseconds>(i * spacing(n))});
            arm(job);
        }
        setup_end = bench::steady::now();
        arm_window(start, guard);
    });
    ctx.run();
    return summarise(setup_start, setup_end);
}

// Runs one repetition (see bench::repetition_with_lead) and prints its figures
template <class Body>
steady_result repetition(const char* system, int run, double& longest_setup_s, Body body)
{
    return bench::repetition_with_lead<steady_result>(
        system,
        run,
        "T0",
        longest_setup_s,
        body,
        [&](const steady_result& r) {
            bench::progress(
                "run %d %-6s: %.3f us CPU/run, lateness p50 %.0f us, p99 %.0f us, max %.0f us; dropped %.0f, missed "
                "%.0f (window %.2f s; setup %.3f s, then %.2f s to T0)",
                run,
                system,
                r.cpu_us_per_run,
                r.p50_us,
                r.p99_us,
                r.max_us,
                r.dropped,
                r.missed,
                r.window_s,
                r.setup_s,
                r.slack_s
            );
        }
    );
}

}  // namespace

int main(int argc, char** argv)
{
    bench::options opt = bench::parse_options(argc, argv, 3, 10'000);
    bench::progress(
        "steady: %ld interval jobs (1 s, %d runs each) per repetition, %d repetitions of each system%s, each in a "
        "child process; about %d s",
        opt.n,
        periods,
        opt.runs,
        opt.runs_given ? "" : " (the default; the issue asks medians of 5: --runs 5)",
        opt.runs * (opt.run_raw + opt.run_asched) * (periods + 2)
    );
    std::vector<steady_result> asched_runs, raw_runs;
    double raw_setup_s = 0.05, asched_setup_s = 0.2;  // first guesses; each repetition learns from the previous
    for (int run = 1; run <= opt.runs; ++run)
    {
        if (opt.run_raw)
            raw_runs.push_back(repetition("raw", run, raw_setup_s, [&](auto lead) { return steady_raw(opt.n, lead); }));
        if (opt.run_asched)
            asched_runs.push_back(repetition("asched", run, asched_setup_s, [&](auto lead) {
                return steady_asched(opt.n, lead);
            }));
    }

    const double dropped = bench::total_dropped(asched_runs, raw_runs);

    std::printf("steady_repetitions: %d\n", opt.runs);
    if (opt.run_raw)
    {
        bench::metric("steady_cpu_us_per_run_raw", bench::median_of(raw_runs, &steady_result::cpu_us_per_run), 3);
        bench::metric("steady_lateness_p50_us_raw", bench::median_of(raw_runs, &steady_result::p50_us));
        bench::metric("steady_lateness_p99_us_raw", bench::median_of(raw_runs, &steady_result::p99_us));
    }
    bench::metric("steady_dropped", dropped);
    if (!opt.run_asched)
        return dropped == 0 ? 0 : 1;
    const double cpu = bench::median_of(asched_runs, &steady_result::cpu_us_per_run);
    const double p50 = bench::median_of(asched_runs, &steady_result::p50_us);
    bench::metric("steady_cpu_us_per_run", cpu, 3);
    bench::metric("steady_lateness_p50_us", p50);
    if (opt.run_raw)
    {
        const double cpu_ratio = cpu / bench::median_of(raw_runs, &steady_result::cpu_us_per_run);
        const double p50_ratio = p50 / bench::median_of(raw_runs, &steady_result::p50_us);
        bench::ratio("steady_cpu_ratio_to_raw", cpu_ratio, "<= 1.3", cpu_ratio <= 1.3);
        bench::ratio("steady_p50_ratio_to_raw", p50_ratio, "<= 2", p50_ratio <= 2);
    }
    bench::metric("steady_lateness_p99_us", bench::median_of(asched_runs, &steady_result::p99_us));
    if (dropped != 0)
        bench::progress("steady: %.0f runs were dropped", dropped);
    return dropped == 0 ? 0 : 1;
}
