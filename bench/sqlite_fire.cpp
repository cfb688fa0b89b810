// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// bench/run sqlite_fire: what at most once costs a fire (issue 15). A run of a job in a SQLite store starts only
// once its fire write (the next run time) is on disk, so a fire waits one group commit; a job of the memory store
// waits for nothing.
//
// Each repetition, in a fresh child process each: a started scheduler (system clocks, a registered task that records
// how late it started) is given N interval jobs (every hour, default N = 10,000) whose first run is one instant 2 s
// ahead, all added with async_add_job and awaited; then the scheduler runs until every job ran once. The same with
// the memory store, in the same repetition. Lateness is the run's start minus its scheduled time (the tasks run on
// the `inline` executor, on the scheduler's thread).
//
// Prints medians of 5 repetitions (or --runs N; --n JOBS): `sqlite_fire_lateness_p50_ms`,
// `sqlite_fire_lateness_p99_ms`, the same for `memory_fire_`, and last `sqlite_fire_p99_over_memory`, the ratio of
// the two p99s measured in the same repetition. No target: the figure says what the rule costs.
#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_common.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

struct fire_result
{
    double p50_ms = 0, p99_ms = 0, max_ms = 0;
    double runs = 0;
};

fire_result fire_all(const std::string& jobstore_url, long n)
{
    asio::io_context ctx;
    asched::scheduler sched(ctx, {.jobstores = {{"default", jobstore_url}}});
    std::vector<std::int64_t> lateness_ns;
    lateness_ns.reserve(static_cast<std::size_t>(n));
    long ran = 0;
    sched.register_task("record", [&](const asched::job_context& c) {
        lateness_ns.push_back((asched::system_clocks::now() - c.scheduled_run_time()).count() * 1000);
        if (++ran == n)
            ctx.stop();
    });
    const asched::task record = *sched.find_task("record");
    const auto first = std::chrono::ceil<std::chrono::seconds>(asched::system_clocks::now()) + 2s;
    long added = 0;
    asio::post(ctx, [&] {
        sched.start();
        for (long i = 0; i < n; ++i)
            sched.async_add_job(
                record,
                asched::interval_trigger{1h, {.start_date = first}},
                {.executor = "inline", .misfire_grace_time = std::chrono::microseconds{60s}},
                [&](std::exception_ptr e, std::string) {
                    if (e)
                        std::rethrow_exception(e);
                    ++added;
                }
            );
    });
    ctx.run_for(60s);
    if (added != n || ran != n)
        throw std::runtime_error(
            "sqlite_fire: " + std::to_string(added) + " added, " + std::to_string(ran) + " ran of " + std::to_string(n)
        );
    sched.shutdown();
    const bench::percentiles p = bench::lateness_percentiles(lateness_ns);
    return {p.p50_us / 1e3, p.p99_us / 1e3, p.max_us / 1e3, static_cast<double>(ran)};
}

}  // namespace

int main(int argc, char** argv)
{
    const bench::options opt = bench::parse_options(argc, argv, 5, 10'000);
    const std::filesystem::path tmp = std::filesystem::temp_directory_path();
    bench::progress(
        "sqlite_fire: %ld jobs due at one instant, in a SQLite file in %s and in the memory store; %d repetitions, "
        "each store in its own child process",
        opt.n,
        tmp.c_str(),
        opt.runs
    );
    std::vector<fire_result> sqlite, memory;
    std::vector<double> ratios;
    for (int run = 1; run <= opt.runs; ++run)
    {
        const std::string dir = bench::new_temp_dir("asched-bench-sqlite-fire");
        const std::string url = "sqlite:" + dir + "/jobs.sqlite";
        const fire_result s = bench::run_in_child<fire_result>([&] { return fire_all(url, opt.n); });
        const fire_result m = bench::run_in_child<fire_result>([&] { return fire_all("memory:", opt.n); });
        std::filesystem::remove_all(dir);
        bench::progress(
            "run %d: sqlite lateness p50 %.2f ms, p99 %.2f ms, max %.2f ms; memory p50 %.2f ms, p99 %.2f ms, max %.2f "
            "ms",
            run,
            s.p50_ms,
            s.p99_ms,
            s.max_ms,
            m.p50_ms,
            m.p99_ms,
            m.max_ms
        );
        sqlite.push_back(s);
        memory.push_back(m);
        ratios.push_back(m.p99_ms > 0 ? s.p99_ms / m.p99_ms : 0);
    }
    std::printf("sqlite_fire_repetitions: %d\n", opt.runs);
    std::printf("sqlite_fire_jobs: %ld\n", opt.n);
    bench::metric("sqlite_fire_lateness_p50_ms", bench::median_of(sqlite, &fire_result::p50_ms), 2);
    bench::metric("sqlite_fire_lateness_p99_ms", bench::median_of(sqlite, &fire_result::p99_ms), 2);
    bench::metric("memory_fire_lateness_p50_ms", bench::median_of(memory, &fire_result::p50_ms), 2);
    bench::metric("memory_fire_lateness_p99_ms", bench::median_of(memory, &fire_result::p99_ms), 2);
    bench::metric("sqlite_fire_p99_over_memory", bench::median(ratios), 2);
    return 0;
}
