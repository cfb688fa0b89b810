// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// bench/run pg_cluster: the shared PostgreSQL job store under load. 10,000 interval jobs every second for 30 s,
// first on one scheduler, then on three sharing the database, against a throwaway server of its own
// (tests/common/pg_server, fsync=off and synchronous_commit=off: the bench measures the scheduler and its SQL, not
// the disk).
//
// Each configuration uses its own tables (prefix bench1, bench3) and its own T0. Job i is an interval_trigger of
// 1 s with start_date T0 + i × 1 s / N: phases spread evenly, N runs a second (as bench/steady; a burst of N at each
// whole second would measure the burst instead), a registered no-op task "tick" on the inline executor, misfire grace
// 30 s and no coalescing, so that a run is late rather than dropped and every scheduled time is either run or
// reported. With three schedulers each registers all the jobs with replace_existing, as replicas of one service do at
// start-up (the documents are the same, so the database keeps one copy).
//
// The schedulers are separate processes, each with its own io_context, store and connection, like replicas on
// several machines: threads in one process would share the heap and allocator locks and one executable's caches, and
// one slow scheduler would slow the others, which is not what a cluster sees. (On this 2-core machine the three
// schedulers and the PostgreSQL backends compete for the same cores: the figures are a lower bound.)
//
// Each run records (job, scheduled time, start time) in a preallocated array of its process; at the end the process
// writes the array to a file. Measured over the steady part, from T0 + warm-up (5 s) to T0 + duration:
//   pg_runs_per_s_1 / pg_runs_per_s_3  runs started in the window, divided by its length
//   pg_lateness_p50_ms / _p99_ms       start - scheduled time, of the runs scheduled in the windows of both
//                                      configurations (per configuration on stderr)
//   pg_duplicates                      (job, scheduled time) pairs run more than once, over everything
//   pg_unreported                      scheduled times in the windows (but the last 2 s) neither run nor reported
//                                      missed (job_missed) or refused (job_max_instances)
// On stderr: CPU time of the schedulers and of the PostgreSQL server per run, missed and refused runs, and with
// --stats the statements that took the server's time in the window (pg_stat_statements).
//
// Usage: bench/run pg_cluster [--seconds S] [--jobs N] [--warmup W] [--only 1|3] [--stats] [--keep]
//                             [--pg NAME=VALUE]... [--lead L]
// --keep keeps the directory with each scheduler's warnings and errors (<tmp>/asched-bench-pg-*/bench<n>-<i>.bin.log)
// and the server's log; --pg adds a server setting (log_statement=mod, autovacuum_naptime=1, ...).
// Targets: runs/s >= 9,900 for both, p99 <= 50 ms, no duplicates. A short run: --seconds 10 --jobs 2000.
#include <asched/events.hpp>
#include <asched/log.hpp>
#include <asched/postgres_job_store.hpp>
#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "bench_common.hpp"
#include "common/pg_query.hpp"
#include "common/pg_server.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

struct settings
{
    long jobs = 10'000;
    int seconds = 30;
    int warmup = 5;
    double lead_s = 0;  // 0: from the number of jobs
    bool run_1 = true, run_3 = true;
    bool stats = false;
    bool keep = false;  // keep the directory with each scheduler's log of warnings and errors
    std::vector<std::string> server_settings{"fsync=off", "synchronous_commit=off"};
};

[[noreturn]] void usage(const char* program)
{
    std::fprintf(
        stderr,
        "usage: %s [--seconds S] [--jobs N] [--warmup W] [--only 1|3] [--stats] [--keep] [--pg NAME=VALUE]... "
        "[--lead SECONDS]\n",
        program
    );
    std::exit(2);
}

settings parse(int argc, char** argv)
{
    settings s;
    for (int i = 1; i < argc; ++i)
    {
        const std::string_view arg = argv[i];
        if (arg == "--stats" || arg == "--keep")
        {
            (arg == "--stats" ? s.stats : s.keep) = true;
            continue;
        }
        if (i + 1 >= argc)
            usage(argv[0]);
        const std::string_view value = argv[++i];
        if (arg == "--seconds")
            s.seconds = std::atoi(value.data());
        else if (arg == "--jobs")
            s.jobs = std::atol(value.data());
        else if (arg == "--warmup")
            s.warmup = std::atoi(value.data());
        else if (arg == "--pg")
            s.server_settings.emplace_back(value);
        else if (arg == "--lead")
            s.lead_s = std::atof(value.data());
        else if (arg == "--only" && (value == "1" || value == "3"))
        {
            s.run_1 = value == "1";
            s.run_3 = value == "3";
        }
        else
            usage(argv[0]);
    }
    if (s.jobs < 1 || s.seconds < 2 || s.warmup < 0 || s.warmup >= s.seconds)
        usage(argv[0]);
    return s;
}

std::int64_t micros_now()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void sleep_until_micros(std::int64_t at)
{
    const auto left = at - micros_now();
    if (left > 0)
        std::this_thread::sleep_for(std::chrono::microseconds(left));
}

double cpu_s() { return bench::cpu_us() / 1e6; }

// ---- one scheduler (a child process) -------------------------------------------------------------------------------

struct run_record
{
    std::uint32_t job;
    std::int64_t scheduled_us;
    std::int64_t started_us;
};

// What a scheduler process reports besides its runs, at the head of its file
struct scheduler_summary
{
    std::uint64_t runs = 0;
    std::uint64_t missed = 0;
    std::uint64_t refused = 0;
    std::uint64_t store_errors = 0;
    std::uint64_t leases_lost = 0;  // fires refused by the store (logged: "no longer holds it")
    std::uint64_t reports = 0;      // missed and refused times, written after the runs
    double setup_s = 0;             // from the first add to the last add's completion
    double window_cpu_s = 0;        // CPU time of this process in the window
    std::int64_t ready_us = 0;      // when the last add completed
};

// The state the no-op runs touch: globals, so that the task is a lambda without captures
std::vector<run_record> records;
std::size_t recorded = 0;
std::vector<run_record> reports;  // missed and refused times (started_us 0)

void record_run(const asched::job_context& ctx)
{
    const std::int64_t started = micros_now();
    const std::string& id = ctx.job_id();
    std::uint32_t job = 0;
    std::from_chars(id.data() + 1, id.data() + id.size(), job);
    if (recorded < records.size())
        records[recorded] = {job, ctx.scheduled_run_time().time_since_epoch().count(), started};
    ++recorded;
}

std::string job_id(long i)
{
    char text[32];
    std::snprintf(text, sizeof text, "j%06ld", i);
    return text;
}

/// Runs one scheduler until T0 + duration + 0.5 s, then writes its summary and runs to `out`.
int run_scheduler(
    int number,
    const std::string& conninfo,
    const std::string& prefix,
    const settings& s,
    std::int64_t t0,
    const fs::path& out
)
{
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    records.assign(static_cast<std::size_t>(s.jobs) * static_cast<std::size_t>(s.seconds + 2), run_record{});
    recorded = 0;
    scheduler_summary summary;

    asio::io_context io;
    const std::string tag = "[scheduler " + std::to_string(number) + "] ";
    // Warnings and errors: the first few on stderr, all in <prefix>-<n>.log (kept with --keep)
    std::size_t logged = 0;
    std::FILE* log_file = std::fopen((out.string() + ".log").c_str(), "w");
    asched::scheduler sched(
        io,
        asched::scheduler_options{
            .log =
                [&](asched::log_level level, std::string_view line) {
                    if (line.find("no longer holds it") != std::string_view::npos)
                        ++summary.leases_lost;
                    if (log_file != nullptr)
                        std::fprintf(
                            log_file,
                            "%lld %s %.*s\n",
                            static_cast<long long>(micros_now()),
                            asched::to_string(level).data(),
                            static_cast<int>(line.size()),
                            line.data()
                        );
                    if (++logged <= 3)
                        bench::progress(
                            "%sasched %s: %.*s",
                            tag.c_str(),
                            asched::to_string(level).data(),
                            static_cast<int>(line.size()),
                            line.data()
                        );
                },
            .minimum_log_level = asched::log_level::warning,
        }
    );
    sched.register_task("tick", [](const asched::job_context& ctx) { record_run(ctx); });
    sched.add_listener(
        [&](const asched::event& e) {
            if (e.code == asched::event_code::jobstore_error)
            {
                ++summary.store_errors;
                return;
            }
            (e.code == asched::event_code::job_missed ? summary.missed : summary.refused
            ) += e.scheduled_run_times.size();
            std::uint32_t job = 0;
            std::from_chars(e.job_id.data() + 1, e.job_id.data() + e.job_id.size(), job);
            for (const asched::instant t : e.scheduled_run_times)
                reports.push_back({job, t.time_since_epoch().count(), 0});
        },
        asched::event_code::job_missed | asched::event_code::job_max_instances | asched::event_code::jobstore_error
    );
    sched.add_jobstore(
        "shared",
        std::make_shared<asched::postgres_job_store>(
            io.get_executor(),
            asched::postgres_store_options{.conninfo = conninfo, .table_prefix = prefix}
        )
    );
    sched.start();

    // Register every job; each completion means the job is in the database
    const auto spacing_us = 1'000'000 / s.jobs;
    const std::int64_t setup_start = micros_now();
    long completed = 0;
    for (long i = 0; i < s.jobs; ++i)
    {
        const asched::instant first{std::chrono::microseconds(t0 + i * spacing_us)};
        sched.async_add_job(
            *sched.find_task("tick"),
            asched::interval_trigger(1s, {.start_date = first}),
            asched::job_options{
                .id = job_id(i),
                .executor = "inline",
                .jobstore = "shared",
                .misfire_grace_time = std::chrono::microseconds(30s),
                .coalesce = false,
                .replace_existing = true,
            },
            [&](std::exception_ptr error, std::string id) {
                if (error)
                {
                    bench::progress("%sadding %s failed", tag.c_str(), id.c_str());
                    std::_Exit(5);
                }
                if (++completed == s.jobs)
                {
                    summary.ready_us = micros_now();
                    summary.setup_s = static_cast<double>(summary.ready_us - setup_start) / 1e6;
                }
            }
        );
    }

    // The CPU window, and the end
    const auto steady_at = [](std::int64_t system_us) {
        return bench::steady::now() + std::chrono::microseconds(system_us - micros_now());
    };
    asio::steady_timer window_start(io, steady_at(t0 + s.warmup * 1'000'000L));
    asio::steady_timer window_end(io, steady_at(t0 + s.seconds * 1'000'000L));
    asio::steady_timer stop(io, steady_at(t0 + s.seconds * 1'000'000L + 500'000));
    double cpu_at_start = 0;
    window_start.async_wait([&](boost::system::error_code) { cpu_at_start = cpu_s(); });
    window_end.async_wait([&](boost::system::error_code) { summary.window_cpu_s = cpu_s() - cpu_at_start; });
    stop.async_wait([&](boost::system::error_code) {
        // The io_context then runs out of work once the store has written its releases and closed
        sched.async_shutdown(true, [](asched::error_code) {});
    });
    io.run();

    if (log_file != nullptr)
        std::fclose(log_file);
    summary.runs = recorded;
    summary.reports = reports.size();
    std::FILE* f = std::fopen(out.c_str(), "wb");
    const std::size_t n = std::min(recorded, records.size());
    if (f == nullptr || std::fwrite(&summary, sizeof summary, 1, f) != 1 ||
        std::fwrite(records.data(), sizeof(run_record), n, f) != n ||
        std::fwrite(reports.data(), sizeof(run_record), reports.size(), f) != reports.size() || std::fclose(f) != 0)
    {
        bench::progress("%scannot write %s", tag.c_str(), out.c_str());
        return 1;
    }
    return 0;
}

// ---- the server's side ---------------------------------------------------------------------------------------------

/// CPU time (user + system, s) of the PostgreSQL processes started by this process: the postmaster, a child of
/// ours, and its children (backends, checkpointer, ...), from /proc/<pid>/stat.
double postgres_cpu_s()
{
    const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
    struct proc
    {
        int pid, ppid;
        double cpu;
        bool postgres;
    };
    std::vector<proc> all;
    DIR* d = ::opendir("/proc");
    if (d == nullptr)
        return 0;
    while (dirent* e = ::readdir(d))
    {
        const int pid = std::atoi(e->d_name);
        if (pid <= 0)
            continue;
        char path[64];
        std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
        std::FILE* f = std::fopen(path, "r");
        if (f == nullptr)
            continue;
        char text[1024];
        const std::size_t n = std::fread(text, 1, sizeof text - 1, f);
        std::fclose(f);
        text[n] = '\0';
        // pid (comm) state ppid ... field 14 utime, 15 stime; comm may hold spaces, so parse after the last ')'
        const char* after = std::strrchr(text, ')');
        const char* before = std::strchr(text, '(');
        if (after == nullptr || before == nullptr)
            continue;
        const bool postgres = std::string_view(before + 1, static_cast<std::size_t>(after - before - 1)) == "postgres";
        char state = 0;
        int ppid = 0;
        unsigned long utime = 0, stime = 0;
        if (std::sscanf(
                after + 2,
                "%c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
                &state,
                &ppid,
                &utime,
                &stime
            ) == 4)
            all.push_back({pid, ppid, static_cast<double>(utime + stime) / tick, postgres});
    }
    ::closedir(d);
    double total = 0;
    const int me = ::getpid();
    for (const proc& p : all)
        if (p.ppid == me && p.postgres)  // the postmaster (the schedulers are our children too)
            for (const proc& c : all)
                if (c.pid == p.pid || c.ppid == p.pid)
                    total += c.cpu;
    return total;
}

// ---- one configuration ---------------------------------------------------------------------------------------------

struct phase_result
{
    double runs_per_s = 0;
    std::vector<std::int64_t> lateness_ns;  // of the runs scheduled in the window
    std::size_t duplicates = 0;
    std::size_t unreported = 0;
};

phase_result run_phase(int schedulers, const settings& s, asched::test::pg_server& server, const fs::path& dir)
{
    const std::string prefix = "bench" + std::to_string(schedulers);
    // Registering 10,000 jobs takes about 3 s here (one statement each), with three schedulers as with one
    const double lead_s = s.lead_s > 0 ? s.lead_s : 3.0 + static_cast<double>(s.jobs) * 0.0005;
    const std::int64_t t0 = (micros_now() + static_cast<std::int64_t>(lead_s * 1e6)) / 1'000'000 * 1'000'000;
    const std::int64_t window_start = t0 + s.warmup * 1'000'000L, window_end = t0 + s.seconds * 1'000'000L;
    bench::progress(
        "pg_cluster %d: %ld jobs on %d scheduler process%s, T0 in %.1f s, runs until T0 + %d s, measured from T0 + %d "
        "s",
        schedulers,
        s.jobs,
        schedulers,
        schedulers == 1 ? "" : "es",
        static_cast<double>(t0 - micros_now()) / 1e6,
        s.seconds,
        s.warmup
    );

    std::vector<pid_t> pids;
    for (int n = 1; n <= schedulers; ++n)
    {
        std::fflush(stdout);
        std::fflush(stderr);
        const pid_t pid = ::fork();
        if (pid < 0)
            throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
        if (pid == 0)
        {
            int status = 1;
            try
            {
                status = run_scheduler(
                    n,
                    server.conninfo(),
                    prefix,
                    s,
                    t0,
                    dir / (prefix + "-" + std::to_string(n) + ".bin")
                );
            }
            catch (const std::exception& e)
            {
                bench::progress("[scheduler %d] error: %s", n, e.what());
            }
            std::fflush(stderr);
            ::_exit(status);  // skips the destructors of what the parent built, the server above all
        }
        pids.push_back(pid);
    }

    // The server's CPU time and statements over the window
    sleep_until_micros(window_start);
    if (s.stats)
        asched::test::query_rows(server.conninfo(), "SELECT pg_stat_statements_reset()", 30s);
    const double pg_cpu_start = postgres_cpu_s();
    sleep_until_micros(window_end);
    const double pg_cpu = postgres_cpu_s() - pg_cpu_start;
    asched::test::pg_rows statements, table;
    if (s.stats)
    {
        statements = asched::test::query_rows(
            server.conninfo(),
            "SELECT calls, round(total_exec_time::numeric, 1), round(total_plan_time::numeric, 1), "
            "round(mean_exec_time::numeric, 3), rows, "
            "regexp_replace(left(query, 100), '\\s+', ' ', 'g') FROM pg_stat_statements ORDER BY total_exec_time DESC "
            "LIMIT 8",
            30s
        );
        // Row versions written (HOT: without new index entries), dead ones, and the table's size with its indexes
        table = asched::test::query_rows(
            server.conninfo(),
            "SELECT n_tup_upd, n_tup_hot_upd, n_dead_tup, autovacuum_count, "
            "pg_size_pretty(pg_total_relation_size(relid)) FROM pg_stat_user_tables WHERE relname = '" +
                prefix + "_jobs'",
            30s
        );
    }

    bool failed = false;
    for (const pid_t pid : pids)
    {
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR)
        {
        }
        failed = failed || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    if (failed)
        throw std::runtime_error("a scheduler process failed");

    // Merge the runs
    phase_result r;
    const auto spacing_us = 1'000'000 / s.jobs;
    const auto periods = static_cast<std::size_t>(s.seconds + 2);
    std::vector<std::uint8_t> seen(static_cast<std::size_t>(s.jobs) * periods, 0);
    std::vector<std::uint8_t> was_reported(seen.size(), 0);
    std::size_t in_window = 0, unplaced = 0;
    double scheduler_cpu = 0;
    std::uint64_t missed = 0, refused = 0, store_errors = 0, leases_lost = 0;
    for (int n = 1; n <= schedulers; ++n)
    {
        const fs::path file = dir / (prefix + "-" + std::to_string(n) + ".bin");
        std::FILE* f = std::fopen(file.c_str(), "rb");
        scheduler_summary summary;
        if (f == nullptr || std::fread(&summary, sizeof summary, 1, f) != 1)
            throw std::runtime_error("cannot read " + file.string());
        std::vector<run_record> runs(summary.runs), reported(summary.reports);
        runs.resize(std::fread(runs.data(), sizeof(run_record), runs.size(), f));
        reported.resize(std::fread(reported.data(), sizeof(run_record), reported.size(), f));
        std::fclose(f);
        fs::remove(file);
        bench::progress(
            "  scheduler %d: %zu runs, setup %.2f s (ready %.2f s before T0), %.2f s CPU in the window, missed %llu, "
            "refused %llu, job store errors %llu, fires refused by the store (lease lost) %llu",
            n,
            runs.size(),
            summary.setup_s,
            static_cast<double>(t0 - summary.ready_us) / 1e6,
            summary.window_cpu_s,
            static_cast<unsigned long long>(summary.missed),
            static_cast<unsigned long long>(summary.refused),
            static_cast<unsigned long long>(summary.store_errors),
            static_cast<unsigned long long>(summary.leases_lost)
        );
        leases_lost += summary.leases_lost;
        scheduler_cpu += summary.window_cpu_s;
        missed += summary.missed;
        refused += summary.refused;
        store_errors += summary.store_errors;
        for (const run_record& run : runs)
        {
            const std::int64_t offset = run.scheduled_us - t0 - static_cast<std::int64_t>(run.job) * spacing_us;
            if (run.job >= static_cast<std::uint32_t>(s.jobs) || offset < 0 || offset % 1'000'000 != 0 ||
                static_cast<std::size_t>(offset / 1'000'000) >= periods)
            {
                ++unplaced;
                continue;
            }
            std::uint8_t& count = seen[run.job * periods + static_cast<std::size_t>(offset / 1'000'000)];
            r.duplicates += count != 0 ? 1 : 0;
            count = static_cast<std::uint8_t>(std::min(count + 1, 255));
            if (run.started_us >= window_start && run.started_us < window_end)
                ++in_window;
            if (run.scheduled_us >= window_start && run.scheduled_us < window_end)
                r.lateness_ns.push_back((run.started_us - run.scheduled_us) * 1000);
        }
        for (const run_record& m : reported)
        {
            const std::int64_t offset = m.scheduled_us - t0 - static_cast<std::int64_t>(m.job) * spacing_us;
            if (m.job < static_cast<std::uint32_t>(s.jobs) && offset >= 0 && offset % 1'000'000 == 0 &&
                static_cast<std::size_t>(offset / 1'000'000) < periods)
                was_reported[m.job * periods + static_cast<std::size_t>(offset / 1'000'000)] = 1;
        }
    }
    // Scheduled times in the window, up to 2 s before its end (later ones may still be waiting for their turn),
    // that neither ran nor were reported missed or refused
    for (long job = 0; job < s.jobs; ++job)
        for (std::size_t k = 0; k < periods; ++k)
        {
            const std::int64_t t = t0 + job * spacing_us + static_cast<std::int64_t>(k) * 1'000'000;
            const std::size_t i = static_cast<std::size_t>(job) * periods + k;
            if (t >= window_start && t < window_end - 2'000'000 && seen[i] == 0 && was_reported[i] == 0)
                ++r.unreported;
        }
    const double window_s = static_cast<double>(window_end - window_start) / 1e6;
    r.runs_per_s = static_cast<double>(in_window) / window_s;
    std::vector<std::int64_t> sorted = r.lateness_ns;
    const bench::percentiles p = bench::lateness_percentiles(sorted);
    const double runs = static_cast<double>(in_window);
    bench::progress(
        "pg_cluster %d: %.0f runs/s; lateness p50 %.2f ms, p99 %.2f ms, max %.1f ms; duplicates %zu, missed %llu, "
        "refused %llu, neither run nor reported %zu; job store errors %llu, fires refused by the store %llu%s; CPU per "
        "run: schedulers %.1f us, PostgreSQL %.1f us "
        "(%.0f%% and %.0f%% of one core)",
        schedulers,
        r.runs_per_s,
        p.p50_us / 1e3,
        p.p99_us / 1e3,
        p.max_us / 1e3,
        r.duplicates,
        static_cast<unsigned long long>(missed),
        static_cast<unsigned long long>(refused),
        r.unreported,
        static_cast<unsigned long long>(store_errors),
        static_cast<unsigned long long>(leases_lost),
        unplaced != 0 ? (", " + std::to_string(unplaced) + " runs at unexpected times").c_str() : "",
        runs > 0 ? scheduler_cpu * 1e6 / runs : 0.0,
        runs > 0 ? pg_cpu * 1e6 / runs : 0.0,
        100 * scheduler_cpu / window_s,
        100 * pg_cpu / window_s
    );
    if (!statements.empty())
    {
        bench::progress(
            "  statements in the window, by execution time (pg_stat_statements; exec and plan: total ms; us/run: "
            "execution and planning per run in the window):"
        );
        bench::progress("  %7s %9s %8s %8s %7s %8s  %s", "calls", "exec", "plan", "mean ms", "us/run", "rows", "query");
        for (const auto& row : statements)
        {
            const double total_ms = std::atof(row[1].value_or("0").c_str()) + std::atof(row[2].value_or("0").c_str());
            bench::progress(
                "  %7s %9s %8s %8s %7.1f %8s  %s",
                row[0].value_or("").c_str(),
                row[1].value_or("").c_str(),
                row[2].value_or("").c_str(),
                row[3].value_or("").c_str(),
                runs > 0 ? total_ms * 1e3 / runs : 0.0,
                row[4].value_or("").c_str(),
                row[5].value_or("").c_str()
            );
        }
        for (const auto& row : table)
            bench::progress(
                "  table %s_jobs since its creation: %s row updates, %s of them HOT; %s dead rows now, %s autovacuums; "
                "%s with its indexes",
                prefix.c_str(),
                row[0].value_or("?").c_str(),
                row[1].value_or("?").c_str(),
                row[2].value_or("?").c_str(),
                row[3].value_or("?").c_str(),
                row[4].value_or("?").c_str()
            );
    }
    return r;
}

}  // namespace

int main(int argc, char** argv)
{
    const settings s = parse(argc, argv);
    try
    {
        std::vector<std::string> server_settings = s.server_settings;
        if (s.stats)
        {
            server_settings.emplace_back("shared_preload_libraries=pg_stat_statements");
            server_settings.emplace_back("pg_stat_statements.track=all");
            server_settings.emplace_back("pg_stat_statements.track_planning=on");
        }
        bench::progress("pg_cluster: starting a throwaway PostgreSQL server");
        asched::test::pg_server server(server_settings);
        if (s.stats)
            asched::test::query_rows(server.conninfo(), "CREATE EXTENSION IF NOT EXISTS pg_stat_statements", 30s);
        std::string dir = (fs::temp_directory_path() / "asched-bench-pg-XXXXXX").string();
        if (::mkdtemp(dir.data()) == nullptr)
            throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));

        std::vector<std::int64_t> lateness;
        std::size_t duplicates = 0, unreported = 0;
        std::optional<double> per_s_1, per_s_3;
        for (const int schedulers : {1, 3})
        {
            if ((schedulers == 1 && !s.run_1) || (schedulers == 3 && !s.run_3))
                continue;
            phase_result r = run_phase(schedulers, s, server, dir);
            (schedulers == 1 ? per_s_1 : per_s_3) = r.runs_per_s;
            lateness.insert(lateness.end(), r.lateness_ns.begin(), r.lateness_ns.end());
            duplicates += r.duplicates;
            unreported += r.unreported;
        }
        if (s.keep)
        {
            std::error_code ignored;
            for (const auto& entry : fs::recursive_directory_iterator(server.directory(), ignored))
                if (entry.path().extension() == ".log")
                    fs::copy_file(
                        entry.path(),
                        fs::path(dir) / ("server-" + entry.path().filename().string()),
                        ignored
                    );
            bench::progress("pg_cluster: the schedulers' and the server's logs are in %s", dir.c_str());
        }
        else
            fs::remove_all(dir);

        const bench::percentiles p = bench::lateness_percentiles(lateness);
        const double wanted = 0.99 * static_cast<double>(s.jobs);
        bool met = true;
        const auto report = [&](const char* name, double value, int decimals, const char* target, bool ok) {
            bench::metric(name, value, decimals);
            bench::progress("%s = %.*f: target %s %s", name, decimals, value, target, ok ? "met" : "MISSED");
            met = met && ok;
        };
        const std::string runs_target = ">= " + std::to_string(static_cast<long>(wanted));
        if (per_s_1)
            report("pg_runs_per_s_1", *per_s_1, 0, runs_target.c_str(), *per_s_1 >= wanted);
        if (per_s_3)
            report("pg_runs_per_s_3", *per_s_3, 0, runs_target.c_str(), *per_s_3 >= wanted);
        bench::metric("pg_lateness_p50_ms", p.p50_us / 1e3, 2);
        report("pg_lateness_p99_ms", p.p99_us / 1e3, 2, "<= 50", p.p99_us <= 50'000);
        report("pg_duplicates", static_cast<double>(duplicates), 0, "0", duplicates == 0);
        bench::metric("pg_unreported", static_cast<double>(unreported));
        return met ? 0 : 1;
    }
    catch (const std::exception& e)
    {
        bench::progress("pg_cluster: %s", e.what());
        return 1;
    }
}
