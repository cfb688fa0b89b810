// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#include "cron_schedule.hpp"

#include <asched/errors.hpp>

#include <algorithm>
#include <cctype>

#include "civil.hpp"
#include "error_text.hpp"

namespace asched::detail {
namespace {

constexpr int min_year = 1970;
constexpr int max_year = 9999;
constexpr std::array<std::string_view, 12> month_names =
    {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
// Cron numbering: 0 (and 7) Sunday, 1 Monday ... 6 Saturday
constexpr std::array<std::string_view, 7> weekday_names = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

struct field_range
{
    int low;
    int high;
};

constexpr std::array<field_range, field_count> ranges =
    {field_range{min_year, max_year}, {1, 12}, {1, 31}, {1, 53}, {0, 7}, {0, 23}, {0, 59}, {0, 59}};

std::string trim_lower(std::string_view text)
{
    std::size_t b = 0, e = text.size();
    while (b < e && std::isspace(static_cast<unsigned char>(text[b])))
        ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1])))
        --e;
    std::string out(text.substr(b, e - b));
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Parses one field's text into the list of values it matches (in cron numbering for day_of_week)
class field_parser
{
public:
    explicit field_parser(cron_field_index field) : field_(field) {}

    [[noreturn]] void fail(const std::string& why) const
    {
        throw invalid_trigger("cron field '" + std::string(cron_field_names[field_]) + "'", why);
    }

    // A number or, for month and day_of_week, a name
    int value(std::string_view token, std::string_view expression) const
    {
        if (token.empty())
            fail("missing value in " + quoted(expression));
        if (std::isdigit(static_cast<unsigned char>(token[0])))
        {
            int v = 0;
            for (char c : token)
            {
                if (!std::isdigit(static_cast<unsigned char>(c)))
                    fail(quoted(token) + " in " + quoted(expression) + " is not a number");
                v = v * 10 + (c - '0');
                if (v > 100000)
                    break;
            }
            const auto r = ranges[field_];
            if (v < r.low || v > r.high)
                fail(
                    "value " + quote_input(token) + " is out of range " + std::to_string(r.low) + "-" +
                    std::to_string(r.high)
                );
            return v;
        }
        if (field_ == field_month)
            for (std::size_t i = 0; i < month_names.size(); ++i)
                if (token == month_names[i])
                    return static_cast<int>(i) + 1;
        if (field_ == field_day_of_week)
            for (std::size_t i = 0; i < weekday_names.size(); ++i)
                if (token == weekday_names[i])
                    return static_cast<int>(i);
        if (field_ == field_month)
            fail("unknown month name " + quoted(token) + " (use jan-dec or 1-12)");
        if (field_ == field_day_of_week)
            fail("unknown weekday name " + quoted(token) + " (use mon-sun or 0-7)");
        fail(quoted(token) + " is not a number");
    }

    int step(std::string_view token, std::string_view expression) const
    {
        if (token.empty() || !std::all_of(token.begin(), token.end(), [](char c) { return std::isdigit(c); }))
            fail("step " + quoted(token) + " in " + quoted(expression) + " is not a whole number");
        if (token.size() > 6)
            fail("step " + quote_input(token) + " in " + quoted(expression) + " is too large");
        const int s = std::stoi(std::string(token));
        if (s == 0)
            fail("step 0 in " + quoted(expression) + " must be at least 1");
        return s;
    }

    // Calls add(v) for each value of a `*`, `*/s`, `a`, `a-b`, `a-b/s` or `a/s` expression
    template <class Add>
    void values(std::string_view expression, Add&& add) const
    {
        const auto r = ranges[field_];
        const int high = field_ == field_day_of_week ? 6 : r.high;
        int first = r.low, last = high, stride = 1;
        const auto slash = expression.find('/');
        const std::string_view range = expression.substr(0, slash);
        if (slash != std::string_view::npos)
            stride = step(expression.substr(slash + 1), expression);
        if (range != "*")
        {
            const auto dash = range.find('-');
            first = value(range.substr(0, dash), expression);
            if (dash != std::string_view::npos)
                last = value(range.substr(dash + 1), expression);
            else if (slash == std::string_view::npos)
                last = first;  // `a/s` runs to the field's maximum
        }
        if (field_ == field_day_of_week)
        {
            // Weekdays run in a circle: a range whose start is after its end wraps through the week's end, and
            // the step counts along the wrapped range (`fri-mon/2`: Fri, Sun)
            const int end = first <= last ? last : last + 7;
            if (slash != std::string_view::npos)
                check_step(stride, end - first, expression);
            for (int v = first; v <= end; v += stride)
                add(v % 7);
            return;
        }
        if (first > last)
            fail("range " + quoted(range) + " starts after it ends");
        if (slash != std::string_view::npos)
            check_step(stride, last - first, expression);
        for (int v = first; v <= last; v += stride)
            add(v);
    }

private:
    // A step wider than its range would match its first value only: almost always a mistake (`*/31` in day).
    // As APScheduler: the step may be at most last - first of the range it steps through
    void check_step(int stride, int width, std::string_view expression) const
    {
        if (stride > width)
            fail(
                "step " + std::to_string(stride) + " in " + quoted(expression) + " is wider than its range (at most " +
                std::to_string(width) + ")"
            );
    }

    cron_field_index field_;
};

std::vector<std::string> split_list(std::string_view text)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;)
    {
        const auto comma = text.find(',', start);
        parts.push_back(trim_lower(text.substr(start, comma - start)));
        if (comma == std::string_view::npos)
            return parts;
        start = comma + 1;
    }
}

int next_bit(std::uint64_t mask, int from)
{
    if (from >= 64)
        return -1;
    const std::uint64_t rest = mask & (~std::uint64_t{0} << from);
    return rest == 0 ? -1 : std::countr_zero(rest);
}

int ordinal(std::string_view word)
{
    constexpr std::array<std::string_view, 5> words = {"1st", "2nd", "3rd", "4th", "5th"};
    for (std::size_t i = 0; i < words.size(); ++i)
        if (word == words[i])
            return static_cast<int>(i) + 1;
    return word == "last" ? -1 : 0;
}

}  // namespace

cron_schedule::cron_schedule(const std::array<std::string, field_count>& fields, day_rule rule) : rule_(rule)
{
    std::uint8_t weekdays = 0;  // bit 0 = Monday
    years_.resize((max_year - min_year) / 64 + 1);
    for (int f = 0; f < field_count; ++f)
    {
        const auto index = static_cast<cron_field_index>(f);
        const field_parser parser(index);
        const auto parts = split_list(fields[f]);
        for (const auto& part : parts)
        {
            if (part.empty())
                parser.fail("empty expression in " + quoted(fields[f]));
            if (index == field_day)
            {
                if (part == "last")
                {
                    last_day_ = true;
                    continue;
                }
                if (const auto space = part.find(' '); space != std::string::npos)
                {
                    const int nth = ordinal(part.substr(0, space));
                    const auto name = trim_lower(part.substr(space + 1));
                    const auto it = std::find(weekday_names.begin(), weekday_names.end(), name);
                    if (nth == 0 || it == weekday_names.end())
                        parser.fail(
                            quoted(part) + " is not a weekday position (like '1st mon', '2nd fri', 'last sun')"
                        );
                    const int cron_weekday = static_cast<int>(it - weekday_names.begin());
                    positions_.push_back(
                        {static_cast<std::int8_t>(nth), static_cast<std::int8_t>((cron_weekday + 6) % 7)}
                    );
                    continue;
                }
            }
            switch (index)
            {
            case field_year:
                parser.values(part, [&](int v) {
                    years_[static_cast<std::size_t>(v - min_year) / 64] |= std::uint64_t{1} << ((v - min_year) % 64);
                });
                break;
            case field_month:
                parser.values(part, [&](int v) { months_ |= static_cast<std::uint16_t>(1u << v); });
                break;
            case field_day: parser.values(part, [&](int v) { days_ |= 1u << v; }); break;
            case field_week: parser.values(part, [&](int v) { weeks_ |= std::uint64_t{1} << v; }); break;
            case field_day_of_week:
                parser.values(part, [&](int v) { weekdays |= static_cast<std::uint8_t>(1u << ((v + 6) % 7)); });
                break;
            case field_hour: parser.values(part, [&](int v) { hours_ |= 1u << v; }); break;
            case field_minute: parser.values(part, [&](int v) { minutes_ |= std::uint64_t{1} << v; }); break;
            case field_second: parser.values(part, [&](int v) { seconds_ |= std::uint64_t{1} << v; }); break;
            default: break;
            }
        }
    }
    // Every year matched: skip the bit set, and let the 400-year horizon bound the search
    int year_count = 0;
    for (const auto word : years_)
        year_count += std::popcount(word);
    any_year_ = year_count == max_year - min_year + 1;
    any_week_ = weeks_ == ((std::uint64_t{1} << 54) - 2);
    for (int first = 0; first < 7; ++first)
        for (int d = 1; d <= 31; ++d)
            if (weekdays & (1u << ((first + d - 1) % 7)))
                weekday_days_[static_cast<std::size_t>(first)] |= 1u << d;
    // Under the crontab rule, a day field written as '*...' makes the weekday alone decide, and vice versa
    if (rule_ == day_rule::either_may_match &&
        (trim_lower(fields[field_day]).starts_with('*') || trim_lower(fields[field_day_of_week]).starts_with('*')))
        rule_ = day_rule::both_must_match;
    // Drop the months in which no day can ever match (day 30 in February): an expression left with none never
    // fires, and the search learns it without walking 400 years of Februaries
    if (rule_ == day_rule::both_must_match)
        for (int m = 1; m <= 12; ++m)
        {
            const int longest = civil::days_in_month(2000, m);  // 2000 is a leap year: February's longest
            const bool possible = (days_ & ((2u << longest) - 2)) != 0 || last_day_ ||
                                  std::any_of(positions_.begin(), positions_.end(), [&](const weekday_position& p) {
                                      return p.nth < 5 || longest >= 29;
                                  });
            if (!possible)
                months_ = static_cast<std::uint16_t>(months_ & ~(1u << m));
        }
    first_minute_ = std::countr_zero(minutes_);
    first_second_ = std::countr_zero(seconds_);
}

bool cron_schedule::year_matches(int year) const
{
    if (any_year_)
        return year >= min_year && year <= max_year;
    if (year < min_year || year > max_year)
        return false;
    const auto i = static_cast<std::size_t>(year - min_year);
    return (years_[i / 64] >> (i % 64)) & 1u;
}

int cron_schedule::next_year(int year) const
{
    if (year < min_year)
        year = min_year;
    if (year > max_year)
        return 0;
    if (any_year_)
        return year;
    auto i = static_cast<std::size_t>(year - min_year);
    for (std::size_t word = i / 64; word < years_.size(); ++word, i = word * 64)
        if (const int bit = next_bit(years_[word], static_cast<int>(i % 64)); bit >= 0)
            return min_year + static_cast<int>(word * 64) + bit;
    return 0;
}

inline std::uint32_t cron_schedule::day_mask(std::int64_t first_day, int days_in_month) const
{
    const int weekday_of_first = civil::iso_weekday(first_day);
    std::uint32_t by_day = days_;
    if (last_day_)
        by_day |= 1u << days_in_month;
    for (const auto& p : positions_)
    {
        const int first = 1 + (p.weekday - weekday_of_first + 7) % 7;
        const int day = p.nth > 0 ? first + 7 * (p.nth - 1) : first + 7 * ((days_in_month - first) / 7);
        if (day <= days_in_month)
            by_day |= 1u << day;
    }
    const std::uint32_t by_weekday = weekday_days_[static_cast<std::size_t>(weekday_of_first)];
    std::uint32_t mask = rule_ == day_rule::both_must_match ? (by_day & by_weekday) : (by_day | by_weekday);
    mask &= (2u << days_in_month) - 2;
    if (!any_week_)
        for (int d = 1; d <= days_in_month; ++d)
            if ((mask >> d) & 1u && !((weeks_ >> civil::iso_week(first_day + d - 1)) & 1u))
                mask &= ~(1u << d);
    return mask;
}

inline int cron_schedule::first_time_of_day(int second_of_day) const
{
    int h = second_of_day / 3600, m = second_of_day / 60 % 60, s = second_of_day % 60;
    for (;;)
    {
        const int h2 = next_bit(hours_, h);
        if (h2 < 0)
            return -1;
        if (h2 != h)
            return h2 * 3600 + first_minute_ * 60 + first_second_;
        const int m2 = next_bit(minutes_, m);
        if (m2 < 0)
        {
            ++h, m = 0, s = 0;
            continue;
        }
        if (m2 != m)
            return h * 3600 + m2 * 60 + first_second_;
        const int s2 = next_bit(seconds_, s);
        if (s2 >= 0)
            return h * 3600 + m * 60 + s2;
        if (++m == 60)
            ++h, m = 0;
        s = 0;
    }
}

std::optional<std::int64_t> cron_schedule::first_match(std::int64_t local) const
{
    if (months_ == 0)
        return std::nullopt;
    std::int64_t day_number = civil::floor_div(local, civil::seconds_per_day);
    int second_of_day = static_cast<int>(local - day_number * civil::seconds_per_day);
    auto [year, month, day] = civil::civil_from_days(day_number);
    const int last_year = std::min(max_year, std::max(year, min_year) + 400);
    for (;;)
    {
        if (!year_matches(year))
        {
            year = next_year(year);
            if (year == 0 || year > (any_year_ ? last_year : max_year))
                return std::nullopt;
            month = 1, day = 1, second_of_day = 0;
        }
        const int next_month = next_bit(months_, month);
        if (next_month < 0)
        {
            if (++year > (any_year_ ? last_year : max_year))
                return std::nullopt;
            month = 1, day = 1, second_of_day = 0;
            continue;
        }
        if (next_month != month)
            month = next_month, day = 1, second_of_day = 0;
        const int length = civil::days_in_month(year, month);
        const std::int64_t first_day = civil::days_from_civil(year, month, 1);
        const std::uint32_t days = day_mask(first_day, length);
        for (int d = next_bit(days, day); d >= 0; d = next_bit(days, d + 1))
        {
            if (d != day)
                second_of_day = 0;
            if (const int t = first_time_of_day(second_of_day); t >= 0)
                return (first_day + d - 1) * civil::seconds_per_day + t;
            day = d + 1;
            second_of_day = 0;
        }
        ++month, day = 1, second_of_day = 0;
    }
}

}  // namespace asched::detail
