// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#include <asched/errors.hpp>
#include <asched/time.hpp>

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "error_text.hpp"

namespace asched {
namespace {

// A cursor over the text that reports errors with the whole text quoted
class iso_reader
{
public:
    explicit iso_reader(std::string_view text) : text_(text) {}

    [[noreturn]] void fail(const std::string& why) const
    {
        throw invalid_datetime("\"" + detail::quote_input(text_) + "\" is not an ISO 8601 datetime: " + why);
    }

    bool at_end() const { return pos_ == text_.size(); }
    char peek() const { return at_end() ? '\0' : text_[pos_]; }
    bool accept(char c)
    {
        if (peek() != c)
            return false;
        ++pos_;
        return true;
    }
    void expect(char c, const char* what)
    {
        if (!accept(c))
            fail(
                std::string("expected ") + what +
                (at_end() ? " at the end" : " at position " + std::to_string(pos_ + 1))
            );
    }

    // Exactly `digits` decimal digits
    int number(int digits, const char* what)
    {
        int value = 0;
        for (int i = 0; i < digits; ++i)
        {
            const char c = peek();
            if (c < '0' || c > '9')
                fail(std::string("expected ") + std::to_string(digits) + " digits for the " + what);
            value = value * 10 + (c - '0');
            ++pos_;
        }
        return value;
    }

    void check_range(int value, int low, int high, const char* what) const
    {
        if (value < low || value > high)
            fail(
                std::string(what) + " " + std::to_string(value) + " is out of range " + std::to_string(low) + "-" +
                std::to_string(high)
            );
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

date::year_month_day read_date(iso_reader& in)
{
    const int y = in.number(4, "year");
    in.check_range(y, 1, 9999, "year");
    in.expect('-', "'-' after the year");
    const int m = in.number(2, "month");
    in.check_range(m, 1, 12, "month");
    in.expect('-', "'-' after the month");
    const int d = in.number(2, "day");
    const date::year_month_day ymd{
        date::year{y},
        date::month{static_cast<unsigned>(m)},
        date::day{static_cast<unsigned>(d)}};
    if (!ymd.ok())
        in.fail(
            "day " + std::to_string(d) + " does not exist in " + std::to_string(y) + "-" + (m < 10 ? "0" : "") +
            std::to_string(m)
        );
    return ymd;
}

}  // namespace

parsed_datetime parse_iso8601(std::string_view text)
{
    using namespace std::chrono;
    iso_reader in(text);
    parsed_datetime out;
    const auto ymd = read_date(in);
    microseconds time_of_day{0};
    if (in.at_end())
        out.date_only = true;
    else
    {
        if (!in.accept('T') && !in.accept('t') && !in.accept(' '))
            in.fail("expected 'T' between the date and the time");
        const int h = in.number(2, "hour");
        in.check_range(h, 0, 23, "hour");
        in.expect(':', "':' after the hour");
        const int mi = in.number(2, "minute");
        in.check_range(mi, 0, 59, "minute");
        int s = 0;
        std::int64_t fraction_us = 0;
        if (in.accept(':'))
        {
            s = in.number(2, "second");
            in.check_range(s, 0, 59, "second");
            if (in.accept('.') || in.accept(','))
            {
                int digits = 0;
                while (in.peek() >= '0' && in.peek() <= '9')
                {
                    if (++digits > 6)
                        in.fail("more than 6 fractional digits (asched keeps microseconds)");
                    fraction_us = fraction_us * 10 + in.number(1, "fraction");
                }
                if (digits == 0)
                    in.fail("expected digits after the decimal point");
                for (int i = digits; i < 6; ++i)
                    fraction_us *= 10;
            }
        }
        time_of_day = hours{h} + minutes{mi} + seconds{s} + microseconds{fraction_us};
        if (in.accept('Z') || in.accept('z'))
            out.has_offset = true;
        else if (const char sign = in.peek(); sign == '+' || sign == '-')
        {
            in.accept(sign);
            const int oh = in.number(2, "offset hours");
            in.check_range(oh, 0, 23, "offset hours");
            int om = 0, os = 0;
            if (!in.at_end())
            {
                const bool colon = in.accept(':');
                om = in.number(2, "offset minutes");
                in.check_range(om, 0, 59, "offset minutes");
                // Seconds, as the local mean time offsets of the 19th century need (-04:56:02 in New York)
                if (colon && in.accept(':'))
                {
                    os = in.number(2, "offset seconds");
                    in.check_range(os, 0, 59, "offset seconds");
                }
            }
            out.has_offset = true;
            out.offset = (sign == '-' ? -1 : 1) * (hours{oh} + minutes{om} + seconds{os});
        }
        if (!in.at_end())
            in.fail("unexpected text after the time");
    }
    out.local = local_instant{date::local_days{ymd}.time_since_epoch() + time_of_day};
    return out;
}

instant parse_datetime(std::string_view text, const time_zone& zone)
{
    const auto parsed = parse_iso8601(text);
    // Years 1-9999 and offsets under a day keep this arithmetic far from overflowing
    const instant t = parsed.has_offset ? instant{parsed.local.time_since_epoch() - parsed.offset}
                                        : zone.to_instant(parsed.local);
    if (t < min_instant || t > max_instant)
        iso_reader(text).fail(
            "the instant is outside asched's time domain, 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z" +
            std::string(parsed.has_offset ? "" : " (read in time zone " + std::string(zone.name()) + ")")
        );
    return t;
}

date::year_month_day parse_date(std::string_view text)
{
    iso_reader in(text);
    const auto ymd = read_date(in);
    if (!in.at_end())
        in.fail("expected a bare date (YYYY-MM-DD)");
    return ymd;
}

std::string format_date(date::year_month_day d)
{
    char buffer[32];
    std::snprintf(
        buffer,
        sizeof buffer,
        "%04d-%02u-%02u",
        static_cast<int>(d.year()),
        static_cast<unsigned>(d.month()),
        static_cast<unsigned>(d.day())
    );
    return buffer;
}

std::string format_datetime(instant t, const time_zone& zone)
{
    using namespace std::chrono;
    t = std::clamp(t, min_instant, max_instant);
    seconds offset = zone.offset_at(t);
    auto local = t.time_since_epoch() + offset;
    auto day = floor<days>(local);
    date::year_month_day ymd{date::sys_days{day}};
    if (ymd.year() < date::year{1} || ymd.year() > date::year{9999})
    {
        // Readers take four-digit years only: the same instant in UTC is inside them
        offset = seconds{0};
        local = t.time_since_epoch();
        day = floor<days>(local);
        ymd = date::year_month_day{date::sys_days{day}};
    }
    const auto since_midnight = local - day;
    const auto h = duration_cast<hours>(since_midnight).count();
    const auto mi = duration_cast<minutes>(since_midnight).count() % 60;
    const auto s = duration_cast<seconds>(since_midnight).count() % 60;
    const auto us = since_midnight.count() % 1000000;
    const auto off_abs = offset.count() < 0 ? -offset.count() : offset.count();
    char buffer[64];
    int n = std::snprintf(
        buffer,
        sizeof buffer,
        "%sT%02lld:%02lld:%02lld",
        format_date(ymd).c_str(),
        static_cast<long long>(h),
        static_cast<long long>(mi),
        static_cast<long long>(s)
    );
    if (us != 0)
        n += std::snprintf(
            buffer + n,
            sizeof buffer - static_cast<std::size_t>(n),
            ".%06lld",
            static_cast<long long>(us)
        );
    n += std::snprintf(
        buffer + n,
        sizeof buffer - static_cast<std::size_t>(n),
        "%c%02lld:%02lld",
        offset.count() < 0 ? '-' : '+',
        static_cast<long long>(off_abs / 3600),
        static_cast<long long>(off_abs / 60 % 60)
    );
    if (off_abs % 60 != 0)  // a local mean time offset: without its seconds the text would name another instant
        std::snprintf(
            buffer + n,
            sizeof buffer - static_cast<std::size_t>(n),
            ":%02lld",
            static_cast<long long>(off_abs % 60)
        );
    return buffer;
}

}  // namespace asched
