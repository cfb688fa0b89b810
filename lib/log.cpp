// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include <asched/log.hpp>

#include <cstdio>
#include <string>

namespace asched {

std::string_view to_string(log_level level) noexcept
{
    switch (level)
    {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warning: return "warning";
    case log_level::error: return "error";
    }
    return "unknown";
}

log_sink stderr_log_sink(log_level minimum)
{
    return [minimum](log_level level, std::string_view line) {
        if (level < minimum)
            return;
        // One write per line, so that lines from several schedulers do not interleave
        std::string text = "asched ";
        text += to_string(level);
        text += ": ";
        text += line;
        text += '\n';
        std::fwrite(text.data(), 1, text.size(), stderr);
    };
}

}  // namespace asched
