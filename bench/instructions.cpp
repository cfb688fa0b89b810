// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// bench_instructions: the workloads of bench/add, bench/burst, bench/steady and bench/cron_next cut to a size that
// valgrind's callgrind runs in seconds, each phase bracketed by callgrind client requests, so that callgrind counts
// exactly the instructions of the phase, in every thread: CALLGRIND_ZERO_STATS when its setup is done,
// CALLGRIND_DUMP_STATS_AT("<phase>/<operations>") when its last operation is. bench/callgrind_check divides each
// dump's total by the operations in its name; bench/profile reads the functions in each dump. Outside valgrind the
// requests do nothing and the program just runs the phases.
//
// Phases (`--phases a,b,...`; default all but sqlite_start):
//
// - asched_add / raw_add: N interval jobs (1 h) added to a started scheduler (memory store, inline executor) from
//   one handler / N raw Asio steady_timers armed (expires_after + async_wait), as bench/add.
// - asched_burst / raw_burst: N date jobs all due at one instant T / N timers expiring at T, as bench/burst, but with
//   no misfire grace limit (under valgrind a burst takes longer than 1 s: late runs must still take the path of
//   runs on time). Counted from the end of the adds (the loop then sleeps until T) through the last run and the
//   sweep of finished jobs behind it.
// - asched_steady / raw_steady: M interval jobs (1 s, no grace limit) all first due at one instant T, K runs each,
//   so that M runs share one wake-up each second / M timers re-armed on absolute deadlines: a run that re-arms its
//   job, as in bench/steady (whose 10,000 distinct deadlines a second would make the count depend on how many runs
//   each wake-up finds due).
// - cron_next: A next fire times over the six expressions of bench/cron_next (A / 6 each, chains from 2026).
// - tz_floor: A date-tz round trips UTC -> local -> UTC, the floor bench/cron_next compares with.
// - sqlite_start: a new scheduler over a SQLite job file of S interval jobs (`--sqlite-file`, made beforehand with
//   `--make-sqlite FILE`), from its construction until all S are loaded and armed, as bench/sqlite's start.
//
// Options: --n N (default 20,000), --steady-jobs M (2,000), --periods K (4), --answers A (60,000), --sqlite-jobs S
// (20,000), --phases LIST, --sqlite-file FILE, --make-sqlite FILE (writes the file of S jobs and exits).
#include <asched/scheduler.hpp>
#include <asched/time.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <date/tz.h>
#include <functional>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sqlite_common.hpp"

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(label) static_cast<void>(label)
#endif

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

struct settings
{
    long n = 20'000;
    long steady_jobs = 2'000;
    int periods = 4;
    long answers = 60'000;
    long sqlite_jobs = 20'000;
    std::set<std::string, std::less<>> phases{
        "asched_add",
        "raw_add",
        "asched_burst",
        "raw_burst",
        "asched_steady",
        "raw_steady",
        "cron_next",
        "tz_floor"};
    std::string sqlite_file;
    std::string make_sqlite;
};

// ------------------------------------------------------------------------------------------------ measurement

/// Ends a phase: callgrind writes the instructions since the phase began, labelled with the phase and its count.
void dump(const char* phase, long operations)
{
    const std::string label = std::string(phase) + "/" + std::to_string(operations);
    CALLGRIND_DUMP_STATS_AT(label.c_str());
    std::printf("%s: %ld operations\n", phase, operations);
    std::fflush(stdout);
}

/// Begins a phase: what ran before it is not counted.
void zero() { CALLGRIND_ZERO_STATS; }

// The state the runs touch: globals, so that job callables have no captures
long runs_left = 0;
asio::io_context* context = nullptr;
const char* phase_name = "";
long phase_operations = 0;

/// After the last run: two hops through the io_context's queue, behind the sweep that the scheduler posted during
/// the runs (finished jobs leave the index and their records are freed there), then the dump.
void end_after_queue(int hops)
{
    asio::post(*context, [hops] {
        if (hops > 1)
        {
            end_after_queue(hops - 1);
            return;
        }
        dump(phase_name, phase_operations);
        context->stop();
    });
}

void count_run()
{
    if (--runs_left == 0)
        end_after_queue(3);
}

void begin_runs(asio::io_context& ctx, const char* phase, long runs)
{
    context = &ctx;
    phase_name = phase;
    phase_operations = runs;
    runs_left = runs;
}

// ------------------------------------------------------------------------------------------------------ add

/// Adds `n` interval jobs to a started scheduler, as bench/add. Returns the seconds it took.
double asched_add(long n)
{
    asio::io_context ctx;
    asched::scheduler sched(ctx);
    double seconds = 0;
    asio::post(ctx, [&] {
        sched.start();
        const auto t0 = std::chrono::steady_clock::now();
        zero();
        for (long i = 0; i < n; ++i)
            sched.add_job([] {}, asched::interval_trigger{std::chrono::hours{1}}, {.executor = "inline"});
        dump("asched_add", n);
        seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        ctx.stop();
    });
    ctx.run();
    return seconds;
}

void raw_add(long n)
{
    asio::io_context ctx;
    std::vector<asio::steady_timer> timers;
    asio::post(ctx, [&] {
        zero();
        timers.reserve(static_cast<std::size_t>(n));
        for (long i = 0; i < n; ++i)
        {
            asio::steady_timer& timer = timers.emplace_back(ctx);
            timer.expires_after(1h);
            timer.async_wait([](const boost::system::error_code&) {});
        }
        dump("raw_add", n);
        ctx.stop();
    });
    ctx.run();
}

// ---------------------------------------------------------------------------------------------------- burst

void asched_burst(long n, std::chrono::microseconds lead)
{
    asio::io_context ctx;
    begin_runs(ctx, "asched_burst", n);
    asched::scheduler sched(ctx);
    asio::post(ctx, [&] {
        sched.start();
        const asched::instant due = std::chrono::floor<std::chrono::microseconds>(asched::system_clocks::now()) + lead;
        const asched::date_trigger at_due{due};
        for (long i = 0; i < n; ++i)
            sched.add_job(
                [] { count_run(); },
                at_due,
                {.executor = "inline", .misfire_grace_time = asched::unlimited_grace}
            );
        zero();
    });
    ctx.run();
}

void raw_burst(long n, std::chrono::microseconds lead)
{
    asio::io_context ctx;
    begin_runs(ctx, "raw_burst", n);
    std::vector<asio::steady_timer> timers;
    asio::post(ctx, [&] {
        const auto due = std::chrono::steady_clock::now() + lead;
        timers.reserve(static_cast<std::size_t>(n));
        for (long i = 0; i < n; ++i)
        {
            asio::steady_timer& timer = timers.emplace_back(ctx, due);
            timer.async_wait([](const boost::system::error_code&) { count_run(); });
        }
        zero();
    });
    ctx.run();
}

// --------------------------------------------------------------------------------------------------- steady

void asched_steady(long jobs, int periods, std::chrono::microseconds lead)
{
    asio::io_context ctx;
    begin_runs(ctx, "asched_steady", jobs * periods);
    asched::scheduler sched(ctx);
    asio::post(ctx, [&] {
        sched.start();
        const asched::instant first = std::chrono::floor<std::chrono::microseconds>(asched::system_clocks::now()) +
                                      lead;
        const asched::trigger every_second = asched::interval_trigger{
            1s,
            {.start_date = first, .end_date = first + (periods - 1) * 1s}};
        for (long i = 0; i < jobs; ++i)
            sched.add_job(
                [](const asched::job_context&) { count_run(); },
                every_second,
                {.executor = "inline", .misfire_grace_time = asched::unlimited_grace}
            );
        zero();
    });
    ctx.run();
}

struct raw_job
{
    asio::steady_timer timer;
    std::chrono::steady_clock::time_point deadline;
    int runs_left;
};

void arm(raw_job& job)
{
    job.timer.expires_at(job.deadline);
    job.timer.async_wait([&job](const boost::system::error_code& ec) {
        if (ec)
            return;
        count_run();
        if (--job.runs_left > 0)
        {
            job.deadline += 1s;
            arm(job);
        }
    });
}

void raw_steady(long jobs, int periods, std::chrono::microseconds lead)
{
    asio::io_context ctx;
    begin_runs(ctx, "raw_steady", jobs * periods);
    std::vector<raw_job> timers;
    asio::post(ctx, [&] {
        const auto first = std::chrono::steady_clock::now() + lead;
        timers.reserve(static_cast<std::size_t>(jobs));
        for (long i = 0; i < jobs; ++i)
            arm(timers.emplace_back(raw_job{asio::steady_timer(ctx), first, periods}));
        zero();
    });
    ctx.run();
}

// ------------------------------------------------------------------------------------------------- triggers

void cron_next(long answers)
{
    const auto berlin = asched::time_zone::locate("Europe/Berlin");
    const asched::trigger_options in_berlin{.timezone = berlin};
    const std::vector<asched::trigger> mix = {
        asched::cron_trigger::from_crontab("*/5 * * * *", in_berlin),
        asched::cron_trigger::from_crontab("0 9-17 * * mon-fri", in_berlin),
        asched::cron_trigger::from_crontab("30 2 1,15 * *", in_berlin),
        asched::cron_trigger::from_crontab("0 0 29 2 *", in_berlin),
        asched::cron_trigger({.day = "last fri", .hour = "18"}, in_berlin),
        asched::cron_trigger::from_crontab("*/10 * * * * *", in_berlin),
    };
    const asched::instant start = asched::parse_datetime("2026-01-01T00:00:00Z", berlin);
    const long per_trigger = answers / static_cast<long>(mix.size());
    std::int64_t checksum = 0;
    for (const auto& trigger : mix)  // warm up: the zone's tables
        checksum += trigger.next_fire_time(std::nullopt, start)->time_since_epoch().count();
    zero();
    for (const auto& trigger : mix)
    {
        std::optional<asched::instant> previous;
        for (long i = 0; i < per_trigger; ++i)
        {
            previous = trigger.next_fire_time(previous, previous ? *previous : start);
            checksum += previous ? previous->time_since_epoch().count() : 1;
        }
    }
    dump("cron_next", per_trigger * static_cast<long>(mix.size()));
    std::printf("checksum: %lld\n", static_cast<long long>(checksum % 1000));
}

void tz_floor(long answers)
{
    const date::time_zone* berlin = date::locate_zone("Europe/Berlin");
    const auto start = date::sys_seconds{date::sys_days{date::year{2026} / 1 / 1}};
    std::int64_t checksum = berlin->to_local(start).time_since_epoch().count();  // warm up
    zero();
    for (long i = 0; i < answers; ++i)
    {
        const auto instant = start + std::chrono::minutes{5 * i};
        checksum += berlin->to_sys(berlin->to_local(instant), date::choose::earliest).time_since_epoch().count();
    }
    dump("tz_floor", answers);
    std::printf("checksum: %lld\n", static_cast<long long>(checksum % 1000));
}

// --------------------------------------------------------------------------------------------------- sqlite

void sqlite_start(const std::string& path, long jobs)
{
    asio::io_context ctx;
    asio::steady_timer poll(ctx);
    zero();
    asched::scheduler sched(ctx, bench::sqlite::store_options(path));
    sched.register_task("noop", [] {});
    sched.start();
    // The listing is applied in one handler, so the count jumps to `jobs` once every job is loaded and armed. A
    // slow poll (every 20 ms) adds next to nothing to the count, where a busy one would count the time the store's
    // thread takes
    std::function<void()> check = [&] {
        if (sched.job_count() >= static_cast<std::size_t>(jobs))
        {
            dump("sqlite_start", jobs);
            ctx.stop();
            return;
        }
        poll.expires_after(20ms);
        poll.async_wait([&](const boost::system::error_code& ec) {
            if (!ec)
                check();
        });
    };
    check();
    ctx.run();
}

// ------------------------------------------------------------------------------------------------ arguments

[[noreturn]] void usage(const char* program)
{
    std::fprintf(
        stderr,
        "usage: %s [--n N] [--steady-jobs M] [--periods K] [--answers A] [--sqlite-jobs S] [--phases LIST] "
        "[--sqlite-file FILE] [--make-sqlite FILE]\n",
        program
    );
    std::exit(2);
}

settings parse(int argc, char** argv)
{
    settings s;
    for (int i = 1; i < argc; i += 2)
    {
        if (i + 1 >= argc)
            usage(argv[0]);
        const std::string_view arg = argv[i];
        const char* value = argv[i + 1];
        if (arg == "--n")
            s.n = std::atol(value);
        else if (arg == "--steady-jobs")
            s.steady_jobs = std::atol(value);
        else if (arg == "--periods")
            s.periods = std::atoi(value);
        else if (arg == "--answers")
            s.answers = std::atol(value);
        else if (arg == "--sqlite-jobs")
            s.sqlite_jobs = std::atol(value);
        else if (arg == "--sqlite-file")
            s.sqlite_file = value;
        else if (arg == "--make-sqlite")
            s.make_sqlite = value;
        else if (arg == "--phases")
        {
            s.phases.clear();
            std::stringstream list{std::string(value)};
            for (std::string phase; std::getline(list, phase, ',');)
                s.phases.insert(phase);
        }
        else
            usage(argv[0]);
    }
    if (s.n < 1 || s.steady_jobs < 1 || s.periods < 1 || s.answers < 6 || s.sqlite_jobs < 1)
        usage(argv[0]);
    return s;
}

}  // namespace

int main(int argc, char** argv)
{
    const settings s = parse(argc, argv);
    if (!s.make_sqlite.empty())
    {
        const auto r = bench::sqlite::add_jobs(s.make_sqlite, s.sqlite_jobs);
        std::printf("made %s: %ld jobs, %.1f MB\n", s.make_sqlite.c_str(), s.sqlite_jobs, r.file_mb);
        return r.failed == 0 ? 0 : 1;
    }
    const auto wants = [&](std::string_view phase) { return s.phases.contains(phase); };

    // The adds tell how long adding takes here (under valgrind, 50-100 times longer than natively), so that the
    // due instants of the burst and the steady phase lie after their adds. A burst whose instant passes during its
    // adds would count the same (its timers cannot fire before the adding handler returns, and no run is a misfire);
    // the steady phase needs each second's runs on time, so that each re-arms its job the way of runs on time.
    double add_s = 1e-6 * static_cast<double>(s.n);
    if (wants("asched_add"))
        add_s = asched_add(s.n);
    if (wants("raw_add"))
        raw_add(s.n);
    const auto lead = [&](long jobs) {
        return std::chrono::microseconds{
            static_cast<long>((0.3 + 1.5 * add_s * static_cast<double>(jobs) / static_cast<double>(s.n)) * 1e6)};
    };
    if (wants("asched_burst"))
        asched_burst(s.n, lead(s.n));
    if (wants("raw_burst"))
        raw_burst(s.n, lead(s.n));
    if (wants("asched_steady"))
        asched_steady(s.steady_jobs, s.periods, lead(s.steady_jobs));
    if (wants("raw_steady"))
        raw_steady(s.steady_jobs, s.periods, lead(s.steady_jobs));
    if (wants("cron_next"))
        cron_next(s.answers);
    if (wants("tz_floor"))
        tz_floor(s.answers);
    if (wants("sqlite_start"))
    {
        if (s.sqlite_file.empty())
            usage(argv[0]);
        sqlite_start(s.sqlite_file, s.sqlite_jobs);
    }
}
