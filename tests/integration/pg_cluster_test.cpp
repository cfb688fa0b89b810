// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// The cluster test of the PostgreSQL job store: three scheduler processes share 200 jobs through one database; one
// of them is killed, the database is restarted, and every run must still happen exactly once (or be reported).
//
//   pg_cluster_test --test [--keep]            the test (CTest integration.pg_cluster): starts a throwaway server,
//                                              runs itself as three schedulers (T0, the jobs' first time, is 2 to
//                                              3 s later), stops (SIGSTOP) schedulers 1 and 3 at T0 + 5.4 s so that
//                                              2 takes the jobs once their leases expire, SIGKILLs scheduler 2 at
//                                              T0 + 12.6 s (mid-second: no run is in flight; it holds every job) and
//                                              resumes the others (a stall longer than the lease: they must not fire
//                                              on their expired leases), restarts PostgreSQL at T0 + 20 s, SIGTERMs
//                                              the two others at T0 + 30.6 s, then checks their logs (about 40 s).
//                                              --keep keeps the directory of logs even on success
//   pg_cluster_test --scheduler N --conninfo C --log FILE --start MICROS [--prefix P]
//                                              one scheduler: an asched::scheduler on its own io_context with a
//                                              postgres_job_store (lease 5 s) holding job000..job199 (every second
//                                              from MICROS, a registered task on the inline executor, misfire grace
//                                              8 s, no coalescing, max_instances 10 so that a backlog after a
//                                              takeover runs whole, replace_existing). Each run appends
//                                              `job_id scheduled_micros N fencing_token started_micros` to FILE,
//                                              each missed run (job_missed) `MISSED job_id scheduled_micros N`, each
//                                              refused one (job_max_instances) `REFUSED job_id scheduled_micros N`,
//                                              with one write(2) on an O_APPEND descriptor: the lines survive a
//                                              SIGKILL and do not depend on the database. The scheduler's own log
//                                              (debug) goes to asched-N.log beside FILE. Exits 0 after a graceful
//                                              shutdown on SIGTERM
//
// Checks: no run recorded twice (job and scheduled time) across the logs; no scheduled time lost (from a job's first
// recorded time + 1 s to the SIGTERM - 2 s, each whole second is a run or a MISSED line, or else a REFUSED one,
// which is printed apart); the jobs scheduler 2 ran last before its death are run by another within lease time + 2 s
// of the kill; both survivors exit 0; every job has runs scheduled 3 s or more after the restart; fencing tokens
// never go down along a job's runs; the survivors' graceful shutdowns leave no lease held in the table. It prints
// the counts whatever the outcome, and on a failure the evidence (processes, fencing tokens, start times) and keeps
// the directory, with the server's log.

#include <asched/events.hpp>
#include <asched/log.hpp>
#include <asched/postgres_job_store.hpp>
#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "common/pg_query.hpp"
#include "common/pg_server.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr int job_count = 200;
constexpr auto lease_time = 5s;
constexpr auto misfire_grace = 8s;  // a takeover comes up to one lease (5 s) plus a poll late
constexpr int scheduler_count = 3;
constexpr int victim = 2;  // the scheduler that is killed
// The timeline, from T0 (the first scheduled time of every job, a whole second)
// A job whose next run is near stays with the scheduler that holds it (each fire's write extends the lease), so the
// others are stopped for longer than a lease: the victim takes every job when their leases expire (about T0 + 10 s)
constexpr auto pause_at = 5400ms;  // the others are stopped from here to the kill
constexpr auto kill_at = 12600ms;
constexpr auto restart_at = 20s;
// Mid-second too: one survivor holds the jobs due at the next second, and its shutdown must release them
constexpr auto terminate_at = 30600ms;

std::int64_t micros_now()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string job_id(int i)
{
    char text[16];
    std::snprintf(text, sizeof text, "job%03d", i);
    return text;
}

/// All of `text` to the descriptor with as few write(2) calls as it takes (one, for a line on an O_APPEND file).
void write_all(int fd, std::string_view text)
{
    while (!text.empty())
    {
        const auto n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            std::_Exit(4);  // a lost line would make the test fail (or pass) for the wrong reason
        text.remove_prefix(static_cast<std::size_t>(n));
    }
}

/// One line to stderr in one write(2), so that the lines of the three schedulers and the test do not interleave.
template <class... Parts>
void say(const Parts&... parts)
{
    std::ostringstream line;
    (line << ... << parts) << '\n';
    const std::string text = line.str();
    [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, text.data(), text.size());
}

// ---- a scheduler ---------------------------------------------------------------------------------------------------

struct child_options
{
    int number = 0;
    std::string conninfo;
    fs::path log;
    std::int64_t start_micros = 0;
    std::string prefix = "cluster";
};

int run_scheduler(const child_options& o)
{
    // Never outlive the test that started us, however it ended
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    const std::string tag = "[scheduler " + std::to_string(o.number) + "] ";
    const int runs_fd = ::open(o.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const fs::path sched_log = o.log.parent_path() / ("asched-" + std::to_string(o.number) + ".log");
    const int log_fd = ::open(sched_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (runs_fd < 0 || log_fd < 0)
    {
        say(tag, "cannot open ", o.log, " or ", sched_log, ": ", std::strerror(errno));
        return 3;
    }

    // Everything the scheduler logs goes to its file; warnings and errors also to stderr, the first few of them
    std::size_t warnings = 0, errors = 0;
    const auto sink = [&](asched::log_level level, std::string_view line) {
        const std::string text = std::to_string(micros_now()) + " " + std::string(asched::to_string(level)) + " " +
                                 std::string(line) + "\n";
        write_all(log_fd, text);
        if (level < asched::log_level::warning)
            return;
        const std::size_t n = ++(level == asched::log_level::error ? errors : warnings);
        if (n <= 5)
            say(tag, "asched ", asched::to_string(level), ": ", line);
        else if (n == 6)
            say(tag, "(further ", asched::to_string(level), "s only in ", sched_log, ")");
    };

    boost::asio::io_context io;
    asched::scheduler sched(io, asched::scheduler_options{.log = sink, .minimum_log_level = asched::log_level::debug});
    const int me = o.number;
    std::size_t runs = 0, missed = 0, refused_runs = 0, store_errors = 0;
    sched.register_task("record", [runs_fd, me, &runs](const asched::job_context& ctx) {
        const auto started = micros_now();
        const std::string line = ctx.job_id() + " " +
                                 std::to_string(ctx.scheduled_run_time().time_since_epoch().count()) + " " +
                                 std::to_string(me) + " " + std::to_string(ctx.fencing_token()) + " " +
                                 std::to_string(started) + "\n";
        write_all(runs_fd, line);
        ++runs;
    });
    sched.add_listener(
        [&](const asched::event& e) {
            if (e.code == asched::event_code::jobstore_error)
            {
                ++store_errors;
                return;
            }
            const bool refused = e.code == asched::event_code::job_max_instances;
            std::string lines;
            for (const asched::instant t : e.scheduled_run_times)
                lines += (refused ? "REFUSED " : "MISSED ") + e.job_id + " " +
                         std::to_string(t.time_since_epoch().count()) + " " + std::to_string(me) + "\n";
            write_all(runs_fd, lines);
            (refused ? refused_runs : missed) += e.scheduled_run_times.size();
        },
        asched::event_code::job_missed | asched::event_code::job_max_instances | asched::event_code::jobstore_error
    );
    sched.add_jobstore(
        "shared",
        std::make_shared<asched::postgres_job_store>(
            io.get_executor(),
            asched::postgres_store_options{.conninfo = o.conninfo, .table_prefix = o.prefix, .lease_time = lease_time}
        )
    );
    // Every scheduler registers the same jobs, as replicas of one service would at every start: with a fixed start
    // date the documents are identical, so the database keeps one copy and nobody's lease is revoked
    const asched::instant start{std::chrono::microseconds(o.start_micros)};
    for (int i = 0; i < job_count; ++i)
        sched.add_job(
            "record",
            asched::interval_trigger(1s, {.start_date = start}),
            asched::job_options{
                .id = job_id(i),
                .executor = "inline",
                .jobstore = "shared",
                .misfire_grace_time = std::chrono::microseconds(misfire_grace),
                .coalesce = false,
                .max_instances = 10,  // a backlog after a takeover is due at once: every run of it starts
                .replace_existing = true,
            }
        );

    boost::asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec)
            return;
        say(tag, "signal ", signal, ": shutting down");
        // No io.stop(): the store closes by itself once its last writes (the releases) have reached the server, and
        // then the io_context runs out of work (a shutdown that never ends shows as a scheduler that did not exit)
        sched.async_shutdown(true, [](asched::error_code) {});
    });
    sched.start();
    say(tag, "started (pid ", ::getpid(), ")");
    io.run();
    say(tag,
        "shut down: ",
        runs,
        " runs, ",
        missed,
        " missed, ",
        refused_runs,
        " refused, ",
        store_errors,
        " job store errors, ",
        warnings,
        " warnings, ",
        errors,
        " errors logged");
    ::close(runs_fd);
    ::close(log_fd);
    return 0;
}

// ---- the test ------------------------------------------------------------------------------------------------------

struct run_line
{
    std::string job;
    std::int64_t scheduled = 0;  // µs since the epoch
    int process = 0;
    std::uint64_t token = 0;
    std::int64_t started = 0;  // µs since the epoch
};

struct logs
{
    std::vector<run_line> runs;
    std::vector<run_line> missed;   // token and started unset
    std::vector<run_line> refused;  // likewise
    std::size_t unreadable = 0;
};

logs read_logs(const fs::path& dir)
{
    logs out;
    for (int n = 1; n <= scheduler_count; ++n)
    {
        std::ifstream in(dir / ("runs-" + std::to_string(n) + ".log"));
        std::string line;
        while (std::getline(in, line))
        {
            std::istringstream fields(line);
            run_line r;
            if (line.rfind("MISSED ", 0) == 0 || line.rfind("REFUSED ", 0) == 0)
            {
                std::string word;
                if (fields >> word >> r.job >> r.scheduled >> r.process)
                    (word == "MISSED" ? out.missed : out.refused).push_back(r);
                else
                    ++out.unreadable;
            }
            else if (fields >> r.job >> r.scheduled >> r.process >> r.token >> r.started)
                out.runs.push_back(r);
            else
                ++out.unreadable;
        }
    }
    return out;
}

std::string seconds_from(std::int64_t micros, std::int64_t t0)
{
    char text[32];
    std::snprintf(text, sizeof text, "T0%+.3fs", static_cast<double>(micros - t0) / 1e6);
    return text;
}

pid_t spawn_scheduler(int n, const std::string& conninfo, const fs::path& log, std::int64_t start, const char* prefix)
{
    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0)
    {
        const std::string number = std::to_string(n), start_text = std::to_string(start);
        ::execl(
            "/proc/self/exe",
            "pg_cluster_test",
            "--scheduler",
            number.c_str(),
            "--conninfo",
            conninfo.c_str(),
            "--log",
            log.c_str(),
            "--start",
            start_text.c_str(),
            "--prefix",
            prefix,
            nullptr
        );
        std::_Exit(127);
    }
    return pid;
}

/// Waits for a child at most `patience`; SIGKILLs it after that. The status in words, and whether it exited 0.
std::pair<std::string, bool> wait_for(pid_t pid, std::chrono::milliseconds patience)
{
    const auto end = std::chrono::steady_clock::now() + patience;
    int status = 0;
    for (;;)
    {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR)
            return {"cannot be waited for: " + std::string(std::strerror(errno)), false};
        if (std::chrono::steady_clock::now() > end)
        {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return {"did not exit within " + std::to_string(patience.count()) + " ms (killed)", false};
        }
        std::this_thread::sleep_for(20ms);
    }
    if (WIFEXITED(status))
        return {"exited with " + std::to_string(WEXITSTATUS(status)), WEXITSTATUS(status) == 0};
    return {"ended by signal " + std::to_string(WTERMSIG(status)), false};
}

void sleep_until_micros(std::int64_t at)
{
    const auto left = at - micros_now();
    if (left > 0)
        std::this_thread::sleep_for(std::chrono::microseconds(left));
}

struct verdict
{
    int failures = 0;
    void fail(const std::string& what)
    {
        std::cout << "FAIL: " << what << std::endl;
        ++failures;
    }
};

int run_test(bool keep)
{
    const char* prefix = "cluster";
    std::random_device random;
    const fs::path dir = fs::temp_directory_path() /
                         ("asched-pg-cluster-" + std::to_string(::getpid()) + "-" + std::to_string(random() % 100000));
    fs::create_directories(dir);

    // fsync off: the test is about leases and connections, not about the disk. Statements slower than 200 ms are
    // logged in the server's log (in its directory), for the analysis of a late run
    asched::test::pg_server server({"fsync=off", "log_min_duration_statement=200"});
    const std::string conninfo = server.conninfo();

    // T0, the first scheduled time of every job: a whole second, 2 to 3 s from now, time for the schedulers to start
    const std::int64_t second = 1'000'000;
    const std::int64_t now = micros_now();
    const std::int64_t t0 = (now / 1'000'000 + 3) * 1'000'000;
    const auto at = [t0](auto offset) {
        return t0 + std::chrono::duration_cast<std::chrono::microseconds>(offset).count();
    };
    std::cout << "pg cluster test: " << scheduler_count << " schedulers, " << job_count << " jobs every second, lease "
              << lease_time.count() << " s; logs in " << dir << "; T0 is " << seconds_from(now, t0) << " from now"
              << std::endl;

    std::vector<pid_t> pids(scheduler_count + 1, -1);
    for (int n = 1; n <= scheduler_count; ++n)
        pids[n] = spawn_scheduler(n, conninfo, dir / ("runs-" + std::to_string(n) + ".log"), t0, prefix);

    // The kill, at T0 + 12.6 s: mid-second, no run in flight. Jobs stay with the scheduler that took them first, so
    // to make the victim the one that holds them (the takeover then waits for its leases to expire, the hard case),
    // the two others are stopped (SIGSTOP, a stall) from T0 + 5.4 s until the kill: their leases expire about T0 +
    // 10 s, the victim takes the jobs and runs the backlog, and when the others resume their leases are long gone
    // (they must not fire on them)
    sleep_until_micros(at(pause_at));
    for (int n = 1; n <= scheduler_count; ++n)
        if (n != victim)
            ::kill(pids[n], SIGSTOP);
    sleep_until_micros(at(kill_at));
    const std::int64_t killed = micros_now();
    ::kill(pids[victim], SIGKILL);
    for (int n = 1; n <= scheduler_count; ++n)
        if (n != victim)
            ::kill(pids[n], SIGCONT);
    std::cout << "schedulers";
    for (int n = 1; n <= scheduler_count; ++n)
        if (n != victim)
            std::cout << " " << n;
    std::cout << " stopped (SIGSTOP) from " << seconds_from(at(pause_at), t0) << " until the kill" << std::endl;
    std::cout << "scheduler " << victim << " SIGKILLed at " << seconds_from(killed, t0) << std::endl;
    const auto victim_status = wait_for(pids[victim], 5s);

    sleep_until_micros(at(restart_at));
    const std::int64_t restart_begun = micros_now();
    server.restart();
    const std::int64_t restarted = micros_now();
    std::cout << "PostgreSQL restarted: from " << seconds_from(restart_begun, t0) << " to "
              << seconds_from(restarted, t0) << std::endl;

    sleep_until_micros(at(terminate_at));
    const std::int64_t terminated = micros_now();
    for (int n = 1; n <= scheduler_count; ++n)
        if (n != victim)
            ::kill(pids[n], SIGTERM);
    std::cout << "SIGTERM to the others at " << seconds_from(terminated, t0) << std::endl;
    std::map<int, std::pair<std::string, bool>> exits;
    for (int n = 1; n <= scheduler_count; ++n)
        if (n != victim)
            exits[n] = wait_for(pids[n], 15s);

    // ---- the checks ----
    verdict v;
    const logs l = read_logs(dir);

    // Runs per (job, scheduled time), and missed times per job
    std::map<std::pair<std::string, std::int64_t>, std::vector<const run_line*>> by_run;
    std::map<std::string, std::set<std::int64_t>> accounted;  // run, missed or refused
    std::map<std::string, std::int64_t> first_seen;
    for (const run_line& r : l.runs)
    {
        by_run[{r.job, r.scheduled}].push_back(&r);
        accounted[r.job].insert(r.scheduled);
    }
    std::map<std::pair<std::string, std::int64_t>, std::vector<const run_line*>> missed_by_run;
    for (const run_line& m : l.missed)
    {
        missed_by_run[{m.job, m.scheduled}].push_back(&m);
        accounted[m.job].insert(m.scheduled);
    }
    // Refused runs (job_max_instances): a backlog of due times after a takeover runs its first time only when
    // max_instances is 1 (asched's documented order: missed, coalesced, then refused beyond max_instances; see
    // docs/architecture.md). Reported, so not silently lost, but neither run nor MISSED: counted apart
    std::set<std::pair<std::string, std::int64_t>> refused;
    for (const run_line& m : l.refused)
    {
        refused.insert({m.job, m.scheduled});
        accounted[m.job].insert(m.scheduled);
    }
    for (const auto& [job, times] : accounted)
        first_seen[job] = *times.begin();

    std::size_t duplicates = 0, run_and_missed = 0;
    std::vector<std::string> duplicate_examples;
    for (const auto& [key, list] : by_run)
    {
        if (list.size() > 1)
        {
            duplicates += list.size() - 1;
            if (duplicate_examples.size() < 15)
            {
                std::string text = key.first + " scheduled " + seconds_from(key.second, t0) + ":";
                for (const run_line* r : list)
                    text += " [scheduler " + std::to_string(r->process) + ", token " + std::to_string(r->token) +
                            ", started " + seconds_from(r->started, t0) + "]";
                duplicate_examples.push_back(text);
            }
        }
        run_and_missed += missed_by_run.count(key) + refused.count(key);
    }

    // Missing: each whole second from the first recorded time + 1 s to the SIGTERM - 2 s
    const std::int64_t last_checked = (terminated - 2 * second) / second * second;
    std::size_t missing = 0, missing_refused = 0, checked = 0;
    std::vector<std::string> missing_examples;
    for (int i = 0; i < job_count; ++i)
    {
        const std::string job = job_id(i);
        auto it = first_seen.find(job);
        if (it == first_seen.end())
        {
            v.fail(job + " never ran nor was reported missed or refused");
            continue;
        }
        for (std::int64_t t = it->second + second; t <= last_checked; t += second)
        {
            ++checked;
            if (by_run.count({job, t}) != 0 || missed_by_run.count({job, t}) != 0)
                continue;
            ++missing;
            if (refused.count({job, t}) != 0)
                ++missing_refused;
            else
            {
                if (missing_examples.size() < 15)
                {
                    // Who ran the neighbours, for the analysis
                    std::string text = job + " scheduled " + seconds_from(t, t0) + " (neighbours:";
                    for (const std::int64_t n : {t - second, t + second})
                        if (auto r = by_run.find({job, n}); r != by_run.end())
                            text += " " + seconds_from(n, t0) + " by scheduler " +
                                    std::to_string(r->second.front()->process) + " token " +
                                    std::to_string(r->second.front()->token);
                    missing_examples.push_back(text + ")");
                }
            }
        }
    }

    // Takeover: the jobs whose last run before the kill was the victim's; the first run by another after the kill
    std::map<std::string, const run_line*> last_before_kill;
    for (const run_line& r : l.runs)
        if (r.started < killed)
        {
            const run_line*& last = last_before_kill[r.job];
            if (last == nullptr || r.scheduled > last->scheduled)
                last = &r;
        }
    std::vector<double> delays_s;
    std::size_t never_taken = 0;
    for (const auto& [job, last] : last_before_kill)
    {
        if (last->process != victim)
            continue;
        std::optional<std::int64_t> first_after;
        for (const run_line& r : l.runs)
            if (r.job == job && r.process != victim && r.started >= killed &&
                (!first_after || r.started < *first_after))
                first_after = r.started;
        if (!first_after)
        {
            ++never_taken;
            continue;
        }
        delays_s.push_back(static_cast<double>(*first_after - killed) / 1e6);
    }
    std::sort(delays_s.begin(), delays_s.end());
    // The jobs the victim held when it died: taken (its log says so) since the last whole second, not yet run
    std::size_t held_at_kill = 0;
    {
        std::ifstream in(dir / ("asched-" + std::to_string(victim) + ".log"));
        for (std::string line; std::getline(in, line);)
        {
            std::int64_t when = 0;
            std::size_t taken = 0;
            const auto took = line.find("': took ");
            if (took != std::string::npos && std::sscanf(line.c_str(), "%ld", &when) == 1 &&
                when >= killed / second * second && when < killed &&
                std::sscanf(line.c_str() + took + 8, "%zu", &taken) == 1)
                held_at_kill += taken;
        }
    }
    // The longest any job waited after the kill for its next run, by anyone
    double longest_wait_s = 0;
    for (int i = 0; i < job_count; ++i)
    {
        std::optional<std::int64_t> first_after;
        for (const run_line& r : l.runs)
            if (r.job == job_id(i) && r.started >= killed && (!first_after || r.started < *first_after))
                first_after = r.started;
        if (first_after)
            longest_wait_s = std::max(longest_wait_s, static_cast<double>(*first_after - killed) / 1e6);
    }
    const double max_delay = delays_s.empty() ? 0 : delays_s.back();
    const double median_delay = delays_s.empty() ? 0 : delays_s[delays_s.size() / 2];
    const double allowed_delay = std::chrono::duration<double>(lease_time + 2s).count();

    // After the restart: every job has runs scheduled at restart + 3 s or later
    std::size_t jobs_after_restart = 0;
    for (int i = 0; i < job_count; ++i)
    {
        const auto& times = accounted[job_id(i)];
        bool ran = false;
        for (auto it = times.lower_bound(restarted + 3 * second); it != times.end() && !ran; ++it)
            ran = by_run.count({job_id(i), *it}) != 0;
        jobs_after_restart += ran ? 1 : 0;
    }

    // Fencing tokens: a later run of a job never comes with an older token than an earlier one
    std::size_t token_regressions = 0;
    {
        std::map<std::string, std::map<std::int64_t, std::uint64_t>> tokens;
        for (const run_line& r : l.runs)
            tokens[r.job].emplace(r.scheduled, r.token);
        for (const auto& [job, list] : tokens)
        {
            std::uint64_t highest = 0;
            for (const auto& [t, token] : list)
            {
                token_regressions += token < highest ? 1 : 0;
                highest = std::max(highest, token);
            }
        }
    }
    std::map<int, std::size_t> per_process;
    for (const run_line& r : l.runs)
        ++per_process[r.process];

    // What the survivors left in the database: leases a graceful shutdown should have released
    std::string leftover;
    try
    {
        const auto rows = asched::test::query_rows(
            conninfo,
            std::string("SELECT acquired_by, count(*), round(extract(epoch FROM max(acquired_until) - now())::numeric, "
                        "1) FROM ") +
                prefix + "_jobs WHERE acquired_by IS NOT NULL AND acquired_until > now() GROUP BY acquired_by",
            10s
        );
        for (const auto& row : rows)
        {
            // The holder is host:pid:nonce
            std::string who = row[0].value_or("?");
            for (int n = 1; n <= scheduler_count; ++n)
                if (who.find(":" + std::to_string(pids[n]) + ":") != std::string::npos)
                    who = "scheduler " + std::to_string(n);
            leftover += (leftover.empty() ? "" : ", ") + row[1].value_or("?") + " jobs by " + who + " (for another " +
                        row[2].value_or("?") + " s)";
        }
        if (leftover.empty())
            leftover = "none";
    }
    catch (const std::exception& e)
    {
        leftover = std::string("(cannot ask: ") + e.what() + ")";
    }

    std::cout << "runs recorded: " << l.runs.size() << " (";
    for (const auto& [p, n] : per_process)
        std::cout << (p == per_process.begin()->first ? "" : ", ") << "scheduler " << p << ": " << n;
    std::cout << ")" << std::endl;
    std::cout << "missed (reported by misfire rules): " << l.missed.size() << std::endl;
    std::cout << "duplicates: " << duplicates << std::endl;
    std::cout << "missing (neither run nor MISSED): " << missing << " of " << checked
              << " scheduled times checked (up to " << seconds_from(last_checked, t0) << "); of these, reported as "
              << "refused by max_instances: " << missing_refused
              << ", not reported at all: " << missing - missing_refused << std::endl;
    std::cout << "run and also reported missed: " << run_and_missed << std::endl;
    std::cout << "takeover delay after the kill (" << delays_s.size() << " jobs scheduler " << victim
              << " ran last): max " << max_delay << " s, median " << median_delay << " s (allowed " << allowed_delay
              << " s)" << std::endl;
    std::cout << "jobs scheduler " << victim << " held when killed (taken, not yet run): " << held_at_kill
              << "; longest wait of any job for its next run after the kill: " << longest_wait_s << " s" << std::endl;
    std::cout << "jobs with runs scheduled >= restart + 3 s: " << jobs_after_restart << " of " << job_count
              << std::endl;
    std::cout << "fencing token regressions: " << token_regressions << std::endl;
    std::cout << "leases still held after the graceful shutdowns: " << leftover << std::endl;
    std::cout << "scheduler " << victim << " (killed): " << victim_status.first;
    for (const auto& [n, e] : exits)
        std::cout << "; scheduler " << n << ": " << e.first;
    std::cout << std::endl;

    if (l.unreadable != 0)
        v.fail(std::to_string(l.unreadable) + " log lines cannot be read");
    if (duplicates != 0)
    {
        v.fail(std::to_string(duplicates) + " runs were recorded twice (same job and scheduled time); for example:");
        for (const auto& e : duplicate_examples)
            std::cout << "    " << e << std::endl;
    }
    if (missing_refused != 0)
        std::cout << "NOTE (library policy, not counted as a failure): " << missing_refused
                  << " overdue times were refused by max_instances (1) although no run of the job was in progress: "
                     "a backlog after a takeover or outage runs only its first time (lib/run_plan.cpp), reported as "
                     "job_max_instances, not job_missed"
                  << std::endl;
    if (missing != missing_refused)
    {
        v.fail(
            std::to_string(missing - missing_refused) +
            " scheduled times neither ran nor were reported missed or refused; for example:"
        );
        for (const auto& e : missing_examples)
            std::cout << "    " << e << std::endl;
    }
    if (run_and_missed != 0)
        v.fail(std::to_string(run_and_missed) + " scheduled times were run and also reported missed");
    if (delays_s.empty())
        v.fail("scheduler " + std::to_string(victim) + " ran no job before it was killed: the takeover is untested");
    if (never_taken != 0)
        v.fail(
            std::to_string(never_taken) + " jobs scheduler " + std::to_string(victim) +
            " ran last were never run by another"
        );
    if (max_delay > allowed_delay)
        v.fail("a takeover took " + std::to_string(max_delay) + " s, more than the lease time + 2 s");
    for (const auto& [n, e] : exits)
        if (!e.second)
            v.fail("scheduler " + std::to_string(n) + " " + e.first + " after SIGTERM, instead of exiting with 0");
    if (jobs_after_restart != static_cast<std::size_t>(job_count))
        v.fail(
            std::to_string(job_count - jobs_after_restart) + " jobs have no run scheduled 3 s or more after the restart"
        );
    if (leftover != "none")
        v.fail(
            "the survivors' shutdowns left leases held (" + leftover +
            "): a graceful shutdown must release them, so that the others take the jobs at once"
        );
    if (token_regressions != 0)
        v.fail(std::to_string(token_regressions) + " runs came with an older fencing token than an earlier run");

    if (v.failures != 0 || keep)
    {
        // The server's directory goes with it: copy its log for the analysis
        std::error_code ignored;
        for (const auto& entry : fs::recursive_directory_iterator(server.directory(), ignored))
            if (entry.path().extension() == ".log")
                fs::copy_file(entry.path(), dir / ("server-" + entry.path().filename().string()), ignored);
        std::cout << "kept " << dir << " for inspection" << std::endl;
    }
    else
    {
        std::error_code ignored;
        fs::remove_all(dir, ignored);
    }
    if (v.failures != 0)
    {
        std::cout << v.failures << " checks failed" << std::endl;
        return 1;
    }
    std::cout << "ok" << std::endl;
    return 0;
}

int usage()
{
    std::cerr << "usage: pg_cluster_test --test [--keep]\n"
                 "       pg_cluster_test --scheduler N --conninfo C --log FILE --start MICROS [--prefix P]\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv)
{
    try
    {
        const std::vector<std::string> args(argv + 1, argv + argc);
        if (!args.empty() && args[0] == "--test")
        {
            if (args.size() > 2 || (args.size() == 2 && args[1] != "--keep"))
                return usage();
            return run_test(args.size() == 2);
        }
        child_options o;
        for (std::size_t i = 0; i + 1 < args.size(); i += 2)
        {
            if (args[i] == "--scheduler")
                o.number = std::stoi(args[i + 1]);
            else if (args[i] == "--conninfo")
                o.conninfo = args[i + 1];
            else if (args[i] == "--log")
                o.log = args[i + 1];
            else if (args[i] == "--start")
                o.start_micros = std::stoll(args[i + 1]);
            else if (args[i] == "--prefix")
                o.prefix = args[i + 1];
            else
                return usage();
        }
        if (args.size() % 2 != 0 || o.number <= 0 || o.log.empty() || o.start_micros == 0)
            return usage();
        return run_scheduler(o);
    }
    catch (const std::exception& e)
    {
        std::cerr << "pg_cluster_test: " << e.what() << std::endl;
        return 1;
    }
}
