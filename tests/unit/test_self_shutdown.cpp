// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

// Jobs that shut their own scheduler down, and the small conveniences found while writing the examples.

#include <asched/background_scheduler.hpp>
#include <asched/errors.hpp>
#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <string>

#include "common/mock_scheduler.hpp"

using namespace std::chrono_literals;
using asched::event_code;

BOOST_AUTO_TEST_SUITE(self_shutdown)

BOOST_AUTO_TEST_CASE(a_pool_job_shutting_down_its_background_scheduler_returns_and_the_scheduler_stops)
{
    std::promise<void> returned;
    std::atomic<bool> after_shutdown_call{false};
    {
        asched::background_scheduler sched({.log = {}});
        sched.add_job(
            [&] {
                // Waiting here would wait for this very job: the call starts the shutdown and returns
                sched.shutdown(true);
                after_shutdown_call = true;
                returned.set_value();
            },
            asched::date_trigger{
                std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now())},
            {.id = "stopper"}
        );
        sched.start();
        BOOST_TEST((returned.get_future().wait_for(20s) == std::future_status::ready));
        BOOST_TEST(after_shutdown_call.load());
    }  // the destructor joins the threads: reaching the end of the test is the check
}

BOOST_AUTO_TEST_CASE(scheduler_error_says_its_message_once)
{
    const asched::scheduler_error error(asched::errc::job_not_found, "job 'report' not found in job store 'default'");
    BOOST_TEST(std::string(error.what()) == "job 'report' not found in job store 'default'");
    BOOST_TEST((error.code() == asched::errc::job_not_found));
}

BOOST_FIXTURE_TEST_CASE(a_listener_can_ask_for_one_event_code, asched::test::scheduler_fixture)
{
    asched::test::mock_scheduler sched(ctx, {.zone = asched::time_zone::utc(), .log = {}});
    int added = 0;
    sched.add_listener(
        [&](const asched::event& e) { added += e.code == event_code::job_added ? 1 : 100; },
        event_code::job_added
    );
    sched.add_job([] {}, asched::interval_trigger{1s}, {.executor = "inline"});
    sched.start();
    advance(1s);
    BOOST_TEST(added == 1);  // no other event reached it
}

BOOST_AUTO_TEST_SUITE_END()
