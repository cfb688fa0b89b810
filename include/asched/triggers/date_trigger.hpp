// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_TRIGGERS_DATE_TRIGGER_HPP
#define ASCHED_TRIGGERS_DATE_TRIGGER_HPP

/// @file
/// @brief @ref asched::date_trigger "date_trigger": fires once.

#include <asched/trigger.hpp>

namespace asched {

/**
 * @brief Fires once, at `run_date`.
 *
 * A `run_date` before `now` gives no fire time: a trigger never answers the past. What the scheduler does with a
 * job added too late is its misfire policy, not the trigger's.
 * @code
 * asched::date_trigger once{asched::parse_datetime("2026-12-24T18:00:00", berlin), berlin};
 * @endcode
 */
class date_trigger : public trigger
{
public:
    /// @brief Fires once at `run_date`; `zone` is where it is shown.
    explicit date_trigger(instant run_date, const time_zone& zone = {});

    /// @brief The instant it fires at.
    instant run_date() const noexcept;
};

}  // namespace asched

#endif
