// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_TASK_HPP
#define ASCHED_TASK_HPP

/// @file
/// @brief @ref asched::task, the code a job runs, and @ref asched::job_completion for callback jobs.

#include <asched/job_context.hpp>

#include <asched/detail/task_model.hpp>

#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

namespace asched {

/**
 * @brief The code a job runs: any function object of one of these forms (`R` may be `void`).
 *
 * | form | runs | result |
 * | --- | --- | --- |
 * | `R()`, `R(const job_context&)` | on the job's executor's thread, to completion | the returned value |
 * | `asio::awaitable<R>()`, `asio::awaitable<R>(job_context)` | as a coroutine spawned on the job's executor | the
 * `co_return`ed value |
 * | `void(job_completion)`, `void(const job_context&, job_completion)` | starts the work and returns; the work
 * calls the completion once, from any thread | what the completion is given |
 *
 * A returned value reaches listeners as @ref event::result (JSON, when `boost::json::value_from` can convert it)
 * and as @ref event::return_value. A thrown exception, or a returned `boost::system::error_code` that is set,
 * makes the run a `job_error` event. A task is a cheap handle: copies share one function object, so a function
 * object with state sees all runs of all jobs made from it.
 *
 * @par Thread safety
 * Distinct objects: safe. Shared objects: safe to copy; concurrent runs call the one function object
 * concurrently (thread-pool jobs with `max_instances > 1`).
 */
class task
{
public:
    /// @brief Wraps a function object of one of the forms above; one without captures costs no allocation.
    template <class F>
    requires detail::job_function<std::decay_t<F>> task(F&& function
    )  // NOLINT(google-explicit-constructor): a lambda is a task, as a function is a std::function
        : impl_(detail::make_task_model(std::forward<F>(function)))
    {
    }

    /// @brief Wraps an implementation; for the library and for tests.
    explicit task(std::shared_ptr<const detail::task_base> impl) noexcept : impl_(std::move(impl)) {}

    /// @brief How the task runs: a plain function, a coroutine, or a callback with a completion.
    task_kind kind() const noexcept { return impl_->kind(); }

    /// @brief The name the task was registered under (@ref with_name); empty for an anonymous task.
    std::string_view name() const noexcept { return impl_->name(); }

    /// @brief The same function object under a name, as a scheduler's task registry holds it.
    task with_name(std::string name) const;

    /// @brief The implementation, for executors and the scheduler.
    const detail::task_base& impl() const noexcept { return *impl_; }

    /// @brief Two tasks are equal when they share one function object.
    friend bool operator==(const task& a, const task& b) noexcept { return a.impl_ == b.impl_; }

private:
    std::shared_ptr<const detail::task_base> impl_;
};

}  // namespace asched

#endif
