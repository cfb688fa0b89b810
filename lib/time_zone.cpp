// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#include <asched/errors.hpp>
#include <asched/time.hpp>

#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "error_text.hpp"
#include "zone_data.hpp"

// ptz.h defines a non-inline function, so this must stay the only file that includes it. It also names hh_mm_ss
// unqualified after `using namespace date; using namespace std::chrono;`, which is ambiguous in C++20; a
// declaration in namespace Posix is found first and settles it.
namespace Posix {
template <class Duration>
using hh_mm_ss = date::hh_mm_ss<Duration>;
}
#include <date/ptz.h>

namespace asched {
namespace detail {

/// A zone's POSIX TZ rule ("CET-1CEST,M3.5.0,M10.5.0/3"), which continues it past its last listed transition.
struct posix_rule
{
    Posix::time_zone zone;
};

namespace {

constexpr std::int64_t seconds_per_day = 86400;

// The table covers these years; outside them we ask the date library (or the POSIX rule) directly.
constexpr int table_first_year = 1900;
constexpr int table_last_year = 2500;  // at least 400 years past the last listed transition

std::int64_t seconds_since_epoch(date::year_month_day d)
{
    return date::sys_days{d}.time_since_epoch().count() * seconds_per_day;
}

zone_period to_period(const date::sys_info& info)
{
    return {
        info.begin.time_since_epoch().count(),
        info.end.time_since_epoch().count(),
        static_cast<std::int32_t>(info.offset.count())};
}

// The POSIX TZ string at the end of a version 2+ TZif file ("CET-1CEST,M3.5.0,M10.5.0/3"), or empty.
std::string read_posix_footer(const std::string& zone_name)
{
    std::ifstream in("/usr/share/zoneinfo/" + zone_name, std::ios::binary);
    if (!in)
        return {};
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() < 5 || bytes.compare(0, 4, "TZif") != 0 || bytes[4] < '2' || bytes.back() != '\n')
        return {};
    const auto start = bytes.rfind('\n', bytes.size() - 2);
    if (start == std::string::npos)
        return {};
    return bytes.substr(start + 1, bytes.size() - start - 2);
}

std::unique_ptr<zone_data> make_utc()
{
    auto z = std::make_unique<zone_data>();
    z->name = "UTC";
    return z;
}

std::unique_ptr<zone_data> load_zone(std::string_view name)
{
    auto z = std::make_unique<zone_data>();
    z->name = std::string(name);
    try
    {
        z->tz = date::locate_zone(name);
    }
    catch (const std::exception&)
    {
        throw unknown_time_zone(
            "unknown time zone \"" + quote_input(z->name) + "\" (not in the system tz database, /usr/share/zoneinfo)"
        );
    }

    // The date library's last period runs to the end of time; from its start on, the POSIX rule is the truth.
    const auto far_future = date::sys_seconds{std::chrono::seconds{seconds_since_epoch(date::year{3000} / 1 / 1)}};
    const auto last = z->tz->get_info(far_future);
    if (const auto footer = read_posix_footer(z->tz->name()); !footer.empty())
    {
        try
        {
            z->tail = std::make_shared<const posix_rule>(posix_rule{Posix::time_zone{footer}});
            z->tail_begin = last.begin.time_since_epoch().count();
        }
        catch (const std::exception&)
        {
            z->tail.reset();  // a footer the parser does not know: keep the date library's answer
        }
    }

    // Flatten the periods of the table's years
    std::int64_t t = seconds_since_epoch(date::year{table_first_year} / 1 / 1);
    const std::int64_t stop = seconds_since_epoch(date::year{table_last_year} / 1 / 1);
    while (t < stop)
    {
        zone_period p = z->period_outside_table(t);
        if (!z->periods.empty())
            p.begin = z->periods.back().end;  // keep the table contiguous
        else
            p.begin = std::min(p.begin, t);
        if (p.end <= t)
            break;  // defensive: never loop on a period that does not advance
        if (!z->periods.empty() && z->periods.back().offset == p.offset)
            z->periods.back().end = p.end;  // an abbreviation change only: one period for the search
        else
            z->periods.push_back(p);
        t = p.end;
    }
    if (!z->periods.empty())
    {
        // Index the table by fixed-size buckets so a lookup costs a shift and a step, not a binary search
        const std::int64_t first = z->periods.front().begin;
        const std::int64_t last = std::min(z->periods.back().end, stop);
        std::uint32_t i = 0;
        for (std::int64_t b = first; b < last; b += std::int64_t{1} << zone_data::bucket_shift)
        {
            while (z->periods[i].end <= b)
                ++i;
            z->bucket_first.push_back(i);
        }
    }
    if (z->tail && !z->periods.empty() && z->tail_begin <= z->periods.back().end - zone_data::gregorian_cycle)
        z->repeats_from = z->periods.back().end;
    return z;
}

}  // namespace

zone_period zone_data::period_outside_table(std::int64_t t) const
{
    if (tz == nullptr)
        return {INT64_MIN / 4, INT64_MAX / 4, 0};
    const date::sys_seconds s{std::chrono::seconds{t}};
    if (tail && t >= tail_begin)
    {
        zone_period p = to_period(tail->zone.get_info(s));
        p.begin = std::max(p.begin, tail_begin);
        return p;
    }
    zone_period p = to_period(tz->get_info(s));
    if (tail)
        p.end = std::min(p.end, tail_begin);
    return p;
}

}  // namespace detail

namespace {

const detail::zone_data& utc_data()
{
    static const auto utc = detail::make_utc();
    return *utc;
}

// The same data at a second address: the zone of a trigger built without one, which a scheduler replaces by its own
const detail::zone_data& unspecified_utc_data()
{
    static const auto utc = detail::make_utc();
    return *utc;
}

}  // namespace

time_zone::time_zone() noexcept : data_(&unspecified_utc_data()) {}

time_zone time_zone::utc() noexcept { return time_zone{&utc_data()}; }

bool time_zone::is_specified() const noexcept { return data_ != &unspecified_utc_data(); }

time_zone time_zone::locate(std::string_view name)
{
    if (name == "UTC")
        return utc();
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<detail::zone_data>, std::less<>> zones;
    const std::lock_guard lock(mutex);
    auto it = zones.find(name);
    if (it == zones.end())
        it = zones.emplace(std::string(name), detail::load_zone(name)).first;
    return time_zone{it->second.get()};
}

std::string_view time_zone::name() const noexcept { return data_->name; }

std::chrono::seconds time_zone::offset_at(instant t) const
{
    return std::chrono::seconds{
        data_->period_at(std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count()).offset};
}

local_instant time_zone::to_local(instant t) const { return local_instant{t.time_since_epoch() + offset_at(t)}; }

instant time_zone::to_instant(local_instant local) const
{
    using std::chrono::microseconds;
    using std::chrono::seconds;
    const std::int64_t local_us = local.time_since_epoch().count();
    const std::int64_t local_s = std::chrono::floor<seconds>(local.time_since_epoch()).count();
    // Walk the periods from well before the answer; the first that holds the reading is its first occurrence
    detail::zone_period p = data_->period_at(local_s - 2 * 86400);
    std::int32_t offset_before = p.offset;
    for (;;)
    {
        const std::int64_t candidate = local_s - p.offset;
        if (candidate < p.begin)  // the reading fell between the previous period and this one: a gap
            return instant{microseconds{local_us - std::int64_t{offset_before} * 1000000}};
        if (candidate < p.end)
            return instant{microseconds{local_us - std::int64_t{p.offset} * 1000000}};
        offset_before = p.offset;
        p = data_->period_at(p.end);
    }
}

}  // namespace asched
