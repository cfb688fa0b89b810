// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_BLOCKING_SCHEDULER_HPP
#define ASCHED_BLOCKING_SCHEDULER_HPP

/// @file
/// @brief @ref asched::blocking_scheduler, a scheduler that is the whole program.

#include <asched/scheduler.hpp>

#include <boost/asio/io_context.hpp>

namespace asched {

namespace detail {
/// Constructs the io_context before the scheduler base that needs it.
struct owned_io_context
{
    boost::asio::io_context owned_context{1};
};
}  // namespace detail

/**
 * @brief A scheduler with its own io_context, for programs that do nothing else (APScheduler's
 * `BlockingScheduler`): add jobs, then @ref run.
 *
 * ```cpp
 * asched::blocking_scheduler sched;
 * sched.add_job([] { std::cout << "Tick!\n"; }, asched::interval_trigger{3s});
 * sched.run();  // until Ctrl+C
 * ```
 *
 * @par Thread safety
 * As @ref basic_scheduler does — jobs on the `inline` executor and listeners may call it directly; other threads use
 * the `async_` forms.
 */
class blocking_scheduler : private detail::owned_io_context, public scheduler
{
public:
    /// @brief A scheduler on an io_context of its own.
    explicit blocking_scheduler(scheduler_options options = {});

    /**
     * @brief Starts the scheduler and runs its io_context until the scheduler has shut down: by a call to
     * `shutdown` or `async_shutdown` (from a job, a listener or another thread), or on SIGINT or SIGTERM, which
     * shut it down waiting for running jobs.
     */
    void run();

    /// @brief The io_context the scheduler runs on.
    boost::asio::io_context& context() noexcept { return owned_context; }
};

}  // namespace asched

#endif
