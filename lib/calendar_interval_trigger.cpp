// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#include <asched/errors.hpp>
#include <asched/triggers/calendar_interval_trigger.hpp>

#include <cstdio>

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
    explicit calendar_interval_impl(const calendar_interval_options& o) : o_(o)
    {
        const std::pair<const char*, int> strides[] = {
            {"years", o.years},
            {"months", o.months},
            {"weeks", o.weeks},
            {"days", o.days}};
        for (const auto& [name, value] : strides)
            if (value < 0)
                fail(name, "must not be negative, got " + std::to_string(value));
        if (o.years == 0 && o.months == 0 && o.weeks == 0 && o.days == 0)
            fail("days", "at least one of years, months, weeks, days must be greater than zero");
        check_range("hour", o.hour, 23);
        check_range("minute", o.minute, 59);
        check_range("second", o.second, 59);
        if (o.start_date && !o.start_date->ok())
            fail("start_date", "is not a valid date");
        if (o.start_date && o.end_date &&
            *o.end_date < o.timezone.to_instant(local_instant{date::local_days{*o.start_date}.time_since_epoch()}))
            fail(
                "end_date",
                "end_date " + format_datetime(*o.end_date, o.timezone) + " is before start_date " +
                    format_date(*o.start_date)
            );
        month_stride_ = 12 * o.years + o.months;
        day_stride_ = 7 * o.weeks + o.days;
        time_of_day_ = o.hour * 3600 + o.minute * 60 + o.second;
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
        if (!fire || (o_.end_date && instant{seconds{*fire}} > *o_.end_date))
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
            text += ", end_date='" + format_datetime(*o_.end_date, o_.timezone) + "'";
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
            json["end_date"] = format_datetime(*o_.end_date, o_.timezone);
        if (o_.timezone.is_specified())
            json["timezone"] = o_.timezone.name();
        return json;
    }

private:
    [[noreturn]] static void fail(const char* key, const std::string& why)
    {
        throw invalid_trigger("calendarinterval key '" + std::string(key) + "'", why);
    }
    static void check_range(const char* key, int value, int high)
    {
        if (value < 0 || value > high)
            fail(key, "value " + std::to_string(value) + " is out of range 0-" + std::to_string(high));
    }

    // The sequence's first fire reading (local seconds) at or after `local`
    std::optional<std::int64_t> first_reading(std::int64_t anchor, std::int64_t local) const
    {
        // The first date whose fire time of day is not before `local`
        const std::int64_t wanted_day = -civil::floor_div(time_of_day_ - local, seconds_per_day);  // rounded up
        const auto day = first_date_at_or_after(anchor, wanted_day);
        if (!day)
            return std::nullopt;
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
            if (*v < -1000000 || *v > 1000000)
                in.fail(name, "value " + std::to_string(*v) + " is out of range");
            *target = static_cast<int>(*v);
        }
    o.timezone = in.zone(zone);
    o.start_date = in.calendar_date("start_date");
    o.end_date = in.datetime("end_date", o.timezone);
    return std::make_shared<calendar_interval_impl>(o);
}

}  // namespace detail

calendar_interval_trigger::calendar_interval_trigger(const calendar_interval_options& options)
    : trigger(std::make_shared<detail::calendar_interval_impl>(options))
{
}

}  // namespace asched
