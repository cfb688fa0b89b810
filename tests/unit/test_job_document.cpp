// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// The job document (version 1) and the export document: round trips of every trigger kind and every field,
// documents written by hand, the message of each kind of bad input, and jobs taken from a scheduler.

#include <asched/errors.hpp>
#include <asched/job_document.hpp>
#include <asched/triggers.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "common/mock_scheduler.hpp"
#include "common/trigger_helpers.hpp"

using namespace std::chrono_literals;
using asched::and_trigger;
using asched::calendar_interval_trigger;
using asched::cron_trigger;
using asched::date_trigger;
using asched::from_document;
using asched::import_document;
using asched::interval_trigger;
using asched::invalid_job_document;
using asched::job_description;
using asched::or_trigger;
using asched::time_zone;
using asched::to_document;
using asched::trigger;
using asched::test::at;
using asched::test::contains;
using asched::test::what_of;

namespace {

const time_zone berlin = time_zone::locate("Europe/Berlin");
const time_zone new_york = time_zone::locate("America/New_York");
const time_zone tokyo = time_zone::locate("Asia/Tokyo");

/// A description of a job running `send_report` daily at 14:00 Berlin time, next on 2026-11-21.
job_description nightly_report()
{
    return {
        .id = "nightly-report",
        .name = "Nightly report",
        .task_name = "send_report",
        .args = {1, "x"},
        .kwargs = {{"to", "ops"}},
        .trigger = cron_trigger{{.hour = "14", .minute = "0"}, {.timezone = berlin}},
        .next_run_time = at("2026-11-21T13:00:00Z"),
    };
}

/// The description after a trip through JSON text, as a store would hold it.
job_description through_text(const job_description& d)
{
    return from_document(boost::json::parse(boost::json::serialize(to_document(d))));
}

/// A valid hand-written document with `field` set to `value` (JSON text), or removed when `value` is empty.
boost::json::value with_field(const std::string& field, const std::string& value)
{
    auto document = boost::json::parse(R"({"version": 1, "id": "nightly-report", "name": "Nightly report",
        "task": "send_report", "trigger": {"type": "cron", "hour": "14", "timezone": "Europe/Berlin"},
        "executor": "default", "misfire_grace_time": 1, "coalesce": true, "max_instances": 1,
        "next_run_time": "2026-11-21T14:00:00+01:00"})");
    if (value.empty())
        document.as_object().erase(field);
    else
        document.as_object()[field] = boost::json::parse(value);
    return document;
}

/// The message from_document gives for `document`.
std::string error_of(const boost::json::value& document)
{
    return what_of<invalid_job_document>([&] { from_document(document); });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(job_documents)

// The document holds every field under the names of the format, in the trigger's zone
BOOST_AUTO_TEST_CASE(document_fields)
{
    const auto document = to_document(nightly_report());
    const auto expected = boost::json::parse(R"({"version": 1, "id": "nightly-report", "name": "Nightly report",
        "task": "send_report", "args": [1, "x"], "kwargs": {"to": "ops"},
        "trigger": {"type": "cron", "hour": "14", "minute": "0", "timezone": "Europe/Berlin"},
        "executor": "default", "misfire_grace_time": 1, "coalesce": true, "max_instances": 1,
        "next_run_time": "2026-11-21T14:00:00+01:00"})");
    BOOST_TEST(boost::json::value(document) == expected, boost::json::serialize(document));
}

// Every trigger kind, with and without zones, comes back equal, and so does the next run time
BOOST_AUTO_TEST_CASE(round_trip_every_trigger_kind)
{
    const std::vector<trigger> triggers{
        date_trigger{at("2026-06-01T12:00:00Z"), berlin},
        date_trigger{at("2026-06-01T12:00:00.250000Z")},
        interval_trigger{90min, {.start_date = at("2026-01-01T00:00:00Z"), .jitter = 30s}},
        interval_trigger{1500ms, {.end_date = at("2027-01-01T00:00:00Z"), .timezone = tokyo}},
        cron_trigger{{.day_of_week = "mon-fri", .hour = "9-17"}, {.timezone = berlin}},
        cron_trigger::from_crontab("0 9 * * *"),
        calendar_interval_trigger{
            {.months = 1, .hour = 9, .start_date = date::year{2026} / 1 / 31, .timezone = new_york}},
        and_trigger{{cron_trigger{{.hour = "9"}, {.timezone = berlin}}, cron_trigger{{.day_of_week = "sat,sun"}}}, 90s},
        or_trigger{{cron_trigger{{.hour = "9"}, {.timezone = tokyo}}, date_trigger{at("2026-01-01T03:00:00Z")}}},
    };
    for (const auto& t : triggers)
    {
        BOOST_TEST_CONTEXT(t.describe())
        {
            auto d = nightly_report();
            d.trigger = t;
            d.next_run_time = at("2026-03-29T01:30:00.000001Z");
            const auto back = through_text(d);
            BOOST_TEST(back.trigger.kind() == t.kind());
            BOOST_TEST((back.trigger == t));
            BOOST_TEST(back.next_run_time == d.next_run_time);
            BOOST_TEST((back == d));
        }
    }
}

// Each field survives a trip through text: paused, pending, grace times, coalescing, limits, nested arguments
BOOST_AUTO_TEST_CASE(round_trip_every_field)
{
    auto d = nightly_report();
    d.name = "";
    d.executor = "pool";
    d.coalesce = false;
    d.max_instances = 5;
    d.args = boost::json::parse(R"([1, -2, 3.5, "x", null, true, [1, [2]], {"a": {"b": [3]}}])").as_array();
    d.kwargs = boost::json::parse(R"({"to": ["ops", "dev"], "retry": {"count": 3, "delay": 0.5}, "x": null})")
                   .as_object();
    BOOST_TEST((through_text(d) == d));

    // Paused: null, and no time comes back
    auto paused = d;
    paused.paused = true;
    paused.next_run_time.reset();
    BOOST_TEST(to_document(paused).at("next_run_time").is_null());
    const auto paused_back = through_text(paused);
    BOOST_TEST(paused_back.paused);
    BOOST_TEST(!paused_back.next_run_time);
    BOOST_TEST((paused_back == paused));

    // Paused wins over a time, as in job_options
    auto paused_with_time = d;
    paused_with_time.paused = true;
    BOOST_TEST(to_document(paused_with_time).at("next_run_time").is_null());

    // Pending (no time yet, not paused): the field is absent, and comes back neither paused nor timed
    auto pending = d;
    pending.next_run_time.reset();
    BOOST_TEST(!to_document(pending).contains("next_run_time"));
    const auto pending_back = through_text(pending);
    BOOST_TEST(!pending_back.paused);
    BOOST_TEST(!pending_back.next_run_time);

    // Grace times: unlimited is null; fractions keep microseconds; zero stays zero
    for (const auto grace :
         {asched::unlimited_grace,
          std::chrono::microseconds{1250000},
          std::chrono::microseconds{1},
          std::chrono::microseconds{0},
          std::chrono::microseconds{86400123456}})
    {
        auto g = d;
        g.misfire_grace_time = grace;
        BOOST_TEST(through_text(g).misfire_grace_time.count() == grace.count());
    }
    d.misfire_grace_time = asched::unlimited_grace;
    BOOST_TEST(to_document(d).at("misfire_grace_time").is_null());
    d.misfire_grace_time = 1250ms;
    BOOST_TEST(to_document(d).at("misfire_grace_time").to_number<double>() == 1.25);
}

// The next run time is written in the trigger's zone: its own, the first child's, or UTC when it names none
BOOST_AUTO_TEST_CASE(next_run_time_in_the_trigger_zone)
{
    auto d = nightly_report();
    const auto text = [&](const trigger& t) {
        d.trigger = t;
        d.next_run_time = at("2026-07-01T12:00:00Z");
        return std::string(to_document(d).at("next_run_time").as_string());
    };
    BOOST_TEST(text(cron_trigger{{.hour = "14"}, {.timezone = tokyo}}) == "2026-07-01T21:00:00+09:00");
    BOOST_TEST(text(cron_trigger{{.hour = "14"}, {.timezone = new_york}}) == "2026-07-01T08:00:00-04:00");
    BOOST_TEST(text(interval_trigger{1h}) == "2026-07-01T12:00:00+00:00");
    BOOST_TEST(
        text(or_trigger{{cron_trigger{{.hour = "9"}, {.timezone = berlin}}, cron_trigger{{.hour = "9"}}}}) ==
        "2026-07-01T14:00:00+02:00"
    );
}

// A document written by hand (not by to_document) reads as the values it states
BOOST_AUTO_TEST_CASE(hand_written_document)
{
    const auto d = from_document(boost::json::parse(R"({
        "version": 1, "id": "nightly-report", "name": "Nightly report", "task": "send_report",
        "args": [1, "x", {"deep": [true]}], "kwargs": {"to": "ops"},
        "trigger": {"type": "cron", "hour": "14", "minute": 0, "timezone": "Europe/Berlin"},
        "executor": "pool", "misfire_grace_time": 2.5, "coalesce": false, "max_instances": 3,
        "next_run_time": "2026-11-21T14:00:00+01:00"})"));
    BOOST_TEST(d.id == "nightly-report");
    BOOST_TEST(d.name == "Nightly report");
    BOOST_TEST(d.task_name == "send_report");
    BOOST_TEST(boost::json::serialize(d.args) == R"([1,"x",{"deep":[true]}])");
    BOOST_TEST(boost::json::serialize(d.kwargs) == R"({"to":"ops"})");
    BOOST_TEST((d.trigger == cron_trigger{{.hour = "14", .minute = "0"}, {.timezone = berlin}}));
    BOOST_TEST(d.trigger.zone().name() == "Europe/Berlin");
    BOOST_TEST(d.executor == "pool");
    BOOST_TEST(d.misfire_grace_time.count() == 2500000);
    BOOST_TEST(!d.coalesce);
    BOOST_TEST(d.max_instances == 3u);
    BOOST_TEST(d.next_run_time == at("2026-11-21T13:00:00Z"));
    BOOST_TEST(!d.paused);

    // Optional fields left out; unlimited grace; paused; a "Z" time on a trigger without zone
    const auto minimal = from_document(boost::json::parse(R"({"version": 1, "id": "j", "name": "", "task": "t",
        "trigger": {"type": "interval", "minutes": 5}, "executor": "default", "misfire_grace_time": null,
        "coalesce": true, "max_instances": 1, "next_run_time": null})"));
    BOOST_TEST(minimal.args.empty());
    BOOST_TEST(minimal.kwargs.empty());
    BOOST_TEST((minimal.trigger == interval_trigger{5min}));
    BOOST_TEST(!minimal.trigger.zone().is_specified());  // the scheduler's zone applies when the job is added
    BOOST_TEST(minimal.misfire_grace_time == asched::unlimited_grace);
    BOOST_TEST(minimal.paused);
    BOOST_TEST(!minimal.next_run_time);

    // Any offset gives the same instant
    const auto utc = from_document(with_field("next_run_time", R"("2026-11-21T13:00:00.5Z")"));
    BOOST_TEST(utc.next_run_time == at("2026-11-21T13:00:00.500000Z"));
    const auto west = from_document(with_field("next_run_time", R"("2026-11-21T08:00:00-05:00")"));
    BOOST_TEST(west.next_run_time == at("2026-11-21T13:00:00Z"));
}

// Unknown fields are ignored (forward compatibility within version 1)
BOOST_AUTO_TEST_CASE(unknown_fields_ignored)
{
    auto document = with_field("jobstore", R"("sqlite")");
    document.as_object()["labels"] = boost::json::parse(R"(["a", {"b": 1}])");
    document.as_object()["misfire_policy"] = "skip";
    const auto d = from_document(document);
    BOOST_TEST(d.id == "nightly-report");
    BOOST_TEST(d.next_run_time == at("2026-11-21T13:00:00Z"));
}

// A scheduler's job becomes a document: registered tasks only, pending and paused states kept
BOOST_FIXTURE_TEST_CASE(jobs_from_a_scheduler, asched::test::scheduler_fixture)
{
    asched::test::mock_scheduler sched{ctx, {.zone = berlin}};
    sched.register_task("send_report", [] {});
    sched.add_job(
        "send_report",
        cron_trigger{{.hour = "14"}},
        {.id = "nightly-report",
         .name = "Nightly report",
         .executor = "default",
         .misfire_grace_time = std::chrono::microseconds{1500000},
         .coalesce = false,
         .max_instances = 2,
         .args = {1, "x"},
         .kwargs = {{"to", "ops"}}}
    );
    sched.add_job("send_report", interval_trigger{1h}, {.id = "hourly", .paused = true});

    // Before start the job is pending: no time is written, and it is not paused
    const auto pending = to_document(*sched.get_job("nightly-report"));
    BOOST_TEST(!pending.contains("next_run_time"));
    BOOST_TEST(pending.at("task").as_string() == "send_report");
    BOOST_TEST(pending.at("name").as_string() == "Nightly report");
    BOOST_TEST(pending.at("trigger").at("timezone").as_string() == "Europe/Berlin");  // the scheduler's zone
    BOOST_TEST(pending.at("misfire_grace_time").to_number<double>() == 1.5);
    BOOST_TEST(pending.at("coalesce").as_bool() == false);
    BOOST_TEST(pending.at("max_instances").to_number<int>() == 2);
    BOOST_TEST(boost::json::serialize(pending.at("args")) == R"([1,"x"])");
    BOOST_TEST(boost::json::serialize(pending.at("kwargs")) == R"({"to":"ops"})");
    BOOST_TEST(to_document(*sched.get_job("hourly")).at("next_run_time").is_null());

    // Started (the mock clocks read 2026-01-05T00:00Z): the first run time, in Berlin time
    sched.start();
    const auto started = to_document(*sched.get_job("nightly-report"));
    BOOST_TEST(started.at("next_run_time").as_string() == "2026-01-05T14:00:00+01:00");
    const auto d = from_document(started);
    BOOST_TEST(d.next_run_time == at("2026-01-05T13:00:00Z"));
    BOOST_TEST((d.trigger == sched.get_job("nightly-report")->trigger));
    BOOST_TEST(asched::to_description(*sched.get_job("hourly")).paused);
    sched.shutdown();
}

// A job with an anonymous task cannot be described as data; the message names the job
BOOST_FIXTURE_TEST_CASE(anonymous_task_refused, asched::test::scheduler_fixture)
{
    asched::test::mock_scheduler sched{ctx, {.zone = time_zone::utc()}};
    const auto job = sched.add_job([] {}, interval_trigger{1h}, {.id = "lambda-job"});
    try
    {
        to_document(job);
        BOOST_ERROR("to_document did not throw");
    }
    catch (const asched::scheduler_error& e)
    {
        BOOST_TEST(e.code() == asched::error_code(asched::errc::task_not_found));
        const std::string what = e.what();
        BOOST_TEST(contains(what, "job 'lambda-job'"), what);
        BOOST_TEST(contains(what, "anonymous task"), what);
        BOOST_TEST(contains(what, "register_task"), what);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(job_document_errors)

// Not an object at all
BOOST_AUTO_TEST_CASE(not_an_object)
{
    BOOST_TEST(error_of(boost::json::parse("[1]")) == "job document: expected a JSON object, got array [1]");
    BOOST_TEST(error_of(nullptr) == "job document: expected a JSON object, got null");
}

// Only version 1 is read; a newer one is refused so that it is never misread
BOOST_AUTO_TEST_CASE(bad_version)
{
    BOOST_TEST(
        error_of(with_field("version", "2")) ==
        "job document: field \"version\": 2 is newer than this library reads (up to 1); upgrade asched to read it"
    );
    BOOST_TEST(contains(error_of(with_field("version", "18446744073709551615")), "18446744073709551615 is newer"));
    BOOST_TEST(
        error_of(with_field("version", "0")) == "job document: field \"version\": 0 is not a version (the first is 1)"
    );
    BOOST_TEST(
        error_of(with_field("version", R"("1")")) ==
        "job document: field \"version\": expected an integer, got string \"1\""
    );
    BOOST_TEST(
        error_of(with_field("version", "1.5")) == "job document: field \"version\": expected an integer, got number 1.5"
    );
    BOOST_TEST(
        error_of(with_field("version", "")) == "job document: field \"version\": missing; expected the integer 1"
    );
}

// Before the id is read the message cannot name the job; after, it does
BOOST_AUTO_TEST_CASE(bad_id_and_names)
{
    BOOST_TEST(error_of(with_field("id", "")) == "job document: field \"id\": missing; expected a non-empty string");
    BOOST_TEST(error_of(with_field("id", R"("")")) == "job document: field \"id\": the empty string is not allowed");
    BOOST_TEST(error_of(with_field("id", "7")) == "job document: field \"id\": expected a string, got number 7");
    BOOST_TEST(
        error_of(with_field("name", "")) ==
        "job document \"nightly-report\": field \"name\": missing; expected a string"
    );
    BOOST_TEST(
        error_of(with_field("name", "false")) ==
        "job document \"nightly-report\": field \"name\": expected a string, got boolean false"
    );
    BOOST_TEST(
        error_of(with_field("task", R"("")")) ==
        "job document \"nightly-report\": field \"task\": the empty string is not allowed"
    );
    BOOST_TEST(
        error_of(with_field("task", "")) ==
        "job document \"nightly-report\": field \"task\": missing; expected a non-empty string"
    );
    BOOST_TEST(
        error_of(with_field("executor", "null")) ==
        "job document \"nightly-report\": field \"executor\": expected a string, got null"
    );
}

BOOST_AUTO_TEST_CASE(bad_arguments)
{
    BOOST_TEST(
        error_of(with_field("args", R"({"a": 1})")) ==
        "job document \"nightly-report\": field \"args\": expected an array, got object {\"a\":1}"
    );
    BOOST_TEST(
        error_of(with_field("kwargs", "[1]")) ==
        "job document \"nightly-report\": field \"kwargs\": expected an object, got array [1]"
    );
}

// A bad trigger gives trigger::from_json's message, after the job and the field
BOOST_AUTO_TEST_CASE(bad_trigger)
{
    BOOST_TEST(
        error_of(with_field("trigger", R"({"type": "cron", "hour": "25"})")) ==
        "job document \"nightly-report\": field \"trigger\": cron field 'hour': value 25 is out of range 0-23"
    );
    const auto unknown_type = error_of(with_field("trigger", R"({"type": "weekly"})"));
    BOOST_TEST(contains(unknown_type, "job document \"nightly-report\": field \"trigger\": "), unknown_type);
    BOOST_TEST(contains(unknown_type, "\"weekly\""), unknown_type);
    const auto bad_zone = error_of(with_field("trigger", R"({"type": "cron", "hour": 1, "timezone": "Mars/Olympus"})"));
    BOOST_TEST(contains(bad_zone, "field \"trigger\": "), bad_zone);
    BOOST_TEST(contains(bad_zone, "Mars/Olympus"), bad_zone);
    BOOST_TEST(
        error_of(with_field("trigger", R"("0 9 * * *")")) ==
        "job document \"nightly-report\": field \"trigger\": trigger: expected a JSON object, got string \"0 9 * * *\""
    );
    BOOST_TEST(
        error_of(with_field("trigger", "")) ==
        "job document \"nightly-report\": field \"trigger\": missing; expected the trigger's JSON object"
    );
}

BOOST_AUTO_TEST_CASE(bad_misfire_grace_time)
{
    const std::string prefix = "job document \"nightly-report\": field \"misfire_grace_time\": ";
    BOOST_TEST(
        error_of(with_field("misfire_grace_time", "-1")) ==
        prefix + "-1 is not allowed (seconds >= 0, or null for no limit)"
    );
    BOOST_TEST(
        error_of(with_field("misfire_grace_time", "-0.5")) ==
        prefix + "-0.5 is not allowed (seconds >= 0, or null for no limit)"
    );
    BOOST_TEST(
        error_of(with_field("misfire_grace_time", R"("30s")")) ==
        prefix + "expected seconds as a number, or null for no limit, got string \"30s\""
    );
    BOOST_TEST(
        error_of(with_field("misfire_grace_time", "1e300")) == prefix + "1e+300 is too large; write null for no limit"
    );
    BOOST_TEST(
        error_of(with_field("misfire_grace_time", "")) == prefix + "missing; expected seconds, or null for no limit"
    );
}

BOOST_AUTO_TEST_CASE(bad_coalesce_and_max_instances)
{
    BOOST_TEST(
        error_of(with_field("coalesce", R"("yes")")) ==
        "job document \"nightly-report\": field \"coalesce\": expected true or false, got string \"yes\""
    );
    BOOST_TEST(
        error_of(with_field("max_instances", "0")) ==
        "job document \"nightly-report\": field \"max_instances\": 0 is not allowed (at least 1)"
    );
    BOOST_TEST(
        error_of(with_field("max_instances", "-3")) ==
        "job document \"nightly-report\": field \"max_instances\": -3 is not allowed (at least 1)"
    );
    BOOST_TEST(
        error_of(with_field("max_instances", "1.5")) ==
        "job document \"nightly-report\": field \"max_instances\": expected an integer >= 1, got number 1.5"
    );
    BOOST_TEST(
        error_of(with_field("max_instances", "")) ==
        "job document \"nightly-report\": field \"max_instances\": missing; expected an integer >= 1"
    );
}

BOOST_AUTO_TEST_CASE(bad_next_run_time)
{
    const std::string prefix = "job document \"nightly-report\": field \"next_run_time\": ";
    BOOST_TEST(
        error_of(with_field("next_run_time", R"("2026-11-21T14:00:00")")) ==
        prefix + "\"2026-11-21T14:00:00\" has no UTC offset; end it with Z or +HH:MM (2026-11-21T13:00:00Z)"
    );
    BOOST_TEST(contains(error_of(with_field("next_run_time", R"("2026-11-21")")), prefix + "\"2026-11-21\" has no UTC")
    );
    const auto garbage = error_of(with_field("next_run_time", R"("tomorrow")"));
    BOOST_TEST(contains(garbage, prefix), garbage);
    BOOST_TEST(contains(garbage, "tomorrow"), garbage);
    const auto bad_day = error_of(with_field("next_run_time", R"("2026-02-30T10:00:00Z")"));
    BOOST_TEST(contains(bad_day, prefix), bad_day);
    BOOST_TEST(contains(bad_day, "2026-02-30"), bad_day);
    BOOST_TEST(
        error_of(with_field("next_run_time", "1700000000")) ==
        prefix + "expected an ISO 8601 datetime with its UTC offset, or null for a paused job, got number 1700000000"
    );
}

// The exception carries the field and the job
BOOST_AUTO_TEST_CASE(exception_members)
{
    try
    {
        from_document(with_field("max_instances", "0"));
        BOOST_ERROR("from_document did not throw");
    }
    catch (const invalid_job_document& e)
    {
        BOOST_TEST(e.field() == "max_instances");
        BOOST_TEST(e.job_id() == "nightly-report");
    }
    try
    {
        from_document(with_field("id", ""));
        BOOST_ERROR("from_document did not throw");
    }
    catch (const std::invalid_argument& e)  // an invalid_job_document is an std::invalid_argument
    {
        BOOST_TEST(dynamic_cast<const invalid_job_document&>(e).job_id().empty());
    }
}

// to_document never writes a document from_document would refuse
BOOST_AUTO_TEST_CASE(invalid_descriptions_refused)
{
    const auto error = [](job_description d) { return what_of<invalid_job_document>([&] { to_document(d); }); };
    auto d = nightly_report();
    d.max_instances = 0;
    BOOST_TEST(error(d) == "job document \"nightly-report\": field \"max_instances\": 0 is not allowed (at least 1)");
    d = nightly_report();
    d.task_name.clear();
    BOOST_TEST(
        error(d) ==
        "job document \"nightly-report\": field \"task\": the empty string is not allowed: only a named task can be "
        "described as data"
    );
    d = nightly_report();
    d.misfire_grace_time = -1500ms;
    BOOST_TEST(
        error(d) ==
        "job document \"nightly-report\": field \"misfire_grace_time\": -1.5 is not allowed (seconds >= 0, or "
        "unlimited_grace)"
    );
    d = nightly_report();
    d.id.clear();
    BOOST_TEST(error(d) == "job document: field \"id\": the empty string is not allowed");
    d = nightly_report();
    d.executor.clear();
    BOOST_TEST(error(d) == "job document \"nightly-report\": field \"executor\": the empty string is not allowed");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(job_export)

// Jobs come back equal and in order; the export document has its version and the jobs' documents
BOOST_AUTO_TEST_CASE(round_trip)
{
    auto paused = nightly_report();
    paused.id = "paused";
    paused.paused = true;
    paused.next_run_time.reset();
    auto hourly = nightly_report();
    hourly.id = "hourly";
    hourly.trigger = interval_trigger{1h};
    hourly.misfire_grace_time = asched::unlimited_grace;
    const std::vector<job_description> jobs{nightly_report(), paused, hourly};

    const auto document = asched::export_document(jobs);
    BOOST_TEST(document.at("version").to_number<int>() == 1);
    BOOST_TEST(document.at("jobs").as_array().size() == 3u);
    BOOST_TEST(document.at("jobs").as_array()[1] == boost::json::value(to_document(paused)));

    const auto back = import_document(boost::json::parse(boost::json::serialize(document)));
    BOOST_TEST_REQUIRE(back.size() == 3u);
    for (std::size_t i = 0; i < jobs.size(); ++i)
        BOOST_TEST((back[i] == jobs[i]), "job " << i);

    BOOST_TEST(asched::export_document({}).at("jobs").as_array().empty());
    BOOST_TEST(import_document(boost::json::parse(R"({"version": 1, "jobs": []})")).empty());
}

// Unknown fields of the export document are ignored too
BOOST_AUTO_TEST_CASE(unknown_fields_ignored)
{
    auto document = asched::export_document(std::vector<job_description>{nightly_report()});
    document["exported_at"] = "2026-11-20T10:00:00Z";
    document["jobstore"] = "default";
    BOOST_TEST(import_document(document).size() == 1u);
}

// Errors name the export document, and for a bad job its position, the job and the field
BOOST_AUTO_TEST_CASE(errors)
{
    const auto error = [](const boost::json::value& document) {
        return what_of<invalid_job_document>([&] { import_document(document); });
    };
    BOOST_TEST(error(boost::json::parse("[]")) == "job export document: expected a JSON object, got array []");
    BOOST_TEST(
        error(boost::json::parse(R"({"version": 2, "jobs": []})")) ==
        "job export document: field \"version\": 2 is newer than this library reads (up to 1); upgrade asched to "
        "read it"
    );
    BOOST_TEST(
        error(boost::json::parse(R"({"version": 1})")) ==
        "job export document: field \"jobs\": missing; expected an array of job documents"
    );
    BOOST_TEST(
        error(boost::json::parse(R"({"version": 1, "jobs": {}})")) ==
        "job export document: field \"jobs\": expected an array of job documents, got object {}"
    );

    boost::json::array jobs{
        boost::json::value(to_document(nightly_report())),
        with_field("max_instances", "0"),
        boost::json::value(5)};
    jobs[1].as_object()["id"] = "second";
    try
    {
        import_document(boost::json::object{{"version", 1}, {"jobs", jobs}});
        BOOST_ERROR("import_document did not throw");
    }
    catch (const invalid_job_document& e)
    {
        BOOST_TEST(
            std::string(e.what()) ==
            "job export document: jobs[1]: job document \"second\": field \"max_instances\": 0 is not allowed (at "
            "least 1)"
        );
        BOOST_TEST(e.field() == "max_instances");
        BOOST_TEST(e.job_id() == "second");
    }
    jobs.erase(jobs.begin() + 1);
    BOOST_TEST(
        error(boost::json::object{{"version", 1}, {"jobs", jobs}}) ==
        "job export document: jobs[1]: job document: expected a JSON object, got number 5"
    );
}

BOOST_AUTO_TEST_SUITE_END()
