// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// A property test of the cron trigger: seeded random expressions (field form and crontab, the full syntax) in a few
// zones from random instants in 2000..2100. For each, the trigger's successive answers must equal the fire times of an
// independent oracle written here: it parses the expression text into value sets itself, enumerates the matching
// local times day by day and maps them to instants by the spec's DST rules (gap: the offset before the gap; fold:
// the first occurrence, both when the hour field is all 24 hours; an instant reached twice fires once). Equality
// means every answer matches the expression, none is repeated or out of order, and no fire time in between was
// skipped. The oracle uses only time_zone::offset_at from the library (tested on its own in test_time.cpp).

#include <asched/triggers.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <date/date.h>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/trigger_helpers.hpp"

namespace {

using i64 = std::int64_t;
using asched::instant;
using asched::time_zone;

constexpr std::array<const char*, 12>
    month_names{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<const char*, 7> weekday_names{"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
constexpr std::array<const char*, 5> ordinals{"1st", "2nd", "3rd", "4th", "5th"};

enum field_index
{
    f_year,
    f_month,
    f_day,
    f_week,
    f_dow,
    f_hour,
    f_minute,
    f_second
};
constexpr std::array<int, 8> field_min{1970, 1, 1, 1, 0, 0, 0, 0};
constexpr std::array<int, 8> field_max{9999, 12, 31, 53, 6, 23, 59, 59};

std::string lower(std::string s)
{
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string trim(const std::string& s)
{
    const auto b = s.find_first_not_of(' ');
    if (b == std::string::npos)
        return {};
    return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

std::vector<std::string> split(const std::string& s, char sep)
{
    std::vector<std::string> out;
    std::string cur;
    for (char c : s)
    {
        if (c == sep)
        {
            out.push_back(cur);
            cur.clear();
        }
        else
            cur += c;
    }
    out.push_back(cur);
    return out;
}

// ---- the oracle's own parser -------------------------------------------------------------------------------------

int parse_value(const std::string& token, field_index f)
{
    const auto t = lower(trim(token));
    if (!t.empty() &&
        std::all_of(t.begin(), t.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        return std::stoi(t);
    if (f == f_month)
        for (int i = 0; i < 12; ++i)
            if (t == month_names[i])
                return i + 1;
    if (f == f_dow)
        for (int i = 0; i < 7; ++i)
            if (t == weekday_names[i])
                return i;
    throw std::logic_error("oracle: bad token '" + token + "'");
}

int parse_weekday_name(const std::string& token)
{
    const auto t = lower(trim(token));
    for (int i = 0; i < 7; ++i)
        if (t == weekday_names[i])
            return i;
    throw std::logic_error("oracle: bad weekday '" + token + "'");
}

// What a day field allows besides plain days of the month.
struct day_extras
{
    bool last{false};
    std::vector<std::pair<int, int>> nth;  // (1..5, or 0 for 'last'; weekday 0 = Sunday)
};

// Sets v[x] for every value of one term `a`, `a-b`, `*`, with an optional `/step`.
void add_term(const std::string& term, field_index f, std::vector<bool>& v)
{
    std::string body = term;
    int step = 1;
    bool has_step = false;
    if (const auto slash = term.find('/'); slash != std::string::npos)
    {
        body = trim(term.substr(0, slash));
        step = std::stoi(term.substr(slash + 1));
        has_step = true;
    }
    int a = 0, b = 0;
    if (body == "*")
    {
        a = field_min[f];
        b = field_max[f];
    }
    else if (const auto dash = body.find('-'); dash != std::string::npos)
    {
        a = parse_value(body.substr(0, dash), f);
        b = parse_value(body.substr(dash + 1), f);
    }
    else
    {
        a = parse_value(body, f);
        b = has_step ? field_max[f] : a;
    }
    if (f != f_dow)
    {
        for (int x = a; x <= b; x += step)
            v.at(x) = true;
        return;
    }
    // Weekdays in cron numbering (0 and 7 = Sunday); a range whose start is after its end wraps through Sunday
    std::vector<int> seq;
    if (a <= b)
        for (int x = a; x <= b; ++x)
            seq.push_back(x % 7);
    else
    {
        for (int x = a; x <= 6; ++x)
            seq.push_back(x);
        for (int x = 0; x <= b; ++x)
            seq.push_back(x);
    }
    for (std::size_t i = 0; i < seq.size(); i += step)
        v.at(seq[i]) = true;
}

std::vector<bool> parse_field(const std::string& text, field_index f, day_extras* extras = nullptr)
{
    std::vector<bool> v(field_max[f] + 1, false);
    for (const auto& raw : split(text, ','))
    {
        const auto term = lower(trim(raw));
        if (f == f_day && term == "last")
        {
            extras->last = true;
            continue;
        }
        if (f == f_day && term.find(' ') != std::string::npos)
        {
            const auto parts = split(term, ' ');
            const auto& pos = parts.front();
            const int wd = parse_weekday_name(parts.back());
            int n = 0;
            if (pos != "last")
            {
                n = pos[0] - '0';
            }
            extras->nth.emplace_back(n, wd);
            continue;
        }
        add_term(term, f, v);
    }
    return v;
}

struct matcher
{
    std::vector<bool> year, month, day, week, dow;
    day_extras extras;
    std::vector<int> hours, minutes, seconds;
    bool or_rule{false};  // crontab: neither day field starts with '*'
    bool all_hours{false};

    bool matches_date(date::sys_days d) const
    {
        const date::year_month_day ymd{d};
        const int y = static_cast<int>(ymd.year());
        if (y < 1970 || y > 9999 || !year[y] || !month[static_cast<unsigned>(ymd.month())])
            return false;
        const int wd = static_cast<int>(date::weekday{d}.c_encoding());  // 0 = Sunday
        // ISO week: the week (Monday first) whose Thursday is in the ISO year
        const int iso_wd = wd == 0 ? 7 : wd;
        const auto thursday = d - date::days{iso_wd - 1} + date::days{3};
        const auto iso_year = date::year_month_day{thursday}.year();
        const int iso_week = static_cast<int>((thursday - date::sys_days{iso_year / 1 / 1}).count() / 7 + 1);
        if (!week[iso_week])
            return false;
        const int dd = static_cast<int>(static_cast<unsigned>(ymd.day()));
        const int last_day = static_cast<int>(static_cast<unsigned>((ymd.year() / ymd.month() / date::last).day()));
        bool day_ok = day[dd] || (extras.last && dd == last_day);
        for (const auto& [n, w] : extras.nth)
            if (w == wd && (n == 0 ? dd + 7 > last_day : (dd - 1) / 7 + 1 == n))
                day_ok = true;
        const bool dow_ok = dow[wd];
        return or_rule ? (day_ok || dow_ok) : (day_ok && dow_ok);
    }
};

std::vector<int> members(const std::vector<bool>& v)
{
    std::vector<int> out;
    for (std::size_t i = 0; i < v.size(); ++i)
        if (v[i])
            out.push_back(static_cast<int>(i));
    return out;
}

// `eff` holds the effective text of every field (defaults applied).
matcher make_matcher(const std::array<std::string, 8>& eff, bool or_rule)
{
    matcher m;
    m.year = parse_field(eff[f_year], f_year);
    m.month = parse_field(eff[f_month], f_month);
    m.day = parse_field(eff[f_day], f_day, &m.extras);
    m.week = parse_field(eff[f_week], f_week);
    m.dow = parse_field(eff[f_dow], f_dow);
    m.hours = members(parse_field(eff[f_hour], f_hour));
    m.minutes = members(parse_field(eff[f_minute], f_minute));
    m.seconds = members(parse_field(eff[f_second], f_second));
    m.or_rule = or_rule;
    m.all_hours = m.hours.size() == 24;
    return m;
}

// ---- the oracle: fire times by enumeration -----------------------------------------------------------------------

i64 offset_at(const time_zone& z, i64 t) { return z.offset_at(instant{std::chrono::seconds{t}}).count(); }

// The offsets around a local day: either constant, or one transition at T from `before` to `after`.
struct offsets_near
{
    i64 before{0}, after{0}, transition{0};
    bool constant{true};
};

offsets_near probe(const time_zone& z, i64 local_midnight)
{
    // Offsets are within +-14 h, so these UTC instants bracket the local day with a day's margin either side
    i64 lo = local_midnight - 86400 - 14 * 3600, hi = local_midnight + 2 * 86400 + 14 * 3600;
    offsets_near r;
    r.before = offset_at(z, lo);
    r.after = offset_at(z, hi);
    if (r.before == r.after)
        return r;
    r.constant = false;
    while (hi - lo > 1)  // the first second with the new offset
    {
        const i64 mid = lo + (hi - lo) / 2;
        (offset_at(z, mid) == r.before ? lo : hi) = mid;
    }
    r.transition = hi;
    return r;
}

struct oracle_result
{
    std::vector<i64> times;      // seconds since the epoch, sorted, distinct
    bool crossed_change{false};  // a day with a UTC offset change contributed fire times
    bool horizon_reached{false};
    i64 horizon{0};  // no fire time before this instant was left out
};

oracle_result oracle(const matcher& m, const time_zone& z, instant now, std::size_t n, int horizon_days)
{
    using namespace std::chrono;
    const i64 now_s = ceil<seconds>(now).time_since_epoch().count();
    const auto first_day = std::chrono::floor<date::days>(date::sys_days{} + z.to_local(now).time_since_epoch()) -
                           date::days{1};
    std::vector<i64> out;
    int days_after_enough = -1;
    oracle_result r;
    for (int i = 0; i <= horizon_days; ++i)
    {
        const auto d = first_day + date::days{i};
        if (!m.matches_date(d))
            continue;
        const i64 midnight = static_cast<i64>(d.time_since_epoch().count()) * 86400;
        const auto offs = probe(z, midnight);
        for (int h : m.hours)
            for (int mi : m.minutes)
                for (int s : m.seconds)
                {
                    const i64 local = midnight + h * 3600 + mi * 60 + s;
                    if (offs.constant)
                    {
                        const i64 t = local - offs.before;
                        if (t >= now_s)
                            out.push_back(t);
                        // Within a day without a change, later local times are later instants
                        if (out.size() >= n + 1)
                            goto day_done;
                        continue;
                    }
                    const i64 t1 = local - offs.before, t2 = local - offs.after;
                    const bool first_ok = t1 < offs.transition, second_ok = t2 >= offs.transition;
                    std::vector<i64> ts;
                    if (first_ok)
                        ts.push_back(t1);  // the only or the first occurrence
                    if (second_ok && (!first_ok || m.all_hours))
                        ts.push_back(t2);  // the only, or the fold's second pass when the hour is '*'
                    if (!first_ok && !second_ok)
                        ts.push_back(t1);  // in the gap: the offset before it
                    for (i64 t : ts)
                        if (t >= now_s)
                        {
                            out.push_back(t);
                            r.crossed_change = true;
                        }
                }
    day_done:
        if (days_after_enough >= 0 && ++days_after_enough >= 1)
            break;
        if (days_after_enough < 0 && out.size() >= n)
            days_after_enough = 0;
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    if (out.size() > n)
        out.resize(n);
    r.times = std::move(out);
    r.horizon = static_cast<i64>((first_day + date::days{horizon_days + 1}).time_since_epoch().count()) * 86400 -
                14 * 3600;
    r.horizon_reached = r.times.size() < n;
    return r;
}

// ---- random expressions ------------------------------------------------------------------------------------------

struct generator
{
    std::mt19937 rng;

    int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
    bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }

    std::string random_case(std::string s)
    {
        for (auto& c : s)
            if (chance(0.3))
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return s;
    }

    // A month or weekday value as a number or (when `names`) a name
    std::string value_text(field_index f, int v, bool names)
    {
        if (names && f == f_month)
            return random_case(month_names[v - 1]);
        if (names && f == f_dow)
            return random_case(weekday_names[v % 7]);
        return std::to_string(v);
    }

    bool use_names(field_index f) { return (f == f_month || f == f_dow) && chance(0.5); }

    std::string term(field_index f, int lo, int hi, bool allow_star)
    {
        const int span = hi - lo;
        switch (uniform(allow_star ? 0 : 1, 5))
        {
        case 0: return "*";
        case 1: return "*/" + std::to_string(uniform(1, std::max(1, span / 2)));
        case 2:
        case 3:
        {
            int a = uniform(lo, hi), b = uniform(lo, hi);
            if (f == f_dow)
            {
                a = uniform(0, 6);  // a range never starts at 7
                b = uniform(0, 7);  // may wrap when a > b
            }
            else if (a > b)
                std::swap(a, b);
            // Both ends names or both numbers: a mix ("0-sun") has no agreed meaning
            const bool names = use_names(f);
            std::string t = value_text(f, a, names) + "-" + value_text(f, b, names);
            // A step may be at most the width of its range (the spec: `4-6/3` is an error); a wrapped weekday
            // range steps through b + 7 - a days; as a name, weekday 7 is Sunday, 0 ("sun-sun" has width 0)
            const int end = f == f_dow && names ? b % 7 : b;
            const int width = f == f_dow && a > end ? end + 7 - a : end - a;
            if (width >= 1 && uniform(2, 3) == 3)
                t += "/" + std::to_string(uniform(1, std::max(1, std::min(width, span / 3))));
            return t;
        }
        case 4: return value_text(f, f == f_dow ? uniform(0, 7) : uniform(lo, hi), use_names(f));
        default:
            if (f == f_dow)  // `a/c` has no agreed end for weekdays: a plain value instead
                return value_text(f, uniform(0, 7), use_names(f));
            {
                // `a/c` steps through a to the field's last value
                const int a = uniform(lo, hi), width = field_max[f] - a;
                if (width < 1)
                    return std::to_string(a);
                return std::to_string(a) + "/" + std::to_string(uniform(1, std::max(1, std::min(width, span / 2))));
            }
        }
    }

    std::string list(field_index f, int lo, int hi, bool spaces, bool day_extras_allowed, bool allow_star = true)
    {
        const int terms = uniform(1, 3);
        std::string out;
        for (int i = 0; i < terms; ++i)
        {
            if (i > 0)
                out += spaces && chance(0.5) ? (chance(0.5) ? " , " : ", ") : ",";
            if (f == f_day && chance(0.25))
            {
                const int kind = day_extras_allowed ? uniform(0, 2) : 0;
                if (kind == 0)
                    out += random_case("last");
                else if (kind == 1)
                    out += random_case(std::string(ordinals[uniform(0, 4)]) + " " + weekday_names[uniform(0, 6)]);
                else
                    out += random_case(std::string("last ") + weekday_names[uniform(0, 6)]);
                continue;
            }
            out += term(f, lo, hi, allow_star && terms == 1);
        }
        return out;
    }
};

struct case_data
{
    std::string description;
    std::optional<asched::cron_trigger> trigger;
    matcher m;
};

case_data make_case(generator& g, const time_zone& zone, int start_year)
{
    case_data c;
    std::array<std::string, 8> eff;
    if (g.chance(0.5))
    {
        // Crontab: 5 fields, 6 with seconds, or a macro
        std::string text;
        const int form = g.uniform(0, 19);
        if (form == 0)
        {
            static const std::array<std::pair<const char*, const char*>, 7> macros{{
                {"@yearly", "0 0 1 1 *"},
                {"@annually", "0 0 1 1 *"},
                {"@monthly", "0 0 1 * *"},
                {"@weekly", "0 0 * * 0"},
                {"@daily", "0 0 * * *"},
                {"@midnight", "0 0 * * *"},
                {"@hourly", "0 * * * *"},
            }};
            const auto& [name, expansion] = macros[g.uniform(0, 6)];
            text = name;
            const auto f = split(expansion, ' ');
            eff = {"*", f[3], f[2], "*", f[4], f[1], f[0], "0"};
        }
        else
        {
            const bool six = form <= 4;
            auto field = [&](field_index f, int lo, int hi) {
                return g.chance(0.5) ? std::string("*") : g.list(f, lo, hi, false, false);
            };
            const std::string second = six ? field(f_second, 0, 59) : "0";
            const std::string minute = field(f_minute, 0, 59), hour = field(f_hour, 0, 23);
            const std::string day = field(f_day, 1, 31), month = field(f_month, 1, 12);
            const std::string dow = field(f_dow, 0, 7);
            text = (six ? second + " " : "") + minute + " " + hour + " " + day + " " + month + " " + dow;
            eff = {"*", month, day, "*", dow, hour, minute, second};
        }
        const bool or_rule = eff[f_day][0] != '*' && eff[f_dow][0] != '*';
        c.description = "crontab '" + text + "'";
        c.m = make_matcher(eff, or_rule);
        try
        {
            c.trigger = asched::cron_trigger::from_crontab(text, {.timezone = zone});
        }
        catch (const std::exception& e)
        {
            throw std::runtime_error(c.description + ": " + e.what());
        }
        return c;
    }
    // Field form: a random subset of fields, at least one
    std::array<std::optional<std::string>, 8> given;
    const std::array<double, 8> p{0.1, 0.35, 0.4, 0.08, 0.4, 0.5, 0.5, 0.3};
    while (std::none_of(given.begin(), given.end(), [](const auto& o) { return o.has_value(); }))
        for (int f = 0; f < 8; ++f)
            if (g.chance(p[f]))
            {
                switch (f)
                {
                case f_year:
                {
                    // Years near the start, so that the trigger keeps firing for a while
                    const int a = start_year + g.uniform(-2, 5), b = a + g.uniform(0, 10);
                    given[f] = g.chance(0.5) ? std::to_string(a) + "-" + std::to_string(b)
                                             : std::to_string(a) + "," + std::to_string(b);
                    break;
                }
                case f_month: given[f] = g.list(f_month, 1, 12, true, false); break;
                case f_day: given[f] = g.list(f_day, 1, 31, true, true); break;
                case f_week: given[f] = g.list(f_week, 1, 53, true, false); break;
                case f_dow: given[f] = g.list(f_dow, 0, 7, true, false); break;
                case f_hour: given[f] = g.list(f_hour, 0, 23, true, false); break;
                case f_minute: given[f] = g.list(f_minute, 0, 59, true, false); break;
                default: given[f] = g.list(f_second, 0, 59, true, false); break;
                }
            }
    int least = 0;
    for (int f = 0; f < 8; ++f)
        if (given[f])
            least = f;
    std::ostringstream desc;
    desc << "fields {";
    for (int f = 0; f < 8; ++f)
    {
        if (given[f])
        {
            eff[f] = *given[f];
            desc << " [" << f << "]='" << *given[f] << "'";
        }
        else if (f == f_week || f == f_dow || f < least)
            eff[f] = "*";
        else
            eff[f] = std::to_string(field_min[f]);
    }
    desc << " }";
    c.description = desc.str();
    c.m = make_matcher(eff, false);
    try
    {
        c.trigger = asched::cron_trigger{
            {.year = given[f_year],
             .month = given[f_month],
             .day = given[f_day],
             .week = given[f_week],
             .day_of_week = given[f_dow],
             .hour = given[f_hour],
             .minute = given[f_minute],
             .second = given[f_second]},
            {.timezone = zone}};
    }
    catch (const std::exception& e)
    {
        throw std::runtime_error(c.description + ": " + e.what());
    }
    return c;
}

// An instant up to 2 days before the zone's UTC offset changes in `month` of `year`; none without a change.
std::optional<i64> before_change(const time_zone& z, int year, unsigned month, generator& g)
{
    i64 lo = static_cast<i64>(date::sys_days{date::year{year} / date::month{month} / 1}.time_since_epoch().count()) *
             86400;
    i64 hi = lo + 31 * 86400;
    const i64 before = offset_at(z, lo);
    if (offset_at(z, hi) == before)
        return std::nullopt;
    while (hi - lo > 1)
    {
        const i64 mid = lo + (hi - lo) / 2;
        (offset_at(z, mid) == before ? lo : hi) = mid;
    }
    return hi - std::uniform_int_distribution<i64>(0, 2 * 86400)(g.rng);
}

std::string show(i64 t) { return asched::test::str(instant{std::chrono::seconds{t}}); }

}  // namespace

BOOST_AUTO_TEST_SUITE(cron_property)

// Random expressions: the trigger's successive answers equal the oracle's fire times.
BOOST_AUTO_TEST_CASE(random_expressions_match_oracle)
{
    constexpr int cases = 600;
    constexpr std::size_t fires = 20;
    constexpr int horizon_days = 366 * 40;
    const std::array<time_zone, 4> zones{
        time_zone::utc(),
        time_zone::locate("Europe/Berlin"),
        time_zone::locate("America/New_York"),
        time_zone::locate("Australia/Lord_Howe"),
    };
    generator g{std::mt19937{20260308}};
    int failures = 0, compared = 0, crossing = 0;
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < cases && failures < 10; ++i)
    {
        const auto& zone = zones[static_cast<std::size_t>(g.uniform(0, 3))];
        // A random instant in 2000..2100; half on a whole second
        const i64 span = (asched::test::utc(2101, 1, 1) - asched::test::utc(2000, 1, 1)).count() / 1'000'000;
        const i64 offset_s = std::uniform_int_distribution<i64>(0, span - 1)(g.rng);
        instant now = asched::test::utc(2000, 1, 1) + std::chrono::seconds{offset_s} +
                      std::chrono::microseconds{g.chance(0.5) ? 0 : g.uniform(1, 999'999)};
        // Often start shortly before a DST change (March/April or October/November, by zone)
        if (!(zone == time_zone::utc()) && g.chance(0.5))
        {
            const int year = g.uniform(2000, 2100);
            const std::array<unsigned, 4> months{3, 4, 10, 11};
            for (unsigned m : months)
                if (const auto t = before_change(zone, year, m, g); t && g.chance(0.6))
                {
                    now = instant{std::chrono::seconds{*t}};
                    break;
                }
        }
        const int start_year = static_cast<int>(date::year_month_day{std::chrono::floor<date::days>(now)}.year());
        std::optional<case_data> made;
        try
        {
            made = make_case(g, zone, start_year);
        }
        catch (const std::exception& e)
        {
            // Every generated expression is valid per the spec
            BOOST_ERROR("case " << i << ": rejected: " << e.what());
            ++failures;
            continue;
        }
        case_data& c = *made;
        const auto expected = oracle(c.m, zone, now, fires, horizon_days);
        const auto got = asched::test::fire_instants(*c.trigger, now, fires);

        std::ostringstream context;
        context << "case " << i << ": " << c.description << " in " << zone.name() << " from " << asched::test::str(now);
        BOOST_TEST_CONTEXT(context.str())
        {
            bool ok = true;
            for (std::size_t k = 1; k < got.size(); ++k)
                if (!(got[k] > got[k - 1]))
                {
                    BOOST_ERROR(
                        "not increasing at " << k << ": " << asched::test::str(got[k - 1]) << " then "
                                             << asched::test::str(got[k])
                    );
                    ok = false;
                    break;
                }
            const std::size_t common = std::min(got.size(), expected.times.size());
            for (std::size_t k = 0; ok && k < common; ++k)
            {
                const i64 t = std::chrono::floor<std::chrono::seconds>(got[k]).time_since_epoch().count();
                if (got[k] != instant{std::chrono::seconds{t}} || t != expected.times[k])
                {
                    BOOST_ERROR(
                        "answer " << k << " is " << asched::test::str(got[k]) << ", the oracle says "
                                  << show(expected.times[k])
                    );
                    ok = false;
                }
            }
            if (ok && got.size() < expected.times.size())
            {
                BOOST_ERROR(
                    "finished after " << got.size() << " answers; the oracle's next is " << show(expected.times[common])
                );
                ok = false;
            }
            if (ok && got.size() > expected.times.size())
            {
                // The oracle looked only up to its horizon: a further answer must lie beyond it
                const auto extra = std::chrono::floor<std::chrono::seconds>(got[common]).time_since_epoch().count();
                if (!expected.horizon_reached || extra < expected.horizon)
                {
                    BOOST_ERROR(
                        "answer " << common << " is " << asched::test::str(got[common]) << ", the oracle has none"
                    );
                    ok = false;
                }
            }
            if (!ok)
                ++failures;
            compared += static_cast<int>(common);
            if (expected.crossed_change)
                ++crossing;
        }
    }
    const auto elapsed = std::chrono::steady_clock::now() - started;
    BOOST_TEST_MESSAGE(
        "cron property: " << cases << " cases, " << compared << " answers compared, " << crossing
                          << " across a DST change, in "
                          << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms"
    );
    BOOST_TEST(failures == 0);
    // The property is only as good as its coverage: most answers compared, many windows across a DST change
    BOOST_TEST(compared > cases * fires * 3 / 4);
    BOOST_TEST(crossing > cases / 10);
}

BOOST_AUTO_TEST_SUITE_END()
