// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_TESTS_COMMON_TRIGGER_HELPERS_HPP
#define ASCHED_TESTS_COMMON_TRIGGER_HELPERS_HPP

// Helpers for the trigger tests. Expected instants are written as UTC text ("2026-03-08T07:30:00Z") and parsed
// here with plain date arithmetic, never with asched's own parser, so that a test's expected value does not depend
// on the code under test.

#include <asched/errors.hpp>
#include <asched/time.hpp>
#include <asched/trigger.hpp>
#include <asched/triggers/cron_trigger.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>
#include <date/date.h>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace asched::test {

/// An instant from UTC calendar fields.
inline instant utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, long us = 0)
{
    using namespace std::chrono;
    const auto days = date::sys_days{date::year{y} / date::month{mo} / date::day{d}};
    return instant{days} + hours{h} + minutes{mi} + seconds{s} + microseconds{us};
}

/**
 * Parses "YYYY-MM-DDTHH:MM:SS[.ffffff](Z|±HH:MM)" with sscanf and date arithmetic (independent of asched).
 * Throws std::logic_error on anything else: a typo in a test must not pass silently.
 */
inline instant at(std::string_view text)
{
    const std::string s(text);
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, n = 0;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19)
        throw std::logic_error("test::at: bad text " + s);
    std::string rest = s.substr(19);
    long us = 0;
    if (!rest.empty() && rest[0] == '.')
    {
        std::size_t i = 1;
        std::string digits;
        while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9')
            digits += rest[i++];
        if (digits.empty() || digits.size() > 6)
            throw std::logic_error("test::at: bad fraction " + s);
        digits.resize(6, '0');
        us = std::stol(digits);
        rest = rest.substr(i);
    }
    int offset_minutes = 0;
    if (rest == "Z")
        offset_minutes = 0;
    else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':')
    {
        const int oh = std::stoi(rest.substr(1, 2)), om = std::stoi(rest.substr(4, 2));
        offset_minutes = (rest[0] == '-' ? -1 : 1) * (oh * 60 + om);
    }
    else
        throw std::logic_error("test::at: bad offset " + s);
    return utc(y, mo, d, h, mi, sec, us) - std::chrono::minutes{offset_minutes};
}

/// A wall-clock reading from calendar fields.
inline local_instant local(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, long us = 0)
{
    using namespace std::chrono;
    const auto days = date::local_days{date::year{y} / date::month{mo} / date::day{d}};
    return local_instant{days} + hours{h} + minutes{mi} + seconds{s} + microseconds{us};
}

/// Formats an instant as UTC text, "2026-03-08T07:30:00Z", with ".ffffff" when the microseconds are not zero.
inline std::string str(instant t)
{
    using namespace std::chrono;
    const auto secs = floor<seconds>(t);
    std::string out = date::format("%FT%T", secs);
    if (const auto us = (t - secs).count(); us != 0)
    {
        char buf[16];
        std::snprintf(buf, sizeof buf, ".%06ld", static_cast<long>(us));
        out += buf;
    }
    return out + "Z";
}

/// Formats an optional instant; "none" when empty.
inline std::string str(const std::optional<instant>& t) { return t ? str(*t) : std::string("none"); }

/// The first `n` answers of `t`, each fed back as `previous` (and as `now`), as UTC text. Stops when it finishes.
inline std::vector<std::string> fires(const trigger& t, instant now, std::size_t n)
{
    std::vector<std::string> out;
    std::optional<instant> prev;
    for (std::size_t i = 0; i < n; ++i)
    {
        const auto next = t.next_fire_time(prev, prev ? *prev : now);
        if (!next)
            break;
        out.push_back(str(*next));
        prev = next;
    }
    return out;
}

/// Same as @ref fires, as instants.
inline std::vector<instant> fire_instants(const trigger& t, instant now, std::size_t n)
{
    std::vector<instant> out;
    std::optional<instant> prev;
    for (std::size_t i = 0; i < n; ++i)
    {
        const auto next = t.next_fire_time(prev, prev ? *prev : now);
        if (!next)
            break;
        out.push_back(*next);
        prev = next;
    }
    return out;
}

/// The first answer (no previous) as UTC text.
inline std::string first(const trigger& t, instant now) { return str(t.next_fire_time(std::nullopt, now)); }

/// The answer strictly after `previous` as UTC text.
inline std::string after(const trigger& t, instant previous) { return str(t.next_fire_time(previous, previous)); }

/// Whether `haystack` contains `needle`.
inline bool contains(std::string_view haystack, std::string_view needle)
{
    return haystack.find(needle) != std::string_view::npos;
}

/// Runs `fn`, which must throw `E`, and returns its what() ("<no exception>" when it did not throw).
template <class E, class Fn>
std::string what_of(Fn&& fn)
{
    try
    {
        fn();
    }
    catch (const E& e)
    {
        return e.what();
    }
    return "<no exception>";
}

/// A trigger from its JSON text, or from a bare crontab string, in UTC.
inline trigger json(const std::string& text) { return trigger::parse(text); }

/// A cron trigger from a crontab string, in UTC.
inline trigger crontab(const std::string& text) { return cron_trigger::from_crontab(text); }

}  // namespace asched::test

// Let Boost.Test print instants in failure messages.
namespace boost::test_tools::tt_detail {
template <>
struct print_log_value<asched::instant>
{
    void operator()(std::ostream& os, const asched::instant& t) { os << asched::test::str(t); }
};
template <>
struct print_log_value<std::optional<asched::instant>>
{
    void operator()(std::ostream& os, const std::optional<asched::instant>& t) { os << asched::test::str(t); }
};
}  // namespace boost::test_tools::tt_detail

#endif
