// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include <asched/events.hpp>

#include <boost/json/serialize.hpp>

#include <exception>
#include <string>

#include "exception_text.hpp"

namespace asched {

std::string_view to_string(event_code code) noexcept
{
    switch (code)
    {
    case event_code::scheduler_started: return "scheduler_started";
    case event_code::scheduler_shutdown: return "scheduler_shutdown";
    case event_code::scheduler_paused: return "scheduler_paused";
    case event_code::scheduler_resumed: return "scheduler_resumed";
    case event_code::executor_added: return "executor_added";
    case event_code::executor_removed: return "executor_removed";
    case event_code::jobstore_added: return "jobstore_added";
    case event_code::jobstore_removed: return "jobstore_removed";
    case event_code::all_jobs_removed: return "all_jobs_removed";
    case event_code::job_added: return "job_added";
    case event_code::job_removed: return "job_removed";
    case event_code::job_modified: return "job_modified";
    case event_code::job_submitted: return "job_submitted";
    case event_code::job_executed: return "job_executed";
    case event_code::job_error: return "job_error";
    case event_code::job_missed: return "job_missed";
    case event_code::job_max_instances: return "job_max_instances";
    case event_code::job_quarantined: return "job_quarantined";
    case event_code::jobstore_error: return "jobstore_error";
    case event_code::job_trigger_failed: return "job_trigger_failed";
    case event_code::jobstore_recovered: return "jobstore_recovered";
    }
    return "unknown_event";
}

std::string event::to_string() const
{
    std::string line(asched::to_string(code));
    if (!job_id.empty())
        line += " job='" + job_id + "'";
    if (!jobstore.empty())
        line += " jobstore='" + jobstore + "'";
    if (!alias.empty())
        line += " alias='" + alias + "'";
    if (scheduled_run_times.size() == 1)
        line += " run_time=" + format_datetime(scheduled_run_times.front(), time_zone::utc());
    else if (!scheduled_run_times.empty())
        line += " run_times=" + std::to_string(scheduled_run_times.size()) + " from " +
                format_datetime(scheduled_run_times.front(), time_zone::utc()) + " to " +
                format_datetime(scheduled_run_times.back(), time_zone::utc());
    if (code == event_code::job_executed && !result.is_null())
        line += " result=" + boost::json::serialize(result);
    if (exception)
        line += " exception='" + detail::exception_text(exception) + "'";
    return line;
}

}  // namespace asched
