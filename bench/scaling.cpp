// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// bench/run scaling --n N: how the cost of a job grows with the number of jobs. bench/compare runs it for 10,000,
// 100,000 and 1,000,000 jobs and plots the figures against N.
//
// Memory store (default): each repetition, in a fresh child process for each system, adds N date jobs all due at
// one instant T (no-op callables on the inline executor, default misfire grace time 1 s) to a started scheduler,
// from one handler, then lets them all fire: as bench/burst, with N jobs. Raw Asio: N steady_timers expiring at T
// (expires_at + async_wait), in a vector reserved up front. Per repetition:
//
// - `add`: the wall time from the first add to the last (`scaling_add_s`, and over N `scaling_add_us_per_job`), the
//   thread's CPU time over it per job (`scaling_add_cpu_us_per_job`: the time slices other processes take on a shared
//   machine do not count), and the growth of resident memory over the same stretch over N (`scaling_bytes_per_job`);
// - `scaling_rss_mb`: the process's resident memory once every job is armed (1 MB = 2^20 bytes), and
//   `scaling_peak_rss_mb` its peak (VmHWM) after the burst;
// - `scaling_burst_runs_per_s`: N / (last run - T); `scaling_burst_cpu_ns_per_run`: the loop thread's CPU time from
//   50 ms before T (it sleeps until T) to the last run, per run; `scaling_burst_dropped`: runs that did not happen
//   (missed ones included; `scaling_burst_missed` counts the job_missed ones); `scaling_burst_last_ms`: the last run's
//   lateness.
//
// `--sqlite`: one new SQLite job file of N interval jobs (every hour), made with async_add_job as bench/sqlite does
// (`scaling_sqlite_add_jobs_per_s`), then R starts of a new scheduler over it, each in a fresh child process:
// `scaling_sqlite_start_s` (construct + start until all N are loaded and armed), the process's CPU time over it (all
// threads: `scaling_sqlite_start_cpu_s`) and `scaling_sqlite_start_rss_mb`.
//
// Every figure is printed as the median over the repetitions with `_min` and `_max` lines after it; the raw
// figures carry the suffix `_raw` (before `_min`/`_max`). Options: --n JOBS (default 100,000), --runs R (default 5),
// --only asched|raw, --sqlite.
#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "sqlite_common.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

constexpr double mb = 1024.0 * 1024.0;

struct scaling_result
{
    double add_s = 0;
    double add_us_per_job = 0;
    double add_cpu_us_per_job = 0;    // the thread's CPU time over the adds, per job
    double burst_cpu_ns_per_run = 0;  // the loop thread's CPU time from 50 ms before T to the last run, per run
    double bytes_per_job = 0;
    double rss_mb = 0;
    double peak_rss_mb = 0;
    double runs_per_s = 0;
    double last_ms = 0;
    double dropped = 0;
    double missed = 0;
    double setup_s = 0;  // = add_s: the lead of the next repetition learns from it
    double slack_s = 0;
};

// The state the no-op runs touch, as in bench/burst.cpp: globals, so that the job callable has no captures
std::size_t expected_runs = 0;
std::size_t done_runs = 0;
std::size_t missed_runs = 0;
std::int64_t last_run_ns = 0;
asio::io_context* context = nullptr;
double add_cpu_ns = 0, burst_cpu_before_ns = 0, burst_cpu_after_ns = 0;

void record_run()
{
    last_run_ns = bench::steady::now().time_since_epoch().count();
    if (++done_runs + missed_runs == expected_runs)
    {
        burst_cpu_after_ns = bench::thread_cpu_ns();
        context->stop();
    }
}

void reset(asio::io_context& ctx, long n)
{
    context = &ctx;
    expected_runs = static_cast<std::size_t>(n);
    done_runs = missed_runs = 0;
    last_run_ns = 0;
    add_cpu_ns = burst_cpu_before_ns = burst_cpu_after_ns = 0;
}

// The guard stops the io_context if the runs have not all come long after T; the mark reads the thread's CPU time
// 50 ms before T (the loop then sleeps until T)
void arm_guard(asio::steady_timer& guard, asio::steady_timer& mark, bench::steady::time_point due, long n)
{
    guard.expires_at(due + 10s + std::chrono::seconds{n / 100'000});
    guard.async_wait([](const boost::system::error_code& ec) {
        if (!ec)
            context->stop();
    });
    mark.expires_at(due - 50ms);
    mark.async_wait([](const boost::system::error_code& ec) {
        if (!ec)
            burst_cpu_before_ns = bench::thread_cpu_ns();
    });
}

scaling_result summarise(
    bench::steady::time_point due,
    bench::steady::time_point setup_start,
    bench::steady::time_point setup_end,
    double rss_before,
    double rss_after
)
{
    scaling_result r;
    const double n = static_cast<double>(expected_runs);
    r.add_s = bench::seconds_between(setup_start, setup_end);
    r.add_us_per_job = r.add_s * 1e6 / n;
    r.add_cpu_us_per_job = add_cpu_ns / 1e3 / n;
    r.bytes_per_job = (rss_after - rss_before) / n;
    r.rss_mb = rss_after / mb;
    r.peak_rss_mb = bench::peak_resident_bytes() / mb;
    r.setup_s = r.add_s;
    r.slack_s = bench::seconds_between(setup_end, due);
    r.dropped = n - static_cast<double>(std::min(done_runs, expected_runs));
    r.missed = static_cast<double>(missed_runs);
    if (done_runs > 0)
    {
        r.last_ms = static_cast<double>(last_run_ns - due.time_since_epoch().count()) / 1e6;
        r.runs_per_s = static_cast<double>(done_runs) / (r.last_ms / 1e3);
        if (burst_cpu_before_ns > 0 && burst_cpu_after_ns > burst_cpu_before_ns)
            r.burst_cpu_ns_per_run = (burst_cpu_after_ns - burst_cpu_before_ns) / static_cast<double>(done_runs);
    }
    return r;
}

scaling_result run_asched(long n, std::chrono::microseconds lead)
{
    asio::io_context ctx;
    reset(ctx, n);
    asched::scheduler sched(ctx);
    asio::steady_timer guard(ctx), mark(ctx);
    bench::steady::time_point due, setup_start, setup_end;
    double rss_before = 0, rss_after = 0;
    asio::post(ctx, [&] {
        sched.add_listener(
            [](const asched::event& e) {
                missed_runs += e.scheduled_run_times.size();
                if (done_runs + missed_runs == expected_runs)
                    context->stop();
            },
            static_cast<asched::event_mask>(asched::event_code::job_missed)
        );
        sched.start();
        rss_before = bench::resident_bytes();
        const double cpu0 = bench::thread_cpu_ns();
        setup_start = bench::steady::now();
        const auto system_now = std::chrono::system_clock::now();
        const asched::instant due_instant = std::chrono::floor<std::chrono::microseconds>(system_now) + lead;
        due = setup_start + (due_instant - system_now);
        const asched::date_trigger at_due{due_instant};
        for (long i = 0; i < n; ++i)
            sched.add_job([] { record_run(); }, at_due, {.executor = "inline"});
        setup_end = bench::steady::now();
        add_cpu_ns = bench::thread_cpu_ns() - cpu0;
        rss_after = bench::resident_bytes();
        if (sched.job_count() != static_cast<std::size_t>(n))
            throw std::runtime_error("the scheduler does not hold every job added");
        arm_guard(guard, mark, due, n);
    });
    ctx.run();
    return summarise(due, setup_start, setup_end, rss_before, rss_after);
}

scaling_result run_raw(long n, std::chrono::microseconds lead)
{
    asio::io_context ctx;
    reset(ctx, n);
    std::vector<asio::steady_timer> timers;
    asio::steady_timer guard(ctx), mark(ctx);
    bench::steady::time_point due, setup_start, setup_end;
    double rss_before = 0, rss_after = 0;
    asio::post(ctx, [&] {
        rss_before = bench::resident_bytes();
        const double cpu0 = bench::thread_cpu_ns();
        setup_start = bench::steady::now();
        due = setup_start + lead;
        timers.reserve(static_cast<std::size_t>(n));
        for (long i = 0; i < n; ++i)
        {
            asio::steady_timer& timer = timers.emplace_back(ctx, due);
            timer.async_wait([](const boost::system::error_code&) { record_run(); });
        }
        setup_end = bench::steady::now();
        add_cpu_ns = bench::thread_cpu_ns() - cpu0;
        rss_after = bench::resident_bytes();
        arm_guard(guard, mark, due, n);
    });
    ctx.run();
    return summarise(due, setup_start, setup_end, rss_before, rss_after);
}

template <class Body>
scaling_result repetition(const char* system, int run, double& longest_setup_s, Body body)
{
    return bench::repetition_with_lead<scaling_result>(
        system,
        run,
        "T",
        longest_setup_s,
        body,
        [&](const scaling_result& r) {
            bench::progress(
                "run %d %-6s: add %.3f s (%.3f us/job, CPU %.3f us/job, %.0f B/job), RSS %.1f MB (peak %.1f MB); burst "
                "%.0f runs/s (CPU %.0f ns/run), last run %.1f ms after T, dropped %.0f, missed %.0f (then %.2f s to T)",
                run,
                system,
                r.add_s,
                r.add_us_per_job,
                r.add_cpu_us_per_job,
                r.bytes_per_job,
                r.rss_mb,
                r.peak_rss_mb,
                r.runs_per_s,
                r.burst_cpu_ns_per_run,
                r.last_ms,
                r.dropped,
                r.missed,
                r.slack_s
            );
        }
    );
}

// The median, then its _min and _max lines
template <class Result>
void spread(const std::string& name, const std::vector<Result>& results, double Result::*member, int decimals)
{
    std::vector<double> v;
    for (const Result& r : results)
        v.push_back(r.*member);
    bench::metric(name.c_str(), bench::median(v), decimals);
    bench::metric((name + "_min").c_str(), *std::min_element(v.begin(), v.end()), decimals);
    bench::metric((name + "_max").c_str(), *std::max_element(v.begin(), v.end()), decimals);
}

void print_memory_store(const std::vector<scaling_result>& runs, const char* suffix)
{
    const std::string s = suffix;
    spread("scaling_add_s" + s, runs, &scaling_result::add_s, 3);
    spread("scaling_add_us_per_job" + s, runs, &scaling_result::add_us_per_job, 3);
    spread("scaling_add_cpu_us_per_job" + s, runs, &scaling_result::add_cpu_us_per_job, 3);
    spread("scaling_bytes_per_job" + s, runs, &scaling_result::bytes_per_job, 0);
    spread("scaling_rss_mb" + s, runs, &scaling_result::rss_mb, 1);
    spread("scaling_peak_rss_mb" + s, runs, &scaling_result::peak_rss_mb, 1);
    spread("scaling_burst_runs_per_s" + s, runs, &scaling_result::runs_per_s, 0);
    spread("scaling_burst_cpu_ns_per_run" + s, runs, &scaling_result::burst_cpu_ns_per_run, 0);
    spread("scaling_burst_last_ms" + s, runs, &scaling_result::last_ms, 1);
    double dropped = 0, missed = 0;
    for (const scaling_result& r : runs)
    {
        dropped += r.dropped;
        missed += r.missed;
    }
    bench::metric(("scaling_burst_dropped" + s).c_str(), dropped);
    bench::metric(("scaling_burst_missed" + s).c_str(), missed);
}

int memory_store(const bench::options& opt)
{
    bench::progress(
        "scaling: %ld date jobs due at one instant per repetition (add, arm, fire), %d repetitions of each system, "
        "each in a child process",
        opt.n,
        opt.runs
    );
    std::vector<scaling_result> asched_runs, raw_runs;
    // First guesses of the setup, from the figures of bench/add; each repetition learns from the previous
    double raw_setup_s = 0.5e-6 * static_cast<double>(opt.n), asched_setup_s = 2e-6 * static_cast<double>(opt.n);
    for (int run = 1; run <= opt.runs; ++run)
    {
        if (opt.run_raw)
            raw_runs.push_back(repetition("raw", run, raw_setup_s, [&](auto lead) { return run_raw(opt.n, lead); }));
        if (opt.run_asched)
            asched_runs.push_back(repetition("asched", run, asched_setup_s, [&](auto lead) {
                return run_asched(opt.n, lead);
            }));
    }
    std::printf("scaling_repetitions: %d\n", opt.runs);
    std::printf("scaling_jobs: %ld\n", opt.n);
    if (opt.run_raw)
        print_memory_store(raw_runs, "_raw");
    if (opt.run_asched)
        print_memory_store(asched_runs, "");
    return 0;
}

int sqlite_store(const bench::options& opt)
{
    using namespace bench::sqlite;
    const std::string dir = bench::new_temp_dir("asched-bench-scaling");
    const std::string path = dir + "/jobs.sqlite";
    bench::progress("scaling --sqlite: adding %ld interval jobs to a new SQLite file in %s", opt.n, dir.c_str());
    const add_result a = bench::run_in_child<add_result>([&] { return add_jobs(path, opt.n); });
    bench::progress(
        "add: %.0f jobs/s (%.3f s, %.0f failed; file %.1f MB); now %d starts over it, each in a child process",
        a.jobs_per_s,
        a.seconds,
        a.failed,
        a.file_mb,
        opt.runs
    );
    std::vector<start_result> starts;
    double bad = 0;
    for (int run = 1; run <= opt.runs; ++run)
    {
        const start_result s = bench::run_in_child<start_result>([&] { return start_scheduler(path, opt.n); });
        bench::progress(
            "run %d: start %.3f s (open %.3f s, start + load %.3f s, CPU %.3f s), RSS %.1f MB%s",
            run,
            s.start_s,
            s.open_s,
            s.load_s,
            s.cpu_s,
            s.rss_mb,
            s.bad != 0 ? "; NOT ALL JOBS LOADED AND ARMED" : ""
        );
        bad += s.bad;
        starts.push_back(s);
    }
    std::filesystem::remove_all(dir);
    std::printf("scaling_repetitions: %d\n", opt.runs);
    std::printf("scaling_jobs: %ld\n", opt.n);
    bench::metric("scaling_sqlite_add_jobs_per_s", a.jobs_per_s);
    bench::metric("scaling_sqlite_file_mb", a.file_mb, 1);
    spread("scaling_sqlite_start_s", starts, &start_result::start_s, 3);
    spread("scaling_sqlite_start_cpu_s", starts, &start_result::cpu_s, 3);
    spread("scaling_sqlite_start_rss_mb", starts, &start_result::rss_mb, 1);
    bench::metric("scaling_sqlite_bad", bad + a.failed);
    return bad + a.failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv)
{
    // --sqlite takes no value: take it out before the common options
    std::vector<char*> args;
    bool sqlite = false;
    for (int i = 0; i < argc; ++i)
    {
        if (std::strcmp(argv[i], "--sqlite") == 0)
            sqlite = true;
        else
            args.push_back(argv[i]);
    }
    const bench::options opt = bench::parse_options(static_cast<int>(args.size()), args.data(), 5, 100'000);
    return sqlite ? sqlite_store(opt) : memory_store(opt);
}
