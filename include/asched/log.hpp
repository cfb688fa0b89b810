// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_LOG_HPP
#define ASCHED_LOG_HPP

/// @file
/// @brief @ref asched::log_sink, where the scheduler's log lines go.

#include <functional>
#include <string_view>

namespace asched {

/// @brief How serious a log line is.
enum class log_level
{
    /// Every job run and timer, for finding out what happened.
    debug,
    /// State changes: started, paused, job added or removed.
    info,
    /// Something went wrong but the scheduler goes on: a missed run, a listener that threw.
    warning,
    /// A job failed, or something the scheduler could not do.
    error,
};

/// @brief The level's lower-case name: `debug`, `info`, `warning`, `error`.
std::string_view to_string(log_level level) noexcept;

/**
 * @brief Receives the scheduler's log lines: the level and one line of text, without a trailing newline.
 *
 * Called on the scheduler's executor. A sink must not throw; an empty sink discards everything.
 */
using log_sink = std::function<void(log_level level, std::string_view line)>;

/**
 * @brief The default sink: writes `asched <level>: <line>` to standard error for lines at `minimum` or above.
 * @param minimum the least serious level written; `log_level::warning` by default.
 */
log_sink stderr_log_sink(log_level minimum = log_level::warning);

}  // namespace asched

#endif
