// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#include "json_reader.hpp"

#include <asched/errors.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cmath>

#include "error_text.hpp"
#include "trigger_impl.hpp"

namespace asched::detail {

std::string describe_json_value(const boost::json::value& v)
{
    const char* kind = "value";
    switch (v.kind())
    {
    case boost::json::kind::string: kind = "string"; break;
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: kind = "number"; break;
    case boost::json::kind::bool_: kind = "boolean"; break;
    case boost::json::kind::null: return "null";
    case boost::json::kind::array: kind = "array"; break;
    case boost::json::kind::object: kind = "object"; break;
    }
    // The serialized form escapes control characters; quote_input cuts it on a character's boundary
    return std::string(kind) + " " + quote_input(boost::json::serialize(v));
}

json_reader::json_reader(
    const boost::json::object& json,
    std::string_view kind,
    std::initializer_list<std::string_view> allowed
)
    : json_(json), kind_(kind)
{
    for (const auto& entry : json_)
    {
        const std::string_view key = entry.key();
        if (key == "type")
            continue;
        bool known = false;
        for (auto a : allowed)
            known = known || a == key;
        if (!known)
        {
            std::string list;
            for (auto a : allowed)
                list += (list.empty() ? "" : ", ") + std::string(a);
            fail(key, "unknown key for a " + kind_ + " trigger (known keys: " + list + ")");
        }
    }
}

void json_reader::fail(std::string_view key, const std::string& reason) const
{
    throw invalid_trigger(kind_ + " key " + quoted(key), reason);
}

const boost::json::value* json_reader::find(std::string_view key) const
{
    const auto* v = json_.if_contains(key);
    return v;
}

std::optional<double> json_reader::number(std::string_view key) const
{
    const auto* v = find(key);
    if (!v)
        return std::nullopt;
    if (!v->is_number())
        fail(key, "expected a number, got " + describe_json_value(*v));
    const double d = v->to_number<double>();
    if (!std::isfinite(d))
        fail(key, "expected a finite number");
    return d;
}

std::optional<std::int64_t> json_reader::integer(std::string_view key) const
{
    const auto* v = find(key);
    if (!v)
        return std::nullopt;
    if (v->is_int64())
        return v->get_int64();
    if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return static_cast<std::int64_t>(v->get_uint64());
    if (v->is_double() && std::trunc(v->get_double()) == v->get_double() && std::fabs(v->get_double()) < 9e15)
        return static_cast<std::int64_t>(v->get_double());
    fail(key, "expected an integer, got " + describe_json_value(*v));
}

std::optional<std::string> json_reader::string(std::string_view key) const
{
    const auto* v = find(key);
    if (!v)
        return std::nullopt;
    if (!v->is_string())
        fail(key, "expected a string, got " + describe_json_value(*v));
    return std::string(v->get_string());
}

std::optional<std::string> json_reader::string_or_integer(std::string_view key) const
{
    const auto* v = find(key);
    if (!v)
        return std::nullopt;
    if (v->is_string())
        return std::string(v->get_string());
    if (v->is_int64() || v->is_uint64())
        return std::to_string(*integer(key));
    fail(key, "expected a string or an integer, got " + describe_json_value(*v));
}

const boost::json::array* json_reader::array(std::string_view key) const
{
    const auto* v = find(key);
    if (!v)
        return nullptr;
    if (!v->is_array())
        fail(key, "expected an array, got " + describe_json_value(*v));
    return &v->get_array();
}

std::optional<std::chrono::microseconds> json_reader::seconds(std::string_view key) const
{
    const auto s = number(key);
    if (!s)
        return std::nullopt;
    // Checked before the conversion, which would overflow past 9.2e12 seconds
    constexpr double span_seconds = static_cast<double>(max_duration.count()) / 1e6;
    if (*s < 0)
        fail(key, "must not be negative, got " + describe_json_value(*find(key)));
    if (*s > span_seconds)
        fail(key, "value " + describe_json_value(*find(key)) + " is " + longer_than_domain());
    return std::chrono::microseconds{std::llround(*s * 1e6)};
}

time_zone json_reader::zone(const time_zone& default_zone) const
{
    const auto name = string("timezone");
    if (!name)
        return default_zone;
    try
    {
        return time_zone::locate(*name);
    }
    catch (const std::invalid_argument& e)
    {
        fail("timezone", e.what());
    }
}

std::optional<instant> json_reader::datetime(std::string_view key, const time_zone& zone) const
{
    const auto text = string(key);
    if (!text)
        return std::nullopt;
    try
    {
        return parse_datetime(*text, zone);
    }
    catch (const std::invalid_argument& e)
    {
        fail(key, e.what());
    }
}

std::optional<date::year_month_day> json_reader::calendar_date(std::string_view key) const
{
    const auto text = string(key);
    if (!text)
        return std::nullopt;
    try
    {
        return parse_date(*text);
    }
    catch (const std::invalid_argument& e)
    {
        fail(key, e.what());
    }
}

trigger_options json_reader::options(const time_zone& default_zone) const
{
    trigger_options o;
    o.timezone = zone(default_zone);
    o.start_date = datetime("start_date", o.timezone);
    o.end_date = datetime("end_date", o.timezone);
    if (const auto j = seconds("jitter"))
        o.jitter = *j;
    return o;
}

}  // namespace asched::detail
