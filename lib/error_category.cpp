// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include <asched/errors.hpp>

namespace asched {

namespace {

class asched_category final : public boost::system::error_category
{
public:
    const char* name() const noexcept override { return "asched"; }

    std::string message(int value) const override
    {
        switch (static_cast<errc>(value))
        {
        case errc::job_not_found: return "no job with this id; check the id and the job store";
        case errc::conflicting_job_id: return "a job with this id exists already; pass replace_existing to replace it";
        case errc::executor_not_found: return "no executor of this name; add it first, or use 'default' or 'inline'";
        case errc::jobstore_not_found: return "no job store of this name; add it first, or use 'default'";
        case errc::task_not_found: return "no task registered under this name; register it before adding its jobs";
        case errc::conflicting_name: return "an executor or job store of this name exists already; remove it first";
        case errc::scheduler_not_running: return "the scheduler is not running; start it first";
        case errc::already_running: return "the scheduler is already running";
        case errc::shut_down: return "the scheduler was shut down; create a new one";
        case errc::run_abandoned: return "the job's executor shut down without running it";
        case errc::completion_dropped: return "the job's completion handler was destroyed without being called";
        case errc::lease_lost:
            return "this scheduler no longer holds the job: its lease expired, or the job was changed or removed";
        default: return "<unknown asched error>";
        }
    }
};

}  // namespace

const boost::system::error_category& get_error_category() noexcept
{
    static const asched_category category;
    return category;
}

}  // namespace asched
