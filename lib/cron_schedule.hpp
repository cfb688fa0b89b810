// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_LIB_CRON_SCHEDULE_HPP
#define ASCHED_LIB_CRON_SCHEDULE_HPP

#include <array>
#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asched::detail {

/// The cron fields in APScheduler's order of significance.
enum cron_field_index
{
    field_year,
    field_month,
    field_day,
    field_week,
    field_day_of_week,
    field_hour,
    field_minute,
    field_second,
    field_count
};

/// The fields' names as in the JSON form.
inline constexpr std::array<std::string_view, field_count> cron_field_names =
    {"year", "month", "day", "week", "day_of_week", "hour", "minute", "second"};

/// Which rule combines the day and day_of_week fields.
enum class day_rule
{
    both_must_match,   ///< APScheduler's field form, and crontab strings where either day field starts with '*'
    either_may_match,  ///< crontab strings where neither day field starts with '*' (Vixie cron)
};

/**
 * A cron expression compiled to bit masks: answers "the first matching local second at or after this one" with a
 * few bit scans per field, and never searches more than 400 years ahead (the Gregorian calendar repeats every
 * 400 years, so an expression that matches nothing in 400 years never will).
 */
class cron_schedule
{
public:
    /// Compiles the fields' texts (all present: defaults already applied).
    /// Throws invalid_trigger naming the field, the text and why.
    cron_schedule(const std::array<std::string, field_count>& fields, day_rule rule);

    /// The first matching local second at or after `local` (seconds of local time since the epoch).
    std::optional<std::int64_t> first_match(std::int64_t local) const;

    /// Whether the hour field matches all 24 hours (such a schedule fires in both passes of a fold).
    bool matches_every_hour() const noexcept { return hours_ == (1u << 24) - 1; }

private:
    // Days of the month starting on day number `first_day` that match day, week and day_of_week: bit d for day d
    [[gnu::always_inline]] inline std::uint32_t day_mask(std::int64_t first_day, int days_in_month) const;
    // The first matching second of the day at or after `second_of_day`, or -1
    [[gnu::always_inline]] inline int first_time_of_day(int second_of_day) const;
    bool year_matches(int year) const;
    int next_year(int year) const;  // first matching year >= year, or 0

    struct weekday_position
    {
        std::int8_t nth;      // 1-5, or -1 for the last
        std::int8_t weekday;  // 0 = Monday
    };

    bool any_year_ = true;
    std::vector<std::uint64_t> years_;  // bit (year - 1970)
    std::uint16_t months_ = 0;          // bit m
    std::uint32_t days_ = 0;            // bit d, plain day numbers
    bool last_day_ = false;
    std::vector<weekday_position> positions_;
    std::uint64_t weeks_ = 0;  // bit w
    bool any_week_ = true;
    std::array<std::uint32_t, 7> weekday_days_{};  // by weekday of the 1st: bit d when day d matches day_of_week
    day_rule rule_;
    std::uint32_t hours_ = 0;
    std::uint64_t minutes_ = 0;
    std::uint64_t seconds_ = 0;
    int first_minute_ = 0;
    int first_second_ = 0;
};

}  // namespace asched::detail

#endif
