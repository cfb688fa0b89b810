// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_TRIGGER_HPP
#define ASCHED_TRIGGER_HPP

/// @file
/// @brief @ref asched::trigger, the value every trigger kind converts to.

#include <asched/time.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace boost::json {
class value;
class object;
}  // namespace boost::json

namespace asched {

namespace detail {
class trigger_impl;
struct trigger_access;
}  // namespace detail

/**
 * @brief When a job fires: an immutable value that computes fire times.
 *
 * Every kind (@ref date_trigger, @ref interval_trigger, @ref cron_trigger, @ref calendar_interval_trigger,
 * @ref and_trigger, @ref or_trigger) is a `trigger` and converts to one without loss. A trigger needs no
 * io_context and holds no state between calls: the same question always gets the same answer (but for `jitter`,
 * which is random by design).
 *
 * @par Thread safety
 * Distinct objects: safe. Shared objects: safe (all members are const; copies share the immutable state).
 */
class trigger
{
public:
    /**
     * @brief The next fire time: the first fire instant strictly after `previous` when it is given, otherwise the
     * first at or after `max(now, start_date)`; `std::nullopt` when the trigger is finished.
     *
     * Successive answers (each fed back as `previous`) are strictly increasing. Never loops without bound: an
     * expression that can never fire (`0 0 30 2 *`) answers `std::nullopt` at once.
     * @throws trigger_search_exhausted from an @ref and_trigger whose children never agree.
     */
    std::optional<instant> next_fire_time(std::optional<instant> previous, instant now) const;

    /// @brief A one-line human description in APScheduler's style: `cron[day_of_week='mon-fri', hour='9-17']`,
    /// `interval[1:00:00]`.
    std::string describe() const;

    /// @brief The kind's name as in the JSON form: `date`, `interval`, `cron`, `calendarinterval`, `and`, `or`.
    std::string_view kind() const noexcept;

    /// @brief The zone fire times are computed and shown in (for `and`/`or`: their first child's).
    time_zone zone() const noexcept;

    /**
     * @brief This trigger with `zone` in place of an unspecified one (a default-constructed @ref time_zone), in
     * itself and in every child of an `and`/`or`; the trigger itself when it has no unspecified zone, and for date
     * and interval triggers, whose fire times are instants whatever the zone.
     *
     * A scheduler calls it when a job is added, so that `cron_trigger{{.hour = "14"}}` fires at 14:00 in the
     * scheduler's zone, as APScheduler's triggers do.
     */
    trigger with_default_zone(const time_zone& zone) const;
    /// @brief The JSON form of the trigger contract; `from_json(to_json())` gives an equal trigger.
    boost::json::object to_json() const;

    /**
     * @brief Builds a trigger from its JSON form (the trigger contract's table of kinds and keys).
     * @param json an object with a `"type"` key.
     * @param default_zone the zone for a trigger whose JSON names none, and for local datetimes in it.
     * @throws invalid_trigger naming the key, the offending value and why; unknown keys are errors.
     */
    static trigger from_json(const boost::json::value& json, const time_zone& default_zone = {});

    /**
     * @brief Builds a trigger from text: a JSON object (as for @ref from_json) or a bare crontab string
     * (`0 9 * * mon-fri`, `@daily`).
     * @throws invalid_trigger naming the field, the offending text and why.
     */
    static trigger parse(std::string_view text, const time_zone& default_zone = {});

    /// @brief Two triggers are equal when they are of the same kind with the same settings.
    friend bool operator==(const trigger& a, const trigger& b) noexcept;

protected:
    /// @brief Wraps an implementation; used by the trigger kinds.
    explicit trigger(std::shared_ptr<const detail::trigger_impl> impl) noexcept : impl_(std::move(impl)) {}

    /// @brief The implementation, for the trigger kinds.
    const detail::trigger_impl& impl() const noexcept { return *impl_; }

private:
    friend struct detail::trigger_access;  // the scheduler's look at the implementation (lib/trigger_impl.hpp)

    std::shared_ptr<const detail::trigger_impl> impl_;
};

}  // namespace asched

#endif
