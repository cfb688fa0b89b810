// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

// Crontab strings through cron_trigger::from_crontab, in each zone of fuzz_checks.hpp, and (when the text is not a
// JSON object) through trigger::parse, which must read a bare crontab string the same way.

#include <asched/triggers/cron_trigger.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "fuzz_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace asched;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto first = text.find_first_not_of(" \t\r\n");
    const bool json_text = first != std::string_view::npos && text[first] == '{';
    // UTC, New York and Kiritimati: a DST zone and the +14 offset that carries the domain's end into year 10000
    for (const time_zone& zone : {fuzz::zones()[0], fuzz::zones()[1], fuzz::zones()[2]})
    {
        std::optional<cron_trigger> cron;
        const bool ok = fuzz::accepts("cron_trigger::from_crontab", [&] {
            cron = cron_trigger::from_crontab(text, {.timezone = zone});
        });
        if (ok)
            fuzz::check_trigger(text, *cron, zone);
        if (json_text)
            continue;
        std::optional<trigger> parsed;
        const bool parsed_ok = fuzz::accepts("trigger::parse", [&] { parsed = trigger::parse(text, zone); });
        if (parsed_ok != ok)
            fuzz::fail("trigger::parse and from_crontab accept the same crontab strings", text);
        if (ok && !(*parsed == trigger(*cron)))
            fuzz::fail("trigger::parse and from_crontab give equal triggers", text);
    }
    return 0;
}
