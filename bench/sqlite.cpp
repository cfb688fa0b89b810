// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// bench/run sqlite: the SQLite job store, through the scheduler's public API.
//
// Each repetition uses a new file `<tempdir>/asched-bench-sqlite-XXXXXX/jobs.sqlite` (TMPDIR, else /tmp) and two
// fresh child processes:
//
// 1. add: a started scheduler (system clocks) whose `default` store is that file, with a registered no-op task,
//    receives 100,000 interval jobs (every hour, generated ids) through async_add_job, all issued at once from one
//    handler; each completion means the job is durable. `sqlite_add_jobs_per_s` is 100,000 over the time from the
//    first issue to the last completion. Before it, one job is added (and awaited) and removed again, so that the
//    store has been read and the scheduler writes through. The scheduler then shuts down, closing the file.
// 2. start: a new scheduler over that file: `sqlite_start_s` runs from constructing it (which opens the file)
//    through start() until every job is loaded and armed: the store is read in one listing, applied in one handler
//    on the scheduler's executor, so job_count() reaching 100,000 (polled every 0.5 ms on a steady_timer) means all
//    are in the index with their timers armed. `sqlite_start_rss_mb` is the process's resident memory then
//    (/proc/self/statm, as VmRSS; 1 MB = 2^20 bytes). After both readings the child checks that no job is pending
//    and every one has a next run time.
//
// Prints medians of 5 repetitions (or --runs N; --n JOBS), with each repetition's figures on stderr;
// `sqlite_start_rss_mb` last. Targets: add >= 20,000 jobs/s, start <= 0.5 s, resident memory <= 80 MB.
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

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

constexpr double mb = 1024.0 * 1024.0;

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

asched::scheduler_options store_options(const std::string& path)
{
    return {.jobstores = {{"default", "sqlite:" + path}}};
}

add_result add_jobs(const std::string& path, long n)
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

start_result start_scheduler(const std::string& path, long n)
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

// Prints a figure and whether it meets its target
void target(const char* name, double value, int decimals, const char* target_text, bool met)
{
    bench::metric(name, value, decimals);
    bench::progress("%s = %.*f: target %s %s", name, decimals, value, target_text, met ? "met" : "MISSED");
}

}  // namespace

int main(int argc, char** argv)
{
    const bench::options opt = bench::parse_options(argc, argv, 5, 100'000);
    const std::filesystem::path tmp = std::filesystem::temp_directory_path();
    bench::progress(
        "sqlite: %ld interval jobs added with async_add_job into a new SQLite file in %s, then a new scheduler "
        "started over it; %d repetitions, each in two child processes",
        opt.n,
        tmp.c_str(),
        opt.runs
    );

    std::vector<add_result> adds;
    std::vector<start_result> starts;
    double failed = 0, bad = 0;
    for (int run = 1; run <= opt.runs; ++run)
    {
        std::string dir = (tmp / "asched-bench-sqlite-XXXXXX").string();
        if (::mkdtemp(dir.data()) == nullptr)
        {
            std::perror("mkdtemp");
            return 1;
        }
        const std::string path = dir + "/jobs.sqlite";
        const add_result a = bench::run_in_child<add_result>([&] { return add_jobs(path, opt.n); });
        const start_result s = bench::run_in_child<start_result>([&] { return start_scheduler(path, opt.n); });
        std::filesystem::remove_all(dir);
        bench::progress(
            "run %d: add %.0f jobs/s (%.3f s, CPU %.3f s, %.0f failed; shutdown %.3f s; file %.1f MB); start %.3f s "
            "(open %.3f s, start + load %.3f s, CPU %.3f s), RSS %.1f MB (%.1f MB before)%s",
            run,
            a.jobs_per_s,
            a.seconds,
            a.cpu_s,
            a.failed,
            a.close_s,
            a.file_mb,
            s.start_s,
            s.open_s,
            s.load_s,
            s.cpu_s,
            s.rss_mb,
            s.base_rss_mb,
            s.bad != 0 ? "; NOT ALL JOBS LOADED AND ARMED" : ""
        );
        adds.push_back(a);
        starts.push_back(s);
        failed += a.failed;
        bad += s.bad;
    }

    const double rate = bench::median_of(adds, &add_result::jobs_per_s);
    const double start_s = bench::median_of(starts, &start_result::start_s);
    const double rss = bench::median_of(starts, &start_result::rss_mb);
    std::printf("sqlite_repetitions: %d\n", opt.runs);
    std::printf("sqlite_jobs: %ld\n", opt.n);
    target("sqlite_add_jobs_per_s", rate, 0, ">= 20000", rate >= 20'000);
    target("sqlite_start_s", start_s, 3, "<= 0.5", start_s <= 0.5);
    target("sqlite_start_rss_mb", rss, 1, "<= 80", rss <= 80);
    if (failed != 0 || bad != 0)
    {
        bench::progress("sqlite: %.0f adds failed, %.0f start checks failed", failed, bad);
        return 1;
    }
    return 0;
}
