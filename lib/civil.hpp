// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_LIB_CIVIL_HPP
#define ASCHED_LIB_CIVIL_HPP

#include <cstdint>

// Proleptic Gregorian calendar arithmetic on plain integers (Howard Hinnant's algorithms), for the hot paths
// where date::year_month_day's checked types cost more than the arithmetic itself.
namespace asched::detail::civil {

constexpr std::int64_t seconds_per_day = 86400;

struct ymd
{
    int year;
    int month;  // 1-12
    int day;    // 1-31
};

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

constexpr std::int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * static_cast<unsigned>(m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

constexpr ymd civil_from_days(std::int64_t z)
{
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
    return {static_cast<int>(y), static_cast<int>(m), static_cast<int>(d)};
}

constexpr bool is_leap(int y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

constexpr int days_in_month(int y, int m)
{
    constexpr int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : lengths[m - 1];
}

/// Weekday of a day count, ISO numbering from 0: Monday 0 ... Sunday 6.
constexpr int iso_weekday(std::int64_t days)
{
    // 1970-01-01 was a Thursday (3)
    const std::int64_t w = (days + 3) % 7;
    return static_cast<int>(w < 0 ? w + 7 : w);
}

/// ISO 8601 week number (1-53) of a day count.
constexpr int iso_week(std::int64_t days)
{
    const std::int64_t thursday = days - iso_weekday(days) + 3;
    const int iso_year = civil_from_days(thursday).year;
    return static_cast<int>((thursday - days_from_civil(iso_year, 1, 1)) / 7 + 1);
}

}  // namespace asched::detail::civil

#endif
