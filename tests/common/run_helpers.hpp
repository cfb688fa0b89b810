// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_TESTS_COMMON_RUN_HELPERS_HPP
#define ASCHED_TESTS_COMMON_RUN_HELPERS_HPP

// Helpers for tests that record job runs on the mock clocks: times as text relative to mock_epoch, and a job
// function that records each run's scheduled time.

#include <asched/job_context.hpp>
#include <asched/time.hpp>

#include <chrono>
#include <initializer_list>
#include <string>
#include <vector>

#include "common/mock_scheduler.hpp"
#include "common/trigger_helpers.hpp"

namespace asched::test {

using strings = std::vector<std::string>;

/// Where the mock clocks start.
inline const instant T0 = mock_epoch;

/// T0 + s seconds as UTC text.
inline std::string at_s(long s) { return str(T0 + std::chrono::seconds{s}); }

/// T0 + each of `seconds`, as UTC text.
inline strings seconds_list(std::initializer_list<long> seconds)
{
    strings out;
    for (const long s : seconds)
        out.push_back(at_s(s));
    return out;
}

/// Instants as UTC text.
inline strings texts(const std::vector<instant>& times)
{
    strings out;
    for (const instant t : times)
        out.push_back(str(t));
    return out;
}

/// A job function recording the scheduled run time of each run.
inline auto recorder(std::vector<instant>& runs)
{
    return [&runs](const job_context& c) { runs.push_back(c.scheduled_run_time()); };
}

}  // namespace asched::test

#endif
