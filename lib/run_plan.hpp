// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_LIB_RUN_PLAN_HPP
#define ASCHED_LIB_RUN_PLAN_HPP

// What a job does when its timer expires, as a plain function: no io_context, no clock, no scheduler.

#include <asched/time.hpp>
#include <asched/trigger.hpp>

#include <boost/container/small_vector.hpp>

#include <chrono>
#include <cstddef>
#include <optional>

namespace asched::detail {

/// The job options that decide what happens to due runs.
struct run_policy
{
    std::chrono::microseconds misfire_grace_time;  // microseconds::max(): no limit
    bool coalesce;
    std::size_t max_instances;
};

using run_times = boost::container::small_vector<instant, 1>;

/// The decision for one expiry of a job's timer.
struct run_plan
{
    run_times runs;                        // submit these, in order
    run_times missed;                      // later than the grace time: job_missed
    run_times refused;                     // beyond max_instances: job_max_instances
    std::optional<instant> next_run_time;  // after the last due time; none: the trigger has finished
};

/// Whether a run due at `due` is too late to start at `now` (later than the grace time; max() means no limit).
inline bool misfired(instant due, instant now, std::chrono::microseconds misfire_grace_time) noexcept
{
    return misfire_grace_time != std::chrono::microseconds::max() && now - due > misfire_grace_time;
}

/// At most this many due times are collected in one pass; beyond it the job continues from `now` (a coalescing
/// job after a month-long outage must not enumerate 2.6 million seconds).
inline constexpr std::size_t max_due_times = 100'000;

/**
 * @brief Everything a job must do at `now`, with APScheduler's semantics, in the order the scheduler issue gives:
 *
 * 1. the due times are `next_run_time` and each following fire time of `trigger` up to `now`;
 * 2. those older than the misfire grace time (`now - t > grace`) are missed;
 * 3. with `coalesce`, the rest collapse into their latest time (and the missed into one event);
 * 4. runs beyond `max_instances - running` are refused;
 * 5. the next run time is the trigger's first fire time after the last due time.
 */
run_plan plan_runs(
    const trigger& trigger,
    instant next_run_time,
    instant now,
    const run_policy& policy,
    std::size_t running
);

}  // namespace asched::detail

#endif
