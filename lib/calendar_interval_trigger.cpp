// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#include <asched/errors.hpp>
#include <asched/triggers/calendar_interval_trigger.hpp>

#include <cstdio>
#include <tuple>

#include "civil.hpp"
#include "json_reader.hpp"
#include "trigger_kinds.hpp"
#include "wall_clock_search.hpp"

namespace asched {
namespace detail {
namespace {

using civil::seconds_per_day;

class calendar_interval_impl final : public trigger_impl
{
public:
    calendar_interval_impl(const calendar_interval_options& o, bool from_json)
        : o_(o), name_{"calendarinterval", "calendar_interval_trigger", from_json, "options"}
    {
        // Each stride at most the domain's span, so that no date arithmetic below can overflow
        const std::tuple<const char*, int, int> strides[] = {
            {"years", o.years, 9999},
            {"months", o.months, 9999 * 12},
            {"weeks", o.weeks, 3652059 / 7},
            {"days", o.days, 3652059}};
        for (const auto& [key, value, most] : strides)
        {
            if (value < 0)
                fail(key, "must not be negative, got " + std::to_string(value));
            if (value > most)
                fail(
                    key,
                    "value " + std::to_string(value) + " is longer than asched's time domain (at most " +
                        std::to_string(most) + ")"
                );
        }
        if (o.years == 0 && o.months == 0 && o.weeks == 0 && o.days == 0)
            fail("days", "at least one of years, months, weeks, days must be greater than zero");
        check_range("hour", o.hour, 23);
        check_range("minute", o.minute, 59);
        check_range("second", o.second, 59);
        check_date("start_date", o.start_date);
        check_date("end_date", o.end_date);
        if (o.start_date && o.end_date && *o.end_date < *o.start_date)
            fail(
                "end_date",
                "end_date " + format_date(*o.end_date) + " is before start_date " + format_date(*o.start_date)
            );
        month_stride_ = 12 * std::int64_t{o.years} + o.months;
        day_stride_ = 7 * std::int64_t{o.weeks} + o.days;
        time_of_day_ = o.hour * 3600 + o.minute * 60 + o.second;
        if (o.end_date)
            last_day_ = date::sys_days{*o.end_date}.time_since_epoch().count();
    }

    std::optional<instant> next_fire_time(std::optional<instant> previous, instant now) const override
    {
        using namespace std::chrono;
        // Without a start date the sequence starts on the local date of the first `now`; later calls continue it
        // from the previous fire date, which is a member of the sequence
        const std::int64_t anchor = o_.start_date ? date::sys_days{*o_.start_date}.time_since_epoch().count()
                                                  : floor<days>(o_.timezone.to_local(previous ? *previous : now))
                                                        .time_since_epoch()
                                                        .count();
        const instant from = previous ? *previous + microseconds{1} : now;
        const auto start = ceil<seconds>(from).time_since_epoch().count();
        const auto fire = next_wall_clock_instant(
            o_.timezone.data(),
            start,
            [&](std::int64_t local) { return first_reading(anchor, local); },
            fold_policy::first_pass
        );
        if (!fire)
            return std::nullopt;
        return instant{seconds{*fire}};
    }

    std::string describe() const override
    {
        std::string text = "calendarinterval[";
        const std::pair<const char*, int> strides[] = {
            {"years", o_.years},
            {"months", o_.months},
            {"weeks", o_.weeks},
            {"days", o_.days}};
        for (const auto& [name, value] : strides)
            if (value != 0)
                text += std::string(name) + "=" + std::to_string(value) + ", ";
        char time[16];
        std::snprintf(time, sizeof time, "%02d:%02d:%02d", o_.hour, o_.minute, o_.second);
        text += "time='" + std::string(time) + "'";
        if (o_.start_date)
            text += ", start_date='" + format_date(*o_.start_date) + "'";
        if (o_.end_date)
            text += ", end_date='" + format_date(*o_.end_date) + "'";
        return text + "]";
    }

    std::string_view kind() const noexcept override { return "calendarinterval"; }
    time_zone zone() const noexcept override { return o_.timezone; }

    boost::json::object to_json() const override
    {
        boost::json::object json{{"type", "calendarinterval"}};
        const std::pair<const char*, int> values[] = {
            {"years", o_.years},
            {"months", o_.months},
            {"weeks", o_.weeks},
            {"days", o_.days},
            {"hour", o_.hour},
            {"minute", o_.minute},
            {"second", o_.second}};
        for (const auto& [name, value] : values)
            if (value != 0)
                json[name] = value;
        if (o_.start_date)
            json["start_date"] = format_date(*o_.start_date);
        if (o_.end_date)
            json["end_date"] = format_date(*o_.end_date);
        if (o_.timezone.is_specified())
            json["timezone"] = o_.timezone.name();
        return json;
    }

private:
    [[noreturn]] void fail(const char* key, const std::string& why) const { throw invalid_trigger(name_(key), why); }
    void check_range(const char* key, int value, int high) const
    {
        if (value < 0 || value > high)
            fail(key, "value " + std::to_string(value) + " is out of range 0-" + std::to_string(high));
    }
    void check_date(const char* key, const std::optional<date::year_month_day>& d) const
    {
        if (d && (!d->ok() || d->year() < date::year{1} || d->year() > date::year{9999}))
            fail(key, "is not a valid date of the years 0001-9999");
    }

    // The sequence's first fire reading (local seconds) at or after `local`
    std::optional<std::int64_t> first_reading(std::int64_t anchor, std::int64_t local) const
    {
        // The first date whose fire time of day is not before `local`
        const std::int64_t wanted_day = -civil::floor_div(time_of_day_ - local, seconds_per_day);  // rounded up
        const auto day = first_date_at_or_after(anchor, wanted_day);
        if (!day || *day > last_day_)
            return std::nullopt;  // past the end date, or the end of the calendar
        return *day * seconds_per_day + time_of_day_;
    }

    std::optional<std::int64_t> first_date_at_or_after(std::int64_t anchor, std::int64_t wanted) const
    {
        if (wanted <= anchor)
            return anchor;
        if (month_stride_ == 0)  // a fixed number of days
        {
            const std::int64_t steps = (wanted - anchor + day_stride_ - 1) / day_stride_;
            return anchor + steps * day_stride_;
        }
        const auto a = civil::civil_from_days(anchor);
        if (day_stride_ == 0)  // whole months: the anchor's day in every stride-th month that has it
        {
            const auto w = civil::civil_from_days(wanted);
            const std::int64_t months_apart = (std::int64_t{w.year} - a.year) * 12 + (w.month - a.month);
            for (std::int64_t k = std::max<std::int64_t>(0, months_apart / month_stride_);; ++k)
            {
                const std::int64_t month_index = std::int64_t{a.year} * 12 + (a.month - 1) + k * month_stride_;
                const int y = static_cast<int>(civil::floor_div(month_index, 12));
                const int m = static_cast<int>(month_index - std::int64_t{y} * 12) + 1;
                if (y > 9999)
                    return std::nullopt;
                if (a.day <= civil::days_in_month(y, m))
                    if (const auto d = civil::days_from_civil(y, m, a.day); d >= wanted)
                        return d;
            }
        }
        // Months and days together: each step depends on the last, so walk the sequence
        civil::ymd date = a;
        for (std::int64_t day = anchor; day < wanted;)
        {
            std::int64_t month_index = std::int64_t{date.year} * 12 + (date.month - 1);
            int y = 0, m = 0;
            do
            {
                month_index += month_stride_;
                y = static_cast<int>(civil::floor_div(month_index, 12));
                m = static_cast<int>(month_index - std::int64_t{y} * 12) + 1;
                if (y > 9999)
                    return std::nullopt;
            } while (date.day > civil::days_in_month(y, m));
            day = civil::days_from_civil(y, m, date.day) + day_stride_;
            date = civil::civil_from_days(day);
            if (day >= wanted)
                return day;
        }
        return anchor;
    }

    calendar_interval_options o_;
    setting_names name_;
    std::int64_t last_day_ = civil::days_from_civil(9999, 12, 31);  // the last date it may fire on
    std::int64_t month_stride_ = 0;
    std::int64_t day_stride_ = 0;
    std::int64_t time_of_day_ = 0;
};

}  // namespace

std::shared_ptr<const trigger_impl> decode_calendar_interval_trigger(
    const boost::json::object& json,
    const time_zone& zone
)
{
    const json_reader in(
        json,
        "calendarinterval",
        {"years", "months", "weeks", "days", "hour", "minute", "second", "start_date", "end_date", "timezone"}
    );
    calendar_interval_options o;
    const std::pair<const char*, int*> ints[] = {
        {"years", &o.years},
        {"months", &o.months},
        {"weeks", &o.weeks},
        {"days", &o.days},
        {"hour", &o.hour},
        {"minute", &o.minute},
        {"second", &o.second}};
    for (const auto& [name, target] : ints)
        if (const auto v = in.integer(name))
        {
            if (*v < -10000000 || *v > 10000000)  // fits an int; the trigger checks the real range
                in.fail(name, "value " + std::to_string(*v) + " is out of range");
            *target = static_cast<int>(*v);
        }
    o.timezone = in.zone(zone);
    o.start_date = in.calendar_date("start_date");
    if (const auto end = in.string("end_date"))
    {
        // A date; documents of earlier versions wrote a datetime, whose local date is taken
        try
        {
            if (parse_iso8601(*end).date_only)
                o.end_date = parse_date(*end);
            else
                o.end_date = date::year_month_day{
                    date::floor<date::days>(o.timezone.to_local(parse_datetime(*end, o.timezone)))};
        }
        catch (const std::invalid_argument& e)
        {
            in.fail("end_date", e.what());
        }
    }
    return std::make_shared<calendar_interval_impl>(o, true);
}

}  // namespace detail

calendar_interval_trigger::calendar_interval_trigger(const calendar_interval_options& options)
    : trigger(std::make_shared<detail::calendar_interval_impl>(options, false))
{
}

}  // namespace asched
