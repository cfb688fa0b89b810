// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_LIB_TRIGGER_IMPL_HPP
#define ASCHED_LIB_TRIGGER_IMPL_HPP

#include <asched/time.hpp>
#include <asched/trigger.hpp>
#include <asched/triggers/trigger_options.hpp>

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace asched::detail {

/// What every trigger kind implements. Implementations are immutable once built.
class trigger_impl
{
public:
    virtual ~trigger_impl() = default;
    virtual std::optional<instant> next_fire_time(std::optional<instant> previous, instant now) const = 0;
    virtual std::string describe() const = 0;
    virtual std::string_view kind() const noexcept = 0;
    virtual time_zone zone() const noexcept = 0;
    virtual boost::json::object to_json() const = 0;
    /// Whether an unspecified zone would change fire times (not only how they are shown): false for date and
    /// interval triggers, whose fire times are instants; a scheduler then keeps them as they are.
    virtual bool zone_affects_fire_times() const noexcept { return true; }
    /// How many levels of `and` and `or` this trigger nests (0 for the plain kinds).
    virtual int nesting_depth() const noexcept { return 0; }
};

/// The library's access to a trigger's implementation (a friend of asched::trigger).
struct trigger_access
{
    static const trigger_impl& impl(const trigger& t) noexcept { return *t.impl_; }
};

/// How an error names a setting, in the vocabulary of the interface it came through: the JSON key
/// (`interval key 'jitter'`) or the C++ parameter (`interval_trigger options.jitter`).
struct setting_names
{
    std::string_view kind;        ///< the JSON type: "interval"
    std::string_view cpp_type;    ///< the C++ class: "interval_trigger"
    bool from_json;               ///< whether the setting came from the JSON form
    std::string_view cpp_prefix;  ///< the C++ parameter holding the setting ("options"), or empty for a parameter

    std::string operator()(std::string_view key) const;
};

/// "longer than asched's time domain (0001-01-01 to 9999-12-31, … s)": why a duration is refused.
std::string longer_than_domain();

/// Throws invalid_trigger naming `key` for a negative duration or one longer than the domain's span.
void check_duration(const setting_names& name, std::string_view key, std::chrono::microseconds d);

/// Throws invalid_trigger naming `key` for an instant outside the domain.
void check_in_domain(const setting_names& name, std::string_view key, instant t);

/// Checks the options shared by interval and cron triggers: jitter, the bounds in the domain, end after start.
void validate_options(const setting_names& name, const trigger_options& options);

/// The instant the search starts from (inclusive): just after `previous`, else `now`; never before `start_date`.
instant search_start(const trigger_options& options, std::optional<instant> previous, instant now);

/// Drops a fire time past `end_date`; adds the jitter, never past `end_date`.
std::optional<instant> bound_and_jitter(const trigger_options& options, std::optional<instant> fire_time);

/// Writes `start_date`, `end_date`, `timezone` and `jitter` into a trigger's JSON form.
void options_to_json(const trigger_options& options, boost::json::object& json);

/// Seconds as a JSON number: an integer when whole, else a fraction.
boost::json::value seconds_to_json(std::chrono::microseconds d);

/// Seconds as text for describe(): "30", "1.5", "0.000001".
std::string seconds_text(std::chrono::microseconds d);

/// ", start_date='…', end_date='…', jitter='…'": the options part of describe(), empty when all are defaults.
std::string describe_options(const trigger_options& options);

}  // namespace asched::detail

#endif
