// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// The `asched` error category and scheduler_error; scheduler_options built with designated initializers and read
// from JSON as APScheduler's configure() reads a dict, with clear messages for bad configurations (spec: "What
// users write" 3, "Errors have their own category" in STYLE.md).

#include <asched/errors.hpp>
#include <asched/executors.hpp>
#include <asched/log.hpp>
#include <asched/scheduler.hpp>
#include <asched/scheduler_options.hpp>
#include <asched/triggers.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>
#include <initializer_list>
#include <iostream>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unistd.h>

#include "common/mock_scheduler.hpp"

using namespace std::chrono_literals;
using asched::errc;
using asched::error_code;
using asched::log_level;
using asched::scheduler_error;
using asched::scheduler_options;
using asched::time_zone;

namespace {

// Every errc value, written out by hand so that a value added to the enum without a message shows up here
constexpr errc all_errcs[] = {
    errc::job_not_found,
    errc::conflicting_job_id,
    errc::executor_not_found,
    errc::jobstore_not_found,
    errc::task_not_found,
    errc::conflicting_name,
    errc::scheduler_not_running,
    errc::already_running,
    errc::shut_down,
    errc::run_abandoned,
    errc::completion_dropped,
};

scheduler_options from_json(std::string_view text) { return scheduler_options::from_json(boost::json::parse(text)); }

// Reading `text` must throw std::invalid_argument whose message contains every one of `needles`: the key, the
// offending value, so that a user can find the mistake in a long configuration file
void check_rejected(std::string_view text, std::initializer_list<std::string_view> needles)
{
    BOOST_TEST_CONTEXT("configuration " << text)
    {
        try
        {
            from_json(text);
            BOOST_ERROR("accepted");
        }
        catch (const std::invalid_argument& e)
        {
            const std::string message = e.what();
            for (const auto needle : needles)
                BOOST_TEST(message.find(needle) != std::string::npos, "message '" << message << "' names " << needle);
        }
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(error_codes)

BOOST_AUTO_TEST_CASE(every_error_code_has_its_own_message)
{
    std::set<std::string> messages;
    for (const auto value : all_errcs)
    {
        const error_code ec = value;
        BOOST_TEST_CONTEXT("errc " << static_cast<int>(value))
        {
            BOOST_TEST(!ec.message().empty());
            BOOST_TEST(ec.message() != "<unknown asched error>");
            messages.insert(ec.message());
        }
    }
    // No two codes share a message: each says what went wrong and what to do about it
    BOOST_TEST(messages.size() == std::size(all_errcs));
}

BOOST_AUTO_TEST_CASE(a_value_outside_the_enum_has_the_unknown_message)
{
    const error_code ec(999, asched::get_error_category());
    BOOST_TEST(ec.message() == "<unknown asched error>");
}

BOOST_AUTO_TEST_CASE(the_category_is_named_asched_and_codes_convert_implicitly)
{
    BOOST_TEST(std::string_view(asched::get_error_category().name()) == "asched");
    const error_code ec = errc::job_not_found;
    BOOST_TEST(ec.value() == 1);  // the first value is 1, so that no asched error is confused with success
    BOOST_TEST((ec.category() == asched::get_error_category()));
    BOOST_TEST((ec == errc::job_not_found));
    BOOST_TEST((ec != errc::conflicting_job_id));
    BOOST_TEST(static_cast<bool>(ec));
    // Values follow the declaration order
    BOOST_TEST(error_code(errc::completion_dropped).value() == 11);
    // One category object, wherever it is asked for
    BOOST_TEST(&asched::make_error_code(errc::shut_down).category() == &asched::get_error_category());
}

BOOST_AUTO_TEST_CASE(scheduler_error_carries_its_code_and_message)
{
    const scheduler_error e(errc::job_not_found, "job 'report' not found in job store 'default'");
    BOOST_TEST((e.code() == errc::job_not_found));
    BOOST_TEST(std::string(e.what()).find("job 'report' not found in job store 'default'") != std::string::npos);
    // It is a system_error, so code that handles Boost.System errors catches it too
    const boost::system::system_error& base = e;
    BOOST_TEST((base.code() == errc::job_not_found));
}

BOOST_AUTO_TEST_CASE(a_scheduler_throws_scheduler_error_naming_the_unknown_job)
{
    boost::asio::io_context ctx;
    asched::test::mock_clocks::reset(asched::test::mock_epoch);
    asched::test::mock_scheduler sched(ctx, {.zone = time_zone::utc(), .log = nullptr});
    try
    {
        sched.remove_job("ghost");
        BOOST_ERROR("removing an unknown job did not throw");
    }
    catch (const scheduler_error& e)
    {
        BOOST_TEST((e.code() == errc::job_not_found));
        BOOST_TEST(std::string(e.what()).find("ghost") != std::string::npos, e.what());
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(scheduler_options_config)

BOOST_AUTO_TEST_CASE(defaults_are_apschedulers)
{
    const scheduler_options options;
    BOOST_TEST((options.job_defaults.misfire_grace_time == 1s));
    BOOST_TEST(options.job_defaults.coalesce == true);
    BOOST_TEST(options.job_defaults.max_instances == 1u);
    BOOST_TEST(options.executors.empty());       // the built-in `default` and `inline` are added by the scheduler
    BOOST_TEST(static_cast<bool>(options.log));  // stderr, warnings and up
}

BOOST_AUTO_TEST_CASE(designated_initializers_name_only_what_differs)
{
    const scheduler_options options{
        .zone = time_zone::locate("Asia/Shanghai"),
        .job_defaults = {.misfire_grace_time = 30s, .coalesce = false, .max_instances = 3},
        .executors = {{"default", asched::make_thread_pool_executor(20)}},
    };
    BOOST_TEST(options.zone.name() == "Asia/Shanghai");
    BOOST_TEST((options.job_defaults.misfire_grace_time == 30s));
    BOOST_TEST(options.job_defaults.coalesce == false);
    BOOST_TEST(options.job_defaults.max_instances == 3u);
    BOOST_REQUIRE(options.executors.size() == 1u);
    BOOST_TEST(options.executors.at("default")->describe() == "thread_pool(20)");
    BOOST_TEST(static_cast<bool>(options.log));  // unnamed members keep their defaults
    // The executor was never used, so its threads were never started; shut it down as a scheduler would
    options.executors.at("default")->shutdown(true);
}

BOOST_AUTO_TEST_CASE(a_scheduler_applies_its_job_defaults_and_zone_to_new_jobs)
{
    boost::asio::io_context ctx;
    asched::test::mock_clocks::reset(asched::test::mock_epoch);
    asched::test::mock_scheduler sched(
        ctx,
        {
            .zone = time_zone::locate("Asia/Shanghai"),
            .job_defaults = {.misfire_grace_time = 30s, .coalesce = false, .max_instances = 3},
            .log = nullptr,
        }
    );
    BOOST_TEST(sched.zone().name() == "Asia/Shanghai");
    const auto plain = sched.add_job([] {}, asched::interval_trigger{1h});
    BOOST_TEST((plain.misfire_grace_time == 30s));
    BOOST_TEST(plain.coalesce == false);
    BOOST_TEST(plain.max_instances == 3u);
    BOOST_TEST(plain.executor == "default");
    BOOST_TEST(plain.jobstore == "default");
    // A job's own options win over the defaults
    const auto own = sched.add_job(
        [] {},
        asched::interval_trigger{1h},
        {.misfire_grace_time = 5s, .coalesce = true, .max_instances = 1}
    );
    BOOST_TEST((own.misfire_grace_time == 5s));
    BOOST_TEST(own.coalesce == true);
    BOOST_TEST(own.max_instances == 1u);
    // A cron trigger without a zone reads Shanghai's clock (UTC+8, no DST): 09:30 there is 01:30 UTC, and the
    // first one after the mock epoch (2026-01-05T00:00Z = 08:00 in Shanghai) is the same day
    sched.start();
    const auto cron = sched.add_job([] {}, asched::cron_trigger{{.hour = "9", .minute = "30"}});
    BOOST_REQUIRE(cron.next_run_time.has_value());
    BOOST_TEST((*cron.next_run_time == asched::test::mock_epoch + 1h + 30min));
    sched.shutdown();
}

BOOST_AUTO_TEST_CASE(from_json_reads_apschedulers_configure_example)
{
    const auto options = from_json(R"({
        "timezone": "Asia/Shanghai",
        "job_defaults": {"coalesce": false, "max_instances": 3, "misfire_grace_time": 30},
        "executors": {"default": {"type": "thread_pool", "max_workers": 20}, "serial": {"type": "inline"}},
        "jobstores": {"default": {"type": "memory"}}
    })");
    BOOST_TEST(options.zone.name() == "Asia/Shanghai");
    BOOST_TEST(options.job_defaults.coalesce == false);
    BOOST_TEST(options.job_defaults.max_instances == 3u);
    BOOST_TEST((options.job_defaults.misfire_grace_time == 30s));
    BOOST_REQUIRE(options.executors.size() == 2u);
    BOOST_TEST(options.executors.at("default")->describe() == "thread_pool(20)");
    BOOST_TEST(options.executors.at("serial")->describe() == "inline");
    BOOST_TEST(options.executors.at("serial")->runs_inline());
    for (const auto& [name, executor] : options.executors)
        executor->shutdown(true);
}

BOOST_AUTO_TEST_CASE(from_json_reads_a_null_misfire_grace_time_as_no_limit)
{
    const auto options = from_json(R"({"job_defaults": {"misfire_grace_time": null}})");
    BOOST_TEST((options.job_defaults.misfire_grace_time == asched::unlimited_grace));
}

BOOST_AUTO_TEST_CASE(from_json_reads_fractional_seconds_to_the_microsecond)
{
    // "in seconds (microsecond precision)": 2.5 s is 2,500,000 µs
    const auto options = from_json(R"({"job_defaults": {"misfire_grace_time": 2.5}})");
    BOOST_TEST(options.job_defaults.misfire_grace_time.count() == 2'500'000);
}

BOOST_AUTO_TEST_CASE(from_json_gives_a_thread_pool_10_threads_unless_told)
{
    const auto options = from_json(R"({"executors": {"pool": {"type": "thread_pool"}}})");
    BOOST_REQUIRE(options.executors.count("pool") == 1u);
    BOOST_TEST(options.executors.at("pool")->describe() == "thread_pool(10)");
    options.executors.at("pool")->shutdown(true);
}

BOOST_AUTO_TEST_CASE(from_json_of_an_empty_object_gives_the_defaults)
{
    const auto options = from_json("{}");
    BOOST_TEST((options.job_defaults.misfire_grace_time == 1s));
    BOOST_TEST(options.job_defaults.coalesce == true);
    BOOST_TEST(options.job_defaults.max_instances == 1u);
    BOOST_TEST(options.executors.empty());
    BOOST_TEST((options.zone == scheduler_options::local_zone()));
}

BOOST_AUTO_TEST_CASE(from_json_rejects_unknown_keys_naming_them)
{
    check_rejected(R"({"timezon": "UTC"})", {"timezon"});
    check_rejected(R"({"job_defaults": {"coalesc": true}})", {"coalesc"});
    check_rejected(R"({"executors": {"default": {"type": "thread_pool", "workers": 4}}})", {"workers"});
}

BOOST_AUTO_TEST_CASE(from_json_rejects_values_of_the_wrong_type_naming_key_and_value)
{
    check_rejected(R"({"job_defaults": {"coalesce": "nope"}})", {"coalesce", "nope"});
    check_rejected(R"({"job_defaults": {"max_instances": "three"}})", {"max_instances", "three"});
    check_rejected(R"({"job_defaults": {"misfire_grace_time": "soon"}})", {"misfire_grace_time", "soon"});
    check_rejected(R"({"timezone": 8})", {"timezone", "8"});
    check_rejected(
        R"({"executors": {"default": {"type": "thread_pool", "max_workers": "many"}}})",
        {"max_workers", "many"}
    );
    check_rejected(R"({"executors": {"default": "thread_pool"}})", {"default"});
    check_rejected(R"(["timezone", "UTC"])", {});
}

BOOST_AUTO_TEST_CASE(from_json_rejects_values_out_of_range_naming_key_and_value)
{
    check_rejected(R"({"executors": {"default": {"type": "thread_pool", "max_workers": 0}}})", {"max_workers", "0"});
    check_rejected(R"({"executors": {"default": {"type": "thread_pool", "max_workers": -4}}})", {"max_workers", "-4"});
    check_rejected(R"({"job_defaults": {"max_instances": 0}})", {"max_instances", "0"});
    check_rejected(R"({"job_defaults": {"max_instances": -1}})", {"max_instances", "-1"});
    check_rejected(R"({"job_defaults": {"misfire_grace_time": -5}})", {"misfire_grace_time", "-5"});
}

BOOST_AUTO_TEST_CASE(from_json_rejects_an_unknown_executor_type_naming_it)
{
    check_rejected(R"({"executors": {"default": {"type": "process_pool"}}})", {"process_pool"});
    // An executor without a type cannot be built
    check_rejected(R"({"executors": {"default": {"max_workers": 4}}})", {"type"});
    // A strand needs an executor to wrap, which JSON cannot name
    check_rejected(R"({"executors": {"serial": {"type": "strand"}}})", {"strand"});
}

BOOST_AUTO_TEST_CASE(from_json_rejects_an_unknown_job_store_type_naming_it)
{
    check_rejected(R"({"jobstores": {"default": {"type": "redis"}}})", {"redis", "postgresql"});
    check_rejected(R"({"jobstores": {"shared": {"type": "postgresql", "url": 5432}}})", {"jobstores.shared.url"});
}

BOOST_AUTO_TEST_CASE(from_json_reads_postgresql_stores_as_urls_or_keywords)
{
    const auto options = from_json(R"({"jobstores": {
        "a": {"type": "postgresql", "url": "postgresql://app@db.internal/jobs"},
        "b": {"type": "postgresql", "url": "host=/run/postgresql dbname=jobs"},
        "c": {"type": "postgresql"}}})");
    BOOST_TEST(options.jobstores.at("a") == "postgresql://app@db.internal/jobs");
    BOOST_TEST(options.jobstores.at("b") == "postgresql:host=/run/postgresql dbname=jobs");
    BOOST_TEST(options.jobstores.at("c") == "postgresql:");
}

BOOST_AUTO_TEST_CASE(from_json_rejects_an_unknown_zone_naming_it)
{
    check_rejected(R"({"timezone": "Mars/Olympus_Mons"})", {"Mars/Olympus_Mons"});
}

BOOST_AUTO_TEST_CASE(state_and_log_level_names_are_lower_case)
{
    BOOST_TEST(asched::to_string(asched::scheduler_state::stopped) == "stopped");
    BOOST_TEST(asched::to_string(asched::scheduler_state::running) == "running");
    BOOST_TEST(asched::to_string(asched::scheduler_state::paused) == "paused");
    BOOST_TEST(asched::to_string(asched::log_level::debug) == "debug");
    BOOST_TEST(asched::to_string(asched::log_level::info) == "info");
    BOOST_TEST(asched::to_string(asched::log_level::warning) == "warning");
    BOOST_TEST(asched::to_string(asched::log_level::error) == "error");
}

BOOST_AUTO_TEST_CASE(the_stderr_sink_writes_lines_at_its_minimum_level_and_above)
{
    // Standard error goes to a temporary file for the duration of the calls
    std::FILE* capture = std::tmpfile();
    BOOST_REQUIRE(capture != nullptr);
    std::fflush(stderr);
    std::cerr.flush();
    const int saved = ::dup(STDERR_FILENO);
    ::dup2(::fileno(capture), STDERR_FILENO);
    {
        const auto sink = asched::stderr_log_sink();  // warnings and up
        sink(log_level::debug, "quiet debug");
        sink(log_level::info, "quiet info");
        sink(log_level::warning, "loud warning");
        sink(log_level::error, "loud error");
        const auto chatty = asched::stderr_log_sink(log_level::debug);
        chatty(log_level::debug, "chatty debug");
    }
    std::fflush(stderr);
    std::cerr.flush();
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    std::rewind(capture);
    std::string written;
    for (int c = std::fgetc(capture); c != EOF; c = std::fgetc(capture))
        written += static_cast<char>(c);
    std::fclose(capture);
    BOOST_TEST(written == "asched warning: loud warning\nasched error: loud error\nasched debug: chatty debug\n");
}

BOOST_AUTO_TEST_CASE(a_thread_pool_of_zero_threads_is_rejected)
{
    BOOST_CHECK_THROW(asched::make_thread_pool_executor(0), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
