// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#include <asched/errors.hpp>
#include <asched/triggers/cron_trigger.hpp>

#include <sstream>

#include "cron_schedule.hpp"
#include "error_text.hpp"
#include "json_reader.hpp"
#include "trigger_kinds.hpp"
#include "wall_clock_search.hpp"

namespace asched {
namespace detail {
namespace {

using field_texts = std::array<std::optional<std::string>, field_count>;

// Fills in the fields left out: '*' when more significant than the least significant field given, the minimum
// when less significant; week and day_of_week always '*'
std::array<std::string, field_count> with_defaults(const field_texts& given)
{
    int least_significant = -1;
    for (int f = 0; f < field_count; ++f)
        if (given[f])
            least_significant = f;
    if (least_significant < 0)
        throw invalid_trigger(
            "cron trigger",
            "no field given; set at least one of year, month, day, week, "
            "day_of_week, hour, minute, second (or use a crontab string)"
        );
    std::array<std::string, field_count> fields;
    for (int f = 0; f < field_count; ++f)
    {
        if (given[f])
            fields[f] = *given[f];
        else if (f == field_week || f == field_day_of_week || f < least_significant)
            fields[f] = "*";
        else
            fields[f] = f == field_day || f == field_month ? "1" : "0";
    }
    return fields;
}

std::array<std::string, field_count> parse_crontab(std::string_view text)
{
    std::istringstream in{std::string(text)};
    std::vector<std::string> words;
    for (std::string w; in >> w;)
        words.push_back(w);
    std::array<std::string, field_count> f;
    f[field_year] = "*";
    f[field_week] = "*";
    if (words.size() == 1 && words[0].starts_with('@'))
    {
        std::string macro = words[0];
        for (char& c : macro)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const std::pair<const char*, const char*> macros[] = {
            {"@yearly", "0 0 1 1 *"},
            {"@annually", "0 0 1 1 *"},
            {"@monthly", "0 0 1 * *"},
            {"@weekly", "0 0 * * 0"},
            {"@daily", "0 0 * * *"},
            {"@midnight", "0 0 * * *"},
            {"@hourly", "0 * * * *"}};
        for (const auto& [name, expansion] : macros)
            if (macro == name)
                return parse_crontab(expansion);
        throw invalid_trigger(
            "crontab",
            "unknown macro " + quoted(words[0]) +
                " (known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, "
                "@hourly)"
        );
    }
    if (words.size() != 5 && words.size() != 6)
        throw invalid_trigger(
            "crontab",
            "expected 5 fields (minute hour day month day_of_week) or 6 (with seconds "
            "first), got " +
                std::to_string(words.size()) + " in " + quoted(text)
        );
    std::size_t i = 0;
    f[field_second] = words.size() == 6 ? words[i++] : "0";
    f[field_minute] = words[i++];
    f[field_hour] = words[i++];
    f[field_day] = words[i++];
    f[field_month] = words[i++];
    f[field_day_of_week] = words[i++];
    return f;
}

class cron_trigger_impl final : public trigger_impl
{
public:
    // The field form
    cron_trigger_impl(const field_texts& given, const trigger_options& options, bool from_json)
        : given_(given), schedule_(with_defaults(given), day_rule::both_must_match), options_(options)
    {
        validate_options({"cron", "cron_trigger", from_json, "options"}, options_);
    }

    // A crontab string
    cron_trigger_impl(std::string_view crontab, const trigger_options& options, bool from_json)
        : crontab_(std::string(crontab)),
          schedule_(parse_crontab(crontab), day_rule::either_may_match),
          options_(options)
    {
        validate_options({"cron", "cron_trigger", from_json, "options"}, options_);
    }

    std::optional<instant> next_fire_time(std::optional<instant> previous, instant now) const override
    {
        using namespace std::chrono;
        // Cron fires on whole seconds: the first candidate is the search start rounded up
        const auto start = ceil<seconds>(search_start(options_, previous, now)).time_since_epoch().count();
        const auto fire = next_wall_clock_instant(
            options_.timezone.data(),
            start,
            [this](std::int64_t local) { return schedule_.first_match(local); },
            schedule_.matches_every_hour() ? fold_policy::both_passes : fold_policy::first_pass
        );
        if (!fire)
            return std::nullopt;
        return bound_and_jitter(options_, instant{seconds{*fire}});
    }

    std::string describe() const override
    {
        std::string text = "cron[";
        if (crontab_)
            text += "crontab='" + *crontab_ + "'";
        else
            for (int f = 0; f < field_count; ++f)
                if (given_[f])
                    text += (text.size() > 5 ? ", " : "") + std::string(cron_field_names[f]) + "='" + *given_[f] + "'";
        return text + describe_options(options_) + "]";
    }

    std::string_view kind() const noexcept override { return "cron"; }
    time_zone zone() const noexcept override { return options_.timezone; }

    boost::json::object to_json() const override
    {
        boost::json::object json{{"type", "cron"}};
        if (crontab_)
            json["crontab"] = *crontab_;
        else
            for (int f = 0; f < field_count; ++f)
                if (given_[f])
                    json[cron_field_names[f]] = *given_[f];
        options_to_json(options_, json);
        return json;
    }

private:
    field_texts given_{};
    std::optional<std::string> crontab_;
    cron_schedule schedule_;
    trigger_options options_;
};

field_texts to_texts(const cron_fields& fields)
{
    return {
        fields.year,
        fields.month,
        fields.day,
        fields.week,
        fields.day_of_week,
        fields.hour,
        fields.minute,
        fields.second};
}

}  // namespace

std::shared_ptr<const trigger_impl> make_crontab_trigger(
    std::string_view crontab,
    const trigger_options& options,
    bool from_json
)
{
    return std::make_shared<cron_trigger_impl>(crontab, options, from_json);
}

std::shared_ptr<const trigger_impl> decode_cron_trigger(const boost::json::object& json, const time_zone& zone)
{
    const json_reader in(
        json,
        "cron",
        {"year",
         "month",
         "day",
         "week",
         "day_of_week",
         "hour",
         "minute",
         "second",
         "crontab",
         "start_date",
         "end_date",
         "timezone",
         "jitter"}
    );
    const auto options = in.options(zone);
    if (const auto crontab = in.string("crontab"))
    {
        for (const auto name : cron_field_names)
            if (in.has(name))
                in.fail(name, "cannot be combined with 'crontab'; give either the fields or a crontab string");
        return make_crontab_trigger(*crontab, options, true);
    }
    field_texts given;
    for (int f = 0; f < field_count; ++f)
        given[f] = in.string_or_integer(cron_field_names[f]);
    return std::make_shared<cron_trigger_impl>(given, options, true);
}

}  // namespace detail

cron_trigger::cron_trigger(const cron_fields& fields, const trigger_options& options)
    : trigger(std::make_shared<detail::cron_trigger_impl>(detail::to_texts(fields), options, false))
{
}

cron_trigger cron_trigger::from_crontab(std::string_view crontab, const trigger_options& options)
{
    return cron_trigger{detail::make_crontab_trigger(crontab, options, false)};
}

}  // namespace asched
