// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include <asched/errors.hpp>
#include <asched/job_document.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "error_text.hpp"
#include "json_reader.hpp"
#include "trigger_impl.hpp"

namespace asched {

namespace {

// JSON numbers as a reader wrote them: 1.5, not Boost.JSON's 1.5E0
std::string number_text(const boost::json::value& v)
{
    if (!v.is_double())
        return boost::json::serialize(v);
    char buffer[32];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, v.get_double()).ptr;
    return std::string(buffer, end);
}

std::string describe(const boost::json::value& v)
{
    return v.is_double() ? "number " + number_text(v) : detail::describe_json_value(v);
}

// Reads one document's fields; every message names the document, the job (once its id is known) and the field
class document_reader
{
public:
    document_reader(const boost::json::value& document, std::string what) : what_(std::move(what))
    {
        if (!document.is_object())
            throw invalid_job_document(what_ + ": expected a JSON object, got " + describe(document), "", "");
        object_ = &document.get_object();
    }

    [[noreturn]] void fail(std::string_view field, const std::string& reason) const
    {
        fail_field(what_, id_, field, reason);
    }

    [[noreturn]] static void fail_field(
        const std::string& what,
        const std::string& id,
        std::string_view field,
        const std::string& reason
    )
    {
        const std::string job = id.empty() ? what : what + " \"" + detail::quote_input(id) + "\"";
        throw invalid_job_document(job + ": field \"" + std::string(field) + "\": " + reason, std::string(field), id);
    }

    const boost::json::value* find(std::string_view field) const { return object_->if_contains(field); }

    const boost::json::value& required(std::string_view field, std::string_view expected) const
    {
        const auto* v = find(field);
        if (v == nullptr)
            fail(field, "missing; expected " + std::string(expected));
        return *v;
    }

    std::string string(std::string_view field, bool allow_empty) const
    {
        const auto& v = required(field, allow_empty ? "a string" : "a non-empty string");
        if (!v.is_string())
            fail(field, "expected a string, got " + describe(v));
        if (!allow_empty && v.get_string().empty())
            fail(field, "the empty string is not allowed");
        return std::string(v.get_string());
    }

    void set_id(std::string id) { id_ = std::move(id); }

private:
    std::string what_;
    const boost::json::object* object_{};
    std::string id_;
};

void read_version(const document_reader& in)
{
    const auto& v = in.required("version", "the integer " + std::to_string(job_document_version));
    if (!v.is_int64() && !v.is_uint64())
        in.fail("version", "expected an integer, got " + describe(v));
    if (v.is_uint64() || v.get_int64() > job_document_version)
        in.fail(
            "version",
            number_text(v) + " is newer than this library reads (up to " + std::to_string(job_document_version) +
                "); upgrade asched to read it"
        );
    if (v.get_int64() < 1)
        in.fail("version", number_text(v) + " is not a version (the first is 1)");
}

std::chrono::microseconds read_grace(const document_reader& in)
{
    const auto& v = in.required("misfire_grace_time", "seconds, or null for no limit");
    if (v.is_null())
        return unlimited_grace;
    if (!v.is_number())
        in.fail("misfire_grace_time", "expected seconds as a number, or null for no limit, got " + describe(v));
    const double seconds = v.to_number<double>();
    if (seconds < 0)
        in.fail("misfire_grace_time", number_text(v) + " is not allowed (seconds >= 0, or null for no limit)");
    // The microsecond count must fit, and stay below unlimited_grace, which only null stands for
    // Durations stay within the domain's span, so that no sum with an instant can overflow
    constexpr double limit = static_cast<double>(max_duration.count()) / 1e6;
    if (!(seconds < limit))
        in.fail("misfire_grace_time", number_text(v) + " is too large; write null for no limit");
    return std::chrono::microseconds{std::llround(seconds * 1e6)};
}

std::size_t read_max_instances(const document_reader& in)
{
    const auto& v = in.required("max_instances", "an integer >= 1");
    if (!v.is_int64() && !v.is_uint64())
        in.fail("max_instances", "expected an integer >= 1, got " + describe(v));
    if (v.is_int64() && v.get_int64() < 1)
        in.fail("max_instances", number_text(v) + " is not allowed (at least 1)");
    return static_cast<std::size_t>(v.to_number<std::uint64_t>());
}

trigger read_trigger(const document_reader& in)
{
    const auto& v = in.required("trigger", "the trigger's JSON object");
    try
    {
        return trigger::from_json(v);
    }
    catch (const std::invalid_argument& e)
    {
        in.fail("trigger", e.what());
    }
}

void read_next_run_time(const document_reader& in, job_description& d)
{
    const auto* v = in.find("next_run_time");
    if (v == nullptr)
        return;  // neither paused nor timed: the trigger's first fire time, when the job is added
    if (v->is_null())
    {
        d.paused = true;
        return;
    }
    if (!v->is_string())
        in.fail(
            "next_run_time",
            "expected an ISO 8601 datetime with its UTC offset, or null for a paused job, got " + describe(*v)
        );
    const std::string_view text = v->get_string();
    bool has_offset = false;
    try
    {
        has_offset = parse_iso8601(text).has_offset;
        if (has_offset)
            d.next_run_time = parse_datetime(text, d.trigger.zone());
    }
    catch (const std::invalid_argument& e)
    {
        in.fail("next_run_time", e.what());
    }
    // A wall-clock time would depend on a zone the document may not name: the instant must be exact
    if (!has_offset)
        in.fail(
            "next_run_time",
            "\"" + std::string(text) + "\" has no UTC offset; end it with Z or +HH:MM (2026-11-21T13:00:00Z)"
        );
}

// What from_document would reject in a description, with the same message
void check(const job_description& d)
{
    const auto fail = [&](std::string_view field, const std::string& reason) {
        document_reader::fail_field("job document", d.id, field, reason);
    };
    if (d.id.empty())
        fail("id", "the empty string is not allowed");
    try
    {
        validate_job_id(d.id);
    }
    catch (const invalid_job_id& e)
    {
        fail("id", e.what());
    }
    if (d.task_name.empty())
        fail("task", "the empty string is not allowed: only a named task can be described as data");
    if (d.executor.empty())
        fail("executor", "the empty string is not allowed");
    if (d.misfire_grace_time.count() < 0)
        fail(
            "misfire_grace_time",
            detail::seconds_text(d.misfire_grace_time) + " is not allowed (seconds >= 0, or unlimited_grace)"
        );
    if (d.misfire_grace_time != unlimited_grace && d.misfire_grace_time > max_duration)
        fail(
            "misfire_grace_time",
            detail::seconds_text(d.misfire_grace_time) + " is too large (at most the time domain's span, " +
                detail::seconds_text(max_duration) + " s); use unlimited_grace for no limit"
        );
    if (d.max_instances == 0)
        fail("max_instances", "0 is not allowed (at least 1)");
}

}  // namespace

job_description to_description(const job& j)
{
    if (j.task.name().empty())
        throw scheduler_error(
            errc::task_not_found,
            "job '" + j.id +
                "' runs an anonymous task, which cannot be described as data: register the task with "
                "register_task and add the job by the task's name"
        );
    return job_description{
        .id = j.id,
        .name = j.name,
        .task_name = std::string(j.task.name()),
        .args = j.arguments ? j.arguments->args : boost::json::array{},
        .kwargs = j.arguments ? j.arguments->kwargs : boost::json::object{},
        .trigger = j.trigger,
        .executor = j.executor,
        .misfire_grace_time = j.misfire_grace_time,
        .coalesce = j.coalesce,
        .max_instances = j.max_instances,
        .next_run_time = j.paused() ? std::nullopt : j.next_run_time,
        .paused = j.paused(),
    };
}

boost::json::object to_document(const job_description& d)
{
    check(d);
    boost::json::object document{
        {"version", job_document_version},
        {"id", d.id},
        {"name", d.name},
        {"task", d.task_name},
        {"args", d.args},
        {"kwargs", d.kwargs},
        {"trigger", d.trigger.to_json()},
        {"executor", d.executor},
    };
    if (d.misfire_grace_time == unlimited_grace)
        document["misfire_grace_time"] = nullptr;
    else
        document["misfire_grace_time"] = detail::seconds_to_json(d.misfire_grace_time);
    document["coalesce"] = d.coalesce;
    document["max_instances"] = static_cast<std::uint64_t>(d.max_instances);
    if (d.paused)
        document["next_run_time"] = nullptr;
    else if (d.next_run_time)
        document["next_run_time"] = format_datetime(*d.next_run_time, d.trigger.zone());
    return document;
}

boost::json::object to_document(const job& j) { return to_document(to_description(j)); }

job_description from_document(const boost::json::value& document)
{
    document_reader in(document, "job document");
    read_version(in);
    std::string id = in.string("id", false);
    try
    {
        validate_job_id(id);
    }
    catch (const invalid_job_id& e)
    {
        in.fail("id", e.what());
    }
    in.set_id(id);
    std::string name = in.string("name", true);
    std::string task_name = in.string("task", false);
    boost::json::array args;
    if (const auto* v = in.find("args"))
    {
        if (!v->is_array())
            in.fail("args", "expected an array, got " + describe(*v));
        args = v->get_array();
    }
    boost::json::object kwargs;
    if (const auto* v = in.find("kwargs"))
    {
        if (!v->is_object())
            in.fail("kwargs", "expected an object, got " + describe(*v));
        kwargs = v->get_object();
    }
    job_description d{
        .id = std::move(id),
        .name = std::move(name),
        .task_name = std::move(task_name),
        .args = std::move(args),
        .kwargs = std::move(kwargs),
        .trigger = read_trigger(in),
        .executor = in.string("executor", false),
        .misfire_grace_time = read_grace(in),
    };
    const auto& coalesce = in.required("coalesce", "true or false");
    if (!coalesce.is_bool())
        in.fail("coalesce", "expected true or false, got " + describe(coalesce));
    d.coalesce = coalesce.get_bool();
    d.max_instances = read_max_instances(in);
    read_next_run_time(in, d);
    return d;
}

boost::json::object export_document(std::span<const job_description> jobs)
{
    boost::json::array documents;
    documents.reserve(jobs.size());
    for (const auto& d : jobs)
        documents.emplace_back(to_document(d));
    return boost::json::object{{"version", job_document_version}, {"jobs", std::move(documents)}};
}

std::vector<job_description> import_document(const boost::json::value& document)
{
    const document_reader in(document, "job export document");
    read_version(in);
    const auto& jobs = in.required("jobs", "an array of job documents");
    if (!jobs.is_array())
        in.fail("jobs", "expected an array of job documents, got " + describe(jobs));
    std::vector<job_description> out;
    out.reserve(jobs.get_array().size());
    for (std::size_t i = 0; i < jobs.get_array().size(); ++i)
    {
        try
        {
            out.push_back(from_document(jobs.get_array()[i]));
        }
        catch (const invalid_job_document& e)
        {
            throw invalid_job_document(
                "job export document: jobs[" + std::to_string(i) + "]: " + e.what(),
                e.field(),
                e.job_id()
            );
        }
    }
    return out;
}

}  // namespace asched
