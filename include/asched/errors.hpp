// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_ERRORS_HPP
#define ASCHED_ERRORS_HPP

/// @file
/// @brief Error codes of the `asched` category, and the exceptions thrown for bad input and impossible requests.

#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include <stdexcept>
#include <string>
#include <type_traits>

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
        : boost::system::system_error(code, message), message_(message)
    {
    }

    /// @brief The message alone (without the category's generic text appended by `system_error`).
    const char* what() const noexcept override { return message_.c_str(); }

private:
    std::string message_;
};

}  // namespace asched

#endif
