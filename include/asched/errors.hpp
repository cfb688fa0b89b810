// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_ERRORS_HPP
#define ASCHED_ERRORS_HPP

/// @file
/// @brief Exceptions thrown for bad input and impossible requests.

#include <stdexcept>
#include <string>

namespace asched {

/**
 * @brief A trigger was given bad input: a malformed cron field, an unknown key or time zone, a zero interval, an
 * end before its start, ...
 *
 * Thrown when the trigger is built, never at fire time. `what()` names the field, quotes the offending text and
 * says why, e.g. `cron field 'hour': value 25 is out of range 0-23`.
 */
class invalid_trigger : public std::invalid_argument
{
public:
    /// @brief Builds the exception; `what()` becomes `"<field>: <reason>"` where `field` is e.g. `cron field 'hour'`.
    invalid_trigger(std::string field, const std::string& reason)
        : std::invalid_argument(field + ": " + reason), field_(std::move(field))
    {
    }

    /// @brief The field that was rejected, as it appears in the message (`cron field 'hour'`, `key 'weeks'`).
    const std::string& field() const noexcept { return field_; }

private:
    std::string field_;
};

/**
 * @brief An `and` trigger found no common fire time within its `max_iterations` rounds.
 *
 * Thrown by `next_fire_time`; the trigger itself is valid, its children just never agree closely enough.
 */
class trigger_search_exhausted : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

}  // namespace asched

#endif
