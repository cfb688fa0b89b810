// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include <asched/scheduler.hpp>

#include "realtime_step_watcher.hpp"
#include "scheduler_core.hpp"

namespace asched {

std::string_view to_string(scheduler_state state) noexcept
{
    switch (state)
    {
    case scheduler_state::stopped: return "stopped";
    case scheduler_state::running: return "running";
    case scheduler_state::paused: return "paused";
    }
    return "unknown";
}

template class basic_scheduler<system_clocks>;

}  // namespace asched
