// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_FUZZ_FUZZ_CHECKS_HPP
#define ASCHED_FUZZ_FUZZ_CHECKS_HPP

// The properties every fuzz target checks (docs: spec/triggers.md, "Domain and limits" and "Errors"). A failed
// property prints what failed and traps, so libFuzzer saves the input as a crash like any sanitizer report.

#include <asched/errors.hpp>
#include <asched/time.hpp>
#include <asched/trigger.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

namespace asched::fuzz {

using std::chrono::microseconds;

// The domain of instants, defined here rather than taken from the library, so the targets state the contract
// themselves and build whatever constants time.hpp has or lacks
inline constexpr instant domain_min{date::sys_days{date::year{1} / 1 / 1}};
inline constexpr instant domain_max{
    date::sys_days{date::year{9999} / 12 / 31} + std::chrono::hours{24} - microseconds{1}};

// A message is one line; quoted input is cut at a fixed length, so the whole stays short
inline constexpr std::size_t max_message_bytes = 400;

// At most this many successive next fire times per trigger and start: enough to cross a boundary, cheap per input
inline constexpr int fire_steps = 8;

// The zones the targets compute in: UTC, a DST zone on each side of Greenwich, and the offsets at both extremes
// (+14, -11), which carry the domain's first and last instants into another local year
inline const std::array<time_zone, 5>& zones()
{
    static const std::array<time_zone, 5> all{
        time_zone::utc(),
        time_zone::locate("America/New_York"),
        time_zone::locate("Pacific/Kiritimati"),
        time_zone::locate("Pacific/Pago_Pago"),
        time_zone::locate("Europe/Berlin"),
    };
    return all;
}

// Printable: the input is arbitrary bytes, and the report must stay readable in a terminal
inline std::string escaped(std::string_view text, std::size_t limit = 300)
{
    std::string out;
    for (const char c : text.substr(0, limit))
    {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x7f || c == '\\')
        {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", byte);
            out += hex;
        }
        else
            out += c;
    }
    if (text.size() > limit)
        out += "...";
    return out;
}

[[noreturn]] inline void fail(std::string_view property, std::string_view detail)
{
    const std::string p(property);
    const std::string d = escaped(detail, 2000);
    std::fprintf(stderr, "\n==== fuzz property failed: %s\n     %s\n", p.c_str(), d.c_str());
    std::fflush(stderr);
    __builtin_trap();
}

inline std::string show(instant t)
{
    // Count of microseconds as well as text: format_datetime is under test too and must not be trusted here
    const auto us = t.time_since_epoch().count();
    std::string text;
    if (t >= domain_min && t <= domain_max)
        text = date::format("%FT%TZ", t);
    else
        text = "outside the domain";
    return text + " (" + std::to_string(us) + " us)";
}

inline bool in_domain(instant t) { return t >= domain_min && t <= domain_max; }

// An exception message: one line, no control characters, bounded length
inline void check_message(std::string_view where, const std::exception& e)
{
    const std::string_view what = e.what();
    if (what.size() > max_message_bytes)
        fail(
            "a message is at most " + std::to_string(max_message_bytes) + " bytes",
            std::string(where) + ": " + std::to_string(what.size()) + " bytes: " + std::string(what)
        );
    if (what.empty())
        fail("a message is not empty", where);
    for (const char c : what)
    {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f)
            fail("a message is one line without control characters", std::string(where) + ": " + std::string(what));
    }
}

// Runs `f`, which may reject its input only with std::invalid_argument (or a subclass); returns whether it accepted
template <class F>
bool accepts(std::string_view where, F&& f)
{
    try
    {
        f();
        return true;
    }
    catch (const std::invalid_argument& e)
    {
        check_message(where, e);
        return false;
    }
    catch (const std::exception& e)
    {
        fail(
            "rejection is by std::invalid_argument only",
            std::string(where) + ": " + typeid(e).name() + ": " + e.what()
        );
    }
    catch (...)
    {
        fail(
            "rejection is by std::invalid_argument only",
            std::string(where) + ": an exception not from std::exception"
        );
    }
}

// Whether any object in the JSON form has a non-zero "jitter": then fire times are random by design, and two equal
// triggers need not give the same ones
inline bool has_jitter(const boost::json::value& v)
{
    if (const auto* o = v.if_object())
    {
        for (const auto& [key, child] : *o)
        {
            if (key == "jitter" && !(child.is_number() && child.to_number<double>() == 0))
                return true;
            if (has_jitter(child))
                return true;
        }
    }
    else if (const auto* a = v.if_array())
    {
        for (const auto& child : *a)
            if (has_jitter(child))
                return true;
    }
    return false;
}

// FNV-1a: a start instant that depends on the input, so the fuzzer also explores where a schedule is asked from
inline std::uint64_t hash(std::string_view text)
{
    std::uint64_t h = 14695981039346656037ull;
    for (const char c : text)
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    return h;
}

// Where fire times are asked from: one instant derived from the input, a DST change (America/New_York, 2026-03-08
// 02:00 local is 07:00Z), and the two ends of the domain, where overflow would show
inline std::vector<instant> starts(std::string_view input)
{
    const auto span = static_cast<std::uint64_t>((domain_max - domain_min).count());
    const auto derived = domain_min + microseconds{static_cast<std::int64_t>(hash(input) % (span + 1))};
    return {
        derived,
        instant{date::sys_days{date::year{2026} / 3 / 8} + std::chrono::minutes{6 * 60 + 30}},
        domain_min,
        instant{date::sys_days{date::year{9999} / 12 / 31}},
    };
}

// The successive fire times from `now`, each next one asked with the previous answer as both `previous` and `now`.
// Checks that every answer lies in the domain, at or after `now` for the first and strictly after the previous one
// after that, and that next_fire_time fails only by trigger_search_exhausted. `exhausted` is set when it did (an
// expensive search: the caller stops asking).
inline std::vector<instant> fire_times(std::string_view where, const trigger& t, instant now, bool& exhausted)
{
    std::vector<instant> out;
    std::optional<instant> previous;
    for (int step = 0; step < fire_steps; ++step)
    {
        std::optional<instant> next;
        try
        {
            next = t.next_fire_time(previous, now);
        }
        catch (const trigger_search_exhausted& e)
        {
            check_message(where, e);
            exhausted = true;
            return out;
        }
        catch (const std::exception& e)
        {
            fail(
                "next_fire_time fails only by trigger_search_exhausted",
                std::string(where) + " from " + show(now) + ": " + typeid(e).name() + ": " + e.what()
            );
        }
        if (!next)
            return out;
        const std::string context = std::string(where) + ": step " + std::to_string(step) + " from " + show(now) +
                                    ": answered " + show(*next);
        if (!in_domain(*next))
            fail("a fire time lies inside the domain", context);
        if (previous && *next <= *previous)
            fail("successive fire times strictly increase", context);
        if (!previous && *next < now)
            fail("the first fire time is at or after now", context);
        out.push_back(*next);
        previous = next;
        now = *next;
    }
    return out;
}

// Every property of an accepted trigger: its JSON form reads back as an equal trigger with the same JSON form and
// (without jitter) the same fire times, and the fire times from each start are in order inside the domain
inline void check_trigger(std::string_view input, const trigger& t, const time_zone& default_zone)
{
    static_cast<void>(t.describe());
    static_cast<void>(t.kind());
    const boost::json::value json = t.to_json();
    const std::string text = boost::json::serialize(json);
    std::optional<trigger> back;
    try
    {
        back = trigger::from_json(json, default_zone);
    }
    catch (const std::exception& e)
    {
        fail("from_json(to_json()) accepts every trigger", text + ": " + e.what());
    }
    if (!(*back == t))
        fail("from_json(to_json()) gives an equal trigger", text);
    const std::string back_text = boost::json::serialize(back->to_json());
    if (back_text != text)
        fail("to_json is stable through from_json", text + " became " + back_text);
    const bool random = has_jitter(json);
    for (const instant now : starts(input))
    {
        bool exhausted = false;
        const auto times = fire_times("trigger " + text, t, now, exhausted);
        if (exhausted)
            return;  // no more searches that long: the timeout is for hangs, not for slow inputs
        bool back_exhausted = false;
        const auto back_times = fire_times("read-back trigger " + text, *back, now, back_exhausted);
        if (!random && (back_exhausted || back_times != times))
            fail("a read-back trigger gives the same fire times", text + " from " + show(now));
    }
}

}  // namespace asched::fuzz

#endif
