// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

// Export documents (`{"version":1,"jobs":[...]}`, what `asched jobs import` reads) through import_document, the
// library function the command calls: an accepted document writes back through export_document and imports again
// equal, each job in it keeps the job document properties, and a rejection is an invalid_argument with a one-line
// message that names the job's position.

#include <asched/job_document.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_checks.hpp"
#include "fuzz_job_document.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace asched;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    boost::system::error_code ec;
    const boost::json::value json = boost::json::parse(text, ec);
    if (ec)
        return 0;
    std::vector<job_description> jobs;
    if (!fuzz::accepts("import_document", [&] { jobs = import_document(json); }))
        return 0;
    boost::json::object exported;
    try
    {
        exported = export_document(jobs);
    }
    catch (const std::exception& e)
    {
        fuzz::fail("export_document writes every job import_document gives", std::string(text) + ": " + e.what());
    }
    std::vector<job_description> back;
    const std::string exported_text = boost::json::serialize(exported);
    if (!fuzz::accepts("import_document(export_document)", [&] { back = import_document(exported); }))
        fuzz::fail("import_document reads what export_document writes", exported_text);
    if (back != jobs)
        fuzz::fail("import_document(export_document(jobs)) == jobs", exported_text);
    // The per-job checks compute fire times: a few jobs are enough to reach every code path
    for (std::size_t i = 0; i < jobs.size() && i < 4; ++i)
        fuzz::check_description(text, jobs[i]);
    return 0;
}
