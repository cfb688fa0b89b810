// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#include <asched/errors.hpp>
#include <asched/triggers/interval_trigger.hpp>

#include <cmath>
#include <cstdio>

#include "json_reader.hpp"
#include "trigger_kinds.hpp"

namespace asched {
namespace detail {
namespace {

using std::chrono::microseconds;

constexpr std::int64_t us_per_second = 1000000;
constexpr std::int64_t us_per_day = 86400 * us_per_second;

// Python's timedelta text, as APScheduler shows intervals: "0:00:03", "1:00:00", "2 days, 0:30:00", "0:00:00.500000"
std::string timedelta_text(microseconds d)
{
    const std::int64_t total = d.count();
    const std::int64_t days = total / us_per_day;
    const std::int64_t rest = total % us_per_day;
    const std::int64_t s = rest / us_per_second;
    const std::int64_t us = rest % us_per_second;
    char buffer[80];
    int n = 0;
    if (days != 0)
        n = std::snprintf(buffer, sizeof buffer, "%lld day%s, ", static_cast<long long>(days), days == 1 ? "" : "s");
    n += std::snprintf(
        buffer + n,
        sizeof buffer - static_cast<std::size_t>(n),
        "%lld:%02lld:%02lld",
        static_cast<long long>(s / 3600),
        static_cast<long long>(s / 60 % 60),
        static_cast<long long>(s % 60)
    );
    if (us != 0)
        std::snprintf(buffer + n, sizeof buffer - static_cast<std::size_t>(n), ".%06lld", static_cast<long long>(us));
    return buffer;
}

class interval_trigger_impl final : public trigger_impl
{
public:
    interval_trigger_impl(microseconds interval, const trigger_options& options, bool from_json)
        : interval_(interval), options_(options)
    {
        const setting_names name{"interval", "interval_trigger", from_json, "options"};
        if (!from_json)  // the JSON decoder checked the interval naming the keys the user wrote
        {
            const setting_names parameter{"interval", "interval_trigger", false, ""};
            if (interval_.count() <= 0)
                throw invalid_trigger(
                    parameter("interval"),
                    "must be longer than zero, got " + std::to_string(interval_.count()) + " microseconds"
                );
            check_duration(parameter, "interval", interval_);
        }
        validate_options(name, options_);
    }

    std::optional<instant> next_fire_time(std::optional<instant> previous, instant now) const override
    {
        // Inside the domain, and the interval at most its span: no sum or product below can overflow
        std::optional<instant> next;
        if (!options_.start_date)
            next = previous ? *previous + interval_ : now + interval_;  // the grid starts at the first now
        else
        {
            // The grid start + k * interval; the first point at or after the search start
            const instant from = search_start(options_, previous, now);
            const auto elapsed = (from - *options_.start_date).count();
            const auto steps = (elapsed + interval_.count() - 1) / interval_.count();
            next = *options_.start_date + steps * interval_;
        }
        return bound_and_jitter(options_, next);
    }

    std::string describe() const override
    {
        return "interval[" + timedelta_text(interval_) + describe_options(options_) + "]";
    }
    std::string_view kind() const noexcept override { return "interval"; }
    bool zone_affects_fire_times() const noexcept override { return false; }
    time_zone zone() const noexcept override { return options_.timezone; }

    boost::json::object to_json() const override
    {
        // Split into the largest units, so the JSON reads as the user would write it
        boost::json::object json{{"type", "interval"}};
        std::int64_t rest = interval_.count();
        const std::pair<const char*, std::int64_t> units[] = {
            {"weeks", 7 * us_per_day},
            {"days", us_per_day},
            {"hours", 3600 * us_per_second},
            {"minutes", 60 * us_per_second}};
        for (const auto& [name, size] : units)
            if (rest >= size)
            {
                json[name] = rest / size;
                rest %= size;
            }
        if (rest != 0)
            json["seconds"] = seconds_to_json(microseconds{rest});
        options_to_json(options_, json);
        return json;
    }

    microseconds interval() const noexcept { return interval_; }

private:
    microseconds interval_;
    trigger_options options_;
};

}  // namespace

std::shared_ptr<const trigger_impl> decode_interval_trigger(const boost::json::object& json, const time_zone& zone)
{
    const json_reader in(
        json,
        "interval",
        {"weeks", "days", "hours", "minutes", "seconds", "start_date", "end_date", "timezone", "jitter"}
    );
    // Each unit, then their sum, at most the domain's span; blamed on the key that carries it past
    constexpr double span_seconds = static_cast<double>(max_duration.count()) / 1e6;
    double total_seconds = 0;
    const char* last_key = "seconds";
    const auto too_long = [&](const char* key) {
        in.fail(
            key,
            "value " + describe_json_value(*json.if_contains(key)) + " makes the interval " + longer_than_domain()
        );
    };
    const std::pair<const char*, double> units[] =
        {{"weeks", 604800}, {"days", 86400}, {"hours", 3600}, {"minutes", 60}, {"seconds", 1}};
    for (const auto& [name, size] : units)
        if (const auto n = in.number(name))
        {
            if (*n < 0)
                in.fail(name, "must not be negative, got " + describe_json_value(*json.if_contains(name)));
            total_seconds += *n * size;
            last_key = name;
            if (total_seconds > span_seconds)
                too_long(name);
        }
    const auto interval = microseconds{std::llround(total_seconds * 1e6)};
    // A double cannot tell the span from the span plus a microsecond: the exact count decides
    if (interval > max_duration)
        too_long(last_key);
    if (interval.count() <= 0)
        in.fail("seconds", "the interval must be longer than zero (give weeks, days, hours, minutes or seconds)");
    return std::make_shared<interval_trigger_impl>(interval, in.options(zone), true);
}

}  // namespace detail

interval_trigger::interval_trigger(std::chrono::microseconds interval, const trigger_options& options)
    : trigger(std::make_shared<detail::interval_trigger_impl>(interval, options, false))
{
}

std::chrono::microseconds interval_trigger::interval() const noexcept
{
    return static_cast<const detail::interval_trigger_impl&>(impl()).interval();
}

}  // namespace asched
