// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_JOB_HPP
#define ASCHED_JOB_HPP

/// @file
/// @brief @ref asched::job and the option sets that add and change one.

#include <asched/job_context.hpp>
#include <asched/task.hpp>
#include <asched/time.hpp>
#include <asched/trigger.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace asched {

/// @brief A misfire grace time meaning "no limit": a run is never too late to run.
inline constexpr std::chrono::microseconds unlimited_grace = std::chrono::microseconds::max();

/**
 * @brief The job options a scheduler applies when a job does not set them (APScheduler's `job_defaults`).
 */
struct job_defaults
{
    /// How late a run may start and still run, in seconds (microsecond precision); later runs are reported missed.
    /// Zero means only a run exactly on time; @ref unlimited_grace means no limit. Default 1 s.
    std::chrono::microseconds misfire_grace_time{std::chrono::seconds{1}};
    /// Whether a backlog of due runs (after a pause, a stall or a restart) runs once instead of once per time.
    bool coalesce{true};
    /// The most runs of one job that may be running at once; more are refused (`job_max_instances`). At least 1.
    std::size_t max_instances{1};
};

/**
 * @brief Options for adding a job; every member has a default.
 *
 * ```cpp
 * sched.add_job(report, asched::cron_trigger{{.hour = "14"}}, {.id = "report", .replace_existing = true});
 * ```
 */
struct job_options
{
    /// The job's id, unique within its store; empty: a random 11-character id is generated.
    std::string id{};
    /// A human-readable name; empty: the task's registered name, else the id.
    std::string name{};
    /// The executor that runs the job; empty: `inline` for coroutine and callback tasks, `default` otherwise.
    std::string executor{};
    /// The job store that holds the job; empty: `default`.
    std::string jobstore{};
    /// How late a run may start and still run; unset: the scheduler's default. See @ref job_defaults.
    std::optional<std::chrono::microseconds> misfire_grace_time{};
    /// Whether a backlog of due runs runs once; unset: the scheduler's default.
    std::optional<bool> coalesce{};
    /// The most concurrent runs; unset: the scheduler's default. At least 1.
    std::optional<std::size_t> max_instances{};
    /// The first run time, instead of the trigger's first fire time.
    std::optional<instant> next_run_time{};
    /// Add the job paused: it has no next run time until resumed.
    bool paused{false};
    /// Replace a job with the same id instead of failing with @ref errc::conflicting_job_id, keeping its schedule
    /// when the trigger is unchanged. Makes start-up registration idempotent.
    bool replace_existing{false};
    /// Positional JSON arguments, read by the task through @ref job_context::args.
    boost::json::array args{};
    /// Named JSON arguments, read by the task through @ref job_context::kwargs.
    boost::json::object kwargs{};
};

/**
 * @brief Changes to an existing job (@ref basic_scheduler::modify_job); unset members stay as they are.
 */
struct job_changes
{
    /// A new name.
    std::optional<std::string> name{};
    /// A new task.
    std::optional<asched::task> task{};
    /// A new trigger. The next run time is recomputed from now unless `next_run_time` is also given.
    std::optional<asched::trigger> trigger{};
    /// A new executor (it must exist).
    std::optional<std::string> executor{};
    /// A new misfire grace time (@ref unlimited_grace — no limit).
    std::optional<std::chrono::microseconds> misfire_grace_time{};
    /// New coalescing.
    std::optional<bool> coalesce{};
    /// A new limit on concurrent runs (at least 1).
    std::optional<std::size_t> max_instances{};
    /// A new next run time; this also resumes a paused job.
    std::optional<instant> next_run_time{};
    /// New positional arguments.
    std::optional<boost::json::array> args{};
    /// New named arguments.
    std::optional<boost::json::object> kwargs{};
};

/**
 * @brief A job as the scheduler holds it: a snapshot, taken when it was returned. Change a job through the
 * scheduler (`modify_job`, `pause_job`, ...), not through this value.
 */
struct job
{
    /// The id, unique within its store.
    std::string id{};
    /// The human-readable name.
    std::string name{};
    /// The code it runs.
    asched::task task;
    /// When it runs.
    asched::trigger trigger;
    /// Its executor's name.
    std::string executor{};
    /// Its job store's name.
    std::string jobstore{};
    /// How late a run may start and still run (@ref unlimited_grace — no limit).
    std::chrono::microseconds misfire_grace_time{};
    /// Whether a backlog of due runs runs once.
    bool coalesce{};
    /// The most concurrent runs.
    std::size_t max_instances{};
    /// Its JSON arguments (never null).
    std::shared_ptr<const job_arguments> arguments;
    /// The next run time; none when the job is paused. For a job added before the scheduler started, the first
    /// run time it will have (computed when the scheduler starts).
    std::optional<instant> next_run_time{};
    /// True for a job added before the scheduler started: its next run time is computed at start.
    bool pending{};
    /// How many runs are in progress.
    std::size_t running_instances{};

    /// @brief Whether the job is paused (has no next run time).
    bool paused() const noexcept { return !next_run_time && !pending; }

    /// @brief One line: `report (trigger: cron[hour='14'], next run at: 2026-11-21T14:00:00+08:00)`, times in
    /// the trigger's zone.
    std::string describe() const;
};

}  // namespace asched

#endif
