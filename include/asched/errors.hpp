// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_ERRORS_HPP
#define ASCHED_ERRORS_HPP

/// @file
/// @brief Error codes of the `asched` category, and the exceptions thrown for bad input and impossible requests.
///
/// Which exception each kind of bad input raises (every one derives from `std::invalid_argument`, so one handler
/// catches all bad input; `what()` is always one line, names the field or parameter as the interface used spells it,
/// the offending value with control characters escaped and cut after 60 bytes, and why):
///
/// | bad input | exception |
/// | --- | --- |
/// | a trigger: its JSON form, a crontab string, a C++ trigger's constructor arguments | @ref asched::invalid_trigger |
/// | ISO 8601 text, or a datetime outside 0001-01-01 .. 9999-12-31T23:59:59.999999Z | @ref asched::invalid_datetime |
/// | a time zone name the tz database does not know | @ref asched::unknown_time_zone |
/// | a job id (empty, too long, not UTF-8, a control character) | @ref asched::invalid_job_id |
/// | a job document or export document | `invalid_job_document` (job_document.hpp) |
/// | scheduler options, executor settings, a job store URL | `std::invalid_argument` |
///
/// Inside a trigger's JSON form, a bad datetime or zone is reported as @ref asched::invalid_trigger naming its key;
/// inside a job document, as `invalid_job_document` naming the field. Requests that are well-formed but cannot be
/// carried out (an unknown job id, a conflicting id, the wrong state) raise @ref asched::scheduler_error. At fire time,
/// a trigger may raise @ref asched::trigger_search_exhausted; the scheduler then pauses the job
/// (`event_code::job_trigger_failed`).

#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace asched {

/// @cond
namespace detail {
// The message with control characters escaped and cut to a bounded length: every message asched raises is one line
std::string one_line_message(std::string message);
}  // namespace detail
/// @endcond

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
        : std::invalid_argument(detail::one_line_message(field + ": " + reason)), field_(std::move(field))
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
    /// @brief Builds the exception from its message.
    explicit trigger_search_exhausted(const std::string& message)
        : std::runtime_error(detail::one_line_message(message))
    {
    }
};

/**
 * @brief ISO 8601 text that is malformed, or a datetime outside asched's domain (@ref min_instant to
 * @ref max_instant).
 *
 * `what()` quotes the text and says what is wrong with it, e.g.
 * `"2026-02-30" is not an ISO 8601 datetime: day 30 does not exist in 2026-02`.
 */
class invalid_datetime : public std::invalid_argument
{
public:
    /// @brief Builds the exception from its message.
    explicit invalid_datetime(const std::string& message) : std::invalid_argument(detail::one_line_message(message)) {}
};

/// @brief A time zone name that the system tz database does not know; `what()` quotes the name.
class unknown_time_zone : public std::invalid_argument
{
public:
    /// @brief Builds the exception from its message.
    explicit unknown_time_zone(const std::string& message) : std::invalid_argument(detail::one_line_message(message)) {}
};

/// @brief The longest job id, in bytes of UTF-8.
inline constexpr std::size_t max_job_id_length = 200;

/**
 * @brief A job id that breaks the rule: 1 to @ref max_job_id_length bytes of valid UTF-8 with no control character
 * (U+0000-U+001F, U+007F-U+009F), so that every id prints on one line of a terminal and of a log.
 *
 * `what()` quotes the id (escaped) and says which part of the rule it breaks.
 */
class invalid_job_id : public std::invalid_argument
{
public:
    /// @brief Builds the exception from its message.
    explicit invalid_job_id(const std::string& message) : std::invalid_argument(detail::one_line_message(message)) {}
};

/**
 * @brief Checks a job id against the rule of @ref invalid_job_id.
 * @throws invalid_job_id saying which part of the rule `id` breaks.
 */
void validate_job_id(std::string_view id);

/// @brief The error code type of asched's asynchronous operations (Boost.System's, as in Asio).
using error_code = boost::system::error_code;

/// @brief Errors of the `asched` category: scheduler requests that cannot be carried out.
enum class errc
{
    /// No job with the given id exists (in the given job store, when one was named).
    job_not_found = 1,
    /// A job with the given id already exists; pass `replace_existing = true` to replace it.
    conflicting_job_id,
    /// No executor of that name was added to the scheduler; add it first or use `default` or `inline`.
    executor_not_found,
    /// No job store of that name was added to the scheduler; add it first or use `default`.
    jobstore_not_found,
    /// No task of that name is registered; register it with `register_task` before adding jobs that name it.
    task_not_found,
    /// An executor or job store of that name already exists; remove it first.
    conflicting_name,
    /// The request needs a running scheduler, and this one is shut down or not started.
    scheduler_not_running,
    /// The scheduler was started already, or an `async_run` is already outstanding.
    already_running,
    /// The scheduler was shut down before the operation could complete.
    shut_down,
    /// The job's executor was shut down without running it.
    run_abandoned,
    /// A callback job destroyed its completion handler without calling it.
    completion_dropped,
    /// A shared job store refused a write about a job this scheduler no longer holds: its lease expired and another
    /// scheduler took the job, or the job was changed or removed meanwhile.
    lease_lost,
};

}  // namespace asched

/// @cond
// Lets asched::errc convert to boost::system::error_code
template <>
struct boost::system::is_error_code_enum<asched::errc> : std::true_type
{
};
/// @endcond

namespace asched {

/// @brief The `asched` error category (its name is `"asched"`).
const boost::system::error_category& get_error_category() noexcept;

/// @brief Makes an @ref error_code of the `asched` category, so that `error_code ec = errc::job_not_found;` works.
inline error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), get_error_category()}; }

/**
 * @brief What the scheduler throws for a request it cannot carry out: an unknown job id, a conflicting id, an
 * unknown executor or store, a call in the wrong state.
 *
 * `code()` is an @ref errc value; `what()` names the id or name concerned and says what to do,
 * e.g. `job 'report' not found in job store 'default'`.
 */
class scheduler_error : public boost::system::system_error
{
public:
    /// @brief Builds the exception from an @ref errc value and a message naming what was asked for.
    scheduler_error(errc code, const std::string& message)
        : boost::system::system_error(code, detail::one_line_message(message)),
          message_(detail::one_line_message(message))
    {
    }

    /// @brief The message alone (without the category's generic text appended by `system_error`).
    const char* what() const noexcept override { return message_.c_str(); }

private:
    std::string message_;
};

}  // namespace asched

#endif
