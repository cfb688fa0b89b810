// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_TRIGGERS_INTERVAL_TRIGGER_HPP
#define ASCHED_TRIGGERS_INTERVAL_TRIGGER_HPP

/// @file
/// @brief @ref asched::interval_trigger "interval_trigger": fires every fixed stretch of elapsed time.

#include <asched/trigger.hpp>
#include <asched/triggers/trigger_options.hpp>

#include <chrono>

namespace asched {

/**
 * @brief Fires every `interval` of plain elapsed time (a 1-hour interval is 3600 s across daylight-saving changes).
 *
 * With a `start_date` it fires at `start_date + k * interval`; without one, the first fire is `now + interval`.
 * @code
 * asched::interval_trigger every_3s{std::chrono::seconds{3}};
 * asched::interval_trigger hourly{std::chrono::hours{1}, {.start_date = t0, .jitter = std::chrono::seconds{30}}};
 * @endcode
 */
class interval_trigger : public trigger
{
public:
    /// @brief Fires every `interval` (must be > 0).
    /// @throws invalid_trigger for a zero or negative interval, a negative jitter, or an end before the start.
    explicit interval_trigger(std::chrono::microseconds interval, const trigger_options& options = {});

    /// @brief The stretch between fires.
    std::chrono::microseconds interval() const noexcept;
};

}  // namespace asched

#endif
