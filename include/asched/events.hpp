// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_EVENTS_HPP
#define ASCHED_EVENTS_HPP

/// @file
/// @brief @ref asched::event, what listeners receive, and the @ref asched::event_code bits that filter them.

#include <asched/time.hpp>

#include <boost/json/value.hpp>

#include <any>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace asched {

/// @brief What happened; each code is one bit, so that codes combine into an `event_mask`.
enum class event_code : std::uint32_t
{
    /// The scheduler started (also when started paused).
    scheduler_started = 1u << 0,
    /// The scheduler shut down; no event follows this one.
    scheduler_shutdown = 1u << 1,
    /// The scheduler was paused: no job runs until it is resumed.
    scheduler_paused = 1u << 2,
    /// The scheduler was resumed.
    scheduler_resumed = 1u << 3,
    /// An executor was added; `alias` names it.
    executor_added = 1u << 4,
    /// An executor was removed; `alias` names it.
    executor_removed = 1u << 5,
    /// A job store was added; `alias` names it.
    jobstore_added = 1u << 6,
    /// A job store was removed; `alias` names it.
    jobstore_removed = 1u << 7,
    /// Every job of one store (`jobstore`) or of all stores (empty `jobstore`) was removed.
    all_jobs_removed = 1u << 8,
    /// A job was added.
    job_added = 1u << 9,
    /// A job was removed, by a call or because its trigger finished.
    job_removed = 1u << 10,
    /// A job was modified, rescheduled, paused or resumed.
    job_modified = 1u << 11,
    /// A run of a job was handed to its executor; `scheduled_run_times` holds its one scheduled time.
    job_submitted = 1u << 12,
    /// A run completed normally; `result` and `return_value` hold what the job returned.
    job_executed = 1u << 13,
    /// A run threw or reported an error; `exception` holds it.
    job_error = 1u << 14,
    /// Runs were later than the job's misfire grace time and were not run; `scheduled_run_times` lists them.
    job_missed = 1u << 15,
    /// Runs were refused because `max_instances` runs of the job were already running.
    job_max_instances = 1u << 16,
    /// A stored job could not be loaded (undecodable document, unknown task): it was moved to the store's
    /// quarantine, never deleted. `jobstore`, `job_id`, and `exception` (a `std::runtime_error` with the reason).
    job_quarantined = 1u << 17,
    /// A job store failed to write or read: `jobstore`, `job_id` when one job was concerned, and `exception` (a
    /// `boost::system::system_error`). The scheduler keeps running; the job's state in memory stays as it was.
    jobstore_error = 1u << 18,
    /// A job's trigger failed to compute its next fire time (an `and` trigger whose search gave up, ...): the job was
    /// paused, before the run that was due, and stays in its store, paused; the other jobs keep firing.
    /// `job_id`, `jobstore`, `scheduled_run_times` (the run time that was due) and `exception` (the trigger's
    /// error). Fix the trigger with `reschedule_job`, or resume the job to try it again.
    job_trigger_failed = 1u << 19,
    /// A job store that failed to write (`jobstore_error`, reported once per outage) takes writes again: every
    /// failed write was made again, and the stored jobs match the scheduler's. `jobstore`.
    jobstore_recovered = 1u << 20,
};

/// @brief The event's name as in APScheduler, lower-case: `job_executed`, `scheduler_started`, ...
std::string_view to_string(event_code code) noexcept;

/// @brief A set of @ref event_code bits: the events a listener wants.
using event_mask = std::uint32_t;

/// @brief Combines two codes into a mask: `event_code::job_executed | event_code::job_error`.
constexpr event_mask operator|(event_code a, event_code b) noexcept
{
    return static_cast<event_mask>(a) | static_cast<event_mask>(b);
}

/// @brief Adds a code to a mask.
constexpr event_mask operator|(event_mask a, event_code b) noexcept { return a | static_cast<event_mask>(b); }

/// @brief Every event.
inline constexpr event_mask all_events = (1u << 21) - 1;

/// @brief All events about jobs (`job_added` through `job_quarantined`, and `job_trigger_failed`).
inline constexpr event_mask job_events = (((1u << 18) - 1) & ~((1u << 9) - 1)) |
                                         static_cast<event_mask>(event_code::job_trigger_failed);

/**
 * @brief One thing that happened in a scheduler, as a listener receives it.
 *
 * Only the members that apply to the code are set; the others are empty.
 */
struct event
{
    /// What happened.
    event_code code{};
    /// When the scheduler noticed it, by the scheduler's clock.
    instant when{};
    /// The job concerned (job events only).
    std::string job_id{};
    /// The job store concerned: the job's store for job events, the store cleared for `all_jobs_removed`.
    std::string jobstore{};
    /// The executor or job store added or removed (`executor_*`, `jobstore_*` events).
    std::string alias{};
    /// The run's scheduled time(s): one for submitted, executed and error; every missed or refused one otherwise.
    std::vector<instant> scheduled_run_times{};
    /// What the job returned, as JSON: null when it returned nothing or a value JSON cannot represent.
    boost::json::value result{};
    /// What the job returned, as itself (empty for `void` and for types that cannot be copied).
    std::any return_value{};
    /// What the job threw or reported (`job_error`), or why a job store failed (`job_quarantined`,
    /// `jobstore_error`).
    std::exception_ptr exception{};

    /// @brief The code as a bit, for testing against a mask.
    event_mask bit() const noexcept { return static_cast<event_mask>(code); }

    /// @brief One readable line: `job_executed job='tick' run_time=2026-11-21T14:00:00+00:00 result=42`.
    std::string to_string() const;
};

/// @brief A listener: called on the scheduler's executor for each event its mask selects.
using event_listener = std::function<void(const event&)>;

/// @brief Identifies an added listener, for removing it.
enum class listener_id : std::uint64_t
{
};

}  // namespace asched

#endif
