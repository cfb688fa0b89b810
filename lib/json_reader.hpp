// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_LIB_JSON_READER_HPP
#define ASCHED_LIB_JSON_READER_HPP

#include <asched/time.hpp>
#include <asched/triggers/trigger_options.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace asched::detail {

/// Reads one trigger's JSON object, rejecting unknown keys and wrong types with messages that name the key.
class json_reader
{
public:
    /// Throws when the object has a key outside `allowed` (besides "type").
    json_reader(
        const boost::json::object& json,
        std::string_view kind,
        std::initializer_list<std::string_view> allowed
    );

    [[noreturn]] void fail(std::string_view key, const std::string& reason) const;

    bool has(std::string_view key) const { return json_.contains(key); }
    std::optional<double> number(std::string_view key) const;
    std::optional<std::int64_t> integer(std::string_view key) const;
    std::optional<std::string> string(std::string_view key) const;
    /// A cron field: a string, or an integer written as its decimal text.
    std::optional<std::string> string_or_integer(std::string_view key) const;
    const boost::json::array* array(std::string_view key) const;
    /// Seconds as a duration in microseconds (fractions allowed).
    std::optional<std::chrono::microseconds> seconds(std::string_view key) const;
    /// The "timezone" key, else `default_zone`.
    time_zone zone(const time_zone& default_zone) const;
    /// An ISO 8601 datetime; local ones are read in `zone`.
    std::optional<instant> datetime(std::string_view key, const time_zone& zone) const;
    /// A bare ISO 8601 date.
    std::optional<date::year_month_day> calendar_date(std::string_view key) const;
    /// start_date, end_date, timezone and jitter.
    trigger_options options(const time_zone& default_zone) const;

private:
    const boost::json::value* find(std::string_view key) const;
    const boost::json::object& json_;
    std::string kind_;
};

/// `"3"` for a string, `3.5` for a number, ...: a JSON value quoted for an error message.
std::string describe_json_value(const boost::json::value& v);

}  // namespace asched::detail

#endif
