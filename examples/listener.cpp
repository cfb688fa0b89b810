// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// listener: a listener for the events "a run completed" and "a run failed", which says whether each job worked or
// crashed. One job works and returns a value; the other throws. A job that throws never harms the scheduler or the
// other jobs: its exception travels to the listener in the event. The listener ends the program after a few runs.
//
// APScheduler equivalent (its user guide's "Scheduler events"):
//
//     def my_listener(event):
//         if event.exception:
//             print("The job crashed :(")
//         else:
//             print("The job worked :)")
//
//     scheduler.add_listener(my_listener, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
#include <asched/blocking_scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/json/serialize.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>

namespace {

using namespace std::chrono_literals;

std::string message_of(const std::exception_ptr& error)
{
    try
    {
        std::rethrow_exception(error);
    }
    catch (const std::exception& e)
    {
        return e.what();
    }
    catch (...)
    {
        return "an exception that is not a std::exception";
    }
}

}  // namespace

int main()
{
    // The scheduler also logs failed runs to stderr (warnings and up); the listener is what the program acts on
    asched::blocking_scheduler sched;

    std::atomic<int> answers = 0;  // the job runs on the thread pool
    sched.add_job([&answers] { return 40 + (++answers % 3); }, asched::interval_trigger{300ms}, {.id = "works"});
    sched.add_job(
        [] { throw std::runtime_error("the disk is full"); },
        asched::interval_trigger{300ms},
        {.id = "crashes"}
    );

    int worked = 0;
    int crashed = 0;
    // Listeners run on the scheduler's own thread: they may count without a lock and call the scheduler directly
    sched.add_listener(
        [&](const asched::event& event) {
            if (event.exception)
            {
                ++crashed;
                std::cout << "The job '" << event.job_id << "' crashed :( " << message_of(event.exception) << '\n';
            }
            else
            {
                ++worked;
                std::cout << "The job '" << event.job_id << "' worked :) it returned " << event.result << '\n';
            }
            if (worked + crashed == 6)
                sched.shutdown();  // waits for runs in progress
        },
        asched::event_code::job_executed | asched::event_code::job_error
    );

    sched.run();

    // For CI: both outcomes were reported, and a crash did not stop the other job
    std::cout << worked << " runs worked, " << crashed << " crashed\n";
    return worked > 0 && crashed > 0 ? 0 : 1;
}
