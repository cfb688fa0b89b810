// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// demo: the main example, what `./setup.sh demo` runs. A blocking scheduler whose jobs live in a SQLite file, so
// that they outlive the program: run it twice and the second run finds the jobs of the first, with their schedules.
//
// - Four named tasks, each printing a line, and jobs of four trigger kinds: an interval (every 2 s), a crontab
//   string (every minute, at second 0), a calendar interval (every day at 09:30) and a date (once, 5 s after the
//   first start).
// - The standing jobs are registered at every start under fixed ids with replace_existing: a job the file holds
//   already keeps its stored schedule (runs missed while the program was down follow the misfire rules), so
//   registering again changes nothing. Each registration completes once the file holds the job durably.
// - A listener prints every event as one line.
// - At start the demo reads the file, before the scheduler opens it, and says what an earlier run left there: its
//   jobs, and every quarantined row (a job that cannot be loaded, kept aside, never run) with its reason.
//
// APScheduler equivalent:
//
//     scheduler = BlockingScheduler(jobstores={"default": SQLAlchemyJobStore(url="sqlite:///asched-demo.sqlite")})
//     scheduler.add_listener(lambda event: print(event), EVENT_ALL)
//     scheduler.add_job(heartbeat, "interval", seconds=2, id="heartbeat", replace_existing=True)
//     scheduler.add_job(minutely, CronTrigger.from_crontab("* * * * *"), id="minutely", replace_existing=True)
//     scheduler.add_job(morning, "calendarinterval", days=1, hour=9, minute=30, id="morning", replace_existing=True)
//     scheduler.start()
//
// Usage: example_demo [--store PATH] [--duration SECONDS] [--runs N]
// --store: the SQLite file, created when missing (default: asched-demo.sqlite in the working directory).
// --duration: shut down by itself after that long; without it, the demo runs until Ctrl+C (or SIGTERM).
// --runs: run the demo N times in a row, each time with a new scheduler over the same file, as if the program were
// started N times; every run after the first must find the standing jobs (the exit status says whether it did).
#include <asched/blocking_scheduler.hpp>
#include <asched/sqlite_job_store.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <syncstream>
#include <vector>

namespace {

using namespace std::chrono_literals;
using seconds_d = std::chrono::duration<double>;

// The jobs registered at every start (the date job is not among them: see register_jobs)
const std::vector<std::string> standing_jobs = {"heartbeat", "minutely", "morning"};

// The word after `name` on the command line (`--store x.sqlite` gives x.sqlite), if it is there.
std::optional<std::string> option(int argc, char** argv, std::string_view name)
{
    for (int i = 1; i + 1 < argc; ++i)
    {
        if (argv[i] == name)
            return std::string(argv[i + 1]);
    }
    return std::nullopt;
}

// One whole line on stdout, even while jobs on the thread pool print too
void say(std::string_view line) { std::osyncstream(std::cout) << line << '\n' << std::flush; }

std::string now_text(const asched::time_zone& zone)
{
    return asched::format_datetime(std::chrono::floor<std::chrono::seconds>(asched::system_clocks::now()), zone);
}

// What an earlier run left in the file: its jobs, and the rows that cannot be loaded.
struct stored_state
{
    std::vector<asched::job_description> jobs;
    // The whole quarantine table, with the reasons: rows quarantined by earlier runs, and by the read below
    std::vector<asched::quarantined_job> quarantined;
    // The ids this read moved to the quarantine (rows it could not load)
    std::vector<std::string> moved_now;
};

// What an earlier run left in the file; nothing when there is no file yet. Read through a store object of our
// own, with the scheduler lock (so a demo already running on the file is reported here), closed before the
// scheduler opens the file. The read moves rows it cannot load to the quarantine, as the scheduler would.
stored_state stored_jobs(const std::string& path)
{
    if (!std::filesystem::exists(path))
        return {};
    boost::asio::io_context ctx;
    asched::sqlite_job_store store(ctx.get_executor(), {.path = path, .create = false});
    store.wait_open();  // throws std::system_error with the reason: held by another scheduler, not a job store, ...
    asched::error_code error;
    asched::job_listing listing;
    store.async_all_jobs([&](asched::error_code ec, asched::job_listing jobs) {
        error = ec;
        listing = std::move(jobs);
    });
    ctx.run();  // until the read completes
    if (error)
        throw boost::system::system_error(error, store.last_error_message());
    stored_state state{.jobs = std::move(listing.jobs), .quarantined = store.quarantined(), .moved_now = {}};
    for (const auto& q : listing.quarantined)
        state.moved_now.push_back(q.id);
    store.close();
    return state;
}

void register_tasks(asched::blocking_scheduler& sched)
{
    // Jobs in a SQLite store are data: each names a task registered under that name, in every run of the program.
    // Plain functions run on the `default` thread pool.
    const asched::time_zone zone = sched.zone();
    sched.register_task("heartbeat", [zone] { say("heartbeat: still alive at " + now_text(zone)); });
    sched.register_task("minutely", [zone] { say("minutely: a new minute began at " + now_text(zone)); });
    sched.register_task("morning", [zone] { say("morning: the daily 09:30 job ran at " + now_text(zone)); });
    sched.register_task("welcome", [zone] {
        say("welcome: the one-off job ran at " + now_text(zone) + "; the scheduler now removes it from the file");
    });
}

// Registers the jobs; when the file holds all of them durably, prints the table of jobs
void register_jobs(asched::blocking_scheduler& sched, bool new_store)
{
    struct registration
    {
        std::string id;
        asched::trigger when;
        asched::job_options options;
    };
    std::vector<registration> jobs = {
        {"heartbeat", asched::interval_trigger{2s}, {}},
        // A crontab string, read in the scheduler's zone: every minute at second 0
        {"minutely", asched::cron_trigger::from_crontab("* * * * *"), {}},
        // Every day at 09:30 in the scheduler's zone (calendar days: the time of day stays 09:30 across DST)
        {"morning", asched::calendar_interval_trigger{{.days = 1, .hour = 9, .minute = 30}}, {}},
    };
    // The date job runs once, 5 s after the first start. Once it has run its trigger has finished, and the
    // scheduler removes it from the file; registering it at every start would run it again at every start (and a
    // new date each time would be a new trigger). So it is added only to a new store, with its date fixed then.
    // Until it runs the file keeps it: a demo stopped sooner runs it at the next start, late but not missed (no
    // misfire limit).
    if (new_store)
    {
        const auto at = std::chrono::ceil<std::chrono::seconds>(asched::system_clocks::now()) + 5s;
        jobs.push_back({"welcome", asched::date_trigger{at}, {.misfire_grace_time = asched::unlimited_grace}});
    }

    auto left = std::make_shared<std::size_t>(jobs.size());
    for (registration& r : jobs)
    {
        r.options.id = r.id;
        r.options.replace_existing = true;  // idempotent: a stored job of this id with this trigger keeps its schedule
        // async_add_job completes once the job's store holds it durably; for jobs registered before the start,
        // after the scheduler has read the file and settled them against what it holds
        sched.async_add_job(
            *sched.find_task(r.id),
            std::move(r.when),
            std::move(r.options),
            [&sched, left, id = r.id](std::exception_ptr error, std::string) {
                if (error)
                {
                    try
                    {
                        std::rethrow_exception(error);
                    }
                    catch (const std::exception& e)
                    {
                        say("job '" + id + "' could not be stored: " + e.what());
                    }
                }
                if (--*left == 0)
                {
                    std::osyncstream out(std::cout);  // the table in one piece, between two lines of the jobs
                    out << "The file holds these jobs now (the scheduler's zone is " << sched.zone().name() << "):\n";
                    sched.print_jobs(out);
                    out << std::flush;
                }
            }
        );
    }
}

struct run_result
{
    std::vector<std::string> found;  // the ids of the jobs an earlier run left in the file
    bool interrupted = false;        // shut down by Ctrl+C or SIGTERM, not by --duration: no more runs
};

run_result run_demo(const std::string& path, std::optional<seconds_d> duration)
{
    run_result result;
    const bool file_existed = std::filesystem::exists(path);
    const stored_state stored = stored_jobs(path);
    const std::vector<asched::job_description>& earlier = stored.jobs;
    for (const auto& j : earlier)
        result.found.push_back(j.id);
    if (!file_existed)
        say("No " + path + " yet: a new job store is created, and the jobs are registered in it");
    else
    {
        std::string ids;
        for (const std::string& id : result.found)
            ids += (ids.empty() ? ": " : ", ") + id;
        say("Found " + std::to_string(earlier.size()) + " jobs in " + path + " from an earlier run" + ids);
    }
    // Never run, never deleted: each one is named, with why it cannot be loaded
    for (const auto& q : stored.quarantined)
    {
        const bool now = std::ranges::find(stored.moved_now, q.id) != stored.moved_now.end();
        say("Quarantined in " + path + (now ? " (just now, by this read)" : "") + ": job '" + q.id + "': " + q.reason);
    }

    // The scheduler's constructor opens the file (creating it) and holds it until the scheduler is destroyed
    asched::blocking_scheduler sched({.jobstores = {{"default", "sqlite:" + path}}});
    register_tasks(sched);

    boost::asio::steady_timer stop_timer(sched.context());
    bool stopped_by_timer = false;
    bool store_failing = false;  // between a jobstore_error and the jobstore_recovered that ends it
    // Listeners run on the scheduler's own thread
    sched.add_listener([&stop_timer, &store_failing](const asched::event& event) {
        say("  event: " + event.to_string());
        if (event.code == asched::event_code::jobstore_error && !event.job_id.empty())  // a job's write
            store_failing = true;
        else if (event.code == asched::event_code::jobstore_recovered)
            store_failing = false;
        else if (event.code == asched::event_code::scheduler_shutdown)
            stop_timer.cancel();  // shut down by Ctrl+C: the timer would keep run() waiting
    });

    register_jobs(sched, earlier.empty());
    if (duration)
    {
        stop_timer.expires_after(std::chrono::duration_cast<std::chrono::microseconds>(*duration));
        stop_timer.async_wait([&](asched::error_code ec) {
            if (ec)
                return;
            stopped_by_timer = true;
            say("--duration elapsed: shutting down");
            sched.async_shutdown(true, [](asched::error_code) {});  // waits for runs in progress, as Ctrl+C does
        });
    }
    if (duration)
    {
        std::ostringstream text;
        text << "Running for " << duration->count() << " s; press Ctrl+C to stop sooner";
        say(text.str());
    }
    else
        say("Running; press Ctrl+C to exit");
    sched.run();        // starts the scheduler, which reads the file; returns once it has shut down
    if (store_failing)  // the scheduler's warning above says which writes the file lacks
        say("Scheduler shut down; " + path + " did not take every write, so it holds some jobs as they were before");
    else
        say("Scheduler shut down; its " + std::to_string(sched.job_count()) + " jobs stay in " + path);
    result.interrupted = !stopped_by_timer;
    return result;
}

}  // namespace

int main(int argc, char** argv)
{
    try
    {
        const std::string path = option(argc, argv, "--store").value_or("asched-demo.sqlite");
        std::optional<seconds_d> duration;
        if (auto d = option(argc, argv, "--duration"))
            duration = seconds_d{std::stod(*d)};
        const int runs = std::stoi(option(argc, argv, "--runs").value_or("1"));

        for (int run = 1; run <= runs; ++run)
        {
            if (runs > 1)
                say("=== run " + std::to_string(run) + " of " + std::to_string(runs) + " ===");
            const run_result result = run_demo(path, duration);
            // For CI: every run after the first finds the standing jobs the run before it registered
            const bool found_all = std::ranges::all_of(standing_jobs, [&](const std::string& id) {
                return std::ranges::find(result.found, id) != result.found.end();
            });
            if (run > 1 && !found_all)
            {
                std::cerr << "demo: run " << run << " did not find the jobs of run " << run - 1 << " in " << path
                          << '\n';
                return 1;
            }
            if (result.interrupted)
                break;
        }
        return 0;
    }
    catch (const std::exception& e)
    {
        std::cerr << "demo: " << e.what() << '\n';
        return 1;
    }
}
