// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_JOB_CONTEXT_HPP
#define ASCHED_JOB_CONTEXT_HPP

/// @file
/// @brief @ref asched::job_context, what a running job may know about itself.

#include <asched/time.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <typeinfo>

namespace asched {

/// @brief The positional (`args`) and named (`kwargs`) JSON arguments of a job, shared by its runs.
struct job_arguments
{
    /// Positional arguments.
    boost::json::array args{};
    /// Named arguments.
    boost::json::object kwargs{};
};

/**
 * @brief What a job function may take as its parameter: the job's id, the time this run was scheduled for, its
 * JSON arguments and the scheduler it belongs to.
 *
 * A run's context stays valid for the whole run: during a function's call, across a coroutine's suspension points,
 * and until a callback job's completion is called; also when the job is modified or removed meanwhile. It is a
 * view: copy what must outlive the run.
 *
 * @par Thread safety
 * Distinct objects: safe. Shared objects: safe (all members are const).
 */
class job_context
{
public:
    /// @brief Builds a context that refers to (does not copy) its parts; the scheduler does this for each run and
    /// keeps the parts alive for the run's whole length. Tests may build one to call a job function.
    explicit job_context(
        const std::string& job_id,
        instant scheduled_run_time,
        const job_arguments* arguments = nullptr,
        const boost::asio::any_io_executor* scheduler_executor = nullptr,
        void* scheduler = nullptr,
        const std::type_info* scheduler_type = nullptr,
        std::uint64_t fencing_token = 0
    ) noexcept
        : job_id_(&job_id),
          scheduled_run_time_(scheduled_run_time),
          arguments_(arguments),
          scheduler_executor_(scheduler_executor),
          scheduler_(scheduler),
          scheduler_type_(scheduler_type),
          fencing_token_(fencing_token)
    {
    }

    /// @brief Refused: a context refers to its job id, so a temporary would dangle. Pass a named string.
    job_context(
        std::string&&,
        instant,
        const job_arguments* = nullptr,
        const boost::asio::any_io_executor* = nullptr,
        void* = nullptr,
        const std::type_info* = nullptr,
        std::uint64_t = 0
    ) = delete;

    /// @brief The job's id.
    const std::string& job_id() const noexcept { return *job_id_; }

    /// @brief The time this run was scheduled for (not when it started).
    instant scheduled_run_time() const noexcept { return scheduled_run_time_; }

    /**
     * @brief A key naming this run, the same in every scheduler and every retry: the job's id and the scheduled
     * time in UTC to the microsecond, as `"<id>@2026-11-21T03:00:00.000000Z"`. A downstream system that records the
     * keys it has seen can refuse a second delivery of the same run.
     */
    std::string idempotency_key() const;

    /**
     * @brief For a job of a shared store (@ref shared_job_store): the token of the lease this run was started
     * under; it grows with every lease taken on the job, in any scheduler. A downstream system that remembers the
     * highest token it has seen for a job can refuse work from a scheduler whose lease has since expired (its token
     * is lower). 0 for jobs of other stores, and for @ref basic_scheduler::run_job_now.
     */
    std::uint64_t fencing_token() const noexcept { return fencing_token_; }

    /// @brief The job's positional JSON arguments; empty when it has none.
    const boost::json::array& args() const noexcept;

    /// @brief The job's named JSON arguments; empty when it has none.
    const boost::json::object& kwargs() const noexcept;

    /// @brief The scheduler's executor (empty in a context built without one). Scheduler calls made from a job
    /// running elsewhere must go through it (the `async_` forms do).
    const boost::asio::any_io_executor& scheduler_executor() const noexcept;

    /**
     * @brief The scheduler running the job: `ctx.get_scheduler<asched::scheduler>().pause_job(ctx.job_id())`.
     *
     * Its plain member functions may be called only on the scheduler's executor: from inline and strand jobs of a
     * single-threaded io_context directly, from thread-pool jobs through its `async_` forms.
     * @throws std::bad_cast when `Scheduler` is not the scheduler's type, or the context has no scheduler.
     */
    template <class Scheduler>
    Scheduler& get_scheduler() const
    {
        if (scheduler_ == nullptr || scheduler_type_ == nullptr || *scheduler_type_ != typeid(Scheduler))
            throw std::bad_cast();
        return *static_cast<Scheduler*>(scheduler_);
    }

private:
    const std::string* job_id_;
    instant scheduled_run_time_;
    const job_arguments* arguments_;
    const boost::asio::any_io_executor* scheduler_executor_;
    void* scheduler_;
    const std::type_info* scheduler_type_;
    std::uint64_t fencing_token_;
};

}  // namespace asched

#endif
