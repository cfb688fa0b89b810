// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// The scheduler with job stores (issue 4): jobs written through to a SQLite file survive restarts, registration at
// every start-up is idempotent, runs missed while down follow the misfire rules, rows that cannot be loaded are
// quarantined, a change by another process is noticed, and a store object of one's own works like the built-in
// ones. The scheduler runs on mock clocks; the SQLite store's thread completes on the test's io_context, awaited with
// a bounded poll_until. Expected times are worked out by hand from T0 = 2026-01-05T00:00:00Z.

#include <asched/job_document.hpp>
#include <asched/memory_job_store.hpp>
#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>
#include <random>
#include <sqlite3.h>
#include <sstream>
#include <string>
#include <vector>

#include "common/mock_scheduler.hpp"
#include "common/run_helpers.hpp"
#include "common/temp_dir.hpp"
#include "common/thread_sync.hpp"
#include "lib/sqlite_job_file.hpp"

using namespace std::chrono_literals;
using asched::date_trigger;
using asched::errc;
using asched::event;
using asched::event_code;
using asched::instant;
using asched::interval_trigger;
using asched::job_description;
using asched::scheduler_error;
using asched::time_zone;
using asched::detail::row_write;
using asched::detail::row_write_kind;
using asched::detail::sqlite_job_file;
using asched::detail::stored_job_row;
using asched::test::at_s;
using asched::test::mock_scheduler;
using asched::test::poll_until;
using asched::test::str;
using asched::test::T0;
using asched::test::what_of;

namespace {

struct store_fixture : asched::test::scheduler_fixture
{
    asched::test::temp_dir folder;
    std::filesystem::path file = folder.db;
    std::atomic<int> tick_runs{0};

    asched::scheduler_options options() const
    {
        return {.zone = time_zone::utc(), .jobstores = {{"default", "sqlite:" + file.string()}}};
    }

    /// A scheduler on the file, with the task `tick` registered.
    std::unique_ptr<mock_scheduler> make_scheduler()
    {
        auto sched = std::make_unique<mock_scheduler>(ctx, options());
        sched->register_task("tick", [this] { ++tick_runs; });
        record(*sched);
        return sched;
    }

    /// Starts and waits until the store's jobs are loaded (the store reported them, or an error).
    void start(mock_scheduler& sched)
    {
        sched.start();
        poll_until(ctx, [&] { return loaded(sched); });
    }

    static bool loaded(mock_scheduler& sched)
    {
        for (const auto& j : sched.get_jobs())
            if (j.pending)
                return false;
        return true;
    }

    /// Shuts down, which commits pending writes, then lets the io_context finish what was posted.
    void stop(std::unique_ptr<mock_scheduler>& sched)
    {
        sched->shutdown();
        sched.reset();
        poll();
    }

    /// Runs `sql` on the file through a plain SQLite connection, as damage or another program would change it.
    void change_rows(const std::string& sql) const
    {
        sqlite3* raw = nullptr;
        BOOST_REQUIRE(sqlite3_open(file.c_str(), &raw) == SQLITE_OK);
        const int result = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr);
        BOOST_TEST(result == SQLITE_OK, sqlite3_errmsg(raw));
        BOOST_TEST(sqlite3_changes(raw) == 1);
        sqlite3_close(raw);
    }

    /// The rows as another process sees them.
    std::vector<stored_job_row> rows() const
    {
        sqlite_job_file f(file, {.create = false, .scheduler_lock = false});
        return f.all_jobs();
    }
};

std::string document_text(const job_description& d) { return boost::json::serialize(asched::to_document(d)); }

job_description tick_job(std::string id, instant next)
{
    return job_description{
        .id = std::move(id),
        .task_name = "tick",
        .trigger = interval_trigger{1h, {.start_date = T0 + 1h, .timezone = time_zone::utc()}},
        .next_run_time = next,
    };
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(scheduler_sqlite_store, store_fixture)

BOOST_AUTO_TEST_CASE(registering_at_every_start_keeps_one_job_and_its_schedule)
{
    // APScheduler's trap: a job added at every start-up piles up. With replace_existing and the same trigger, ten
    // restarts leave one job, and its next run stays the one first computed (T0 + 1 h), not "now + 1 h"
    for (int restart = 0; restart < 10; ++restart)
    {
        auto sched = make_scheduler();
        sched->add_job("tick", interval_trigger{1h}, {.id = "tick", .replace_existing = true});
        start(*sched);
        BOOST_TEST(sched->job_count() == 1u);
        BOOST_TEST(str(sched->get_job("tick")->next_run_time) == at_s(3600));
        stop(sched);
        advance(1min);  // the process is down for a minute between runs
    }
    const auto stored = rows();
    BOOST_REQUIRE(stored.size() == 1u);
    BOOST_TEST(stored[0].id == "tick");
    const auto d = asched::from_document(boost::json::parse(stored[0].document));
    BOOST_TEST(d.task_name == "tick");
    BOOST_TEST(str(d.next_run_time) == at_s(3600));
    BOOST_TEST(events_of(event_code::jobstore_error).empty());
}

BOOST_AUTO_TEST_CASE(runs_missed_while_down_follow_each_jobs_misfire_rules)
{
    {
        auto sched = make_scheduler();
        // Every 10 s from T0 + 10 s, coalescing, an hour of grace: after a 65 s outage, one run for T0 + 60 s
        sched->add_job("tick", interval_trigger{10s}, {.id = "every10", .misfire_grace_time = 1h, .coalesce = true});
        // Once at T0 + 5 s, one second of grace: missed during the outage, reported, and gone from the file
        sched->add_job("tick", date_trigger{T0 + 5s}, {.id = "once", .misfire_grace_time = 1s});
        start(*sched);
        BOOST_TEST(sched->job_count() == 2u);
        stop(sched);
    }
    BOOST_TEST(rows().size() == 2u);
    events.clear();
    asched::test::mock_clocks::advance(65s);  // the process is down for 65 s

    auto sched = make_scheduler();  // nothing registered this time: the jobs come from the file
    start(*sched);
    poll_until(ctx, [&] {
        return !events_of(event_code::job_executed).empty() && !events_of(event_code::job_missed).empty();
    });
    BOOST_TEST(tick_runs == 1);
    const auto executed = events_of(event_code::job_executed);
    BOOST_REQUIRE(executed.size() == 1u);
    BOOST_TEST(executed[0].job_id == "every10");
    BOOST_TEST(str(executed[0].scheduled_run_times.back()) == at_s(60));
    const auto missed = events_of(event_code::job_missed);
    BOOST_REQUIRE(missed.size() == 1u);
    BOOST_TEST(missed[0].job_id == "once");
    BOOST_TEST(missed[0].jobstore == "default");
    BOOST_TEST(str(sched->get_job("every10")->next_run_time) == at_s(70));
    BOOST_TEST(!sched->get_job("once").has_value());
    BOOST_TEST(events_of(event_code::job_added).empty());  // loading at start is not news
    stop(sched);
    const auto stored = rows();
    BOOST_REQUIRE(stored.size() == 1u);
    BOOST_TEST(stored[0].id == "every10");
    BOOST_TEST(str(asched::from_document(boost::json::parse(stored[0].document)).next_run_time) == at_s(70));
}

BOOST_AUTO_TEST_CASE(rows_that_cannot_be_loaded_are_quarantined_and_the_rest_load)
{
    {
        sqlite_job_file f(file, {.create = true, .scheduler_lock = false});
        auto ghost = tick_job("ghost", T0 + 1h);
        ghost.task_name = "no_such_task";
        const std::vector<row_write> writes{
            {row_write_kind::insert, {"broken", std::nullopt, "{this is not json"}},
            {row_write_kind::insert, {"ghost", std::nullopt, document_text(ghost)}},
            {row_write_kind::insert, {"fine", std::nullopt, document_text(tick_job("fine", T0 + 1h))}},
        };
        f.write(writes);
    }
    auto sched = make_scheduler();
    start(*sched);
    poll_until(ctx, [&] { return events_of(event_code::job_quarantined).size() == 2u; });
    BOOST_TEST(sched->job_count() == 1u);
    BOOST_TEST(str(sched->get_job("fine")->next_run_time) == at_s(3600));
    std::vector<std::string> quarantined_ids;
    for (const auto& e : events_of(event_code::job_quarantined))
        quarantined_ids.push_back(e.job_id);
    std::sort(quarantined_ids.begin(), quarantined_ids.end());
    BOOST_TEST(quarantined_ids == (std::vector<std::string>{"broken", "ghost"}), boost::test_tools::per_element());
    stop(sched);

    // Nothing was deleted: the two rows wait in the quarantine table, with their reasons
    sqlite_job_file f(file, {.create = false, .scheduler_lock = false});
    BOOST_TEST(f.count() == 1u);
    const auto aside = f.quarantined();
    BOOST_REQUIRE(aside.size() == 2u);
    for (const auto& q : aside)
        if (q.id == "ghost")
            BOOST_TEST(q.reason.find("no_such_task") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_row_changed_after_it_was_written_is_quarantined_and_never_run)
{
    // Issue 15: digits flipped in a stored row changed a job's kwargs, and another's next run time. The checksum
    // catches both: neither job runs with the altered data; the untouched job beside them loads and runs
    {
        sqlite_job_file f(file, {.create = true, .scheduler_lock = false});
        auto with_kwargs = tick_job("kwargs", T0 + 10s);
        with_kwargs.kwargs = {{"year", 2027}};
        const std::vector<row_write> writes{
            {row_write_kind::insert, {"kwargs", (T0 + 10s).time_since_epoch().count(), document_text(with_kwargs)}},
            {row_write_kind::insert,
             {"column", (T0 + 10s).time_since_epoch().count(), document_text(tick_job("column", T0 + 10s))}},
            {row_write_kind::insert,
             {"intact", (T0 + 10s).time_since_epoch().count(), document_text(tick_job("intact", T0 + 10s))}},
        };
        f.write(writes);
    }
    change_rows("UPDATE jobs SET document = replace(document, '2027', '2127') WHERE id = 'kwargs'");
    // A next run time a century later, in the column only (the document keeps its own)
    change_rows("UPDATE jobs SET next_run_time = next_run_time + 3155760000000000 WHERE id = 'column'");

    auto sched = make_scheduler();
    start(*sched);
    poll_until(ctx, [&] { return events_of(event_code::job_quarantined).size() == 2u; });
    BOOST_TEST(sched->job_count() == 1u);
    BOOST_TEST(sched->get_job("intact").has_value());
    for (const auto& e : events_of(event_code::job_quarantined))
    {
        BOOST_TEST((e.job_id == "kwargs" || e.job_id == "column"), e.job_id);
        BOOST_TEST(what_of(e.exception).starts_with("checksum mismatch"), what_of(e.exception));
    }
    advance(10s);
    poll_until(ctx, [&] { return !events_of(event_code::job_executed).empty(); });
    BOOST_TEST(tick_runs == 1);
    const auto executed = events_of(event_code::job_executed);
    BOOST_REQUIRE(executed.size() == 1u);
    BOOST_TEST(executed[0].job_id == "intact");
    stop(sched);

    // Kept aside as they were found, never deleted
    sqlite_job_file f(file, {.create = false, .scheduler_lock = false});
    BOOST_TEST(f.count() == 1u);
    const auto aside = f.quarantined();
    BOOST_REQUIRE(aside.size() == 2u);
    for (const auto& q : aside)
    {
        BOOST_TEST(q.reason.starts_with("checksum mismatch"), q.reason);
        if (q.id == "kwargs")
            BOOST_TEST(q.document.find("2127") != std::string::npos, q.document);
    }
}

BOOST_AUTO_TEST_CASE(a_stored_job_without_a_next_run_time_gets_one_written_back)
{
    // An imported job (no next_run_time field: not computed yet, not paused) gets its first fire time at start,
    // and the file shows it: the trigger's grid starts at T0 + 1 h
    {
        sqlite_job_file f(file, {.create = true, .scheduler_lock = false});
        auto imported = tick_job("imported", T0);
        imported.next_run_time.reset();
        const std::vector<row_write> writes{
            {row_write_kind::insert, {"imported", std::nullopt, document_text(imported)}},
        };
        f.write(writes);
    }
    BOOST_REQUIRE(!asched::from_document(boost::json::parse(rows().at(0).document)).next_run_time.has_value());
    auto sched = make_scheduler();
    start(*sched);
    poll_until(ctx, [&] { return sched->job_count() == 1u; });
    BOOST_TEST(str(sched->get_job("imported")->next_run_time) == at_s(3600));
    stop(sched);
    const auto stored = rows();
    BOOST_REQUIRE(stored.size() == 1u);
    BOOST_TEST(str(asched::from_document(boost::json::parse(stored[0].document)).next_run_time) == at_s(3600));
}

BOOST_AUTO_TEST_CASE(a_job_without_a_named_task_is_refused_at_add)
{
    auto sched = make_scheduler();
    try
    {
        sched->add_job([] {}, interval_trigger{1h}, {.id = "anonymous"});
        BOOST_FAIL("an anonymous task was accepted by a persistent store");
    }
    catch (const scheduler_error& e)
    {
        BOOST_TEST(e.code() == make_error_code(errc::task_not_found));
        BOOST_TEST(std::string(e.what()).find("register_task") != std::string::npos);
        BOOST_TEST(std::string(e.what()).find("'default'") != std::string::npos);
    }
    BOOST_TEST(sched->job_count() == 0u);
}

BOOST_AUTO_TEST_CASE(async_add_job_completes_once_the_job_is_in_the_file)
{
    auto sched = make_scheduler();
    start(*sched);
    std::optional<std::string> added;
    sched->async_add_job(
        *sched->find_task("tick"),
        interval_trigger{1h},
        {.id = "durable"},
        [&](std::exception_ptr error, std::string id) {
            BOOST_TEST(!static_cast<bool>(error));
            added = id;
            // Durable when the completion runs: another connection sees it now
            const auto stored = rows();
            BOOST_TEST(stored.size() == 1u);
        }
    );
    poll_until(ctx, [&] { return added.has_value(); });
    BOOST_TEST(*added == "durable");
}

BOOST_AUTO_TEST_CASE(a_change_by_another_process_is_noticed_and_armed)
{
    auto sched = make_scheduler();
    sched->add_job("tick", interval_trigger{1h}, {.id = "a"});
    start(*sched);
    poll_until(ctx, [&] { return rows().size() == 1u; });

    // Another process (the `asched jobs` command) removes "a" and adds "b", due in 10 s
    {
        sqlite_job_file other(file, {.create = false, .scheduler_lock = false});
        const std::vector<row_write> writes{
            {row_write_kind::remove, {"a", std::nullopt, ""}},
            {row_write_kind::insert, {"b", std::nullopt, document_text(tick_job("b", T0 + 10s))}},
        };
        other.write(writes);
    }
    poll_until(ctx, [&] { return sched->get_job("b").has_value() && !sched->get_job("a").has_value(); });
    BOOST_TEST(str(sched->get_job("b")->next_run_time) == at_s(10));
    // The other process's changes are events; loading the file at start was not
    std::vector<std::string> news;
    for (const auto& e : events)
        if (e.code == event_code::job_added || e.code == event_code::job_removed)
            news.push_back(std::string(asched::to_string(e.code)) + " " + e.job_id);
    BOOST_TEST(
        news == (std::vector<std::string>{"job_added a", "job_added b", "job_removed a"}),
        boost::test_tools::per_element()
    );
    advance(10s);
    poll_until(ctx, [&] { return tick_runs == 1; });  // on the default executor: a pool thread
    BOOST_TEST(tick_runs == 1);
}

BOOST_AUTO_TEST_CASE(a_second_scheduler_on_the_file_is_refused_and_says_why)
{
    // The file is opened (and locked) when the scheduler is built: a second one fails there, naming the holder
    auto first = make_scheduler();
    start(*first);
    try
    {
        mock_scheduler second(ctx, options());
        BOOST_FAIL("a second scheduler opened the same SQLite file");
    }
    catch (const std::system_error& e)
    {
        const std::string what = e.what();
        BOOST_TEST(what.find("in use by another scheduler") != std::string::npos, what);
        BOOST_TEST(what.find(file.string()) != std::string::npos, what);
    }
    // The first one is unaffected
    first->add_job("tick", interval_trigger{1h}, {.id = "still-fine"});
    poll_until(ctx, [&] { return rows().size() == 1u; });
}

BOOST_AUTO_TEST_SUITE_END()

// ------------------------------------------------------------------------------------------- a store object

BOOST_FIXTURE_TEST_SUITE(scheduler_store_objects, asched::test::scheduler_fixture)

BOOST_AUTO_TEST_CASE(a_store_object_holds_the_jobs_and_their_next_run_times)
{
    mock_scheduler sched(ctx, {.zone = time_zone::utc()});
    auto store = std::make_shared<asched::memory_job_store>(ctx.get_executor());
    sched.add_jobstore("data", store);
    int runs = 0;
    sched.register_task("count", [&] { ++runs; });
    sched.add_job("count", interval_trigger{10s}, {.id = "counter", .executor = "inline", .jobstore = "data"});
    BOOST_TEST(sched.get_job("counter")->jobstore == "data");
    BOOST_TEST(sched.get_jobs("default").empty());
    BOOST_TEST(sched.get_jobs("data").size() == 1u);
    sched.start();
    poll();

    const auto stored_next = [&] {
        std::optional<instant> next;
        bool done = false;
        store->async_find("counter", [&](asched::error_code ec, std::optional<job_description> d) {
            BOOST_TEST(!ec);
            if (d)
                next = d->next_run_time;
            done = true;
        });
        poll_until(ctx, [&] { return done; });
        return next;
    };
    BOOST_TEST(str(stored_next()) == at_s(10));
    advance(10s);
    BOOST_TEST(runs == 1);
    BOOST_TEST(str(stored_next()) == at_s(20));

    sched.pause_job("counter");
    BOOST_TEST(!stored_next().has_value());
    sched.remove_job("counter");
    poll();
    bool found = true;
    store->async_find("counter", [&](asched::error_code, std::optional<job_description> d) { found = d.has_value(); });
    poll();
    BOOST_TEST(!found);

    // An unknown store is named in the error with the ones that exist
    try
    {
        sched.add_job("count", interval_trigger{10s}, {.jobstore = "nope"});
        BOOST_FAIL("an unknown store was accepted");
    }
    catch (const scheduler_error& e)
    {
        BOOST_TEST(e.code() == make_error_code(errc::jobstore_not_found));
        BOOST_TEST(std::string(e.what()).find("'data', 'default'") != std::string::npos);
    }
    record(sched);
    sched.remove_jobstore("data");
    BOOST_TEST(count(event_code::jobstore_removed) == 1u);
    BOOST_TEST(sched.get_jobs("data").empty() == true);
}

BOOST_AUTO_TEST_CASE(print_jobs_shows_one_block_per_store)
{
    mock_scheduler sched(ctx, {.zone = time_zone::utc(), .jobstores = {{"other", "memory:"}}});
    sched.add_job([] {}, date_trigger{T0 + 1h}, {.id = "in-default", .executor = "inline"});
    sched.add_job([] {}, date_trigger{T0 + 2h}, {.id = "in-other", .executor = "inline", .jobstore = "other"});
    sched.start();
    std::ostringstream all, other;
    sched.print_jobs(all);
    sched.print_jobs(other, "other");
    BOOST_TEST(
        all.str() ==
        "Jobstore default:\n"
        "    in-default (trigger: date[2026-01-05T01:00:00+00:00], next run at: 2026-01-05T01:00:00+00:00)\n"
        "Jobstore other:\n"
        "    in-other (trigger: date[2026-01-05T02:00:00+00:00], next run at: 2026-01-05T02:00:00+00:00)\n"
    );
    BOOST_TEST(
        other.str() ==
        "Jobstore other:\n"
        "    in-other (trigger: date[2026-01-05T02:00:00+00:00], next run at: 2026-01-05T02:00:00+00:00)\n"
    );
    BOOST_CHECK_THROW(sched.print_jobs(other, "nope"), scheduler_error);
}

BOOST_AUTO_TEST_SUITE_END()
