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
#include "sqlite_common.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

using namespace bench::sqlite;

namespace {

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
        const std::string dir = bench::new_temp_dir("asched-bench-sqlite");
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
