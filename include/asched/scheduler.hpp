// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_SCHEDULER_HPP
#define ASCHED_SCHEDULER_HPP

/// @file
/// @brief @ref asched::scheduler, which runs jobs on an Asio executor.

#include <asched/clocks.hpp>
#include <asched/errors.hpp>
#include <asched/events.hpp>
#include <asched/executors.hpp>
#include <asched/job.hpp>
#include <asched/job_store.hpp>
#include <asched/scheduler_options.hpp>
#include <asched/task.hpp>
#include <asched/trigger.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <exception>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace asched {

namespace detail {
template <class Clocks>
class scheduler_core;

/// The completion signature of async_invoke for a function returning `R`.
template <class R>
struct invoke_signature
{
    using type = void(std::exception_ptr, std::decay_t<R>);
};

template <>
struct invoke_signature<void>
{
    using type = void(std::exception_ptr);
};
}  // namespace detail

/// @brief A scheduler's state, as APScheduler's `state`.
enum class scheduler_state
{
    /// Not started yet, or shut down. Jobs may be added; they wait for the start.
    stopped,
    /// Running jobs on time.
    running,
    /// Started, but running nothing until resumed; due runs are then handled by their misfire rules.
    paused,
};

/// @brief The state's lower-case name.
std::string_view to_string(scheduler_state state) noexcept;

/**
 * @brief Runs jobs on time on one Asio executor: each job is a @ref task with a @ref trigger and options, armed
 * on a timer of its own.
 *
 * Everything the scheduler does happens on its executor: timers, misfire handling, events. Job code runs where its
 * executor strategy says (@ref make_inline_executor, @ref make_strand_executor, @ref make_thread_pool_executor) and
 * its outcome comes back to the scheduler's executor. Use @ref scheduler; `Clocks` lets tests substitute clocks
 * that move only when told.
 *
 * ```cpp
 * asio::io_context ctx;
 * asched::scheduler sched(ctx);
 * sched.add_job([] { std::cout << "tick\n"; }, asched::interval_trigger{3s});
 * sched.start();
 * ctx.run();
 * ```
 *
 * @par Thread safety
 * Distinct objects: safe. Shared objects: unsafe, like every Asio I/O object: call member functions on the
 * scheduler's executor only (inline jobs, listeners and handlers bound to it are there). From other threads, use
 * the `async_` forms, which hop to the scheduler's executor.
 *
 * @par Object lifetimes
 * Destroy the scheduler before its io_context. Destroying it shuts it down without waiting.
 */
template <class Clocks>
class basic_scheduler
{
public:
    /// @brief The executor all scheduler state lives on.
    using executor_type = boost::asio::any_io_executor;
    /// @brief The clocks read for fire times and timers.
    using clocks_type = Clocks;

    /// @brief A scheduler on `context`'s executor.
    explicit basic_scheduler(boost::asio::io_context& context, scheduler_options options = {});
    /// @brief A scheduler on `executor` (a strand when the io_context runs on several threads).
    explicit basic_scheduler(executor_type executor, scheduler_options options = {});
    /// @brief Shuts the scheduler down without waiting for running jobs.
    ~basic_scheduler();
    basic_scheduler(const basic_scheduler&) = delete;
    basic_scheduler& operator=(const basic_scheduler&) = delete;

    /// @brief The scheduler's executor.
    executor_type get_executor() const noexcept;

    /// @brief The zone of triggers that name none, and of times in tables.
    const time_zone& zone() const noexcept;

    // ---------------------------------------------------------------------------------------------------- lifecycle

    /**
     * @brief Starts: computes the first run times of jobs added before, arms their timers and emits
     * `scheduler_started`. With `paused`, nothing runs until @ref resume.
     * @throws scheduler_error (@ref errc::already_running) when started already; (@ref errc::shut_down) after a
     * shutdown.
     */
    void start(bool paused = false);

    /**
     * @brief Stops: disarms every timer, shuts the executors down and emits `scheduler_shutdown`. Jobs stay in
     * their stores.
     *
     * With `wait`, blocks until the runs on thread-pool executors have finished; coroutine and callback runs on
     * this scheduler's own executor cannot be waited for by a blocking call (use @ref async_shutdown) and their
     * outcomes are dropped. Does nothing when the scheduler is not running.
     */
    void shutdown(bool wait = true);

    /// @brief Runs nothing until @ref resume; emits `scheduler_paused`.
    /// @throws scheduler_error (@ref errc::scheduler_not_running) when not started.
    void pause();

    /// @brief Resumes a paused scheduler; runs that came due meanwhile follow their misfire rules.
    /// @throws scheduler_error (@ref errc::scheduler_not_running) when not started.
    void resume();

    /// @brief The state.
    scheduler_state state() const noexcept;

    /**
     * @brief Starts the scheduler (unless started) and completes when it has shut down: the heart of a coroutine
     * program, `co_await sched.async_run();`.
     *
     * The io_context does not run out of work while the operation is outstanding.
     * @par Completion signature
     * `void(asched::error_code)`: success after a shutdown; @ref errc::already_running when another `async_run` is
     * outstanding.
     * @par Executor
     * The token's associated executor, else `get_executor()`. Never invoked from inside this call.
     * @par Per-operation cancellation
     * `terminal`: shuts the scheduler down, waiting for running jobs, then completes with success.
     */
    template <boost::asio::completion_token_for<void(error_code)> CompletionToken = boost::asio::deferred_t>
    auto async_run(CompletionToken&& token = {})
    {
        return boost::asio::async_initiate<CompletionToken, void(error_code)>(initiate_run{this}, token);
    }

    /**
     * @brief Shuts down and completes when every running job, wherever it runs, has finished (with `wait`) or at
     * once (without); then outstanding @ref async_run operations complete. Safe to call from any thread.
     *
     * A job that shuts its own scheduler down must not wait for the completion with `wait`: the shutdown waits for
     * that job too. Start it and return (`async_shutdown(true, asio::detached)`), or pass `wait = false`.
     * @par Completion signature
     * `void(asched::error_code)`, always success.
     * @par Executor
     * The token's associated executor, else `get_executor()`. Never invoked from inside this call.
     */
    template <boost::asio::completion_token_for<void(error_code)> CompletionToken = boost::asio::deferred_t>
    auto async_shutdown(bool wait = true, CompletionToken&& token = {})
    {
        return boost::asio::async_initiate<CompletionToken, void(error_code)>(initiate_shutdown{this, wait}, token);
    }

    // ---------------------------------------------------------------------------------------------------- executors

    /**
     * @brief Adds an executor under `name`; emits `executor_added`.
     * @throws scheduler_error (@ref errc::conflicting_name) when the name is taken.
     * @throws std::invalid_argument when `executor` is null.
     */
    void add_executor(std::string name, std::shared_ptr<job_executor> executor);

    /**
     * @brief Removes an executor, shutting it down (waiting for its runs); emits `executor_removed`. Jobs that name
     * it report `job_error` when they fire until it is added again.
     * @throws scheduler_error (@ref errc::executor_not_found).
     */
    void remove_executor(std::string_view name);

    // --------------------------------------------------------------------------------------------------- job stores

    /**
     * @brief Adds a job store under `name` (see @ref asched::job_store); emits `jobstore_added`. Jobs added to it must
     * name registered tasks. On a started scheduler its jobs are loaded at once, else at start.
     * @throws scheduler_error (@ref errc::conflicting_name) when the name is taken.
     * @throws std::invalid_argument when `store` is null.
     */
    void add_jobstore(std::string name, std::shared_ptr<job_store> store);

    /**
     * @brief Removes a job store: its jobs leave the scheduler (they stay in the store), and the store is closed
     * after its pending writes; emits `jobstore_removed`.
     * @throws scheduler_error (@ref errc::jobstore_not_found); std::invalid_argument for `default`.
     */
    void remove_jobstore(std::string_view name);

    // -------------------------------------------------------------------------------------------------------- tasks

    /**
     * @brief Registers a task under a name, so that jobs can name it (@ref add_job(std::string_view, trigger,
     * job_options)) and be described as data. Registering a name again replaces the task for jobs added later.
     * @throws std::invalid_argument when `name` is empty.
     */
    void register_task(std::string name, task code);

    /// @brief The task registered under `name`, if any.
    std::optional<task> find_task(std::string_view name) const;

    // --------------------------------------------------------------------------------------------------------- jobs

    /**
     * @brief Adds a job running `code` when `when` fires; emits `job_added`.
     *
     * `when`'s unspecified zone becomes the scheduler's (@ref trigger::with_default_zone). A first run time already
     * past is a misfire like any other: it runs at once within the grace time, else it is reported missed. Before
     * @ref start the job is pending: its first run time is computed at start.
     * @throws scheduler_error (@ref errc::conflicting_job_id) when the id is taken and `replace_existing` is false;
     * (@ref errc::executor_not_found, @ref errc::jobstore_not_found) for unknown names.
     * @throws std::invalid_argument for `max_instances` of 0 or a negative misfire grace time.
     */
    job add_job(task code, trigger when, job_options options = {});

    /// @brief Adds a job running any function object an @ref asched::task accepts.
    template <class F>
    requires detail::job_function<std::decay_t<F>> job add_job(F&& function, trigger when, job_options options = {})
    {
        return add_job_impl(task(std::forward<F>(function)), std::move(when), std::move(options));
    }

    /**
     * @brief Adds a job running the task registered as `task_name`: a job described entirely by data.
     * @throws scheduler_error (@ref errc::task_not_found) when no task has that name; and as the other overload.
     */
    job add_job(std::string_view task_name, trigger when, job_options options = {});

    /// @brief The job with `id` (in `jobstore`, or in any store when empty), if there is one.
    std::optional<job> get_job(std::string_view id, std::string_view jobstore = {}) const;

    /// @brief Every job (of `jobstore`, or of all stores when empty), by next run time, paused jobs last.
    std::vector<job> get_jobs(std::string_view jobstore = {}) const;

    /// @brief The number of jobs in all stores.
    std::size_t job_count() const noexcept;

    /**
     * @brief Writes a table of jobs, one per line: id, name, trigger, next run time in the trigger's zone (or the
     * scheduler's), state.
     */
    void print_jobs(std::ostream& out, std::string_view jobstore = {}) const;

    /**
     * @brief Changes any field of a job; emits `job_modified`. A new trigger recomputes the next run time from now
     * (unless `next_run_time` is also given).
     * @throws scheduler_error (@ref errc::job_not_found, @ref errc::executor_not_found).
     * @throws std::invalid_argument for invalid values, as @ref add_job.
     */
    job modify_job(std::string_view id, job_changes changes, std::string_view jobstore = {});

    /// @brief Gives a job a new trigger; its next run time is the trigger's first from now.
    /// @throws scheduler_error (@ref errc::job_not_found).
    job reschedule_job(std::string_view id, trigger when, std::string_view jobstore = {});

    /// @brief Pauses a job: no next run time until resumed. @throws scheduler_error (@ref errc::job_not_found).
    job pause_job(std::string_view id, std::string_view jobstore = {});

    /**
     * @brief Resumes a job: its next run time is the trigger's first from now; a job whose trigger has finished is
     * removed. @throws scheduler_error (@ref errc::job_not_found).
     */
    std::optional<job> resume_job(std::string_view id, std::string_view jobstore = {});

    /// @brief Removes a job; runs in progress finish. Emits `job_removed`.
    /// @throws scheduler_error (@ref errc::job_not_found).
    void remove_job(std::string_view id, std::string_view jobstore = {});

    /// @brief Removes every job (of `jobstore`, or of all stores); emits `all_jobs_removed`.
    void remove_all_jobs(std::string_view jobstore = {});

    /**
     * @brief Runs a job once more, now, without changing its schedule; `max_instances` applies (a refused run is
     * a `job_max_instances` event).
     * @throws scheduler_error (@ref errc::job_not_found); (@ref errc::scheduler_not_running) when not started.
     */
    void run_job_now(std::string_view id, std::string_view jobstore = {});

    // ------------------------------------------------------------------------------------------------------- events

    /**
     * @brief Calls `listener` on the scheduler's executor for each event in `mask`. A listener that throws is
     * logged and the others still run.
     */
    listener_id add_listener(event_listener listener, event_mask mask = all_events);

    /// @brief Calls `listener` for the events of one code only.
    listener_id add_listener(event_listener listener, event_code only)
    {
        return add_listener(std::move(listener), static_cast<event_mask>(only));
    }

    /// @brief Removes a listener; unknown ids are ignored.
    void remove_listener(listener_id id);

    // ---------------------------------------------------------------------------------------------------- threads

    /**
     * @brief Calls `function(*this)` on the scheduler's executor, from any thread, and completes with what it
     * returned or threw: the thread-safe form of every operation.
     *
     * ```cpp
     * auto f = sched.async_invoke([](asched::scheduler& s) { return s.job_count(); }, asio::use_future);
     * ```
     * @par Completion signature
     * `void(std::exception_ptr)` when `function` returns `void`, else `void(std::exception_ptr, R)` (`R` must then
     * be default-constructible).
     * @par Executor
     * The token's associated executor, else `get_executor()`. Never invoked from inside this call.
     */
    template <class Function, class CompletionToken = boost::asio::deferred_t>
    requires std::invocable<Function&, basic_scheduler&>
    auto async_invoke(Function&& function, CompletionToken&& token = {})
    {
        using signature = typename detail::invoke_signature<std::invoke_result_t<Function&, basic_scheduler&>>::type;
        return boost::asio::async_initiate<CompletionToken, signature>(
            initiate_invoke{this},
            token,
            std::forward<Function>(function)
        );
    }

    /**
     * @brief @ref add_job from any thread; completes once the job's store holds it: for a SQLite store, when the
     * transaction that wrote it is durable (adds issued together share one transaction).
     * @par Completion signature
     * `void(std::exception_ptr, std::string)`: the new job's id. A failed write gives a
     * `boost::system::system_error` (the job then stays in the running scheduler, as with a failed write-through).
     */
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_add_job(task code, trigger when, job_options options = {}, CompletionToken&& token = {})
    {
        return boost::asio::async_initiate<CompletionToken, void(std::exception_ptr, std::string)>(
            [this](auto handler, task c, trigger w, job_options o) {
                async_add_job_impl(std::move(c), std::move(w), std::move(o), std::move(handler));
            },
            token,
            std::move(code),
            std::move(when),
            std::move(options)
        );
    }

    /**
     * @brief @ref remove_job from any thread.
     * @par Completion signature
     * `void(std::exception_ptr)`.
     */
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_remove_job(std::string id, CompletionToken&& token = {})
    {
        return async_invoke(
            [id = std::move(id)](basic_scheduler& self) { self.remove_job(id); },
            std::forward<CompletionToken>(token)
        );
    }

    /// @brief The core, for tests.
    detail::scheduler_core<Clocks>& core() noexcept { return *core_; }

private:
    struct initiate_run
    {
        basic_scheduler* self;
        using executor_type = boost::asio::any_io_executor;
        executor_type get_executor() const noexcept { return self->get_executor(); }
        template <class Handler>
        void operator()(Handler&& handler)
        {
            self->async_run_impl(std::forward<Handler>(handler));
        }
    };

    struct initiate_shutdown
    {
        basic_scheduler* self;
        bool wait;
        using executor_type = boost::asio::any_io_executor;
        executor_type get_executor() const noexcept { return self->get_executor(); }
        template <class Handler>
        void operator()(Handler&& handler)
        {
            self->async_shutdown_impl(wait, std::forward<Handler>(handler));
        }
    };

    struct initiate_invoke
    {
        basic_scheduler* self;
        using executor_type = boost::asio::any_io_executor;
        executor_type get_executor() const noexcept { return self->get_executor(); }

        template <class Handler, class Function>
        void operator()(Handler&& handler, Function&& function)
        {
            // Post, never dispatch: the handler must not run inside the initiating call
            boost::asio::post(
                self->get_executor(),
                [self = self, h = std::forward<Handler>(handler), f = std::forward<Function>(function)]() mutable {
                    using result = std::invoke_result_t<std::decay_t<Function>&, basic_scheduler&>;
                    const auto handler_executor = boost::asio::get_associated_executor(h, self->get_executor());
                    std::exception_ptr error;
                    if constexpr (std::is_void_v<result>)
                    {
                        try
                        {
                            f(*self);
                        }
                        catch (...)
                        {
                            error = std::current_exception();
                        }
                        boost::asio::dispatch(handler_executor, [h = std::move(h), error]() mutable {
                            std::move(h)(error);
                        });
                    }
                    else
                    {
                        std::decay_t<result> value{};
                        try
                        {
                            value = f(*self);
                        }
                        catch (...)
                        {
                            error = std::current_exception();
                        }
                        boost::asio::dispatch(
                            handler_executor,
                            [h = std::move(h), error, value = std::move(value)]() mutable {
                                std::move(h)(error, std::move(value));
                            }
                        );
                    }
                }
            );
        }
    };

    // The add_job overloads' common body: the parameters are moved on, never copied
    job add_job_impl(task&& code, trigger&& when, job_options&& options);
    void async_run_impl(boost::asio::any_completion_handler<void(error_code)> handler);
    void async_shutdown_impl(bool wait, boost::asio::any_completion_handler<void(error_code)> handler);
    void async_add_job_impl(
        task code,
        trigger when,
        job_options options,
        boost::asio::any_completion_handler<void(std::exception_ptr, std::string)> handler
    );

    std::shared_ptr<detail::scheduler_core<Clocks>> core_;
};

/// @brief The scheduler: @ref basic_scheduler on the system clocks.
using scheduler = basic_scheduler<system_clocks>;

extern template class basic_scheduler<system_clocks>;

}  // namespace asched

#endif
