// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_JOB_COMPLETION_HPP
#define ASCHED_JOB_COMPLETION_HPP

/// @file
/// @brief @ref asched::job_completion, the handler a callback job calls when done, and @ref asched::task_kind.

#include <asched/detail/run_reporter.hpp>

#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>

#include <exception>
#include <memory>

namespace asched {

/// @brief How a @ref asched::task runs.
enum class task_kind
{
    /// A plain function: runs to completion on the thread that calls it.
    function,
    /// An `asio::awaitable` coroutine: spawned on an executor.
    coroutine,
    /// A function that starts work and later calls a @ref job_completion.
    callback,
};

/**
 * @brief The completion handler a callback job receives: call it exactly once, from any thread, when the work is
 * done.
 *
 * Destroying it without calling it reports the run as failed with @ref errc::completion_dropped, so that a lost
 * completion never leaves a job counted as running forever.
 */
class job_completion
{
public:
    /// @brief Built by the library for each run of a callback job.
    explicit job_completion(std::shared_ptr<detail::run_reporter> reporter) noexcept : reporter_(std::move(reporter)) {}
    /// @brief Moves the duty to complete.
    job_completion(job_completion&&) noexcept = default;
    /// @brief Moves the duty to complete; an uncompleted target reports a dropped completion first.
    job_completion& operator=(job_completion&& other) noexcept;
    job_completion(const job_completion&) = delete;
    job_completion& operator=(const job_completion&) = delete;
    /// @brief Releases the run; when this was its last holder and it was never called, the run is reported failed
    /// with @ref errc::completion_dropped.
    ~job_completion();

    /// @brief Completes the run: with `error` set it failed, otherwise it produced `result`.
    void operator()(std::exception_ptr error = nullptr, boost::json::value result = nullptr);

    /// @brief Completes the run Asio-style: a set `ec` is a failure, otherwise it produced `result`.
    void operator()(boost::system::error_code ec, boost::json::value result = nullptr);

private:
    std::shared_ptr<detail::run_reporter> reporter_;
};

}  // namespace asched

#endif
