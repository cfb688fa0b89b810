// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#include <asched/triggers/date_trigger.hpp>

#include "json_reader.hpp"
#include "trigger_kinds.hpp"

namespace asched {
namespace detail {
namespace {

class date_trigger_impl final : public trigger_impl
{
public:
    date_trigger_impl(instant run_date, const time_zone& zone) : run_date_(run_date), zone_(zone) {}

    std::optional<instant> next_fire_time(std::optional<instant> previous, instant now) const override
    {
        if (previous)
            return run_date_ > *previous ? std::optional(run_date_) : std::nullopt;
        return run_date_ >= now ? std::optional(run_date_) : std::nullopt;  // never answers the past
    }

    std::string describe() const override { return "date[" + format_datetime(run_date_, zone_) + "]"; }
    std::string_view kind() const noexcept override { return "date"; }
    bool zone_affects_fire_times() const noexcept override { return false; }
    time_zone zone() const noexcept override { return zone_; }

    boost::json::object to_json() const override
    {
        return {{"type", "date"}, {"run_date", format_datetime(run_date_, zone_)}, {"timezone", zone_.name()}};
    }

    instant run_date() const noexcept { return run_date_; }

private:
    instant run_date_;
    time_zone zone_;
};

}  // namespace

std::shared_ptr<const trigger_impl> decode_date_trigger(const boost::json::object& json, const time_zone& zone)
{
    const json_reader in(json, "date", {"run_date", "timezone"});
    const time_zone z = in.zone(zone);
    const auto run_date = in.datetime("run_date", z);
    if (!run_date)
        in.fail("run_date", "missing; a date trigger needs the datetime to fire at");
    return std::make_shared<date_trigger_impl>(*run_date, z);
}

}  // namespace detail

namespace {

// The JSON form's run_date was checked by the datetime reader, naming its key
instant checked_run_date(instant run_date)
{
    detail::check_in_domain({"date", "date_trigger", false, ""}, "run_date", run_date);
    return run_date;
}

}  // namespace

date_trigger::date_trigger(instant run_date, const time_zone& zone)
    : trigger(std::make_shared<detail::date_trigger_impl>(checked_run_date(run_date), zone))
{
}

instant date_trigger::run_date() const noexcept
{
    return static_cast<const detail::date_trigger_impl&>(impl()).run_date();
}

}  // namespace asched
