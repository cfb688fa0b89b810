// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include <asched/errors.hpp>
#include <asched/executors.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include <mutex>
#include <optional>
#include <stdexcept>

#include "run_reporting.hpp"

namespace asched {

job_run::job_run(std::unique_ptr<detail::pending_run> state) noexcept : state_(std::move(state)) {}
job_run::job_run(job_run&&) noexcept = default;
job_run& job_run::operator=(job_run&&) noexcept = default;
// An unstarted run's reporter reports it abandoned when the state goes
job_run::~job_run() = default;

const job_context& job_run::context() const noexcept { return state_->context; }

task_kind job_run::kind() const noexcept { return state_->code.kind(); }

void job_run::start(const boost::asio::any_io_executor& where) &&
{
    auto state = std::move(state_);
    const auto& code = state->code.impl();
    switch (code.kind())
    {
    case task_kind::function:
    {
        detail::job_outcome outcome;
        {
            const detail::running_a_job marker;
            code.run(state->context, outcome);
        }
        state->reporter->report(std::move(outcome));
        return;
    }
    case task_kind::coroutine:
    {
        auto coroutine = code.run_coroutine(state->context);
        // The coroutine refers to its context and its function object (a lambda's captures): the run's state stays
        // with the completion handler until the coroutine ends
        boost::asio::co_spawn(
            where,
            std::move(coroutine),
            [state = std::move(state)](std::exception_ptr error, detail::job_outcome outcome) {
                if (error)
                    outcome.error = error;
                state->reporter->report(std::move(outcome));
            }
        );
        return;
    }
    case task_kind::callback:
    {
        // The reporter outlives the callback's start: a thrown exception is reported as itself, and a completion
        // dropped later is reported when its last holder lets go
        auto reporter = std::move(state->reporter);
        reporter->unreported_error = static_cast<int>(errc::completion_dropped);
        const auto& context = state->context;
        // The work may refer to the context and the function object until it completes (no cycle: the state no
        // longer holds the reporter)
        reporter->keep_alive = std::shared_ptr<const detail::pending_run>(std::move(state));
        try
        {
            const detail::running_a_job marker;
            code.run_callback(context, job_completion(reporter));
        }
        catch (...)
        {
            detail::job_outcome outcome;
            outcome.error = std::current_exception();
            reporter->report(std::move(outcome));
        }
        return;
    }
    }
}

namespace {

class inline_executor final : public job_executor
{
public:
    void submit(job_run run) override
    {
        const auto where = run.context().scheduler_executor();
        std::move(run).start(where);
    }
    bool runs_inline() const noexcept override { return true; }
    std::string describe() const override { return "inline"; }
};

class strand_executor final : public job_executor
{
public:
    explicit strand_executor(const boost::asio::any_io_executor& executor) : strand_(boost::asio::make_strand(executor))
    {
    }

    void submit(job_run run) override
    {
        boost::asio::post(strand_, [strand = strand_, run = std::move(run)]() mutable {
            std::move(run).start(strand);
        });
    }
    std::string describe() const override { return "strand"; }

private:
    boost::asio::strand<boost::asio::any_io_executor> strand_;
};

class thread_pool_executor final : public job_executor
{
public:
    explicit thread_pool_executor(std::size_t threads) : threads_(threads)
    {
        if (threads == 0)
            throw std::invalid_argument("thread_pool_executor threads: 0 is not allowed; give at least 1");
    }

    ~thread_pool_executor() override
    {
        if (pool_)
        {
            pool_->stop();
            pool_->join();
        }
    }

    void submit(job_run run) override
    {
        if (!pool_)
            pool_.emplace(threads_);  // the threads start with the first run
        boost::asio::post(*pool_, [ex = pool_->get_executor(), run = std::move(run)]() mutable {
            std::move(run).start(ex);
        });
    }

    void shutdown(bool wait) override
    {
        if (!pool_)
            return;
        if (wait)
        {
            pool_->join();  // every queued and running run finishes first
            pool_.reset();
        }
        else
            pool_->stop();  // queued runs are destroyed unstarted (reported abandoned); running ones finish
    }

    std::string describe() const override { return "thread_pool(" + std::to_string(threads_) + ")"; }

private:
    std::size_t threads_;
    std::optional<boost::asio::thread_pool> pool_;
};

}  // namespace

std::shared_ptr<job_executor> make_inline_executor() { return std::make_shared<inline_executor>(); }

std::shared_ptr<job_executor> make_strand_executor(const boost::asio::any_io_executor& executor)
{
    return std::make_shared<strand_executor>(executor);
}

std::shared_ptr<job_executor> make_thread_pool_executor(std::size_t threads)
{
    return std::make_shared<thread_pool_executor>(threads);
}

}  // namespace asched
