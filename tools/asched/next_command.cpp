// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#include "next_command.hpp"

#include <asched/errors.hpp>
#include <asched/trigger.hpp>

#include <charconv>
#include <chrono>
#include <optional>
#include <ostream>
#include <stdexcept>

namespace asched::tools {
namespace {

// An argument quoted for a message: escaped and cut, as the library quotes input
std::string quoted(std::string_view text)
{
    const std::string one_line = detail::one_line_message(std::string(text.substr(0, 60)));
    return "'" + one_line + (text.size() > 60 ? "...'" : "'");
}

struct usage_error : std::invalid_argument
{
    using std::invalid_argument::invalid_argument;
};

struct next_arguments
{
    std::string trigger_text;
    std::optional<std::string> from;
    int count = 10;
    std::optional<std::string> zone;
};

next_arguments parse_arguments(const std::vector<std::string>& args)
{
    next_arguments parsed;
    bool have_trigger = false;
    for (std::size_t i = 0; i < args.size(); ++i)
    {
        const std::string& arg = args[i];
        const auto value = [&](const char* option) -> const std::string& {
            if (i + 1 >= args.size())
                throw usage_error(std::string("option ") + option + " needs a value");
            return args[++i];
        };
        if (arg == "--from")
            parsed.from = value("--from");
        else if (arg == "--tz")
            parsed.zone = value("--tz");
        else if (arg == "--count")
        {
            const std::string& text = value("--count");
            int n = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
            if (ec != std::errc{} || end != text.data() + text.size() || n < 1)
                throw usage_error("option --count: " + quoted(text) + " is not a whole number >= 1");
            parsed.count = n;
        }
        else if (arg.starts_with("--"))
            throw usage_error("unknown option " + quoted(arg) + " (known: --from, --count, --tz)");
        else if (!have_trigger)
        {
            parsed.trigger_text = arg;
            have_trigger = true;
        }
        else
            throw usage_error("unexpected argument " + quoted(arg) + " (quote the trigger if it contains spaces)");
    }
    if (!have_trigger)
        throw usage_error("missing TRIGGER (a JSON object or a crontab string)");
    return parsed;
}

}  // namespace

int run_next_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    try
    {
        const auto parsed = parse_arguments(args);
        time_zone default_zone;
        if (parsed.zone)
        {
            try
            {
                default_zone = time_zone::locate(*parsed.zone);
            }
            catch (const std::invalid_argument& e)
            {
                throw usage_error(std::string("option --tz: ") + e.what());
            }
        }
        const trigger t = trigger::parse(parsed.trigger_text, default_zone);
        instant now = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
        if (parsed.from)
        {
            try
            {
                now = parse_datetime(*parsed.from, t.zone());  // local text is read in the trigger's zone
            }
            catch (const std::invalid_argument& e)
            {
                throw usage_error(std::string("option --from: ") + e.what());
            }
        }
        // Each answer is the next question's `previous` and `now`
        std::optional<instant> previous;
        for (int i = 0; i < parsed.count; ++i)
        {
            const auto next = t.next_fire_time(previous, previous ? *previous : now);
            if (!next)
                break;
            out << format_datetime(*next, t.zone()) << '\n';
            previous = next;
        }
        out.flush();
        if (!previous)  // not an error, but an empty answer alone would leave the user guessing
            err << "asched next: the trigger never fires at or after " << format_datetime(now, t.zone())
                << " (its dates are past, or no date matches it before the year 9999)\n";
        return 0;
    }
    catch (const std::exception& e)
    {
        // Messages are one line already; the escape is the last guard of the terminal
        err << "asched next: " << detail::one_line_message(e.what()) << '\n';
        return 2;
    }
}

}  // namespace asched::tools
