// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_BACKGROUND_SCHEDULER_HPP
#define ASCHED_BACKGROUND_SCHEDULER_HPP

/// @file
/// @brief @ref asched::background_scheduler, a scheduler on a thread of its own.

#include <asched/scheduler.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace asched {

/**
 * @brief A scheduler running on a thread of its own, inside a program that goes on doing other work (APScheduler's
 * `BackgroundScheduler`). Every member function is safe to call from any thread.
 *
 * By default jobs run on the `default` executor, a pool of 10 threads, and live in the memory store `default`.
 *
 * ```cpp
 * asched::background_scheduler sched;
 * sched.add_job(poll_feeds, asched::interval_trigger{5min});
 * sched.start();
 * // ... the program's own work ...
 * sched.shutdown();
 * ```
 *
 * @par Thread safety
 * Distinct objects: safe. Shared objects: safe. Calls block until the scheduler's thread has carried them out
 * (called from that thread itself, from an inline job or a listener, they run directly).
 */
class background_scheduler
{
public:
    /// @brief A scheduler whose thread starts with @ref start.
    explicit background_scheduler(scheduler_options options = {});
    /// @brief Shuts down without waiting and joins the thread.
    ~background_scheduler();
    background_scheduler(const background_scheduler&) = delete;
    background_scheduler& operator=(const background_scheduler&) = delete;

    /// @brief Starts the thread and the scheduler. @throws scheduler_error when started already.
    void start(bool paused = false);

    /**
     * @brief Shuts the scheduler down (waiting for running jobs with `wait`) and joins the thread.
     *
     * Called from a job (on the scheduler's thread or a pool thread), it starts the shutdown and returns at once:
     * waiting would wait for the calling job itself. The destructor then joins.
     */
    void shutdown(bool wait = true);

    /// @brief @ref basic_scheduler::pause.
    void pause();
    /// @brief @ref basic_scheduler::resume.
    void resume();
    /// @brief @ref basic_scheduler::state.
    scheduler_state state();

    /// @brief @ref basic_scheduler::add_job.
    job add_job(task code, trigger when, job_options options = {});

    /// @brief @ref basic_scheduler::add_job with any function object an @ref asched::task accepts.
    template <class F>
    requires detail::job_function<std::decay_t<F>> job add_job(F&& function, trigger when, job_options options = {})
    {
        return add_job(task(std::forward<F>(function)), std::move(when), std::move(options));
    }

    /// @brief @ref basic_scheduler::add_job with a registered task.
    job add_job(std::string_view task_name, trigger when, job_options options = {});
    /// @brief @ref basic_scheduler::register_task.
    void register_task(std::string name, task code);
    /// @brief @ref basic_scheduler::get_job.
    std::optional<job> get_job(std::string_view id, std::string_view jobstore = {});
    /// @brief @ref basic_scheduler::get_jobs.
    std::vector<job> get_jobs(std::string_view jobstore = {});
    /// @brief @ref basic_scheduler::modify_job.
    job modify_job(std::string_view id, job_changes changes, std::string_view jobstore = {});
    /// @brief @ref basic_scheduler::reschedule_job.
    job reschedule_job(std::string_view id, trigger when, std::string_view jobstore = {});
    /// @brief @ref basic_scheduler::pause_job.
    job pause_job(std::string_view id, std::string_view jobstore = {});
    /// @brief @ref basic_scheduler::resume_job.
    std::optional<job> resume_job(std::string_view id, std::string_view jobstore = {});
    /// @brief @ref basic_scheduler::remove_job.
    void remove_job(std::string_view id, std::string_view jobstore = {});
    /// @brief @ref basic_scheduler::remove_all_jobs.
    void remove_all_jobs(std::string_view jobstore = {});
    /// @brief @ref basic_scheduler::run_job_now.
    void run_job_now(std::string_view id, std::string_view jobstore = {});
    /// @brief @ref basic_scheduler::print_jobs.
    void print_jobs(std::ostream& out, std::string_view jobstore = {});
    /// @brief @ref basic_scheduler::add_listener.
    listener_id add_listener(event_listener listener, event_mask mask = all_events);
    /// @brief @ref basic_scheduler::remove_listener.
    void remove_listener(listener_id id);
    /// @brief @ref basic_scheduler::add_executor.
    void add_executor(std::string name, std::shared_ptr<job_executor> executor);

    /**
     * @brief Calls `function(scheduler)` on the scheduler's thread and returns what it returned (or throws what
     * it threw): for anything the other members do not cover.
     */
    template <class Function>
    auto invoke(Function&& function) -> std::invoke_result_t<Function&, scheduler&>
    {
        using result = std::invoke_result_t<Function&, scheduler&>;
        if (context_.get_executor().running_in_this_thread())
            return function(scheduler_);
        if constexpr (std::is_void_v<result>)
            scheduler_.async_invoke(std::forward<Function>(function), boost::asio::use_future).get();
        else
        {
            std::optional<std::decay_t<result>> value;
            scheduler_
                .async_invoke(
                    [&function, &value](scheduler& s) { value.emplace(function(s)); },
                    boost::asio::use_future
                )
                .get();
            return std::move(*value);
        }
    }

    /// @brief The scheduler itself; touch it only on its own thread (see @ref invoke).
    scheduler& unsafe_scheduler() noexcept { return scheduler_; }

private:
    boost::asio::io_context context_{1};
    scheduler scheduler_;
    std::optional<std::thread> thread_;
};

}  // namespace asched

#endif
