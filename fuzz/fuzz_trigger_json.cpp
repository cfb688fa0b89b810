// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

// Trigger text (a JSON object, or whatever else the fuzzer makes of it) through trigger::parse, with no default zone
// and with America/New_York, and the same value through trigger::from_json: each accepted trigger must keep every
// property of fuzz_checks.hpp, and each rejection must be an invalid_argument with a one-line message.

#include <asched/trigger.hpp>

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "fuzz_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace asched;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const time_zone default_zones[] = {time_zone{}, fuzz::zones()[1]};
    for (const time_zone& zone : default_zones)
    {
        std::optional<trigger> parsed;
        const bool ok = fuzz::accepts("trigger::parse", [&] { parsed = trigger::parse(text, zone); });
        if (ok)
            fuzz::check_trigger(text, *parsed, zone);

        // from_json of the same JSON value must agree with parse, which reads JSON text through it
        boost::system::error_code ec;
        const boost::json::value json = boost::json::parse(text, ec);
        if (ec || !json.is_object())
            continue;
        std::optional<trigger> decoded;
        const bool decoded_ok = fuzz::accepts("trigger::from_json", [&] { decoded = trigger::from_json(json, zone); });
        if (decoded_ok != ok)
            fuzz::fail("parse and from_json accept the same JSON", text);
        if (ok && !(*decoded == *parsed))
            fuzz::fail("parse and from_json give equal triggers", text);
    }
    return 0;
}
