// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include "run_plan.hpp"

namespace asched::detail {

run_plan plan_runs(
    const trigger& trigger,
    instant next_run_time,
    instant now,
    const run_policy& policy,
    std::size_t running
)
{
    run_plan plan;
    run_times due;
    std::optional<instant> t = next_run_time;
    while (t && *t <= now)
    {
        if (due.size() == max_due_times)
        {
            // Continue from now: the fire times in between are neither run nor reported one by one
            t = trigger.next_fire_time(std::nullopt, now);
            while (t && *t <= now)  // now itself may be a fire time, and belongs to this pass
                t = trigger.next_fire_time(*t, now);
            break;
        }
        due.push_back(*t);
        t = trigger.next_fire_time(*t, now);
    }
    plan.next_run_time = t;

    for (const instant time : due)
    {
        const bool late = misfired(time, now, policy.misfire_grace_time);
        (late ? plan.missed : plan.runs).push_back(time);
    }
    if (policy.coalesce && plan.runs.size() > 1)
        plan.runs.erase(plan.runs.begin(), plan.runs.end() - 1);

    const std::size_t free = running >= policy.max_instances ? 0 : policy.max_instances - running;
    if (plan.runs.size() > free)
    {
        plan.refused.assign(plan.runs.begin() + static_cast<std::ptrdiff_t>(free), plan.runs.end());
        plan.runs.erase(plan.runs.begin() + static_cast<std::ptrdiff_t>(free), plan.runs.end());
    }
    return plan;
}

}  // namespace asched::detail
