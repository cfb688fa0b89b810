// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_DETAIL_RUN_REPORTER_HPP
#define ASCHED_DETAIL_RUN_REPORTER_HPP

#include <boost/json/value.hpp>

#include <any>
#include <exception>
#include <memory>

namespace asched {

namespace detail {

/// What one run produced: an error, or a result (as JSON and as itself).
struct job_outcome
{
    std::exception_ptr error{};
    boost::json::value result{};
    std::any value{};
};

/// Where a run's outcome goes; report() is called at most once, from any thread. A reporter destroyed without a
/// report reports the run failed with `unreported`: nothing is ever lost silently.
class run_reporter
{
public:
    virtual ~run_reporter() = default;
    virtual void report(job_outcome outcome) = 0;
    /// What an unreported run failed with: run_abandoned (never started), completion_dropped (a callback's).
    int unreported_error = 0;
    /// Keeps the task's function object alive until the run is reported: work started by a callback may refer to it.
    std::shared_ptr<const void> keep_alive;
};

}  // namespace detail

}  // namespace asched

#endif
