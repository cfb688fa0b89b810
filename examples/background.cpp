// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// background: a scheduler on a thread of its own, inside a program whose main thread goes on with its own work.
// The defaults are APScheduler's: jobs live in the memory store `default` and run on `default`, a pool of 10
// threads. Every member of background_scheduler may be called from any thread.
//
// APScheduler equivalent (its introduction's BackgroundScheduler example):
//
//     scheduler = BackgroundScheduler()
//     scheduler.add_job(tick, "interval", seconds=3)
//     scheduler.start()
//     try:
//         while True:
//             time.sleep(2)  # the program's own work
//     except (KeyboardInterrupt, SystemExit):
//         scheduler.shutdown()
//
// Usage: example_background [--interval SECONDS] [--duration SECONDS]
// Without --duration it runs until Ctrl+C.
#include <asched/background_scheduler.hpp>
#include <asched/triggers.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <functional>
#include <iostream>
#include <optional>
#include <string_view>
#include <syncstream>
#include <thread>

namespace {

using seconds_d = std::chrono::duration<double>;

// The number after `name` on the command line (`--duration 4` gives 4), if it is there.
std::optional<seconds_d> seconds_option(int argc, char** argv, std::string_view name)
{
    for (int i = 1; i + 1 < argc; ++i)
    {
        if (argv[i] == name)
            return seconds_d{std::stod(argv[i + 1])};
    }
    return std::nullopt;
}

std::chrono::microseconds to_micros(seconds_d d) { return std::chrono::duration_cast<std::chrono::microseconds>(d); }

// Set by Ctrl+C; the main loop polls it. The scheduler's thread is not told: the main thread shuts it down.
volatile std::sig_atomic_t interrupted = 0;

// A short label for the calling thread, to show which thread a line comes from
std::size_t thread_label() { return std::hash<std::thread::id>{}(std::this_thread::get_id()) % 10000; }

}  // namespace

int main(int argc, char** argv)
{
    const auto interval = seconds_option(argc, argv, "--interval").value_or(seconds_d{3});
    const auto duration = seconds_option(argc, argv, "--duration");
    std::signal(SIGINT, [](int) { interrupted = 1; });
    std::signal(SIGTERM, [](int) { interrupted = 1; });

    asched::background_scheduler sched;
    std::atomic<int> ticks = 0;
    const asched::job tick = sched.add_job(
        [&ticks] {
            // std::osyncstream: a whole line at a time, even with the main thread printing too
            std::osyncstream(std::cout) << "Tick! (run " << ++ticks << ", on pool thread " << thread_label() << ")\n";
        },
        asched::interval_trigger{to_micros(interval)}
    );
    std::cout << "Job '" << tick.name << "' runs on executor '" << tick.executor << "' and lives in store '"
              << tick.jobstore << "'\n";
    sched.start();

    // The program's own work, on the main thread, while the scheduler's thread runs the jobs
    const auto started = std::chrono::steady_clock::now();
    int chunks = 0;
    while (!interrupted && (!duration || std::chrono::steady_clock::now() - started < *duration))
    {
        std::osyncstream(std::cout) << "Main thread " << thread_label() << ": finished chunk " << ++chunks
                                    << " of its own work\n";
        std::this_thread::sleep_for(std::chrono::milliseconds{500});
    }

    // Waits for a run in progress, then joins the scheduler's thread and the pool
    sched.shutdown();
    std::cout << "Shut down after " << ticks << " ticks and " << chunks << " chunks of work\n";
    // For CI: the defaults are in place, and a run long enough for a tick had one
    const bool long_enough = !interrupted && duration && *duration > interval;
    if (tick.executor != "default" || tick.jobstore != "default" || (long_enough && ticks == 0))
    {
        std::cerr << "background: unexpected executor, store or tick count\n";
        return 1;
    }
    return 0;
}
