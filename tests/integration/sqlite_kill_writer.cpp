// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// The kill test of the SQLite job store through the public scheduler: a job whose async_add_job completed survives
// the process dying at any moment, and the file stays intact.
//
//   sqlite_kill_writer --test [--kills N] [--seed S]   the test (CTest integration.sqlite_kill): runs itself as the
//                                                       writer N times on one file, SIGKILLs each at a random moment
//                                                       (2 to 1200 ms after its start), then checks the file
//   sqlite_kill_writer --child DB RUN                   the writer: an asched::scheduler with the file as its
//                                                       default store (sqlite:DB), started, keeps 500
//                                                       async_add_job calls of jobs "RUN-<n>" (a registered noop task,
//                                                       every second, inline) in flight, and prints each id (one line,
//                                                       flushed) once its completion reported it durable. The jobs
//                                                       fire, so the file also sees their next run times rewritten.
//                                                       Exits 3 when the scheduler cannot open the file (a lock left
//                                                       by a killed writer would show here), 5 when an add fails
//
// The test passes when every writer was killed (none failed to open the file), PRAGMA integrity_check says ok, every
// id a writer printed is in the file, and the file holds at least as many rows as ids were printed.

#include <asched/errors.hpp>
#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <poll.h>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "lib/sqlite_job_file.hpp"

namespace fs = std::filesystem;
using asched::detail::sqlite_job_file;

namespace {

// ---- the writer --------------------------------------------------------------------------------------------------

/// All of `text` to the descriptor, or exit: a lost acknowledgement would make the test pass for the wrong reason.
void write_all(int fd, std::string_view text)
{
    while (!text.empty())
    {
        const auto n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            std::_Exit(4);
        text.remove_prefix(static_cast<std::size_t>(n));
    }
}

int run_child(const fs::path& db, const std::string& run)
{
    // Never outlive the test that started us, however it ended
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    constexpr int max_in_flight = 500;

    boost::asio::io_context context;
    std::optional<asched::scheduler> sched;
    try
    {
        // The production path: the scheduler opens the file (and takes its lock) in its constructor
        sched.emplace(
            context,
            asched::scheduler_options{
                .jobstores = {{"default", "sqlite:" + db.string()}},
                .minimum_log_level = asched::log_level::error,
            }
        );
    }
    catch (const std::exception& e)
    {
        // A lock left by a killed writer would end up here: the parent reports the exit status
        std::cerr << "sqlite_kill_writer: " << e.what() << std::endl;
        return 3;
    }
    sched->register_task("noop", [] {});
    const asched::task noop = *sched->find_task("noop");
    // Started, so the jobs of this and earlier writers fire every second and each fire rewrites a row
    sched->start();

    long next = 0;
    std::function<void()> add_one = [&] {
        std::string id = run + "-" + std::to_string(next++);
        sched->async_add_job(
            noop,
            asched::interval_trigger{std::chrono::seconds(1)},
            {.id = std::move(id), .executor = "inline"},
            [&](std::exception_ptr error, std::string added) {
                if (error)
                {
                    try
                    {
                        std::rethrow_exception(error);
                    }
                    catch (const std::exception& e)
                    {
                        std::cerr << "sqlite_kill_writer: add " << added << " failed: " << e.what() << std::endl;
                    }
                    catch (...)
                    {
                        std::cerr << "sqlite_kill_writer: add " << added << " failed" << std::endl;
                    }
                    std::_Exit(5);
                }
                // Durable now. One write(2) per line: a kill never splits a line we count
                write_all(STDOUT_FILENO, added + "\n");
                add_one();
            }
        );
    };
    for (int i = 0; i < max_in_flight; ++i)
        add_one();

    // A writer nobody kills stops by itself; the test then reports that it was not killed
    boost::asio::steady_timer give_up(context, std::chrono::seconds(60));
    give_up.async_wait([&](asched::error_code) { std::_Exit(0); });
    context.run();
    return 0;
}

// ---- the test ----------------------------------------------------------------------------------------------------

struct child_result
{
    std::vector<std::string> acknowledged;
    bool killed = false;
    std::string status;
};

/// Starts a writer on `db`, reads its acknowledgements for `delay`, kills it with SIGKILL, and reads the rest.
child_result run_and_kill(const fs::path& db, int run, std::chrono::milliseconds delay)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0)
    {
        ::dup2(fds[1], STDOUT_FILENO);  // dup2 clears O_CLOEXEC on the copy
        const std::string run_text = "r" + std::to_string(run);
        ::execl("/proc/self/exe", "sqlite_kill_writer", "--child", db.c_str(), run_text.c_str(), nullptr);
        std::_Exit(127);
    }
    ::close(fds[1]);

    std::string output;
    const auto read_some = [&](int timeout_ms) {
        pollfd p{fds[0], POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) <= 0)
            return true;  // nothing yet (or EINTR): still open
        char buffer[65536];
        const auto n = ::read(fds[0], buffer, sizeof buffer);
        if (n > 0)
            output.append(buffer, static_cast<std::size_t>(n));
        return n > 0 || (n < 0 && errno == EINTR);
    };
    // Keep the pipe drained while the writer runs, so it never blocks on a full pipe
    const auto deadline = std::chrono::steady_clock::now() + delay;
    for (auto now = std::chrono::steady_clock::now(); now < deadline; now = std::chrono::steady_clock::now())
    {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
        if (!read_some(static_cast<int>(std::max<long long>(left, 1))))
            break;  // the writer closed its output: it ended by itself
    }
    ::kill(pid, SIGKILL);
    while (read_some(-1))
    {
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR)
    {
    }

    child_result result;
    result.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    result.status = WIFEXITED(status) ? "exited with " + std::to_string(WEXITSTATUS(status))
                                      : "ended by signal " + std::to_string(WTERMSIG(status));
    // Only complete lines are acknowledgements
    std::size_t start = 0;
    for (std::size_t end; (end = output.find('\n', start)) != std::string::npos; start = end + 1)
        result.acknowledged.push_back(output.substr(start, end - start));
    return result;
}

int run_test(int kills, unsigned seed)
{
    std::random_device random;
    const fs::path dir = fs::temp_directory_path() /
                         ("asched-sqlite-kill-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    fs::create_directories(dir);
    const fs::path db = dir / "jobs.db";
    std::cout << "sqlite kill test: " << kills << " kills on " << db << ", seed " << seed << std::endl;

    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> delay_ms(2, 1200);
    std::vector<std::string> acknowledged;
    int failures = 0;
    for (int run = 0; run < kills; ++run)
    {
        const auto delay = std::chrono::milliseconds(delay_ms(rng));
        auto result = run_and_kill(db, run, delay);
        if (!result.killed)
        {
            std::cout << "FAIL: writer " << run << " was not killed: it " << result.status
                      << (result.status == "exited with 3" ? " (it could not open the file; see its error above)" : "")
                      << std::endl;
            ++failures;
        }
        std::cout << "  run " << run << ": killed after " << delay.count() << " ms, " << result.acknowledged.size()
                  << " acknowledged" << std::endl;
        acknowledged.insert(acknowledged.end(), result.acknowledged.begin(), result.acknowledged.end());
    }

    // Every writer is dead, so the scheduler lock is free
    sqlite_job_file file(db, {.create = false});
    const std::string integrity = file.integrity_check();
    if (integrity != "ok")
    {
        std::cout << "FAIL: integrity_check: " << integrity << std::endl;
        ++failures;
    }
    std::set<std::string> present;
    for (auto& row : file.all_jobs())
        present.insert(std::move(row.id));
    std::size_t missing = 0;
    for (const auto& id : acknowledged)
    {
        if (present.count(id) == 0 && ++missing <= 10)
            std::cout << "FAIL: acknowledged id " << id << " is missing" << std::endl;
    }
    std::cout << "kills " << kills << ", acknowledged " << acknowledged.size() << ", present "
              << acknowledged.size() - missing << " (rows in the file " << present.size() << ")" << std::endl;
    if (missing > 0)
        ++failures;
    if (present.size() < acknowledged.size())
    {
        std::cout << "FAIL: the file holds " << present.size() << " rows, fewer than the " << acknowledged.size()
                  << " acknowledged" << std::endl;
        ++failures;
    }
    if (acknowledged.empty())
    {
        std::cout << "FAIL: no writer acknowledged anything: the test proved nothing" << std::endl;
        ++failures;
    }
    if (failures > 0)
    {
        std::cout << "kept " << dir << " for inspection" << std::endl;
        return 1;
    }
    std::error_code ignored;
    fs::remove_all(dir, ignored);
    std::cout << "ok" << std::endl;
    return 0;
}

int usage()
{
    std::cerr << "usage: sqlite_kill_writer --test [--kills N] [--seed S]\n"
                 "       sqlite_kill_writer --child DB RUN\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv)
{
    try
    {
        const std::vector<std::string> args(argv + 1, argv + argc);
        if (args.size() == 3 && args[0] == "--child")
            return run_child(args[1], args[2]);
        if (args.empty() || args[0] != "--test")
            return usage();
        int kills = 25;
        unsigned seed = std::random_device{}();
        for (std::size_t i = 1; i + 1 < args.size(); i += 2)
        {
            if (args[i] == "--kills")
                kills = std::stoi(args[i + 1]);
            else if (args[i] == "--seed")
                seed = static_cast<unsigned>(std::stoul(args[i + 1]));
            else
                return usage();
        }
        if (args.size() % 2 == 0)
            return usage();
        return run_test(kills, seed);
    }
    catch (const std::exception& e)
    {
        std::cerr << "sqlite_kill_writer: " << e.what() << std::endl;
        return 1;
    }
}
