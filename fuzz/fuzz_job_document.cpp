// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

// Job documents (JSON text; what is not JSON is skipped, that is Boost.JSON's parser) through from_document: each
// accepted document writes back and reads back equal, and each rejection is an invalid_argument with a one-line
// message.

#include "fuzz_job_document.hpp"

#include <asched/job_document.hpp>

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
    boost::system::error_code ec;
    const boost::json::value json = boost::json::parse(text, ec);
    if (ec)
        return 0;
    std::optional<job_description> d;
    if (fuzz::accepts("from_document", [&] { d = from_document(json); }))
        fuzz::check_description(text, *d);
    return 0;
}
