// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_TRIGGERS_CALENDAR_INTERVAL_TRIGGER_HPP
#define ASCHED_TRIGGERS_CALENDAR_INTERVAL_TRIGGER_HPP

/// @file
/// @brief @ref asched::calendar_interval_trigger "calendar_interval_trigger": fires at a time of day on dates a
/// calendar stride apart.

#include <asched/trigger.hpp>

#include <date/date.h>
#include <optional>

namespace asched {

/// @brief Settings of a @ref calendar_interval_trigger. At least one of the strides must be > 0.
struct calendar_interval_options
{
    /// @brief Years between fire dates, 0-9999.
    int years{0};
    /// @brief Months between fire dates, 0-119988 (9999 years).
    int months{0};
    /// @brief Weeks between fire dates, 0-521722 (9999 years).
    int weeks{0};
    /// @brief Days between fire dates, 0-3652059 (9999 years).
    int days{0};
    /// @brief Hour of the fire time of day, 0-23.
    int hour{0};
    /// @brief Minute of the fire time of day, 0-59.
    int minute{0};
    /// @brief Second of the fire time of day, 0-59.
    int second{0};
    /// @brief The first fire date, years 0001-9999. None: the local date of the first `now`.
    std::optional<date::year_month_day> start_date{};
    /// @brief The last date on which it may fire (inclusive), years 0001-9999; after it the trigger is finished.
    /// None: never ends. Must not be before `start_date`.
    std::optional<date::year_month_day> end_date{};
    /// @brief The zone dates and the time of day are read in. Default: UTC.
    time_zone timezone{};
};

/**
 * @brief Fires at a local time of day on a sequence of dates: the first is `start_date`; each next one adds `years`
 * and `months` to the previous date (when that day does not exist in the target month, Jan 31 + 1 month, it keeps
 * adding until it does: skipped, never clamped), then adds `weeks` and `days`.
 * @code
 * asched::calendar_interval_trigger monthly{{.months = 1, .hour = 9, .start_date = 2026_y / 1 / 31}};
 * @endcode
 */
class calendar_interval_trigger : public trigger
{
public:
    /// @brief Fires as `options` say.
    /// @throws invalid_trigger naming the setting, its value and why.
    explicit calendar_interval_trigger(const calendar_interval_options& options);
};

}  // namespace asched

#endif
