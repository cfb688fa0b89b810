// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_EXECUTORS_HPP
#define ASCHED_EXECUTORS_HPP

/// @file
/// @brief Executor strategies: where a job's code runs (@ref asched::job_executor and the built-in ones).

#include <asched/job_context.hpp>
#include <asched/task.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <cstddef>
#include <memory>
#include <string>

namespace asched {

namespace detail {
class pending_run;
}

/**
 * @brief One run of one job, handed to a @ref job_executor — the executor decides where to @ref start it.
 *
 * Starting it runs the task and reports the outcome back to the scheduler's executor, from whatever thread the
 * run ends on. A run destroyed without being started is reported as abandoned (@ref errc::run_abandoned), so a
 * run is never lost silently.
 */
class job_run
{
public:
    /// @brief Built by the scheduler.
    explicit job_run(std::unique_ptr<detail::pending_run> state) noexcept;
    /// @brief Moves the run.
    job_run(job_run&&) noexcept;
    /// @brief Moves the run; a target not yet started is reported abandoned first.
    job_run& operator=(job_run&&) noexcept;
    /// @brief Reports the run abandoned when it was never started.
    ~job_run();

    /// @brief What the task will see: job id, scheduled run time, arguments.
    const job_context& context() const noexcept;

    /// @brief How the task runs.
    task_kind kind() const noexcept;

    /**
     * @brief Runs the job: a function or callback task on the calling thread; a coroutine task spawned on
     * `where` (the call then returns at once).
     *
     * The outcome goes back to the scheduler's executor; completion events are emitted there.
     */
    void start(const boost::asio::any_io_executor& where) &&;

private:
    std::unique_ptr<detail::pending_run> state_;
};

/**
 * @brief A strategy that decides where jobs run. The scheduler calls @ref submit on its own executor; the run
 * reports back there by itself.
 *
 * Write one to run jobs elsewhere (a GPU queue, a process pool): submit() only has to call `run.start(ex)` on some
 * thread, now or later.
 */
class job_executor
{
public:
    /// @brief Destroys the executor; it must have been shut down (the scheduler does this).
    virtual ~job_executor() = default;

    /// @brief Starts `run` somewhere, now or later. Called on the scheduler's executor.
    virtual void submit(job_run run) = 0;

    /**
     * @brief Stops accepting runs. With `wait`, blocks until the runs it started have finished (for a thread
     * pool: joins its threads); without, queued runs are abandoned and running ones finish unobserved.
     */
    virtual void shutdown(bool wait) { (void)wait; }

    /// @brief True when function tasks run right on the scheduler's executor: the scheduler then calls them
    /// directly, without a @ref job_run (the fast path of @ref make_inline_executor).
    virtual bool runs_inline() const noexcept { return false; }

    /// @brief A short description for tables and logs: `inline`, `strand`, `thread_pool(10)`.
    virtual std::string describe() const = 0;
};

/**
 * @brief Runs jobs on the scheduler's own executor: functions are called right there; coroutines are spawned there.
 *
 * The default for coroutine and callback tasks. A function that blocks here blocks the whole io_context: timers,
 * sockets and every other job wait until it returns. Use it for short, non-blocking work and for coroutines.
 */
std::shared_ptr<job_executor> make_inline_executor();

/**
 * @brief Runs jobs on a strand of `executor`: at most one of them at a time, even when the io_context runs on
 * several threads.
 */
std::shared_ptr<job_executor> make_strand_executor(const boost::asio::any_io_executor& executor);

/**
 * @brief Runs jobs on a pool of `threads` threads (`asio::thread_pool`), for blocking and CPU-bound work.
 *
 * The threads start with the first run, not before. Shutdown with `wait` joins them; without, runs not yet
 * started are abandoned and the threads are joined when the executor is destroyed.
 * @throws std::invalid_argument when `threads` is 0.
 */
std::shared_ptr<job_executor> make_thread_pool_executor(std::size_t threads = 10);

}  // namespace asched

#endif
