// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_TRIGGERS_TRIGGER_OPTIONS_HPP
#define ASCHED_TRIGGERS_TRIGGER_OPTIONS_HPP

/// @file
/// @brief @ref asched::trigger_options, the settings that interval and cron triggers share.

#include <asched/time.hpp>

#include <chrono>
#include <optional>

namespace asched {

/// @brief Bounds, zone and jitter of an @ref interval_trigger or @ref cron_trigger. Every member has a default.
struct trigger_options
{
    /// @brief The earliest instant it may fire at (inclusive). None: no lower bound (interval: `now + interval`).
    std::optional<instant> start_date{};
    /// @brief The latest instant it may fire at (inclusive); past it the trigger is finished. None: never ends.
    /// Must not be before `start_date`.
    std::optional<instant> end_date{};
    /// @brief The zone wall-clock fields are read in and fire times shown in. Default: UTC.
    time_zone timezone{};
    /// @brief A uniformly random delay in [0, jitter] added to each fire instant, never past `end_date`.
    /// Zero: no jitter. Must not be negative.
    std::chrono::microseconds jitter{0};
};

}  // namespace asched

#endif
