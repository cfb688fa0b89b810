// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_LIB_ZONE_DATA_HPP
#define ASCHED_LIB_ZONE_DATA_HPP

#include <asched/time.hpp>

#include <algorithm>
#include <cstdint>
#include <date/tz.h>
#include <memory>
#include <string>
#include <vector>

namespace asched::detail {

/// A stretch of time with one UTC offset: [begin, end) in seconds since the epoch (UTC).
struct zone_period
{
    std::int64_t begin;
    std::int64_t end;
    std::int32_t offset;  // local = UTC + offset, seconds
};

/// Everything asched knows of one zone. Loaded once, never freed.
///
/// The date library stops a zone's transitions at the last one its TZif file lists (2037 for most zones) and
/// ignores the file's POSIX footer, so on its own it would end daylight-saving time in 2037. We read the footer
/// and continue the zone with it; and we flatten the periods of the years that matter into a sorted table,
/// because a binary search over plain integers is several times cheaper than date::time_zone::get_info.
struct zone_data
{
    std::string name;
    const date::time_zone* tz = nullptr;            // null for the built-in UTC
    std::shared_ptr<const struct posix_rule> tail;  // defined where it is used, in time_zone.cpp
    std::int64_t tail_begin = INT64_MAX;            // where `tail` takes over from `tz`
    static constexpr int bucket_shift = 22;         // buckets of 2^22 s (48.5 days) from periods.front().begin
    std::vector<std::uint32_t> bucket_first;        // per bucket: the period that holds its first second
    std::vector<zone_period> periods;               // contiguous, sorted

    /// The period containing `t` (seconds since the epoch, UTC).
    zone_period period_at(std::int64_t t) const
    {
        if (!periods.empty() && t >= periods.front().begin)
        {
            if (t < periods.back().end)
            {
                // The bucket of t names the period holding the bucket's start; at most a step or two from there
                const auto bucket = static_cast<std::size_t>((t - periods.front().begin) >> bucket_shift);
                std::size_t i = bucket < bucket_first.size() ? bucket_first[bucket] : periods.size() - 1;
                while (periods[i].end <= t)
                    ++i;
                return periods[i];
            }
            if (t >= repeats_from)
            {
                // A POSIX rule names days of the calendar, and the Gregorian calendar repeats every 400 years:
                // answer from the same instant of the table's last 400 years, however far ahead `t` is
                const std::int64_t cycles = (t - repeats_from) / gregorian_cycle + 1;
                zone_period p = period_at(t - cycles * gregorian_cycle);
                p.begin += cycles * gregorian_cycle;
                p.end += cycles * gregorian_cycle;
                return p;
            }
        }
        return period_outside_table(t);
    }

    static constexpr std::int64_t gregorian_cycle = 146097LL * 86400;  // 400 years, in seconds
    std::int64_t repeats_from = INT64_MAX;  // the table's end, when only the POSIX rule is in force for 400 years

    zone_period period_outside_table(std::int64_t t) const;
};

}  // namespace asched::detail

#endif
