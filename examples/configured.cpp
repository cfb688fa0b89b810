// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// configured: a scheduler configured at construction (executors, job defaults, zone), first in C++ with designated
// initializers, then from a JSON document. Both give the same scheduler: a `default` pool of 20 threads, jobs that
// do not coalesce and may run 3 at a time, and triggers without a zone reading Asia/Shanghai's clock.
//
// APScheduler equivalent (its user guide's "Configuring the scheduler"):
//
//     executors = {"default": ThreadPoolExecutor(20)}
//     job_defaults = {"coalesce": False, "max_instances": 3}
//     scheduler = BackgroundScheduler(executors=executors, job_defaults=job_defaults,
//                                     timezone=ZoneInfo("Asia/Shanghai"))
//     # or, from a dict:
//     scheduler.configure({"apscheduler.executors.default": {"type": "threadpool", "max_workers": "20"},
//                          "apscheduler.job_defaults.coalesce": "false",
//                          "apscheduler.job_defaults.max_instances": "3",
//                          "apscheduler.timezone": "Asia/Shanghai"})
#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace {

using namespace std::chrono_literals;

// The same configuration as data, as a program would read it from a file
constexpr std::string_view config_json = R"({
    "timezone": "Asia/Shanghai",
    "job_defaults": {"coalesce": false, "max_instances": 3},
    "executors": {"default": {"type": "thread_pool", "max_workers": 20}},
    "jobstores": {"default": {"type": "memory"}}
})";

// How many runs of the slow job overlapped, measured by the job itself; the mutex also keeps printed lines whole
struct overlap_counter
{
    std::mutex mutex;
    int running = 0;
    int peak = 0;
};

// Whether `job` next runs at `local_time` (`T09:30:00+08:00`) as the clock of `zone` reads
bool next_run_reads(const asched::job& job, std::string_view local_time, const asched::time_zone& zone)
{
    return job.next_run_time && asched::format_datetime(*job.next_run_time, zone).ends_with(local_time);
}

// Adds two jobs to a scheduler configured by `options`, runs it briefly and reports what the configuration did.
// Returns false when the configuration did not take effect.
bool demonstrate(std::string_view title, asched::scheduler_options options)
{
    std::cout << "== " << title << " ==\n";
    boost::asio::io_context ctx;
    overlap_counter overlap;
    asched::scheduler sched(ctx, std::move(options));

    // No zone given: the trigger takes the scheduler's, so it fires at 09:30 on Shanghai's clock
    sched.add_job(
        [] { std::cout << "Good morning, Shanghai\n"; },
        asched::cron_trigger{{.hour = "9", .minute = "30"}},
        {.id = "morning_report"}
    );

    // Started every 250 ms, each run takes 800 ms: max_instances = 3 lets three overlap and refuses a fourth
    sched.add_job(
        [&overlap] {
            {
                const std::lock_guard lock(overlap.mutex);
                overlap.peak = std::max(overlap.peak, ++overlap.running);
                std::cout << "  slow job started, " << overlap.running << " running at once\n";
            }
            std::this_thread::sleep_for(800ms);
            const std::lock_guard lock(overlap.mutex);
            --overlap.running;
        },
        asched::interval_trigger{250ms},
        {.id = "slow"}
    );
    int refused = 0;  // listeners run on the scheduler's thread, like the rest of this function
    sched.add_listener(
        [&refused, &overlap](const asched::event&) {
            ++refused;
            const std::lock_guard lock(overlap.mutex);  // the pool's threads print too
            std::cout << "  slow job refused: 3 runs are already running\n";
        },
        static_cast<asched::event_mask>(asched::event_code::job_max_instances)
    );

    sched.start();
    std::cout << "zone: " << sched.zone().name() << '\n';
    sched.print_jobs(std::cout);
    const asched::job slow = *sched.get_job("slow");
    std::cout << "slow: executor=" << slow.executor << " coalesce=" << std::boolalpha << slow.coalesce
              << " max_instances=" << slow.max_instances << '\n';

    // Run for a little over a second, then shut down, waiting for the runs in progress
    boost::asio::steady_timer stop(ctx, 1100ms);
    stop.async_wait([&sched](asched::error_code) { sched.shutdown(); });
    ctx.run();
    std::cout << "peak overlap: " << overlap.peak << ", refused runs: " << refused << "\n\n";

    // For CI: the settings reached the jobs, the limit held, and runs did overlap (the default of 1 forbids it)
    return sched.zone().name() == "Asia/Shanghai" &&
           next_run_reads(*sched.get_job("morning_report"), "T09:30:00+08:00", sched.zone()) && !slow.coalesce &&
           slow.max_instances == 3 && overlap.peak >= 2 && overlap.peak <= 3;
}

}  // namespace

int main()
{
    // In C++: only what differs from the defaults is named
    const bool from_code = demonstrate(
        "configured in C++",
        {
            .zone = asched::time_zone::locate("Asia/Shanghai"),
            .job_defaults = {.coalesce = false, .max_instances = 3},
            .executors = {{"default", asched::make_thread_pool_executor(20)}},
        }
    );

    // From JSON, as APScheduler's configure() reads a dict
    const bool from_json = demonstrate(
        "configured from JSON",
        asched::scheduler_options::from_json(boost::json::parse(config_json))
    );

    if (!from_code || !from_json)
    {
        std::cerr << "configured: a configuration did not take effect\n";
        return 1;
    }
    return 0;
}
