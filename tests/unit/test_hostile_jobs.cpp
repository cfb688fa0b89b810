// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// Jobs that could stall a scheduler (issue 14): a trigger that fails at fire time pauses only its own job; hostile
// documents among 1,000 good ones in a SQLite file are quarantined while every good job fires on time; a job due in
// the year 9999 (beyond the steady clock's reach) leaves the thread idle while a job due in 10 ms fires. The first
// two run on mock clocks from T0 = 2026-01-05T00:00:00Z; the last needs the real clocks, and measures the thread's
// CPU time, which a spinning timer would use up, rather than wall time.

#include <asched/job_document.hpp>
#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <set>
#include <string>
#include <vector>

#include "common/mock_scheduler.hpp"
#include "common/run_helpers.hpp"
#include "common/temp_dir.hpp"
#include "lib/sqlite_job_file.hpp"

using namespace std::chrono_literals;
using asched::and_trigger;
using asched::cron_trigger;
using asched::date_trigger;
using asched::event_code;
using asched::instant;
using asched::interval_trigger;
using asched::job_description;
using asched::time_zone;
using asched::detail::row_write;
using asched::detail::row_write_kind;
using asched::detail::sqlite_job_file;
using asched::test::at_s;
using asched::test::mock_scheduler;
using asched::test::poll_until;
using asched::test::recorder;
using asched::test::seconds_list;
using asched::test::str;
using asched::test::T0;
using asched::test::texts;

namespace {

// Two crons that never agree, with few rounds to look: a trigger whose every search fails
and_trigger never_agrees() { return and_trigger{{cron_trigger{{.hour = "9"}}, cron_trigger{{.hour = "10"}}}, 1s, 20}; }

std::string never_agrees_json()
{
    return R"({"type":"and","triggers":[{"type":"cron","hour":"9"},{"type":"cron","hour":"10"}],)"
           R"("threshold":1,"max_iterations":20})";
}

// The CPU time this thread has used
std::chrono::nanoseconds thread_cpu_time()
{
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::chrono::seconds{ts.tv_sec} + std::chrono::nanoseconds{ts.tv_nsec};
}

}  // namespace

// ------------------------------------------------------------------------------------------ a failing trigger

BOOST_FIXTURE_TEST_SUITE(scheduler_trigger_failure, asched::test::scheduler_fixture)

// The first run time is given, so the job is added; when it comes due the trigger cannot find the next one: the job
// is paused before that run, job_trigger_failed says why and when, and the other job goes on firing.
BOOST_AUTO_TEST_CASE(a_trigger_failing_at_fire_time_pauses_only_its_job)
{
    mock_scheduler sched{ctx, {.zone = time_zone::utc()}};
    record(sched);
    std::vector<instant> failing_runs, other_runs;
    sched.add_job(
        recorder(failing_runs),
        never_agrees(),
        {.id = "failing", .executor = "inline", .next_run_time = T0 + 10s}
    );
    sched.add_job(recorder(other_runs), interval_trigger{5s}, {.id = "other", .executor = "inline"});
    sched.start();
    poll();
    for (int i = 0; i < 4; ++i)
        advance(5s);

    BOOST_TEST(failing_runs.empty());
    BOOST_TEST(texts(other_runs) == seconds_list({5, 10, 15, 20}), boost::test_tools::per_element());
    const auto failed = events_of(event_code::job_trigger_failed, "failing");
    BOOST_REQUIRE(failed.size() == 1u);
    BOOST_TEST(texts(failed[0].scheduled_run_times) == seconds_list({10}), boost::test_tools::per_element());
    BOOST_TEST(static_cast<bool>(failed[0].exception));
    // Kept, paused: it is the user's to fix, and resuming it passes the trigger's error to the caller
    const auto kept = sched.get_job("failing");
    BOOST_REQUIRE(kept.has_value());
    BOOST_TEST(kept->paused());
    BOOST_CHECK_THROW(sched.resume_job("failing"), asched::trigger_search_exhausted);
    BOOST_TEST(count(event_code::job_trigger_failed) == 1u);
    // Given a trigger that works, it runs again
    sched.reschedule_job("failing", interval_trigger{5s});
    advance(5s);
    BOOST_TEST(texts(failing_runs) == seconds_list({25}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

// ----------------------------------------------------------------------- hostile documents in a SQLite file

namespace {

struct hostile_store_fixture : asched::test::scheduler_fixture
{
    asched::test::temp_dir folder;
    std::atomic<int> tick_runs{0};

    static boost::json::object tick_document(const std::string& id, instant next)
    {
        return asched::to_document(job_description{
            .id = id,
            .task_name = "tick",
            .trigger = interval_trigger{1h, {.start_date = T0 + 1h, .timezone = time_zone::utc()}},
            .next_run_time = next,
        });
    }

    // A good job's document with its trigger replaced by raw JSON text
    static std::string with_trigger(const std::string& id, const std::string& trigger_json)
    {
        auto doc = tick_document(id, T0 + 1h);
        doc["trigger"] = boost::json::parse(trigger_json);
        return boost::json::serialize(doc);
    }
};

// The hostile rows: each would have stopped or broken a scheduler before issue 14
std::vector<asched::detail::stored_job_row> hostile_rows()
{
    using row = asched::detail::stored_job_row;
    const auto next = (T0 + 1h).time_since_epoch().count();
    std::vector<row> rows{
        {"endless-and",
         next,
         hostile_store_fixture::with_trigger(
             "endless-and",
             R"({"type":"and","triggers":[{"type":"cron","hour":"9"},{"type":"cron","hour":"10"}],)"
             R"("max_iterations":1000000000000000})"
         )},
        {"past-the-end",
         next,
         hostile_store_fixture::with_trigger(
             "past-the-end",
             R"({"type":"date","run_date":"9999-12-31T23:59:59-12:00"})"
         )},
        {"million-weeks",
         next,
         hostile_store_fixture::with_trigger("million-weeks", R"({"type":"interval","weeks":1e6})")},
        {"huge-cron",
         next,
         hostile_store_fixture::with_trigger(
             "huge-cron",
             R"({"type":"cron","minute":")" + std::string(100000, '7') + R"("})"
         )},
    };
    // An id with a newline, and a next_run_time past the domain
    auto bad_id = hostile_store_fixture::tick_document("bad-id", T0 + 1h);
    bad_id["id"] = "line\nbreak";  // to_document checks ids: written as another program would
    rows.push_back({"line\nbreak", next, boost::json::serialize(bad_id)});
    auto far = hostile_store_fixture::tick_document("year-10000", T0 + 1h);
    far["next_run_time"] = "10000-01-01T00:00:00+00:00";
    rows.push_back({"year-10000", next, boost::json::serialize(far)});
    return rows;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(scheduler_hostile_documents, hostile_store_fixture)

// 1,000 good jobs due at T0+1h, 6 hostile rows and one job whose trigger fails at fire time: the hostile rows are
// quarantined at start, the failing job is paused at its time and stays in the file, and every good job fires at
// T0+1h and T0+2h.
BOOST_AUTO_TEST_CASE(one_hostile_document_among_a_thousand_leaves_every_good_job_on_time)
{
    const auto file = folder.db;
    constexpr int good_jobs = 1000;
    {
        sqlite_job_file f(file, {.create = true, .scheduler_lock = false});
        std::vector<row_write> writes;
        for (int i = 0; i < good_jobs; ++i)
        {
            const std::string id = "good-" + std::to_string(i);
            writes.push_back(
                {row_write_kind::insert,
                 {id, (T0 + 1h).time_since_epoch().count(), boost::json::serialize(tick_document(id, T0 + 1h))}}
            );
        }
        for (auto& r : hostile_rows())
            writes.push_back({row_write_kind::insert, std::move(r)});
        writes.push_back(
            {row_write_kind::insert,
             {"fails-at-fire-time",
              (T0 + 1h).time_since_epoch().count(),
              with_trigger("fails-at-fire-time", never_agrees_json())}}
        );
        f.write(writes);
    }

    std::vector<std::string> log_lines;
    mock_scheduler sched{
        ctx,
        {.zone = time_zone::utc(),
         .jobstores = {{"default", "sqlite:" + file.string()}},
         .log = [&log_lines](asched::log_level, std::string_view line) { log_lines.emplace_back(line); }}};
    sched.register_task("tick", [this] { ++tick_runs; });
    record(sched);
    sched.start();
    poll_until(ctx, [&] { return events_of(event_code::job_quarantined).size() == hostile_rows().size(); });
    BOOST_TEST(sched.job_count() == static_cast<std::size_t>(good_jobs) + 1u);
    std::set<std::string> quarantined;
    for (const auto& e : events_of(event_code::job_quarantined))
        quarantined.insert(e.job_id);
    BOOST_TEST(quarantined.size() == hostile_rows().size());
    BOOST_TEST(quarantined.count("endless-and") == 1u);

    advance(1h);
    poll_until(ctx, [&] { return tick_runs.load() == good_jobs; });
    poll_until(ctx, [&] { return !events_of(event_code::job_trigger_failed).empty(); });
    BOOST_TEST(str(sched.get_job("good-0")->next_run_time) == at_s(7200));
    BOOST_TEST(str(sched.get_job("good-999")->next_run_time) == at_s(7200));
    advance(1h);
    poll_until(ctx, [&] { return tick_runs.load() == 2 * good_jobs; });
    // The runs report back from the thread pool: each run's event follows its run
    BOOST_TEST(poll_until(ctx, [&] { return events_of(event_code::job_executed).size() == 2u * good_jobs; }));
    BOOST_TEST(events_of(event_code::job_trigger_failed).size() == 1u);
    // Every log line is one line, whatever the rows held; the quarantined id is shown escaped
    BOOST_TEST(log_lines.size() >= hostile_rows().size() + 1u);
    for (const auto& line : log_lines)
        BOOST_TEST(line.find('\n') == std::string::npos, line);
    BOOST_TEST(std::any_of(log_lines.begin(), log_lines.end(), [](const std::string& l) {
        return l.find("job 'line\\nbreak' cannot be loaded") != std::string::npos;
    }));
    sched.shutdown();
    poll();

    // In the file: the good jobs and the paused one; the hostile rows aside, with their reasons, one line each
    sqlite_job_file f(file, {.create = false, .scheduler_lock = false});
    BOOST_TEST(f.count() == static_cast<std::size_t>(good_jobs) + 1u);
    bool paused_kept = false;
    for (const auto& r : f.all_jobs())
        if (r.id == "fails-at-fire-time")
            paused_kept = !r.next_run_time_us.has_value();
    BOOST_TEST(paused_kept);
    const auto aside = f.quarantined();
    BOOST_TEST(aside.size() == hostile_rows().size());
    for (const auto& q : aside)
    {
        BOOST_TEST(q.reason.size() < 1100u, q.id);
        BOOST_TEST(q.reason.find('\n') == std::string::npos, q.reason);
    }
}

BOOST_AUTO_TEST_SUITE_END()

// --------------------------------------------------------------------------- beyond the steady clock's reach

BOOST_AUTO_TEST_SUITE(scheduler_far_future)

// Jobs due in 2400, 2600 and 9999 (past the ~292 years a steady_clock time point holds) wait in bounded steps: the
// thread sleeps between a job due in 10 ms and the end of the test, using far less CPU than the wall time that
// passed; a timer that fired early and re-armed without end would use all of it.
BOOST_AUTO_TEST_CASE(a_job_due_in_9999_leaves_the_thread_idle)
{
    boost::asio::io_context io;
    asched::scheduler sched(io, {.zone = time_zone::utc()});
    std::atomic<int> far_runs{0};
    for (const int year : {2400, 2600, 9999})
        sched.add_job(
            [&far_runs] { ++far_runs; },
            date_trigger{asched::test::utc(year, 12, 31, 23, 59, 59)},
            {.id = "year-" + std::to_string(year), .executor = "inline"}
        );
    sched.start();
    io.run_for(50ms);  // start-up work (the store, the zone data) out of the measured part

    std::vector<instant> near_runs;
    const instant due = std::chrono::floor<std::chrono::microseconds>(asched::system_clocks::now()) + 10ms;
    sched.add_job(recorder(near_runs), date_trigger{due}, {.id = "soon", .executor = "inline"});
    const auto cpu_before = thread_cpu_time();
    const auto wall_before = std::chrono::steady_clock::now();
    io.run_for(400ms);
    const auto cpu = thread_cpu_time() - cpu_before;
    const auto wall = std::chrono::steady_clock::now() - wall_before;

    BOOST_TEST(texts(near_runs) == (std::vector<std::string>{str(due)}), boost::test_tools::per_element());
    BOOST_TEST(far_runs.load() == 0);
    BOOST_TEST_MESSAGE(
        "CPU " << std::chrono::duration_cast<std::chrono::microseconds>(cpu).count() << " us in "
               << std::chrono::duration_cast<std::chrono::microseconds>(wall).count() << " us"
    );
    BOOST_TEST(wall >= 400ms);
    BOOST_TEST(
        (cpu < 100ms),
        "the thread used " << std::chrono::duration_cast<std::chrono::milliseconds>(cpu).count()
                           << " ms of CPU in 400 ms"
    );
    for (const int year : {2400, 2600, 9999})
    {
        const auto j = sched.get_job("year-" + std::to_string(year));
        BOOST_REQUIRE(j.has_value());
        BOOST_TEST(str(j->next_run_time) == str(asched::test::utc(year, 12, 31, 23, 59, 59)));
    }
    sched.shutdown();
    io.run_for(10ms);
}

BOOST_AUTO_TEST_SUITE_END()
