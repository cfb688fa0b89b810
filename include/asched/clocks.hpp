// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_CLOCKS_HPP
#define ASCHED_CLOCKS_HPP

/// @file
/// @brief @ref asched::system_clocks, the clocks a production scheduler reads.

#include <asched/time.hpp>

#include <chrono>

namespace asched {

namespace detail {
class realtime_step_watcher;
}

/**
 * @brief The clocks of @ref scheduler — fire times are read from the system clock, and timers wait on the steady
 * clock for the remaining time.
 *
 * A step of the system clock (NTP, suspend and resume, an administrator) is noticed at once through Linux's
 * `timerfd` with `TFD_TIMER_CANCEL_ON_SET`, and the scheduler re-arms its timers for the new time. Nothing else in
 * the scheduler reads a clock, so tests substitute their own clocks for these.
 */
struct system_clocks
{
    /// @brief The clock timers wait on.
    using timer_clock = std::chrono::steady_clock;
    /// @brief Notices steps of the system clock.
    using step_watcher = detail::realtime_step_watcher;

    /// @brief The current wall-clock time.
    static instant now() noexcept
    {
        return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
    }

    /// @brief The current time of the timer clock.
    static timer_clock::time_point timer_now() noexcept { return timer_clock::now(); }
};

}  // namespace asched

#endif
