// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_TESTS_COMMON_MOCK_CLOCKS_HPP
#define ASCHED_TESTS_COMMON_MOCK_CLOCKS_HPP

// Clocks for basic_scheduler that move only when a test says so. The wall clock and the timer clock are driven by
// one counter; the timer clock's wait_traits return a zero wait, so the reactor polls rather than sleeps and
// `ctx.poll()` after `advance()` runs whatever came due.

#include <asched/time.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/wait_traits.hpp>
#include <boost/system/error_code.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <set>

namespace asched::test {

/// The timer clock of mock_clocks: an asio Clock whose now() moves only on mock_clocks::advance().
struct mock_timer_clock
{
    using duration = std::chrono::steady_clock::duration;
    using rep = duration::rep;
    using period = duration::period;
    using time_point = std::chrono::time_point<mock_timer_clock>;
    static constexpr bool is_steady = true;
    static time_point now() noexcept;
};

class mock_step_watcher;

/// Wall and timer clocks moved by hand. All state is static: one mock time per test process.
struct mock_clocks
{
    using timer_clock = mock_timer_clock;
    using step_watcher = mock_step_watcher;

    static instant now() noexcept { return instant{std::chrono::microseconds{wall_us().load()}}; }
    static timer_clock::time_point timer_now() noexcept
    {
        return timer_clock::time_point{std::chrono::microseconds{timer_us().load()}};
    }

    /// Sets the wall clock (and restarts the timer clock at zero): call at the start of a test.
    static void reset(instant wall)
    {
        wall_us() = wall.time_since_epoch().count();
        timer_us() = 0;
    }

    /// Moves both clocks forward by `d`.
    static void advance(std::chrono::microseconds d)
    {
        wall_us() += d.count();
        timer_us() += d.count();
    }

    /// Steps the wall clock only (as NTP or a suspend would) and tells the step watchers, as timerfd would.
    static void step_wall(std::chrono::microseconds d);

    static std::atomic<std::int64_t>& wall_us()
    {
        static std::atomic<std::int64_t> value{0};
        return value;
    }
    static std::atomic<std::int64_t>& timer_us()
    {
        static std::atomic<std::int64_t> value{0};
        return value;
    }
};

inline mock_timer_clock::time_point mock_timer_clock::now() noexcept { return mock_clocks::timer_now(); }

/// The mock's step watcher: its wait completes when a test calls mock_clocks::step_wall().
class mock_step_watcher
{
public:
    explicit mock_step_watcher(boost::asio::any_io_executor executor) : executor_(std::move(executor))
    {
        const std::lock_guard lock(mutex());
        all().insert(this);
    }
    ~mock_step_watcher()
    {
        const std::lock_guard lock(mutex());
        all().erase(this);
    }
    mock_step_watcher(const mock_step_watcher&) = delete;
    mock_step_watcher& operator=(const mock_step_watcher&) = delete;

    void async_wait(std::function<void(boost::system::error_code)> handler) { handler_ = std::move(handler); }

    void cancel()
    {
        if (auto h = std::exchange(handler_, nullptr))
            boost::asio::post(executor_, [h = std::move(h)] { h(boost::asio::error::operation_aborted); });
    }

    /// How many steps were signalled to this process's watchers.
    static int steps_signalled() { return signalled(); }

private:
    friend struct mock_clocks;

    void signal()
    {
        if (auto h = std::exchange(handler_, nullptr))
        {
            ++signalled();
            boost::asio::post(executor_, [h = std::move(h)] { h(boost::system::error_code{}); });
        }
    }

    static std::mutex& mutex()
    {
        static std::mutex m;
        return m;
    }
    static std::set<mock_step_watcher*>& all()
    {
        static std::set<mock_step_watcher*> watchers;
        return watchers;
    }
    static int& signalled()
    {
        static int n = 0;
        return n;
    }

    boost::asio::any_io_executor executor_;
    std::function<void(boost::system::error_code)> handler_;
};

inline void mock_clocks::step_wall(std::chrono::microseconds d)
{
    wall_us() += d.count();
    const std::lock_guard lock(mock_step_watcher::mutex());
    for (auto* watcher : mock_step_watcher::all())
        watcher->signal();
}

}  // namespace asched::test

/// A zero wait: the reactor polls the mock timer clock instead of sleeping on it.
template <>
struct boost::asio::wait_traits<asched::test::mock_timer_clock>
{
    static asched::test::mock_timer_clock::duration to_wait_duration(const asched::test::mock_timer_clock::duration&)
    {
        return asched::test::mock_timer_clock::duration::zero();
    }
    static asched::test::mock_timer_clock::duration to_wait_duration(const asched::test::mock_timer_clock::time_point&)
    {
        return asched::test::mock_timer_clock::duration::zero();
    }
};

/// The scheduler on mock clocks; instantiated once, in tests/common/mock_scheduler.cpp.
namespace asched::test {
}

#endif
