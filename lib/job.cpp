// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include <asched/job.hpp>

namespace asched {

std::string job::describe() const
{
    std::string line = name + " (trigger: " + trigger.describe() + ", ";
    if (next_run_time)
        line += "next run at: " + format_datetime(*next_run_time, trigger.zone());
    else
        line += pending ? "pending" : "paused";
    line += ")";
    return line;
}

}  // namespace asched
