// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_TIME_HPP
#define ASCHED_TIME_HPP

/// @file
/// @brief Instants, time zones, ISO 8601 text and the daylight-saving contract: the one place where asched maps
/// wall-clock times to instants.

#include <chrono>
#include <date/date.h>
#include <string>
#include <string_view>

namespace asched {

namespace detail {
struct zone_data;
}

/// @brief A point in time: UTC, microsecond resolution. Every fire time is an `instant`.
using instant = std::chrono::sys_time<std::chrono::microseconds>;

/**
 * @brief The earliest instant asched handles: `0001-01-01T00:00:00Z`.
 *
 * Instants run from here to @ref max_instant. A datetime outside that range is an error; a trigger whose next fire
 * time would lie past the end is finished. Every duration asched accepts is at most `max_instant - min_instant`, so
 * no sum or difference of instants and durations within the domain can overflow.
 */
inline constexpr instant min_instant{std::chrono::microseconds{-62'135'596'800'000'000}};

/// @brief The latest instant asched handles: `9999-12-31T23:59:59.999999Z`.
inline constexpr instant max_instant{std::chrono::microseconds{253'402'300'799'999'999}};

/// @brief The longest duration asched accepts (an interval, a jitter, a threshold): the domain's span.
inline constexpr std::chrono::microseconds max_duration = max_instant - min_instant;

/// @brief A wall-clock reading in some time zone, microsecond resolution, not yet tied to an instant.
using local_instant = date::local_time<std::chrono::microseconds>;

/**
 * @brief An IANA time zone from the system tz database, extended past its last stored transition by the zone's
 * POSIX rule, so that daylight-saving time keeps being observed after 2037.
 *
 * A cheap handle (one pointer): zones are loaded once per process and never unloaded.
 *
 * @par Thread safety
 * Distinct objects: safe. Shared objects: safe (all members are const).
 */
class time_zone
{
public:
    /**
     * @brief UTC, standing for "no zone given".
     *
     * It computes exactly like @ref utc, but @ref is_specified is false: a trigger built with it takes the zone of
     * the scheduler it is added to (@ref trigger::with_default_zone), and its JSON form names no zone.
     */
    time_zone() noexcept;

    /**
     * @brief Looks a zone up by its IANA name (`Europe/Berlin`, `UTC`).
     * @throws unknown_time_zone (a `std::invalid_argument`) quoting the name when the system tz database does not
     * know it.
     */
    static time_zone locate(std::string_view name);

    /// @brief The UTC zone, given explicitly.
    static time_zone utc() noexcept;

    /// @brief False only for a default-constructed zone, which stands for "no zone given".
    bool is_specified() const noexcept;

    /// @brief The IANA name this zone was located by.
    std::string_view name() const noexcept;

    /// @brief The offset from UTC in effect at `t` (local = UTC + offset).
    std::chrono::seconds offset_at(instant t) const;

    /// @brief The wall-clock reading at `t`.
    local_instant to_local(instant t) const;

    /**
     * @brief Maps a wall-clock reading to an instant by asched's daylight-saving contract.
     *
     * A reading that exists once maps to its instant. A reading inside a gap (clocks jump forward) maps to the
     * instant it would have had with the offset in effect before the gap: 02:30 on a day when 02:00 jumps to
     * 03:00 maps to 03:30 new local time. A reading that occurs twice (clocks fall back) maps to its first
     * occurrence.
     */
    instant to_instant(local_instant local) const;

    /// @brief Two handles are equal when they name the same zone (an unspecified zone equals UTC).
    friend bool operator==(const time_zone& a, const time_zone& b) noexcept
    {
        return a.data_ == b.data_ || a.name() == b.name();
    }

    /// @brief The zone's data, for the library's own algorithms.
    const detail::zone_data& data() const noexcept { return *data_; }

private:
    explicit time_zone(const detail::zone_data* data) noexcept : data_(data) {}
    const detail::zone_data* data_;
};

/**
 * @brief Parses an ISO 8601 datetime (`2026-03-08T02:30:00-05:00`, `2026-03-08T07:30Z`, `2026-03-08 02:30:00.25`,
 * or a bare date `2026-03-08`).
 *
 * With an offset (`Z`, `±HH:MM`, `±HHMM`, `±HH`, or `±HH:MM:SS` as @ref format_datetime writes the local mean time
 * offsets of the 19th century) the text is that exact instant. Without one it is a wall-clock time in `zone`, mapped
 * by @ref time_zone::to_instant; a bare date is local midnight. Up to 6 fractional digits.
 * @throws invalid_datetime (a `std::invalid_argument`) quoting the text and saying what is wrong with it, also when
 * the instant lies outside @ref min_instant to @ref max_instant (`9999-12-31T23:59:59-12:00`).
 */
instant parse_datetime(std::string_view text, const time_zone& zone);

/// @brief The parts of an ISO 8601 datetime, before it is resolved to an instant.
struct parsed_datetime
{
    /// @brief The wall-clock reading written in the text.
    local_instant local;
    /// @brief Whether the text carries a UTC offset (`Z` or `±HH:MM`).
    bool has_offset{false};
    /// @brief The offset written in the text (local = UTC + offset); zero without one.
    std::chrono::seconds offset{0};
    /// @brief Whether the text is a bare date (`2026-03-08`).
    bool date_only{false};
};

/// @brief Splits ISO 8601 text into its parts; see @ref parse_datetime for the accepted forms (years 0001-9999).
/// @throws invalid_datetime quoting the text and saying what is wrong with it.
parsed_datetime parse_iso8601(std::string_view text);

/// @brief Parses a bare ISO 8601 date (`2026-01-31`), years 0001-9999.
/// @throws invalid_datetime quoting the text and saying what is wrong with it.
date::year_month_day parse_date(std::string_view text);

/**
 * @brief Formats `t` as ISO 8601 in `zone` with its offset: `2026-03-08T03:30:00-04:00`. Fractional seconds
 * (`.ffffff`) appear only when the microseconds are not zero.
 *
 * What it writes, @ref parse_datetime reads back as `t`: an offset with seconds (the local mean time of a zone
 * before 1900) is written `±HH:MM:SS`, and an instant whose local reading in `zone` falls outside the years
 * 0001-9999 (`9999-12-31T23:00:00Z` in UTC+14) is written in UTC, `+00:00`. An instant outside @ref min_instant to
 * @ref max_instant is written as the nearest end of the domain.
 */
std::string format_datetime(instant t, const time_zone& zone);

/// @brief Formats a date as ISO 8601 (`2026-01-31`).
std::string format_date(date::year_month_day d);

}  // namespace asched

#endif
