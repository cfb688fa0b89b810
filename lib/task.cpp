// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include <asched/errors.hpp>
#include <asched/job_context.hpp>
#include <asched/task.hpp>

#include <chrono>
#include <cstdio>
#include <date/date.h>
#include <stdexcept>

namespace asched {

const boost::json::array& job_context::args() const noexcept
{
    static const boost::json::array empty;
    return arguments_ ? arguments_->args : empty;
}

const boost::json::object& job_context::kwargs() const noexcept
{
    static const boost::json::object empty;
    return arguments_ ? arguments_->kwargs : empty;
}

const boost::asio::any_io_executor& job_context::scheduler_executor() const noexcept
{
    static const boost::asio::any_io_executor none;
    return scheduler_executor_ ? *scheduler_executor_ : none;
}

std::string job_context::idempotency_key() const
{
    // Fixed width, always UTC and microseconds: the key must not depend on any zone or on how the time is shown
    const auto micros = date::floor<std::chrono::microseconds>(scheduled_run_time_);
    const auto day = date::floor<date::days>(micros);
    const date::year_month_day ymd(day);
    const date::hh_mm_ss<std::chrono::microseconds> tod(micros - day);
    char text[48];
    std::snprintf(
        text,
        sizeof text,
        "@%04d-%02u-%02uT%02d:%02d:%02d.%06dZ",
        static_cast<int>(ymd.year()),
        static_cast<unsigned>(ymd.month()),
        static_cast<unsigned>(ymd.day()),
        static_cast<int>(tod.hours().count()),
        static_cast<int>(tod.minutes().count()),
        static_cast<int>(tod.seconds().count()),
        static_cast<int>(tod.subseconds().count())
    );
    return *job_id_ + text;
}

namespace {

// A registered task: the same function object, under a name
class named_task final : public detail::task_base
{
public:
    named_task(std::string name, std::shared_ptr<const detail::task_base> inner)
        : task_base(inner->kind()), name_(std::move(name)), inner_(std::move(inner))
    {
    }

    std::string_view name() const noexcept override { return name_; }
    void run(const job_context& context, detail::job_outcome& outcome) const override { inner_->run(context, outcome); }
    boost::asio::awaitable<detail::job_outcome> run_coroutine(job_context context) const override
    {
        return inner_->run_coroutine(std::move(context));
    }
    void run_callback(const job_context& context, job_completion completion) const override
    {
        inner_->run_callback(context, std::move(completion));
    }

private:
    std::string name_;
    std::shared_ptr<const detail::task_base> inner_;
};

}  // namespace

task task::with_name(std::string name) const
{
    if (name.empty())
        throw std::invalid_argument("task name: must not be empty");
    return task(std::make_shared<const named_task>(std::move(name), impl_));
}

namespace detail {

void task_base::run(const job_context&, job_outcome& outcome) const
{
    outcome.error = std::make_exception_ptr(std::logic_error("asched: this task is not a plain function"));
}

boost::asio::awaitable<job_outcome> task_base::run_coroutine(job_context) const
{
    throw std::logic_error("asched: this task is not a coroutine");
    co_return job_outcome{};
}

void task_base::run_callback(const job_context&, job_completion) const
{
    throw std::logic_error("asched: this task is not a callback");
}

}  // namespace detail

// Releasing the reporter held before is enough: its last holder reports a dropped completion
job_completion& job_completion::operator=(job_completion&& other) noexcept = default;

// A dropped completion is reported by the reporter itself when its last holder lets go (see core_reporter), so
// that an exception thrown by the callback, reported while job_run::start() still holds it, wins the race
job_completion::~job_completion() = default;

void job_completion::operator()(std::exception_ptr error, boost::json::value result)
{
    if (!reporter_)
        return;
    detail::job_outcome outcome;
    outcome.error = std::move(error);
    outcome.result = std::move(result);
    std::exchange(reporter_, nullptr)->report(std::move(outcome));
}

void job_completion::operator()(boost::system::error_code ec, boost::json::value result)
{
    (*this)(ec ? std::make_exception_ptr(boost::system::system_error(ec)) : nullptr, std::move(result));
}

}  // namespace asched
