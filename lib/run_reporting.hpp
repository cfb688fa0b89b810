// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_LIB_RUN_REPORTING_HPP
#define ASCHED_LIB_RUN_REPORTING_HPP

// How a run started away from the scheduler's fast path finds its way back: a pending_run carries the task and
// its context to an executor; a core_reporter carries the outcome back to the scheduler's executor.

#include <asched/errors.hpp>
#include <asched/executors.hpp>
#include <asched/task.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/dispatch.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <typeinfo>
#include <utility>

namespace asched::detail {

/// Set while the calling thread runs a job's code (a function, or a callback's start), so that blocking calls made
/// from a job can tell they must not wait for the jobs to finish.
inline thread_local bool this_thread_runs_a_job = false;

/// Marks the calling thread as running a job for the scope.
class running_a_job
{
public:
    running_a_job() noexcept : previous_(std::exchange(this_thread_runs_a_job, true)) {}
    ~running_a_job() { this_thread_runs_a_job = previous_; }
    running_a_job(const running_a_job&) = delete;
    running_a_job& operator=(const running_a_job&) = delete;

private:
    bool previous_;
};

/// The non-template face of a scheduler core: what a finished run reports to.
class scheduler_core_base
{
public:
    virtual ~scheduler_core_base() = default;
    /// Called on the scheduler's executor once per run handed to an executor.
    virtual void run_finished(
        const std::string& job_id,
        std::uint64_t serial,
        const std::string& jobstore,
        instant scheduled,
        job_outcome outcome
    ) = 0;
};

/// Reports one run's outcome to its scheduler, from any thread, once; later reports are ignored. A core that is
/// gone (scheduler destroyed) drops the report.
class core_reporter final : public run_reporter
{
public:
    core_reporter(
        std::weak_ptr<scheduler_core_base> core,
        boost::asio::any_io_executor scheduler_executor,
        std::string job_id,
        std::uint64_t serial,
        std::string jobstore,
        instant scheduled
    )
        : core_(std::move(core)),
          executor_(std::move(scheduler_executor)),
          job_id_(std::move(job_id)),
          serial_(serial),
          jobstore_(std::move(jobstore)),
          scheduled_(scheduled)
    {
    }

    core_reporter(const core_reporter&) = delete;
    core_reporter& operator=(const core_reporter&) = delete;

    ~core_reporter() override
    {
        if (reported_)
            return;
        try
        {
            const auto code = unreported_error != 0 ? static_cast<errc>(unreported_error) : errc::run_abandoned;
            job_outcome outcome;
            outcome.error = std::make_exception_ptr(scheduler_error(code, make_error_code(code).message()));
            report(std::move(outcome));
        }
        catch (...)
        {
            // Out of memory while reporting: nothing more can be done here
        }
    }

    void report(job_outcome outcome) override
    {
        if (reported_.exchange(true))
            return;
        // Dispatch: inline when already on the scheduler's executor (a coroutine on the inline executor)
        boost::asio::dispatch(
            executor_,
            [core = core_,
             id = job_id_,
             serial = serial_,
             store = jobstore_,
             scheduled = scheduled_,
             outcome = std::move(outcome)]() mutable {
                if (auto alive = core.lock())
                    alive->run_finished(id, serial, store, scheduled, std::move(outcome));
            }
        );
    }

private:
    std::weak_ptr<scheduler_core_base> core_;
    boost::asio::any_io_executor executor_;
    std::string job_id_;
    std::uint64_t serial_;
    std::string jobstore_;
    instant scheduled_;
    std::atomic<bool> reported_{false};
};

/// A run handed to an executor: the task, what its context refers to, and where its outcome goes. Held (never moved)
/// until the run ends, because the context points into it.
class pending_run
{
public:
    pending_run(
        task code,
        std::string job_id,
        instant scheduled,
        std::shared_ptr<const job_arguments> arguments,
        boost::asio::any_io_executor scheduler_executor,
        void* scheduler,
        const std::type_info* scheduler_type,
        std::shared_ptr<run_reporter> reporter,
        std::uint64_t fencing_token = 0
    )
        : code(std::move(code)),
          job_id_(std::move(job_id)),
          arguments_(std::move(arguments)),
          executor_(std::move(scheduler_executor)),
          context(job_id_, scheduled, arguments_.get(), &executor_, scheduler, scheduler_type, fencing_token),
          reporter(std::move(reporter))
    {
    }
    pending_run(const pending_run&) = delete;
    pending_run& operator=(const pending_run&) = delete;

    asched::task code;

private:
    std::string job_id_;
    std::shared_ptr<const job_arguments> arguments_;
    boost::asio::any_io_executor executor_;

public:
    job_context context;
    std::shared_ptr<run_reporter> reporter;
};

}  // namespace asched::detail

#endif
