// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#include <asched/errors.hpp>
#include <asched/trigger.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <random>

#include "error_text.hpp"
#include "json_reader.hpp"
#include "trigger_kinds.hpp"

namespace asched {

std::optional<instant> trigger::next_fire_time(std::optional<instant> previous, instant now) const
{
    // Every kind computes inside the domain: inputs past its end have no answer, earlier ones start at its start,
    // and an answer past its end means finished. Durations are at most the domain's span, so none of the kinds'
    // sums of an instant and a duration can overflow.
    if (now > max_instant || (previous && *previous >= max_instant)) [[unlikely]]
        return std::nullopt;
    if (now < min_instant) [[unlikely]]
        now = min_instant;
    if (previous && *previous < min_instant) [[unlikely]]
        previous.reset();
    const auto next = impl_->next_fire_time(previous, now);
    if (next && *next > max_instant) [[unlikely]]
        return std::nullopt;
    return next;
}

std::string trigger::describe() const { return impl_->describe(); }

std::string_view trigger::kind() const noexcept { return impl_->kind(); }

time_zone trigger::zone() const noexcept { return impl_->zone(); }

boost::json::object trigger::to_json() const { return impl_->to_json(); }

namespace {

// The JSON form names no zone exactly where the zone was left unspecified
bool names_every_zone(const boost::json::object& json)
{
    if (const auto* children = json.if_contains("triggers"))
    {
        for (const auto& child : children->as_array())
            if (!names_every_zone(child.as_object()))
                return false;
        return true;
    }
    return json.contains("timezone");
}

}  // namespace

trigger trigger::with_default_zone(const time_zone& zone) const
{
    if (!zone.is_specified() || !impl_->zone_affects_fire_times())
        return *this;
    auto json = to_json();
    if (names_every_zone(json))
        return *this;
    return from_json(json, zone);
}

bool operator==(const trigger& a, const trigger& b) noexcept
{
    // The JSON form holds every setting, so it defines equality without a comparison per kind
    try
    {
        return a.impl_ == b.impl_ || (a.kind() == b.kind() && a.to_json() == b.to_json());
    }
    catch (...)
    {
        return false;  // out of memory while comparing: not provably equal
    }
}

trigger trigger::from_json(const boost::json::value& json, const time_zone& default_zone)
{
    using namespace detail;
    if (!json.is_object())
        throw invalid_trigger("trigger", "expected a JSON object, got " + describe_json_value(json));
    const auto& object = json.get_object();
    const auto* type = object.if_contains("type");
    if (!type)
        throw invalid_trigger(
            "trigger key 'type'",
            "missing; expected one of \"date\", \"interval\", \"cron\", \"calendarinterval\", "
            "\"and\", \"or\""
        );
    if (!type->is_string())
        throw invalid_trigger("trigger key 'type'", "expected a string, got " + describe_json_value(*type));
    const std::string_view name = type->get_string();
    if (name == "date")
        return trigger{decode_date_trigger(object, default_zone)};
    if (name == "interval")
        return trigger{decode_interval_trigger(object, default_zone)};
    if (name == "cron")
        return trigger{decode_cron_trigger(object, default_zone)};
    if (name == "calendarinterval")
        return trigger{decode_calendar_interval_trigger(object, default_zone)};
    if (name == "and")
        return trigger{decode_and_trigger(object, default_zone)};
    if (name == "or")
        return trigger{decode_or_trigger(object, default_zone)};
    throw invalid_trigger(
        "trigger key 'type'",
        "unknown trigger type \"" + detail::quote_input(name) +
            "\"; expected one of \"date\", \"interval\", \"cron\", "
            "\"calendarinterval\", \"and\", \"or\""
    );
}

trigger trigger::parse(std::string_view text, const time_zone& default_zone)
{
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && text[first] == '{')
    {
        boost::system::error_code ec;
        const auto json = boost::json::parse(text, ec);
        if (ec)
            throw invalid_trigger("trigger", "invalid JSON (" + ec.message() + ") in " + detail::quoted(text));
        return from_json(json, default_zone);
    }
    trigger_options options;
    options.timezone = default_zone;
    return trigger{detail::make_crontab_trigger(text, options, true)};
}

namespace detail {

std::string setting_names::operator()(std::string_view key) const
{
    if (from_json)
        return std::string(kind) + " key '" + std::string(key) + "'";
    return std::string(cpp_type) + " " + (cpp_prefix.empty() ? "" : std::string(cpp_prefix) + ".") + std::string(key);
}

std::string longer_than_domain()
{
    return "longer than asched's time domain (0001-01-01 to 9999-12-31, " + seconds_text(max_duration) + " s)";
}

void check_duration(const setting_names& name, std::string_view key, std::chrono::microseconds d)
{
    if (d.count() < 0)
        throw invalid_trigger(name(key), "must not be negative, got " + seconds_text(d) + " s");
    if (d > max_duration)
        throw invalid_trigger(name(key), seconds_text(d) + " s is " + longer_than_domain());
}

void check_in_domain(const setting_names& name, std::string_view key, instant t)
{
    if (t < min_instant || t > max_instant)
        throw invalid_trigger(
            name(key),
            "the instant is outside asched's time domain, 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z"
        );
}

void validate_options(const setting_names& name, const trigger_options& options)
{
    check_duration(name, "jitter", options.jitter);
    if (options.start_date)
        check_in_domain(name, "start_date", *options.start_date);
    if (options.end_date)
        check_in_domain(name, "end_date", *options.end_date);
    if (options.start_date && options.end_date && *options.end_date < *options.start_date)
        throw invalid_trigger(
            name("end_date"),
            "end_date " + format_datetime(*options.end_date, options.timezone) + " is before start_date " +
                format_datetime(*options.start_date, options.timezone)
        );
}

instant search_start(const trigger_options& options, std::optional<instant> previous, instant now)
{
    instant start = previous ? *previous + std::chrono::microseconds{1} : now;
    if (options.start_date && start < *options.start_date)
        start = *options.start_date;
    return start;
}

std::optional<instant> bound_and_jitter(const trigger_options& options, std::optional<instant> fire_time)
{
    if (!fire_time || (options.end_date && *fire_time > *options.end_date))
        return std::nullopt;
    if (options.jitter.count() > 0)
    {
        thread_local std::mt19937_64 engine{std::random_device{}()};
        std::uniform_int_distribution<std::int64_t> delay(0, options.jitter.count());
        // Both are at most the domain's span past its start: the sum cannot overflow
        *fire_time += std::chrono::microseconds{delay(engine)};
        *fire_time = std::min(*fire_time, options.end_date.value_or(max_instant));
    }
    return fire_time;
}

boost::json::value seconds_to_json(std::chrono::microseconds d)
{
    if (d.count() % 1000000 == 0)
        return d.count() / 1000000;
    return static_cast<double>(d.count()) / 1e6;
}

std::string seconds_text(std::chrono::microseconds d)
{
    // The magnitude as unsigned: -(INT64_MIN) would overflow
    const std::uint64_t us = d.count() < 0 ? 0 - static_cast<std::uint64_t>(d.count())
                                           : static_cast<std::uint64_t>(d.count());
    std::string text = (d.count() < 0 ? "-" : "") + std::to_string(us / 1000000);
    if (const std::uint64_t fraction = us % 1000000; fraction != 0)
    {
        std::string digits = std::to_string(fraction + 1000000).substr(1);  // six digits, leading zeros kept
        digits.erase(digits.find_last_not_of('0') + 1);
        text += "." + digits;
    }
    return text;
}

void options_to_json(const trigger_options& options, boost::json::object& json)
{
    if (options.start_date)
        json["start_date"] = format_datetime(*options.start_date, options.timezone);
    if (options.end_date)
        json["end_date"] = format_datetime(*options.end_date, options.timezone);
    if (options.timezone.is_specified())
        json["timezone"] = options.timezone.name();
    if (options.jitter.count() != 0)
        json["jitter"] = seconds_to_json(options.jitter);
}

std::string describe_options(const trigger_options& options)
{
    std::string text;
    if (options.start_date)
        text += ", start_date='" + format_datetime(*options.start_date, options.timezone) + "'";
    if (options.end_date)
        text += ", end_date='" + format_datetime(*options.end_date, options.timezone) + "'";
    if (options.jitter.count() != 0)
    {
        text += ", jitter=" + seconds_text(options.jitter) + "s";
    }
    return text;
}

}  // namespace detail
}  // namespace asched
