// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_SCHEDULER_OPTIONS_HPP
#define ASCHED_SCHEDULER_OPTIONS_HPP

/// @file
/// @brief @ref asched::scheduler_options, a scheduler's configuration.

#include <asched/executors.hpp>
#include <asched/job.hpp>
#include <asched/log.hpp>
#include <asched/time.hpp>

#include <boost/json/fwd.hpp>

#include <map>
#include <memory>
#include <string>

namespace asched {

/**
 * @brief Configuration for a scheduler; every member has a default.
 *
 * ```cpp
 * asched::scheduler sched(ctx, {.zone = asched::time_zone::locate("Asia/Shanghai"),
 *                               .job_defaults = {.coalesce = false, .max_instances = 3},
 *                               .executors = {{"default", asched::make_thread_pool_executor(20)}}});
 * ```
 */
struct scheduler_options
{
    /// The zone of triggers that name none (cron and calendarinterval fire times depend on it) and of times in
    /// tables. Default: the system's local zone (`TZ`, `/etc/localtime`), UTC when it cannot be determined.
    time_zone zone = local_zone();
    /// Options for jobs that do not set their own.
    asched::job_defaults job_defaults{};
    /// Executors by name, added to (or replacing) the built-in ones: `default`, a thread pool of 10 threads
    /// (started with its first run), and `inline`, the scheduler's own executor.
    std::map<std::string, std::shared_ptr<job_executor>> executors{};
    /// Job stores by name, as URLs: `memory:` (the built-in store: jobs live in the scheduler and may run any
    /// function object), `sqlite:PATH` (one SQLite file, created when missing; its jobs survive restarts and must
    /// name registered tasks) or `postgresql://...` (a database that several schedulers share: see
    /// @ref postgres_job_store). `default` is the built-in memory store unless given here. Stores of your own are
    /// added with `basic_scheduler::add_jobstore`. The scheduler's constructor opens these stores, and throws
    /// `std::system_error` naming the file when a SQLite file cannot be opened (held by another scheduler, not a job
    /// store); a PostgreSQL store connects in the background and reports failures as `jobstore_error` events.
    std::map<std::string, std::string> jobstores{};
    /// Where log lines go; default: standard error. Empty: nowhere.
    log_sink log = stderr_log_sink(log_level::debug);
    /// The least serious level passed to `log`; less serious lines are not even formatted. Default: warnings and
    /// errors (a missed run, a failed job, a listener that threw); `log_level::info` adds starts, adds and removals.
    log_level minimum_log_level = log_level::warning;

    /// @brief The system's local zone, as used for the default @ref zone.
    static time_zone local_zone();

    /**
     * @brief Reads the configuration from JSON, as APScheduler's `configure()` reads a dict.
     *
     * ```json
     * {"timezone": "Asia/Shanghai",
     *  "job_defaults": {"coalesce": false, "max_instances": 3, "misfire_grace_time": 30},
     *  "executors": {"default": {"type": "thread_pool", "max_workers": 20}, "serial": {"type": "inline"}},
     *  "jobstores": {"default": {"type": "memory"}, "durable": {"type": "sqlite", "path": "jobs.sqlite"}}}
     * ```
     * Store types are `memory`, `sqlite` (with `path`, the file) and `postgresql` (with `url`, libpq's connection
     * string; without it, libpq's environment). Executor types are `thread_pool` (with
     * `max_workers`, default 10) and `inline`; `misfire_grace_time` is in
     * seconds or `null` for no limit. Every key is optional. `strand` executors need an executor and can only be
     * given in C++.
     * @throws std::invalid_argument naming the key, the value and why, for unknown keys, wrong types and values
     * out of range.
     */
    static scheduler_options from_json(const boost::json::value& json);
};

}  // namespace asched

#endif
