// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_FUZZ_FUZZ_JOB_DOCUMENT_HPP
#define ASCHED_FUZZ_FUZZ_JOB_DOCUMENT_HPP

// The properties of an accepted job document, shared by fuzz_job_document and fuzz_export.

#include <asched/job_document.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "fuzz_checks.hpp"

namespace asched::fuzz {

// `d` was read from a document: it writes back (to_document never refuses what from_document gave), reads back
// equal from the value and from its text (as a store holds it), and its trigger keeps the trigger properties
inline void check_description(std::string_view input, const job_description& d)
{
    if (d.id.empty() || d.task_name.empty() || d.executor.empty() || d.max_instances < 1 ||
        d.misfire_grace_time.count() < 0)
        fail("from_document keeps the documented ranges", input);
    if (d.next_run_time && !in_domain(*d.next_run_time))
        fail("a next_run_time lies inside the domain", std::string(input) + ": " + show(*d.next_run_time));
    boost::json::object document;
    try
    {
        document = to_document(d);
    }
    catch (const std::exception& e)
    {
        fail("to_document writes every description from_document gives", std::string(input) + ": " + e.what());
    }
    const std::string text = boost::json::serialize(document);
    std::optional<job_description> back;
    if (!accepts("from_document(to_document)", [&] { back = from_document(document); }))
        fail("from_document reads what to_document writes", text);
    if (!(*back == d))
        fail("from_document(to_document(d)) == d", text);
    std::optional<job_description> from_text;
    if (!accepts("from_document(parse(serialize))", [&] { from_text = from_document(boost::json::parse(text)); }))
        fail("from_document reads the text of what to_document writes", text);
    if (!(*from_text == d))
        fail("a document read back from its text is equal", text);
    check_trigger(input, d.trigger, time_zone{});
}

}  // namespace asched::fuzz

#endif
