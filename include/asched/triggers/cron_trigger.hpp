// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_TRIGGERS_CRON_TRIGGER_HPP
#define ASCHED_TRIGGERS_CRON_TRIGGER_HPP

/// @file
/// @brief @ref asched::cron_trigger "cron_trigger": fires at wall-clock times matching cron fields.

#include <asched/trigger.hpp>
#include <asched/triggers/trigger_options.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace asched {

/**
 * @brief The fields of a @ref cron_trigger, most significant first, in APScheduler's syntax.
 *
 * Each field takes `*`, `*&#47;a`, `a-b`, `a-b/c`, `a`, `a/c` and comma lists of these; `day` also takes `last`
 * and `xth y` (`1st mon`, `last fri`); `month` and `day_of_week` take names (`jan`, `mon`). A field left out takes
 * `*` when it is more significant than the least significant field given, and its minimum when less significant;
 * `week` and `day_of_week` always default to `*`. Numeric `day_of_week` follows cron: 0 and 7 are Sunday.
 */
struct cron_fields
{
    /// @brief Calendar year, 1970-9999.
    std::optional<std::string> year{};
    /// @brief Month, 1-12 or `jan`-`dec`.
    std::optional<std::string> month{};
    /// @brief Day of the month, 1-31, `last`, `xth y`.
    std::optional<std::string> day{};
    /// @brief ISO week number, 1-53.
    std::optional<std::string> week{};
    /// @brief Day of the week, 0-7 (0 and 7 are Sunday) or `mon`-`sun`; ranges may wrap (`fri-mon`).
    std::optional<std::string> day_of_week{};
    /// @brief Hour, 0-23.
    std::optional<std::string> hour{};
    /// @brief Minute, 0-59.
    std::optional<std::string> minute{};
    /// @brief Second, 0-59.
    std::optional<std::string> second{};
};

/**
 * @brief Fires at the wall-clock times, in its zone, that match every field.
 *
 * Built from @ref cron_fields (APScheduler's field form: when both `day` and `day_of_week` are restricted, both
 * must match) or from a crontab string with @ref from_crontab (the system cron's rule: when neither day field
 * starts with `*`, a day matching either fires). Daylight-saving changes follow asched's contract: a time in a gap
 * fires at the instant it would have had before the gap; a time that occurs twice fires once, except when `hour`
 * matches all 24 hours, where it fires in both passes.
 * @code
 * asched::cron_trigger office{{.day_of_week = "mon-fri", .hour = "9-17"}, {.timezone = berlin}};
 * auto nightly = asched::cron_trigger::from_crontab("30 2 * * *", {.timezone = berlin});
 * @endcode
 */
class cron_trigger : public trigger
{
public:
    /// @brief Fires when every field matches.
    /// @throws invalid_trigger naming the field, the offending text and why.
    explicit cron_trigger(const cron_fields& fields, const trigger_options& options = {});

    /**
     * @brief Builds a trigger from a crontab string: 5 fields (`minute hour day month day_of_week`), 6 with
     * seconds first, or a macro (`@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`).
     * @throws invalid_trigger naming the field, the offending text and why (wrong field count included).
     */
    static cron_trigger from_crontab(std::string_view crontab, const trigger_options& options = {});

private:
    using trigger::trigger;
};

}  // namespace asched

#endif
