// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_LIB_WALL_CLOCK_SEARCH_HPP
#define ASCHED_LIB_WALL_CLOCK_SEARCH_HPP

#include <algorithm>
#include <cstdint>
#include <optional>

#include "zone_data.hpp"

namespace asched::detail {

/// How a wall-clock schedule treats readings that occur twice when clocks fall back.
enum class fold_policy
{
    first_pass,   ///< fire at the first occurrence only
    both_passes,  ///< fire in both passes (a cron trigger whose hour field matches all 24 hours)
};

/**
 * The first instant at or after `t` (seconds since the epoch, UTC) that a wall-clock schedule fires at, under the
 * daylight-saving contract. `first_match(l)` gives the schedule's first local reading at or after the local
 * reading `l` (seconds of local time since the epoch), or nothing when it never fires again.
 *
 * The zone's history is a sequence of periods with one offset each. In a period, readings map to instants by
 * subtracting its offset; what changes at a period's start is decided here, once for every trigger kind:
 * - after a gap (offset grew by `delta`), the readings inside the gap map with the offset before it, onto the
 *   period's first `delta` of instants, where they may land before readings that come later on the wall clock;
 * - after a fold (offset shrank), the readings shown a second time belong to the previous period's first pass,
 *   unless `policy` is both_passes.
 * The smallest candidate wins, so an instant reached by two readings fires once.
 */
template <class FirstMatch>
std::optional<std::int64_t> next_wall_clock_instant(
    const zone_data& zone,
    std::int64_t t,
    FirstMatch&& first_match,
    fold_policy policy
)
{
    // No offset in the tz database reaches a day; the margins below rely on it
    constexpr std::int64_t margin = 86400;
    for (;;)
    {
        const zone_period period = zone.period_at(t);
        std::int64_t lowest_reading = t + period.offset;
        std::optional<std::int64_t> from_gap;
        if (t - period.begin < 2 * margin)
        {
            const zone_period before = zone.period_at(period.begin - 1);
            const std::int64_t delta = std::int64_t{period.offset} - before.offset;
            if (delta > 0 && t < period.begin + delta)
            {
                // Readings in [begin + offset_before, begin + offset) never showed; they fire `delta` later
                const auto reading = first_match(std::max(t, period.begin) + before.offset);
                if (reading && *reading < period.begin + period.offset)
                    from_gap = *reading - before.offset;
            }
            else if (delta < 0 && policy == fold_policy::first_pass)
                lowest_reading = std::max(lowest_reading, period.begin + before.offset);
        }
        const auto reading = first_match(lowest_reading);
        if (reading && *reading < period.end + period.offset)
        {
            const std::int64_t candidate = *reading - period.offset;
            return from_gap ? std::min(*from_gap, candidate) : candidate;
        }
        if (from_gap)
            return from_gap;
        if (!reading)
            return std::nullopt;
        // The next reading lies beyond this period. Jump close to it rather than walk period by period (a leap
        // day can be 8 years away): no instant before reading - margin can show a reading at or after it, and
        // when t is that far from the period's end no later period repeats readings from before lowest_reading.
        std::int64_t next = period.end;
        if (t + 2 * margin <= period.end && *reading - margin > next)
            next = *reading - margin;
        t = next;
    }
}

}  // namespace asched::detail

#endif
