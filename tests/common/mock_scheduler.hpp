// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_TESTS_COMMON_MOCK_SCHEDULER_HPP
#define ASCHED_TESTS_COMMON_MOCK_SCHEDULER_HPP

// The scheduler on mock clocks, and a fixture that drives it without sleeping.

#include <asched/scheduler.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/mock_clocks.hpp"

namespace asched::test {

using mock_scheduler = basic_scheduler<mock_clocks>;

/// 2026-01-05T00:00:00Z, a Monday: where the mock clocks start in every test.
inline constexpr instant mock_epoch{std::chrono::sys_days{std::chrono::year{2026} / 1 / 5}};

/// Runs ready handlers until `done()` holds; fails the test after `budget` of real time (a generous bound for
/// work on other threads, never a sleep the test relies on).
inline bool poll_until(
    boost::asio::io_context& ctx,
    const std::function<bool()>& done,
    std::chrono::milliseconds budget = std::chrono::seconds{20}
)
{
    const auto deadline = std::chrono::steady_clock::now() + budget;
    while (!done())
    {
        if (std::chrono::steady_clock::now() > deadline)
        {
            BOOST_ERROR("poll_until: condition not reached within the budget");
            return false;
        }
        if (ctx.stopped())
            ctx.restart();
        ctx.run_for(std::chrono::milliseconds{1});
    }
    return true;
}

/// An io_context, the mock clocks reset to mock_epoch, and a scheduler recording every event.
struct scheduler_fixture
{
    boost::asio::io_context ctx;
    std::vector<event> events;

    scheduler_fixture() { mock_clocks::reset(mock_epoch); }

    /// Moves the mock clocks forward and runs what came due.
    void advance(std::chrono::microseconds d)
    {
        mock_clocks::advance(d);
        poll();
    }

    /// Runs every ready handler.
    void poll()
    {
        if (ctx.stopped())
            ctx.restart();
        ctx.poll();
    }

    /// Records every event of `sched` into `events`.
    void record(mock_scheduler& sched)
    {
        sched.add_listener([this](const event& e) { events.push_back(e); });
    }

    /// The recorded events of `code` (and of `job_id`, when given), in order.
    std::vector<event> events_of(event_code code, std::string_view job_id = {}) const
    {
        std::vector<event> out;
        for (const auto& e : events)
            if (e.code == code && (job_id.empty() || e.job_id == job_id))
                out.push_back(e);
        return out;
    }

    /// How many recorded events have `code`.
    std::size_t count(event_code code) const
    {
        std::size_t n = 0;
        for (const auto& e : events)
            n += e.code == code ? 1 : 0;
        return n;
    }
};

}  // namespace asched::test

#endif
