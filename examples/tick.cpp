// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// tick: the smallest scheduler program. One job prints the time every 3 seconds; the scheduler is the whole
// program and runs until Ctrl+C (SIGINT or SIGTERM), which blocking_scheduler::run turns into a clean shutdown
// that waits for a running tick to finish.
//
// APScheduler equivalent (its introduction's BlockingScheduler example):
//
//     def tick():
//         print(f"Tick! The time is: {datetime.now()}")
//
//     scheduler = BlockingScheduler()
//     scheduler.add_job(tick, "interval", seconds=3)
//     scheduler.start()
//
// Usage: example_tick [--interval SECONDS] [--duration SECONDS]
// --duration stops the program by itself after that long, so that CI can run it for a few seconds.
#include <asched/blocking_scheduler.hpp>
#include <asched/triggers.hpp>

#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

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

}  // namespace

int main(int argc, char** argv)
{
    const auto interval = seconds_option(argc, argv, "--interval").value_or(seconds_d{3});
    const auto duration = seconds_option(argc, argv, "--duration");

    asched::blocking_scheduler sched;
    const asched::time_zone zone = sched.zone();  // the system's local zone: times print as a local clock shows them

    // A plain function job runs on the `default` thread pool, as in APScheduler
    sched.add_job(
        [zone] {
            const auto now = std::chrono::floor<std::chrono::seconds>(asched::system_clocks::now());
            std::cout << "Tick! The time is: " << asched::format_datetime(now, zone) << std::endl;
        },
        asched::interval_trigger{to_micros(interval)}
    );

    if (duration)
    {
        // A one-off job ends the program. It runs `inline`, on the scheduler's own thread, where calling the
        // scheduler directly is allowed; the shutdown waits for a tick in progress to finish.
        sched.add_job(
            [&sched] { sched.shutdown(); },
            asched::date_trigger{asched::system_clocks::now() + to_micros(*duration)},
            {.id = "stop", .executor = "inline"}
        );
    }

    std::cout << "Press Ctrl+C to exit" << std::endl;
    sched.run();  // returns once the scheduler has shut down: Ctrl+C, SIGTERM or the `stop` job
    std::cout << "Scheduler shut down" << std::endl;
    return 0;
}
