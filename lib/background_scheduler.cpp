// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include <asched/background_scheduler.hpp>

#include <boost/asio/executor_work_guard.hpp>

#include "run_reporting.hpp"

namespace asched {

namespace {
// Keeps the io_context running while it has nothing to do, so that calls from other threads are served
using work_guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
}  // namespace

background_scheduler::background_scheduler(scheduler_options options) : scheduler_(context_, std::move(options))
{
    thread_.emplace([this] {
        const work_guard work(context_.get_executor());
        context_.run();
    });
}

background_scheduler::~background_scheduler()
{
    try
    {
        shutdown(false);
    }
    catch (...)
    {
        // Destructors do not throw; the thread is joined below regardless
    }
    if (thread_ && thread_->joinable())
    {
        context_.stop();
        thread_->join();
    }
}

void background_scheduler::start(bool paused)
{
    invoke([paused](scheduler& s) { s.start(paused); });
}

void background_scheduler::shutdown(bool wait)
{
    if (!thread_ || !thread_->joinable())
        return;
    if (context_.get_executor().running_in_this_thread() || detail::this_thread_runs_a_job)
    {
        // From a job or listener: waiting would wait for the caller itself, and a thread cannot join itself
        scheduler_.async_shutdown(wait, [](error_code) {});
        return;
    }
    scheduler_.async_shutdown(wait, boost::asio::use_future).get();
    context_.stop();
    thread_->join();
}

void background_scheduler::pause()
{
    invoke([](scheduler& s) { s.pause(); });
}

void background_scheduler::resume()
{
    invoke([](scheduler& s) { s.resume(); });
}

scheduler_state background_scheduler::state()
{
    if (!thread_ || !thread_->joinable())
        return scheduler_state::stopped;
    return invoke([](scheduler& s) { return s.state(); });
}

job background_scheduler::add_job(task code, trigger when, job_options options)
{
    return invoke([&](scheduler& s) { return s.add_job(code, when, options); });
}

job background_scheduler::add_job(std::string_view task_name, trigger when, job_options options)
{
    return invoke([&](scheduler& s) { return s.add_job(task_name, when, options); });
}

void background_scheduler::register_task(std::string name, task code)
{
    invoke([&](scheduler& s) { s.register_task(name, code); });
}

std::optional<job> background_scheduler::get_job(std::string_view id, std::string_view jobstore)
{
    return invoke([&](scheduler& s) { return s.get_job(id, jobstore); });
}

std::vector<job> background_scheduler::get_jobs(std::string_view jobstore)
{
    return invoke([&](scheduler& s) { return s.get_jobs(jobstore); });
}

job background_scheduler::modify_job(std::string_view id, job_changes changes, std::string_view jobstore)
{
    return invoke([&](scheduler& s) { return s.modify_job(id, changes, jobstore); });
}

job background_scheduler::reschedule_job(std::string_view id, trigger when, std::string_view jobstore)
{
    return invoke([&](scheduler& s) { return s.reschedule_job(id, when, jobstore); });
}

job background_scheduler::pause_job(std::string_view id, std::string_view jobstore)
{
    return invoke([&](scheduler& s) { return s.pause_job(id, jobstore); });
}

std::optional<job> background_scheduler::resume_job(std::string_view id, std::string_view jobstore)
{
    return invoke([&](scheduler& s) { return s.resume_job(id, jobstore); });
}

void background_scheduler::remove_job(std::string_view id, std::string_view jobstore)
{
    invoke([&](scheduler& s) { s.remove_job(id, jobstore); });
}

void background_scheduler::remove_all_jobs(std::string_view jobstore)
{
    invoke([&](scheduler& s) { s.remove_all_jobs(jobstore); });
}

void background_scheduler::run_job_now(std::string_view id, std::string_view jobstore)
{
    invoke([&](scheduler& s) { s.run_job_now(id, jobstore); });
}

void background_scheduler::print_jobs(std::ostream& out, std::string_view jobstore)
{
    invoke([&](scheduler& s) { s.print_jobs(out, jobstore); });
}

listener_id background_scheduler::add_listener(event_listener listener, event_mask mask)
{
    return invoke([&](scheduler& s) { return s.add_listener(listener, mask); });
}

void background_scheduler::remove_listener(listener_id id)
{
    invoke([&](scheduler& s) { s.remove_listener(id); });
}

void background_scheduler::add_executor(std::string name, std::shared_ptr<job_executor> executor)
{
    invoke([&](scheduler& s) { s.add_executor(name, executor); });
}

}  // namespace asched
