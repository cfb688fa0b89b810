// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// cron_job: a job that runs every day at 14:00, added under an explicit id with replace_existing, so that
// registering it again (a second start-up, a redeploy, a configuration reload) replaces it instead of adding a
// twin or failing. The program shows the one job and its next run time, then exits without waiting for 14:00.
//
// APScheduler equivalent (its user guide's "Adding jobs" and "Choosing the right scheduler"):
//
//     scheduler.add_job(daily_report, "cron", hour=14, id="daily_report", replace_existing=True)
//     scheduler.add_job(daily_report, "cron", hour=14, id="daily_report", replace_existing=True)  # still one job
//     scheduler.print_jobs()
#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/io_context.hpp>

#include <iostream>
#include <string>

namespace {

void daily_report() { std::cout << "Sending the daily report\n"; }

// What a program would do at each start-up: register its jobs, whether or not they exist already
asched::job register_jobs(asched::scheduler& sched)
{
    // hour = 14 alone means 14:00:00 (the finer fields default to their first value), in the scheduler's zone
    return sched
        .add_job(daily_report, asched::cron_trigger{{.hour = "14"}}, {.id = "daily_report", .replace_existing = true});
}

}  // namespace

int main()
{
    boost::asio::io_context ctx;
    asched::scheduler sched(ctx);
    std::cout << "zone: " << sched.zone().name() << '\n';

    // Before the start the job is pending: its first run time is computed when the scheduler starts
    register_jobs(sched);
    register_jobs(sched);
    sched.start();

    // After the start, replacing a job whose trigger is unchanged keeps its schedule
    const auto before = sched.get_job("daily_report")->next_run_time;
    const asched::job job = register_jobs(sched);
    std::cout << job.describe() << '\n';
    sched.print_jobs(std::cout);

    sched.shutdown();
    ctx.run();  // lets the shutdown finish; returns at once, since nothing is armed any more

    // For CI: three registrations, one job, one schedule, at 14:00:00 in the scheduler's zone
    const bool at_14 = job.next_run_time &&
                       asched::format_datetime(*job.next_run_time, sched.zone()).find("T14:00:00") != std::string::npos;
    if (sched.job_count() != 1 || !before || job.next_run_time != before || !at_14)
    {
        std::cerr << "cron_job: expected one job at 14:00, found " << sched.job_count() << '\n';
        return 1;
    }
    return 0;
}
