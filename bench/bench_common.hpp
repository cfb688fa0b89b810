// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// What the scheduler benchmarks (add, burst, steady) share: command-line options, one repetition per child process,
// resident memory and CPU time readings, lateness recording and percentiles, and `metric: value` output.
#ifndef ASCHED_BENCH_COMMON_HPP
#define ASCHED_BENCH_COMMON_HPP

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string>
#include <string_view>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <type_traits>
#include <unistd.h>
#include <vector>

namespace bench {

using steady = std::chrono::steady_clock;

// ------------------------------------------------------------------------------------------------------- options

// `--runs N` (repetitions of each system), `--n N` (jobs), `--only asched|raw` (one system, for profiling),
// `--samples PREFIX` (lateness values of each repetition into PREFIX-<system>-<run>.bin, for bench/compare's plots)
struct options
{
    int runs = 5;
    bool runs_given = false;
    long n = 0;
    bool run_asched = true;
    bool run_raw = true;
    std::string samples{};
};

/// `--samples PREFIX` (set by parse_options), for repetition_with_lead; empty: no samples are written.
inline std::string samples_prefix;
/// Where a repetition writes its lateness values: PREFIX-<system>-<run>.bin; empty: nowhere. Set by
/// repetition_with_lead before each child process starts.
inline std::string samples_file;

[[noreturn]] inline void usage(const char* program)
{
    std::fprintf(stderr, "usage: %s [--runs N] [--n JOBS] [--only asched|raw] [--samples PREFIX]\n", program);
    std::exit(2);
}

inline options parse_options(int argc, char** argv, int default_runs, long default_n)
{
    options o{.runs = default_runs, .n = default_n};
    for (int i = 1; i < argc; ++i)
    {
        const std::string_view arg = argv[i];
        if (i + 1 >= argc)
            usage(argv[0]);
        const char* value = argv[++i];
        if (arg == "--runs")
        {
            o.runs = std::atoi(value);
            o.runs_given = true;
        }
        else if (arg == "--n")
            o.n = std::atol(value);
        else if (arg == "--only" && std::string_view(value) == "asched")
            o.run_raw = false;
        else if (arg == "--only" && std::string_view(value) == "raw")
            o.run_asched = false;
        else if (arg == "--samples")
            o.samples = value;
        else
            usage(argv[0]);
    }
    if (o.runs < 1 || o.n < 1)
        usage(argv[0]);
    samples_prefix = o.samples;
    return o;
}

// ------------------------------------------------------------------------------------------------------ progress

// A progress line on stderr; stdout carries only the results
inline void progress(const char* format, ...)
{
    std::va_list args;
    va_start(args, format);
    std::vfprintf(stderr, format, args);
    va_end(args);
    std::fputc('\n', stderr);
}

// ------------------------------------------------------------------------------------------------- child process

/**
 * Runs `body` in a fresh child process and returns what it returned (a trivially copyable struct), so that every
 * repetition starts from the same heap and its resident memory and CPU time are its own. The child ends with
 * _exit, skipping the destruction of what it built.
 */
template <class Result, class Body>
Result run_in_child(Body&& body)
{
    static_assert(std::is_trivially_copyable_v<Result>);
    int fds[2];
    if (::pipe(fds) != 0)
    {
        std::perror("pipe");
        std::exit(1);
    }
    std::fflush(stdout);
    std::fflush(stderr);
    const pid_t pid = ::fork();
    if (pid < 0)
    {
        std::perror("fork");
        std::exit(1);
    }
    if (pid == 0)
    {
        ::close(fds[0]);
        int status = 0;
        try
        {
            const Result result = body();
            status = ::write(fds[1], &result, sizeof result) == static_cast<ssize_t>(sizeof result) ? 0 : 1;
        }
        catch (const std::exception& e)
        {
            std::fprintf(stderr, "error: %s\n", e.what());
            status = 1;
        }
        std::fflush(stderr);
        ::_exit(status);
    }
    ::close(fds[1]);
    Result result{};
    std::size_t got = 0;
    while (got < sizeof result)
    {
        const ssize_t r = ::read(fds[0], reinterpret_cast<char*>(&result) + got, sizeof result - got);
        if (r <= 0)
            break;
        got += static_cast<std::size_t>(r);
    }
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (got != sizeof result || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    {
        std::fprintf(stderr, "error: a benchmark child process failed (status %d)\n", status);
        std::exit(1);
    }
    return result;
}

/**
 * Runs one repetition of a workload whose runs fall due at an instant `lead` after the start, in a child process
 * (run_in_child). The lead is 1 s plus 1.5 times the longest setup seen so far; a repetition whose setup ended less
 * than 0.2 s before the due instant (`due_name`) is run again with twice the lead. `report(r)` prints a kept one.
 * Result needs `setup_s` and `slack_s`.
 */
template <class Result, class Body, class Report>
Result repetition_with_lead(
    const char* system,
    int run,
    const char* due_name,
    double& longest_setup_s,
    Body body,
    Report report
)
{
    if (!samples_prefix.empty())
        samples_file = samples_prefix + "-" + system + "-" + std::to_string(run) + ".bin";
    for (;;)
    {
        const auto lead = std::chrono::microseconds{static_cast<long>((1.0 + 1.5 * longest_setup_s) * 1e6)};
        const Result r = run_in_child<Result>([&] { return body(lead); });
        longest_setup_s = std::max(longest_setup_s, r.setup_s);
        if (r.slack_s >= 0.2)
        {
            report(r);
            return r;
        }
        progress(
            "run %d %s: the setup took %.3f s, too close to %s; again with a longer lead",
            run,
            system,
            r.setup_s,
            due_name
        );
        longest_setup_s *= 2;
    }
}

/// The runs dropped over all repetitions of both systems.
template <class Result>
double total_dropped(const std::vector<Result>& a, const std::vector<Result>& b)
{
    double dropped = 0;
    for (const Result& r : a)
        dropped += r.dropped;
    for (const Result& r : b)
        dropped += r.dropped;
    return dropped;
}

// ------------------------------------------------------------------------------------------------------ readings

// Resident memory of this process, in bytes (/proc/self/statm, second field)
inline double resident_bytes()
{
    std::FILE* f = std::fopen("/proc/self/statm", "r");
    long size = 0, resident = 0;
    if (f == nullptr || std::fscanf(f, "%ld %ld", &size, &resident) != 2)
    {
        std::fprintf(stderr, "error: cannot read /proc/self/statm\n");
        std::exit(1);
    }
    std::fclose(f);
    return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

// The peak resident memory of this process so far, in bytes (VmHWM in /proc/self/status)
inline double peak_resident_bytes()
{
    std::FILE* f = std::fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f != nullptr && std::fgets(line, sizeof line, f) != nullptr)
        if (std::sscanf(line, "VmHWM: %ld kB", &kb) == 1)
            break;
    if (f != nullptr)
        std::fclose(f);
    if (kb < 0)
    {
        std::fprintf(stderr, "error: cannot read VmHWM from /proc/self/status\n");
        std::exit(1);
    }
    return static_cast<double>(kb) * 1024.0;
}

// User + system CPU time of this process (all threads), in µs
inline double cpu_us()
{
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto us = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_usec);
    };
    return us(usage.ru_utime) + us(usage.ru_stime);
}

// CPU time of the calling thread (user + system), in ns: unlike the wall clock, it does not count the time slices
// other processes take on a shared machine
inline double thread_cpu_ns()
{
    timespec t{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_nsec);
}

// A new directory `<temp dir>/<name>-XXXXXX` (TMPDIR, else /tmp); the benchmark exits with 1 when it cannot make one
inline std::string new_temp_dir(const char* name)
{
    std::string dir = (std::filesystem::temp_directory_path() / (std::string(name) + "-XXXXXX")).string();
    if (::mkdtemp(dir.data()) == nullptr)
    {
        std::perror("mkdtemp");
        std::exit(1);
    }
    return dir;
}

inline double seconds_between(steady::time_point from, steady::time_point to)
{
    return std::chrono::duration<double>(to - from).count();
}

// ------------------------------------------------------------------------------------------------------ lateness

// Lateness values in ns, preallocated so that recording one is a store and an increment
class lateness_log
{
public:
    void reserve(std::size_t n)
    {
        values_.assign(n, 0);
        count_ = 0;
    }
    void record(std::int64_t ns) noexcept
    {
        if (count_ < values_.size())
            values_[count_] = ns;
        ++count_;
    }
    std::size_t count() const noexcept { return count_; }
    std::int64_t last() const noexcept { return values_[std::min(count_, values_.size()) - 1]; }
    std::vector<std::int64_t>& values() noexcept
    {
        values_.resize(std::min(count_, values_.size()));
        return values_;
    }

private:
    std::vector<std::int64_t> values_;
    std::size_t count_ = 0;
};

/// Writes lateness values in ns as native 64-bit integers (what bench/compare reads) to `samples_file`, if set.
inline void write_samples(const std::vector<std::int64_t>& ns)
{
    if (samples_file.empty())
        return;
    std::FILE* f = std::fopen(samples_file.c_str(), "wb");
    if (f == nullptr || std::fwrite(ns.data(), sizeof(std::int64_t), ns.size(), f) != ns.size())
    {
        std::fprintf(stderr, "error: cannot write %s\n", samples_file.c_str());
        std::exit(1);
    }
    std::fclose(f);
}

struct percentiles
{
    double p50_us = 0, p99_us = 0, max_us = 0;
};

// Nearest-rank percentiles of lateness values in ns, in µs; sorts `ns`
inline percentiles lateness_percentiles(std::vector<std::int64_t>& ns)
{
    if (ns.empty())
        return {};
    std::sort(ns.begin(), ns.end());
    const auto rank = [&](double p) {
        const auto index = static_cast<std::size_t>(std::ceil(p * static_cast<double>(ns.size()))) - 1;
        return static_cast<double>(ns[std::min(index, ns.size() - 1)]) / 1e3;
    };
    return {rank(0.50), rank(0.99), static_cast<double>(ns.back()) / 1e3};
}

// --------------------------------------------------------------------------------------------------------- output

inline double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The median over repetitions of one member of a result struct
template <class Result>
double median_of(const std::vector<Result>& results, double Result::*member)
{
    std::vector<double> v;
    for (const Result& r : results)
        v.push_back(r.*member);
    return median(v);
}

inline void metric(const char* name, double value, int decimals = 0)
{
    std::printf("%s: %.*f\n", name, decimals, value);
}

// Prints a ratio and whether it meets its target on stderr
inline void ratio(const char* name, double value, const char* target_text, bool met)
{
    metric(name, value, 2);
    progress("%s = %.2f: target %s %s", name, value, target_text, met ? "met" : "MISSED");
}

}  // namespace bench

#endif
