// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

// ISO 8601 text through parse_datetime (in each zone of fuzz_checks.hpp), parse_iso8601 and parse_date. Every
// accepted instant lies in the domain and reads back from what format_datetime prints for it in every zone
// ("everything asched prints, it reads back"); every accepted date reads back from format_date.

#include <asched/time.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_checks.hpp"

namespace {

using namespace asched;

// A printed datetime: one line of printable ASCII, with an offset, read back as the same instant in any zone
void check_printed(std::string_view input, instant t)
{
    for (const time_zone& zone : fuzz::zones())
    {
        const std::string where = "format_datetime(" + fuzz::show(t) + ", " + std::string(zone.name()) + ")";
        std::string printed;
        try
        {
            printed = format_datetime(t, zone);
        }
        catch (const std::exception& e)
        {
            fuzz::fail("format_datetime prints every instant of the domain", where + ": " + e.what());
        }
        for (const char c : printed)
            if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
                fuzz::fail("format_datetime prints printable ASCII", where + ": " + printed);
        for (const time_zone& reader : {zone, time_zone::utc()})
        {
            std::optional<instant> back;
            try
            {
                back = parse_datetime(printed, reader);
            }
            catch (const std::exception& e)
            {
                fuzz::fail(
                    "parse_datetime reads what format_datetime prints",
                    std::string(input) + " -> " + where + " = " + printed + ": " + e.what()
                );
            }
            if (*back != t)
                fuzz::fail(
                    "parse_datetime(format_datetime(t, z), z) == t",
                    std::string(input) + " -> " + where + " = " + printed + " read back as " + fuzz::show(*back)
                );
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    std::optional<parsed_datetime> parts;
    const bool split = fuzz::accepts("parse_iso8601", [&] { parts = parse_iso8601(text); });

    std::optional<instant> with_offset;  // the instant of text with an offset, the same in every zone
    for (const time_zone& zone : fuzz::zones())
    {
        std::optional<instant> t;
        const bool ok = fuzz::accepts("parse_datetime", [&] { t = parse_datetime(text, zone); });
        if (ok && !split)
            fuzz::fail("parse_iso8601 accepts what parse_datetime accepts", text);
        if (!ok)
            continue;
        if (!fuzz::in_domain(*t))
            fuzz::fail(
                "an accepted datetime lies inside the domain",
                std::string(text) + " in " + std::string(zone.name()) + ": " + fuzz::show(*t)
            );
        if (parts->has_offset)
        {
            if (with_offset && *with_offset != *t)
                fuzz::fail("a datetime with an offset is the same instant in every zone", text);
            with_offset = t;
        }
        check_printed(text, *t);
    }

    std::optional<date::year_month_day> day;
    if (fuzz::accepts("parse_date", [&] { day = parse_date(text); }))
    {
        if (!day->ok() || day->year() < date::year{1} || day->year() > date::year{9999})
            fuzz::fail("parse_date gives a valid date inside the domain", text);
        const std::string printed = format_date(*day);
        std::optional<date::year_month_day> back;
        if (!fuzz::accepts("parse_date(format_date)", [&] { back = parse_date(printed); }) || *back != *day)
            fuzz::fail("parse_date(format_date(d)) == d", std::string(text) + " -> " + printed);
        if (!split || !parts->date_only)
            fuzz::fail("parse_iso8601 reads a date parse_date accepts as a bare date", text);
    }
    return 0;
}
