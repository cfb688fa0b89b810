// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// The job stores (include/asched/memory_job_store.hpp, sqlite_job_store.hpp, job_store_url.hpp). One conformance
// suite runs the same cases against both stores: add/find/update/remove and their error codes, the order of
// listings, due and earliest queries, remove_all, quarantine, completions posted to the handler's executor. Then
// what only the SQLite store has: reopening, durable writes, rows that cannot be read back, group commit under many
// concurrent adds, another process's changes, the scheduler lock, closing. Then the URL factory.
//
// Every operation is started with a callback; the test checks that it did not complete inside the call, then runs
// the io_context until it did, within test::budget (the SQLite store completes from its own thread). Files live in
// fresh temporary directories, removed afterwards.

#include <asched/errors.hpp>
#include <asched/job_document.hpp>
#include <asched/job_store.hpp>
#include <asched/job_store_url.hpp>
#include <asched/memory_job_store.hpp>
#include <asched/shared_job_store.hpp>
#include <asched/sqlite_job_store.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <sqlite3.h>
#include <string>
#include <system_error>
#include <thread>
#include <tuple>
#include <unistd.h>
#include <vector>

#include "common/damaged_files.hpp"
#include "common/mock_scheduler.hpp"
#include "common/temp_dir.hpp"
#include "common/thread_sync.hpp"
#include "common/trigger_helpers.hpp"
#include "lib/sqlite_job_file.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using asched::cron_trigger;
using asched::date_trigger;
using asched::errc;
using asched::error_code;
using asched::instant;
using asched::interval_trigger;
using asched::job_description;
using asched::job_listing;
using asched::job_store;
using asched::memory_job_store;
using asched::quarantined_job;
using asched::sqlite_job_store;
using asched::time_zone;
using asched::detail::row_write;
using asched::detail::row_write_kind;
using asched::detail::sqlite_job_file;
using asched::test::at;
using asched::test::budget;
using asched::test::contains;
using asched::test::str;
using ids = std::vector<std::string>;

namespace {

using asched::test::temp_dir;

/**
 * Starts an operation with a callback taking `Results...`, checks that it did not complete inside the initiating
 * call, then runs `ctx` until it completed; fails the test after the budget.
 */
template <class... Results, class Start>
std::tuple<Results...> complete(boost::asio::io_context& ctx, Start&& start)
{
    std::optional<std::tuple<Results...>> results;
    start([&results](Results... r) { results.emplace(std::move(r)...); });
    BOOST_TEST(!results.has_value());  // never inside the initiating call
    const auto deadline = std::chrono::steady_clock::now() + budget;
    while (!results && std::chrono::steady_clock::now() < deadline)
    {
        ctx.restart();
        ctx.run_one_for(10ms);
    }
    BOOST_TEST_REQUIRE(results.has_value());
    return std::move(*results);
}

/// Runs `ctx` until `done()` holds; false (and a failed test) after the budget.
template <class Done>
bool run_until(boost::asio::io_context& ctx, Done done)
{
    const auto deadline = std::chrono::steady_clock::now() + budget;
    while (!done() && std::chrono::steady_clock::now() < deadline)
    {
        ctx.restart();
        ctx.run_one_for(10ms);
    }
    BOOST_TEST(done());
    return done();
}

/// A job running "task" hourly, with the given next run time (none: not computed yet) and pause state.
job_description job(const std::string& id, std::optional<instant> next, bool paused = false)
{
    return {
        .id = id,
        .name = "job " + id,
        .task_name = "task",
        .trigger = interval_trigger{1h},
        .next_run_time = next,
        .paused = paused,
    };
}

/// A job with every member away from its default.
job_description rich(const std::string& id)
{
    return {
        .id = id,
        .name = "Nightly report",
        .task_name = "send_report",
        .args = {1, "x", 2.5, nullptr},
        .kwargs = {{"to", "ops"}, {"cc", boost::json::array{"a", "b"}}},
        .trigger = cron_trigger{{.hour = "14", .minute = "0"}, {.timezone = time_zone::locate("Europe/Berlin")}},
        .executor = "pool",
        .misfire_grace_time = 2500ms,
        .coalesce = false,
        .max_instances = 3,
        .next_run_time = at("2026-11-21T13:00:00.123456Z"),
    };
}

ids ids_of(const std::vector<job_description>& jobs)
{
    ids out;
    for (const auto& j : jobs)
        out.push_back(j.id);
    return out;
}

ids ids_of(const std::vector<quarantined_job>& jobs)
{
    ids out;
    for (const auto& j : jobs)
        out.push_back(j.id);
    return out;
}

struct memory_kind
{
    using store_type = memory_job_store;
    static std::unique_ptr<store_type> open(boost::asio::any_io_executor ex, const fs::path&)
    {
        return std::make_unique<memory_job_store>(std::move(ex));
    }
};

struct sqlite_kind
{
    using store_type = sqlite_job_store;
    static std::unique_ptr<store_type> open(boost::asio::any_io_executor ex, const fs::path& db)
    {
        auto store = std::make_unique<sqlite_job_store>(std::move(ex), asched::sqlite_store_options{.path = db});
        store->wait_open();
        return store;
    }
};

using store_kinds = std::tuple<memory_kind, sqlite_kind>;

/// A store of the given kind (in a fresh directory for SQLite), its io_context, and each operation run to its end.
template <class Kind>
struct store_under_test
{
    temp_dir tmp;
    boost::asio::io_context ctx;
    std::unique_ptr<typename Kind::store_type> store = Kind::open(ctx.get_executor(), tmp.db);

    ~store_under_test()
    {
        if (store)
            store->close();
    }

    error_code add(job_description d, bool replace_existing = false)
    {
        return std::get<0>(complete<error_code>(ctx, [&](auto cb) {
            store->async_add(std::move(d), replace_existing, cb);
        }));
    }
    error_code update(job_description d)
    {
        return std::get<0>(complete<error_code>(ctx, [&](auto cb) { store->async_update(std::move(d), cb); }));
    }
    error_code remove(const std::string& id)
    {
        return std::get<0>(complete<error_code>(ctx, [&](auto cb) { store->async_remove(id, cb); }));
    }
    error_code remove_all()
    {
        return std::get<0>(complete<error_code>(ctx, [&](auto cb) { store->async_remove_all(cb); }));
    }
    error_code quarantine(const std::string& id, const std::string& reason)
    {
        return std::get<0>(complete<error_code>(ctx, [&](auto cb) { store->async_quarantine(id, reason, cb); }));
    }
    std::optional<job_description> find(const std::string& id)
    {
        auto [ec, found] = complete<error_code, std::optional<job_description>>(ctx, [&](auto cb) {
            store->async_find(id, cb);
        });
        BOOST_TEST(!ec);
        return found;
    }
    job_listing all_jobs()
    {
        auto [ec, listing] = complete<error_code, job_listing>(ctx, [&](auto cb) { store->async_all_jobs(cb); });
        BOOST_TEST(!ec);
        return listing;
    }
    job_listing due_jobs(instant until)
    {
        auto [ec, listing] = complete<error_code, job_listing>(ctx, [&](auto cb) { store->async_due_jobs(until, cb); });
        BOOST_TEST(!ec);
        return listing;
    }
    std::optional<instant> earliest()
    {
        auto [ec, t] = complete<error_code, std::optional<instant>>(ctx, [&](auto cb) {
            store->async_earliest_next_run_time(cb);
        });
        BOOST_TEST(!ec);
        return t;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(job_stores)

BOOST_AUTO_TEST_CASE_TEMPLATE(an_added_job_is_found_as_it_was_given, Kind, store_kinds)
{
    store_under_test<Kind> s;
    const auto nightly = rich("nightly");
    BOOST_TEST(!s.add(nightly));
    const auto found = s.find("nightly");
    BOOST_TEST_REQUIRE(found.has_value());
    BOOST_TEST((*found == nightly));
    // A missing id is no error: the answer is none
    BOOST_TEST(!s.find("missing").has_value());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(an_existing_id_conflicts_unless_replace_existing, Kind, store_kinds)
{
    store_under_test<Kind> s;
    auto first = job("a", at("2026-01-05T10:00:00Z"));
    auto second = job("a", at("2026-01-05T11:00:00Z"));
    second.name = "second";
    BOOST_TEST(!s.add(first));
    // Without replace_existing the stored job stays
    BOOST_TEST(s.add(second) == error_code(errc::conflicting_job_id));
    BOOST_TEST((s.find("a") == first));
    // With it, the new description replaces the old one, also in the time order
    BOOST_TEST(!s.add(second, true));
    BOOST_TEST((s.find("a") == second));
    BOOST_TEST(str(s.earliest()) == str(at("2026-01-05T11:00:00Z")));
    BOOST_TEST(s.all_jobs().jobs.size() == 1u);
    // replace_existing also adds a new id
    BOOST_TEST(!s.add(job("b", std::nullopt), true));
    BOOST_TEST(ids_of(s.all_jobs().jobs) == (ids{"a", "b"}));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(update_replaces_and_a_missing_id_is_not_found, Kind, store_kinds)
{
    store_under_test<Kind> s;
    BOOST_TEST(!s.add(job("a", at("2026-01-05T10:00:00Z"))));
    auto later = job("a", at("2026-01-05T12:00:00Z"));
    later.max_instances = 4;
    BOOST_TEST(!s.update(later));
    BOOST_TEST((s.find("a") == later));
    BOOST_TEST(str(s.earliest()) == str(at("2026-01-05T12:00:00Z")));
    // An update never adds
    BOOST_TEST(s.update(job("missing", at("2026-01-05T10:00:00Z"))) == error_code(errc::job_not_found));
    BOOST_TEST(!s.find("missing").has_value());
    BOOST_TEST(s.all_jobs().jobs.size() == 1u);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(remove_removes_and_a_missing_id_is_not_found, Kind, store_kinds)
{
    store_under_test<Kind> s;
    BOOST_TEST(!s.add(job("a", at("2026-01-05T10:00:00Z"))));
    BOOST_TEST(!s.add(job("b", at("2026-01-05T11:00:00Z"))));
    BOOST_TEST(!s.remove("a"));
    BOOST_TEST(!s.find("a").has_value());
    BOOST_TEST(ids_of(s.all_jobs().jobs) == ids{"b"});
    BOOST_TEST(str(s.earliest()) == str(at("2026-01-05T11:00:00Z")));
    BOOST_TEST(s.remove("a") == error_code(errc::job_not_found));
    // The id is free again
    BOOST_TEST(!s.add(job("a", at("2026-01-05T12:00:00Z"))));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(all_jobs_are_by_next_run_time_then_those_without_one_by_id, Kind, store_kinds)
{
    store_under_test<Kind> s;
    // Added out of order; b and c share a time, so the id decides; p and m are paused, n not computed yet
    BOOST_TEST(!s.add(job("p", std::nullopt, true)));
    BOOST_TEST(!s.add(job("c", at("2026-01-05T10:00:00Z"))));
    BOOST_TEST(!s.add(job("n", std::nullopt)));
    BOOST_TEST(!s.add(job("a", at("2026-01-05T12:00:00Z"))));
    BOOST_TEST(!s.add(job("b", at("2026-01-05T10:00:00Z"))));
    BOOST_TEST(!s.add(job("m", std::nullopt, true)));
    BOOST_TEST(!s.add(job("z", at("2026-01-05T09:59:59.999999Z"))));
    const auto listing = s.all_jobs();
    BOOST_TEST(ids_of(listing.jobs) == (ids{"z", "b", "c", "a", "m", "n", "p"}));
    BOOST_TEST(listing.quarantined.empty());
    // Paused and not-yet-computed stay distinct
    BOOST_TEST((s.find("n") == job("n", std::nullopt)));
    BOOST_TEST((s.find("m") == job("m", std::nullopt, true)));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(due_jobs_include_until_and_never_jobs_without_a_next_run_time, Kind, store_kinds)
{
    store_under_test<Kind> s;
    BOOST_TEST(!s.add(job("ten", at("2026-01-05T10:00:00Z"))));
    BOOST_TEST(!s.add(job("eleven", at("2026-01-05T11:00:00Z"))));
    BOOST_TEST(!s.add(job("twelve", at("2026-01-05T12:00:00Z"))));
    BOOST_TEST(!s.add(job("paused", std::nullopt, true)));
    BOOST_TEST(!s.add(job("pending", std::nullopt)));
    // `until` itself is due
    BOOST_TEST(ids_of(s.due_jobs(at("2026-01-05T11:00:00Z")).jobs) == (ids{"ten", "eleven"}));
    // One microsecond before the first: nothing
    BOOST_TEST(s.due_jobs(at("2026-01-05T09:59:59.999999Z")).jobs.empty());
    BOOST_TEST(ids_of(s.due_jobs(at("2099-01-01T00:00:00Z")).jobs) == (ids{"ten", "eleven", "twelve"}));
    BOOST_TEST((s.due_jobs(at("2026-01-05T10:00:00Z")).jobs.at(0) == job("ten", at("2026-01-05T10:00:00Z"))));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(earliest_next_run_time_is_none_without_a_timed_job, Kind, store_kinds)
{
    store_under_test<Kind> s;
    BOOST_TEST(!s.earliest().has_value());
    BOOST_TEST(!s.add(job("paused", std::nullopt, true)));
    BOOST_TEST(!s.add(job("pending", std::nullopt)));
    BOOST_TEST(!s.earliest().has_value());
    BOOST_TEST(!s.add(job("twelve", at("2026-01-05T12:00:00Z"))));
    BOOST_TEST(!s.add(job("ten", at("2026-01-05T10:00:00Z"))));
    BOOST_TEST(str(s.earliest()) == str(at("2026-01-05T10:00:00Z")));
    BOOST_TEST(!s.remove("ten"));
    BOOST_TEST(str(s.earliest()) == str(at("2026-01-05T12:00:00Z")));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(a_paused_jobs_next_run_time_is_not_kept, Kind, store_kinds)
{
    // A paused job's document says null for next_run_time: both stores give it back unset, and never as due
    store_under_test<Kind> s;
    BOOST_TEST(!s.add(job("paused", at("2026-01-05T10:00:00Z"), true)));
    BOOST_TEST((s.find("paused") == job("paused", std::nullopt, true)));
    BOOST_TEST(s.due_jobs(at("2099-01-01T00:00:00Z")).jobs.empty());
    BOOST_TEST(!s.earliest().has_value());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(remove_all_empties_the_store, Kind, store_kinds)
{
    store_under_test<Kind> s;
    BOOST_TEST(!s.add(job("a", at("2026-01-05T10:00:00Z"))));
    BOOST_TEST(!s.add(job("b", std::nullopt, true)));
    BOOST_TEST(!s.add(job("c", std::nullopt)));
    BOOST_TEST(!s.remove_all());
    BOOST_TEST(s.all_jobs().jobs.empty());
    BOOST_TEST(!s.earliest().has_value());
    BOOST_TEST(!s.find("a").has_value());
    BOOST_TEST(!s.remove_all());  // on an empty store too
    BOOST_TEST(!s.add(job("a", at("2026-01-05T10:00:00Z"))));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(quarantine_moves_the_job_aside_with_its_reason, Kind, store_kinds)
{
    store_under_test<Kind> s;
    BOOST_TEST(!s.add(job("a", at("2026-01-05T10:00:00Z"))));
    BOOST_TEST(!s.add(job("b", at("2026-01-05T11:00:00Z"))));
    BOOST_TEST(!s.quarantine("a", "no task 'task' is registered"));
    BOOST_TEST(ids_of(s.all_jobs().jobs) == ids{"b"});
    BOOST_TEST(!s.find("a").has_value());
    BOOST_TEST(str(s.earliest()) == str(at("2026-01-05T11:00:00Z")));
    // A missing id is not an error, and quarantines nothing
    BOOST_TEST(!s.quarantine("missing", "whatever"));
    const auto quarantined = s.store->quarantined();
    BOOST_TEST_REQUIRE(quarantined.size() == 1u);
    BOOST_TEST(quarantined[0].id == "a");
    BOOST_TEST(quarantined[0].reason == "no task 'task' is registered");
    // remove_all leaves the quarantined jobs alone
    BOOST_TEST(!s.remove_all());
    BOOST_TEST(s.store->quarantined().size() == 1u);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(completions_run_on_the_handlers_associated_executor, Kind, store_kinds)
{
    store_under_test<Kind> s;
    boost::asio::io_context other;
    bool called = false;
    bool on_other = false;
    s.store->async_add(
        job("a", at("2026-01-05T10:00:00Z")),
        false,
        boost::asio::bind_executor(
            other.get_executor(),
            [&](error_code ec) {
                BOOST_TEST(!ec);
                called = true;
                on_other = other.get_executor().running_in_this_thread();
            }
        )
    );
    BOOST_TEST(!called);
    const auto deadline = std::chrono::steady_clock::now() + budget;
    while (!called && std::chrono::steady_clock::now() < deadline)
    {
        // The store's executor takes the completion first, then hands it to the handler's
        s.ctx.restart();
        s.ctx.run_one_for(1ms);
        other.restart();
        other.poll();
    }
    BOOST_TEST(called);
    BOOST_TEST(on_other);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(an_outstanding_operation_keeps_run_from_returning, Kind, store_kinds)
{
    // io_context::run returns once out of work: an operation in flight must count as work until it completed
    store_under_test<Kind> s;
    bool called = false;
    s.store->async_add(job("a", at("2026-01-05T10:00:00Z")), false, [&](error_code) { called = true; });
    s.ctx.run_for(budget);
    BOOST_TEST(called);
    BOOST_TEST(s.ctx.stopped());  // returned for want of work, not for the budget
}

BOOST_AUTO_TEST_CASE_TEMPLATE(a_description_without_a_valid_document_throws_and_changes_nothing, Kind, store_kinds)
{
    store_under_test<Kind> s;
    auto no_task = job("a", at("2026-01-05T10:00:00Z"));
    no_task.task_name.clear();
    bool called = false;
    const auto message = asched::test::what_of<asched::invalid_job_document>([&] {
        s.store->async_add(no_task, false, [&](error_code) { called = true; });
    });
    BOOST_TEST(contains(message, "field \"task\""));
    auto zero_instances = job("a", at("2026-01-05T10:00:00Z"));
    zero_instances.max_instances = 0;
    BOOST_TEST(contains(
        asched::test::what_of<asched::invalid_job_document>([&] {
            s.store->async_update(zero_instances, [&](error_code) { called = true; });
        }),
        "field \"max_instances\""
    ));
    s.ctx.restart();
    s.ctx.poll();
    BOOST_TEST(!called);
    BOOST_TEST(s.all_jobs().jobs.empty());
}

BOOST_AUTO_TEST_SUITE_END()

// ---- what only the SQLite store does --------------------------------------------------------------------------------

namespace {

/// A row as another process (the `asched jobs` command) would write it, with its own connection.
void write_rows(const fs::path& db, std::vector<row_write> writes)
{
    sqlite_job_file cli(db, {.create = false, .scheduler_lock = false});
    const auto results = cli.write(writes);
    for (const auto& ec : results)
        BOOST_TEST_REQUIRE(!ec);
}

row_write insert_row(std::string id, std::optional<std::int64_t> next_us, std::string document)
{
    return {row_write_kind::insert, {std::move(id), next_us, std::move(document)}};
}

std::string document_text(const job_description& d) { return boost::json::serialize(asched::to_document(d)); }

std::int64_t us_of(instant t) { return t.time_since_epoch().count(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(sqlite_job_stores)

BOOST_AUTO_TEST_CASE(a_reopened_store_has_every_job_exactly_as_it_was_added)
{
    auto grace_unlimited = job("unlimited", at("2026-01-05T08:00:00Z"));
    grace_unlimited.misfire_grace_time = asched::unlimited_grace;
    auto once = job("once", at("2026-06-01T12:00:00.25Z"));
    once.trigger = date_trigger{at("2026-06-01T12:00:00.25Z"), time_zone::locate("Asia/Tokyo")};
    // By next run time (08:00, 2026-06-01, 2026-11-21), then paused and pending by id
    const std::vector<job_description> expected{
        grace_unlimited,
        once,
        rich("nightly"),
        job("paused", std::nullopt, true),
        job("pending", std::nullopt),
    };
    store_under_test<sqlite_kind> s;
    for (auto it = expected.rbegin(); it != expected.rend(); ++it)
        BOOST_TEST(!s.add(*it));
    s.store->close();
    s.store = sqlite_kind::open(s.ctx.get_executor(), s.tmp.db);
    const auto listing = s.all_jobs();
    BOOST_TEST(listing.quarantined.empty());
    BOOST_TEST_REQUIRE(listing.jobs.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
        BOOST_TEST((listing.jobs[i] == expected[i]), "job " << i << ": " << expected[i].id);
}

BOOST_AUTO_TEST_CASE(a_completed_write_is_in_the_file_with_its_document_and_next_run_time_column)
{
    store_under_test<sqlite_kind> s;
    const auto nightly = rich("nightly");
    BOOST_TEST(!s.add(nightly));
    BOOST_TEST(!s.add(job("paused", at("2026-01-05T10:00:00Z"), true)));
    BOOST_TEST(!s.add(job("pending", std::nullopt)));
    // Another connection sees each write as soon as its completion ran
    sqlite_job_file cli(s.tmp.db, {.create = false, .scheduler_lock = false});
    const auto row = cli.find("nightly");
    BOOST_TEST_REQUIRE(row.has_value());
    BOOST_TEST_REQUIRE(row->next_run_time_us.has_value());
    BOOST_TEST(*row->next_run_time_us == us_of(at("2026-11-21T13:00:00.123456Z")));
    BOOST_TEST(boost::json::parse(row->document) == boost::json::value(asched::to_document(nightly)));
    // Paused and not computed: both NULL in the column, told apart by the document (null, absent)
    const auto paused = cli.find("paused");
    const auto pending = cli.find("pending");
    BOOST_TEST_REQUIRE((paused && pending));
    BOOST_TEST(!paused->next_run_time_us.has_value());
    BOOST_TEST(!pending->next_run_time_us.has_value());
    BOOST_TEST(boost::json::parse(paused->document).as_object().at("next_run_time").is_null());
    BOOST_TEST(!boost::json::parse(pending->document).as_object().contains("next_run_time"));
}

BOOST_AUTO_TEST_CASE(rows_that_cannot_be_read_are_quarantined_by_the_read_and_reported)
{
    store_under_test<sqlite_kind> s;
    BOOST_TEST(!s.add(job("good-10", at("2026-01-05T10:00:00Z"))));
    BOOST_TEST(!s.add(job("good-12", at("2026-01-05T12:00:00Z"))));
    BOOST_TEST(!s.add(job("good-paused", std::nullopt, true)));
    auto zero = asched::to_document(job("bad-field", std::nullopt));
    zero["max_instances"] = 0;
    write_rows(
        s.tmp.db,
        {
            insert_row("not-json", us_of(at("2026-01-05T11:00:00Z")), "{oops"),
            insert_row("bad-field", std::nullopt, boost::json::serialize(zero)),
            insert_row("wrong-id", us_of(at("2026-01-05T09:00:00Z")), document_text(job("other", std::nullopt))),
        }
    );
    // In the read order: by the column, NULLs last, then by id
    const auto listing = s.all_jobs();
    BOOST_TEST(ids_of(listing.jobs) == (ids{"good-10", "good-12", "good-paused"}));
    BOOST_TEST_REQUIRE(ids_of(listing.quarantined) == (ids{"wrong-id", "not-json", "bad-field"}));
    BOOST_TEST(contains(listing.quarantined[0].reason, "\"other\""));
    BOOST_TEST(contains(listing.quarantined[1].reason, "not JSON"));
    BOOST_TEST(contains(listing.quarantined[2].reason, "field \"max_instances\""));
    // Moved, not deleted: the next read does not meet them, the quarantine table has them with their documents
    BOOST_TEST(s.all_jobs().quarantined.empty());
    BOOST_TEST(ids_of(s.store->quarantined()) == (ids{"wrong-id", "not-json", "bad-field"}));
    sqlite_job_file cli(s.tmp.db, {.create = false, .scheduler_lock = false});
    const auto rows = cli.quarantined();
    BOOST_TEST_REQUIRE(rows.size() == 3u);
    BOOST_TEST(rows[1].id == "not-json");
    BOOST_TEST(rows[1].document == "{oops");
    BOOST_TEST(rows[1].reason == listing.quarantined[1].reason);
    BOOST_TEST(cli.count() == 3u);
}

BOOST_AUTO_TEST_CASE(find_and_due_jobs_quarantine_the_broken_rows_they_meet)
{
    store_under_test<sqlite_kind> s;
    BOOST_TEST(!s.add(job("good", at("2026-01-05T10:00:00Z"))));
    write_rows(
        s.tmp.db,
        {
            insert_row("broken-due", us_of(at("2026-01-05T09:00:00Z")), "[]"),
            insert_row("broken-found", std::nullopt, "null"),
        }
    );
    // earliest reads the column only
    BOOST_TEST(str(s.earliest()) == str(at("2026-01-05T09:00:00Z")));
    const auto due = s.due_jobs(at("2026-01-05T10:00:00Z"));
    BOOST_TEST(ids_of(due.jobs) == ids{"good"});
    BOOST_TEST(ids_of(due.quarantined) == ids{"broken-due"});
    BOOST_TEST(str(s.earliest()) == str(at("2026-01-05T10:00:00Z")));
    BOOST_TEST(!s.find("broken-found").has_value());
    BOOST_TEST(ids_of(s.store->quarantined()) == (ids{"broken-due", "broken-found"}));
}

BOOST_AUTO_TEST_CASE(a_thousand_concurrent_adds_all_complete_and_survive_a_reopen)
{
    store_under_test<sqlite_kind> s;
    constexpr int total = 1'000;
    int completed = 0;
    int failed = 0;
    for (int i = 0; i < total; ++i)
    {
        s.store->async_add(
            job("job-" + std::to_string(i), at("2026-01-05T10:00:00Z") + i * 1s),
            false,
            [&](error_code ec) {
                ++completed;
                failed += ec ? 1 : 0;
            }
        );
    }
    BOOST_TEST(completed == 0);  // none inside its call
    BOOST_TEST_REQUIRE(run_until(s.ctx, [&] { return completed == total; }));
    BOOST_TEST(failed == 0);
    s.store->close();
    s.store = sqlite_kind::open(s.ctx.get_executor(), s.tmp.db);
    const auto jobs = s.all_jobs().jobs;
    BOOST_TEST_REQUIRE(jobs.size() == static_cast<std::size_t>(total));
    // By next run time, which the test gave in id order
    for (int i = 0; i < total; ++i)
        BOOST_TEST((jobs[i] == job("job-" + std::to_string(i), at("2026-01-05T10:00:00Z") + i * 1s)));
}

BOOST_AUTO_TEST_CASE(watch_is_called_after_another_connection_writes)
{
    temp_dir tmp;
    boost::asio::io_context ctx;
    sqlite_job_store store(ctx.get_executor(), {.path = tmp.db, .change_poll = 5ms});
    store.wait_open();
    std::atomic<int> changes{0};
    store.watch([&] { ++changes; });
    write_rows(
        tmp.db,
        {insert_row(
            "from-cli",
            us_of(at("2026-01-05T10:00:00Z")),
            document_text(job("from-cli", at("2026-01-05T10:00:00Z")))
        )}
    );
    const auto deadline = std::chrono::steady_clock::now() + budget;
    while (changes == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(1ms);
    BOOST_TEST(changes >= 1);
    // The scheduler reacts by reading again, and finds the job
    auto [ec, listing] = complete<error_code, job_listing>(ctx, [&](auto cb) { store.async_all_jobs(cb); });
    BOOST_TEST(!ec);
    BOOST_TEST(ids_of(listing.jobs) == ids{"from-cli"});
    store.close();
}

BOOST_AUTO_TEST_CASE(a_second_scheduler_on_the_same_file_fails_with_a_clear_message)
{
    store_under_test<sqlite_kind> s;
    boost::asio::io_context ctx;
    sqlite_job_store second(ctx.get_executor(), {.path = s.tmp.db});
    try
    {
        second.wait_open();
        BOOST_ERROR("wait_open did not throw");
    }
    catch (const std::system_error& e)
    {
        BOOST_TEST(contains(e.what(), "in use by another scheduler"));
        BOOST_TEST(contains(e.what(), s.tmp.db.string()));
        BOOST_TEST(contains(e.what(), "process " + std::to_string(::getpid())));
        BOOST_TEST(e.code().category().name() == std::string("sqlite"));
        BOOST_TEST(e.code().value() == SQLITE_BUSY);
    }
    // The operations carry the open error as an error_code, with the message kept
    auto [ec] = complete<error_code>(ctx, [&](auto cb) { second.async_add(job("a", std::nullopt), false, cb); });
    BOOST_TEST(ec.category().name() == std::string("sqlite"));
    BOOST_TEST(ec.value() == SQLITE_BUSY);
    BOOST_TEST(contains(second.last_error_message(), "in use by another scheduler"));
    auto [read_ec, listing] = complete<error_code, job_listing>(ctx, [&](auto cb) { second.async_all_jobs(cb); });
    BOOST_TEST(read_ec == ec);
    BOOST_TEST(listing.jobs.empty());
    second.close();
    // Without the lock (the `asched jobs` command), the same file opens beside the scheduler
    sqlite_job_store command(ctx.get_executor(), {.path = s.tmp.db, .create = false, .scheduler_lock = false});
    BOOST_CHECK_NO_THROW(command.wait_open());
    BOOST_TEST(command.last_error_message().empty());
}

BOOST_AUTO_TEST_CASE(a_missing_file_without_create_is_an_error_and_nothing_is_created)
{
    temp_dir tmp;
    boost::asio::io_context ctx;
    sqlite_job_store store(ctx.get_executor(), {.path = tmp.db, .create = false});
    const auto message = asched::test::what_of<std::system_error>([&] { store.wait_open(); });
    BOOST_TEST(contains(message, tmp.db.string()));
    BOOST_TEST(contains(message, "no such file"));
    store.close();
    BOOST_TEST(!fs::exists(tmp.db));
}

BOOST_AUTO_TEST_CASE(after_close_operations_complete_with_shut_down)
{
    store_under_test<sqlite_kind> s;
    BOOST_TEST(!s.add(job("a", at("2026-01-05T10:00:00Z"))));
    s.store->close();
    s.store->close();  // again: nothing
    BOOST_TEST(s.add(job("b", std::nullopt)) == error_code(errc::shut_down));
    auto [ec, listing] = complete<error_code, job_listing>(s.ctx, [&](auto cb) { s.store->async_all_jobs(cb); });
    BOOST_TEST(ec == error_code(errc::shut_down));
    BOOST_CHECK_NO_THROW(s.store->wait_open());
    BOOST_CHECK_THROW(s.store->quarantined(), asched::scheduler_error);
    // The lock went with the close: another scheduler may open the file, and finds the job
    s.store = sqlite_kind::open(s.ctx.get_executor(), s.tmp.db);
    BOOST_TEST(ids_of(s.all_jobs().jobs) == ids{"a"});
}

BOOST_AUTO_TEST_CASE(describes_itself)
{
    store_under_test<sqlite_kind> s;
    BOOST_TEST(s.store->kind() == "sqlite");
    BOOST_TEST(s.store->location() == s.tmp.db.string());
    BOOST_TEST(s.store->persistent());
    boost::asio::io_context ctx;
    memory_job_store memory(ctx.get_executor());
    BOOST_TEST(memory.kind() == "memory");
    BOOST_TEST(memory.location() == "memory");
    BOOST_TEST(!memory.persistent());
}

BOOST_AUTO_TEST_CASE(throughput_of_20000_concurrent_durable_adds)
{
    // A figure to watch, never an assertion: each add is on disk when its completion runs
    store_under_test<sqlite_kind> s;
    constexpr int total = 20'000;
    std::vector<job_description> jobs;
    jobs.reserve(total);
    for (int i = 0; i < total; ++i)
        jobs.push_back(job("job-" + std::to_string(i), at("2026-01-05T10:00:00Z") + i * 1s));
    int completed = 0;
    int failed = 0;
    const auto start = std::chrono::steady_clock::now();
    for (auto& j : jobs)
        s.store->async_add(std::move(j), false, [&](error_code ec) {
            ++completed;
            failed += ec ? 1 : 0;
        });
    BOOST_TEST_REQUIRE(run_until(s.ctx, [&] { return completed == total; }));
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    BOOST_TEST(failed == 0);
    BOOST_TEST_MESSAGE(
        "sqlite_job_store: " << total << " concurrent durable adds in " << elapsed.count()
                             << " s = " << static_cast<long>(total / elapsed.count()) << " per second"
    );
}

// ---- issue 15: reading never writes, a store that cannot be written is refused, add_all is all or nothing --------

BOOST_AUTO_TEST_CASE(add_all_writes_every_job_or_none)
{
    store_under_test<sqlite_kind> s;
    BOOST_TEST(!s.add(job("b", at("2026-01-05T10:00:00Z"))));
    // The job in the middle conflicts: nothing is written, and its code says which
    const std::vector<job_description> jobs{job("a", std::nullopt), job("b", std::nullopt), job("c", std::nullopt)};
    const auto refused = s.store->add_all(jobs, false);
    BOOST_TEST_REQUIRE(refused.size() == 3u);
    BOOST_TEST(!refused[0]);
    BOOST_TEST(refused[1] == error_code(errc::conflicting_job_id));
    BOOST_TEST(!refused[2]);
    BOOST_TEST(ids_of(s.all_jobs().jobs) == ids{"b"});
    // Once the conflict is gone, the same call does it all
    BOOST_TEST(!s.remove("b"));
    for (const auto& ec : s.store->add_all(jobs, false))
        BOOST_TEST(!ec);
    BOOST_TEST(ids_of(s.all_jobs().jobs) == (ids{"a", "b", "c"}));
    // replace_existing: every id may exist
    for (const auto& ec : s.store->add_all(jobs, true))
        BOOST_TEST(!ec);
    BOOST_TEST(s.all_jobs().jobs.size() == 3u);
    // An invalid description throws before anything is queued
    auto invalid = job("d", std::nullopt);
    invalid.max_instances = 0;
    BOOST_CHECK_THROW(s.store->add_all({job("e", std::nullopt), invalid}, false), asched::invalid_job_document);
    BOOST_TEST(s.all_jobs().jobs.size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_read_only_store_reports_unloadable_rows_and_writes_nothing)
{
    temp_dir tmp;
    {
        store_under_test<sqlite_kind> s;
        BOOST_TEST(!s.add(job("good", at("2026-01-05T10:00:00Z"))));
        write_rows(s.tmp.db, {insert_row("not-json", std::nullopt, "{oops")});
        s.store->close();
        fs::copy_file(s.tmp.db, tmp.db);
    }
    const std::string before = asched::test::file_bytes(tmp.db);
    boost::asio::io_context ctx;
    sqlite_job_store reader(ctx.get_executor(), {.path = tmp.db, .read_only = true, .change_poll = 0ms});
    BOOST_CHECK_NO_THROW(reader.wait_open());
    auto [ec, listing] = complete<error_code, job_listing>(ctx, [&](auto cb) { reader.async_all_jobs(cb); });
    BOOST_TEST(!ec);
    BOOST_TEST(ids_of(listing.jobs) == ids{"good"});
    BOOST_TEST(ids_of(listing.quarantined) == ids{"not-json"});
    // Reported, not moved: the next read meets it again, and the quarantine table is empty
    auto [ec2, again] = complete<error_code, job_listing>(ctx, [&](auto cb) { reader.async_all_jobs(cb); });
    BOOST_TEST(ids_of(again.quarantined) == ids{"not-json"});
    BOOST_TEST(reader.quarantined().empty());
    // Every write fails with SQLite's own code
    auto [add_ec] = complete<error_code>(ctx, [&](auto cb) { reader.async_add(job("new", std::nullopt), false, cb); });
    BOOST_TEST(add_ec.category().name() == std::string("sqlite"));
    BOOST_TEST((add_ec.value() & 0xff) == SQLITE_READONLY);
    BOOST_CHECK_THROW(reader.add_all({job("new", std::nullopt)}, false), std::system_error);
    // check() reads everything, changing nothing
    const auto report = reader.check();
    BOOST_TEST(report.integrity == "ok");
    BOOST_TEST(report.jobs == 2u);
    BOOST_TEST(ids_of(report.unreadable) == ids{"not-json"});
    BOOST_TEST(!report.ok());
    reader.close();
    BOOST_TEST((asched::test::file_bytes(tmp.db) == before));
}

BOOST_AUTO_TEST_CASE(a_changed_row_is_reported_read_only_and_quarantined_by_a_writable_store)
{
    temp_dir tmp;
    {
        store_under_test<sqlite_kind> s;
        BOOST_TEST(!s.add(job("good", at("2027-01-05T10:00:00Z"))));
        BOOST_TEST(!s.add(job("flipped", at("2027-01-05T10:00:00Z"))));
        s.store->close();
        fs::copy_file(s.tmp.db, tmp.db);
    }
    // The year of the next run time, in the document: 2027 became 2127
    {
        sqlite3* raw = nullptr;
        BOOST_REQUIRE(sqlite3_open(tmp.db.c_str(), &raw) == SQLITE_OK);
        const char* sql = "UPDATE jobs SET document = replace(document, '2027', '2127') WHERE id = 'flipped'";
        BOOST_TEST(sqlite3_exec(raw, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
        BOOST_TEST(sqlite3_changes(raw) == 1);
        sqlite3_close(raw);
    }
    const std::string before = asched::test::file_bytes(tmp.db);
    boost::asio::io_context ctx;
    {
        sqlite_job_store reader(ctx.get_executor(), {.path = tmp.db, .read_only = true, .change_poll = 0ms});
        auto [ec, listing] = complete<error_code, job_listing>(ctx, [&](auto cb) { reader.async_all_jobs(cb); });
        BOOST_TEST(!ec);
        BOOST_TEST(ids_of(listing.jobs) == ids{"good"});
        BOOST_REQUIRE(listing.quarantined.size() == 1u);
        BOOST_TEST(listing.quarantined[0].id == "flipped");
        BOOST_TEST(listing.quarantined[0].reason.starts_with("checksum mismatch"), listing.quarantined[0].reason);
        auto [ec2, found] = complete<error_code, std::optional<job_description>>(ctx, [&](auto cb) {
            reader.async_find("flipped", cb);
        });
        BOOST_TEST(!found.has_value());
        const auto report = reader.check();
        BOOST_TEST(ids_of(report.unreadable) == ids{"flipped"});
        BOOST_TEST(!report.ok());
        BOOST_TEST(reader.quarantined().empty());
        reader.close();
    }
    BOOST_TEST((asched::test::file_bytes(tmp.db) == before));

    // A writable store moves it aside at its first read
    sqlite_job_store writer(ctx.get_executor(), {.path = tmp.db, .scheduler_lock = false, .change_poll = 0ms});
    auto [ec, listing] = complete<error_code, job_listing>(ctx, [&](auto cb) { writer.async_all_jobs(cb); });
    BOOST_TEST(ids_of(listing.jobs) == ids{"good"});
    BOOST_TEST(ids_of(listing.quarantined) == ids{"flipped"});
    const auto aside = writer.quarantined();
    BOOST_REQUIRE(aside.size() == 1u);
    BOOST_TEST(aside[0].reason.starts_with("checksum mismatch"));
    writer.close();
}

BOOST_AUTO_TEST_CASE(a_read_only_open_refuses_a_missing_empty_or_foreign_file_and_leaves_it_as_it_was)
{
    temp_dir tmp;
    const auto open_error = [](const fs::path& path) {
        boost::asio::io_context ctx;
        sqlite_job_store reader(ctx.get_executor(), {.path = path, .read_only = true, .change_poll = 0ms});
        return asched::test::what_of<std::system_error>([&] { reader.wait_open(); });
    };
    BOOST_TEST(contains(open_error(tmp.dir / "missing.db"), "no such file"));
    BOOST_TEST(!fs::exists(tmp.dir / "missing.db"));
    const fs::path empty = tmp.dir / "empty.db";
    std::ofstream{empty};
    BOOST_TEST(contains(open_error(empty), "the file is empty (0 bytes)"));
    BOOST_TEST(fs::file_size(empty) == 0u);
    const fs::path text = tmp.dir / "notes.txt";
    std::ofstream{text} << "these are not jobs\n";
    const auto message = open_error(text);
    BOOST_TEST(contains(message, text.string()), message);
    BOOST_TEST(contains(message, "not a SQLite database"), message);
    BOOST_TEST(asched::test::file_bytes(text) == "these are not jobs\n");
    for (const auto& name : {"empty.db", "notes.txt"})
        for (const auto& suffix : {"-wal", "-shm", "-journal"})
            BOOST_TEST(!fs::exists(tmp.dir / (std::string(name) + suffix)), name << suffix);
}

BOOST_AUTO_TEST_CASE(a_damaged_file_is_refused_for_writing_and_checked_read_only)
{
    store_under_test<sqlite_kind> s;
    BOOST_TEST(!s.add(job("a", at("2026-01-05T10:00:00Z"))));
    s.store->close();
    asched::test::damage_table(s.tmp.db);
    const std::string before = asched::test::file_bytes(s.tmp.db);
    boost::asio::io_context ctx;
    {
        sqlite_job_store writer(ctx.get_executor(), {.path = s.tmp.db, .change_poll = 0ms});
        const auto message = asched::test::what_of<std::system_error>([&] { writer.wait_open(); });
        BOOST_TEST(contains(message, s.tmp.db.string()), message);
        BOOST_TEST(contains(message, "the file is damaged (PRAGMA quick_check: "), message);
        auto [ec] = complete<error_code>(ctx, [&](auto cb) { writer.async_add(job("b", std::nullopt), false, cb); });
        BOOST_TEST(ec.value() == SQLITE_CORRUPT);
    }
    {
        // A verified read-only open refuses it too
        sqlite_job_store reader(ctx.get_executor(), {.path = s.tmp.db, .read_only = true, .change_poll = 0ms});
        BOOST_TEST(contains(asched::test::what_of<std::system_error>([&] { reader.wait_open(); }), "damaged"));
    }
    {
        sqlite_job_store checker(
            ctx.get_executor(),
            {.path = s.tmp.db, .read_only = true, .verify_at_open = false, .change_poll = 0ms}
        );
        BOOST_CHECK_NO_THROW(checker.wait_open());
        const auto report = checker.check();
        BOOST_TEST(report.integrity != "ok");
        BOOST_TEST(!report.ok());
    }
    BOOST_TEST((asched::test::file_bytes(s.tmp.db) == before));
}

BOOST_AUTO_TEST_CASE(a_file_or_folder_that_cannot_be_written_is_refused_at_open)
{
    if (::geteuid() == 0)
    {
        // Root writes through permission bits; test_cli_jobs runs the same refusals as an unprivileged user
        BOOST_TEST_MESSAGE("skipped: running as root, where file permissions do not stop writes");
        return;
    }
    temp_dir tmp;
    {
        store_under_test<sqlite_kind> s;
        BOOST_TEST(!s.add(job("a", at("2026-01-05T10:00:00Z"))));
        s.store->close();
        fs::copy_file(s.tmp.db, tmp.db);
    }
    boost::asio::io_context ctx;
    const auto open_error = [&](bool read_only) {
        sqlite_job_store store(ctx.get_executor(), {.path = tmp.db, .read_only = read_only, .change_poll = 0ms});
        return asched::test::what_of<std::system_error>([&] { store.wait_open(); });
    };
    fs::permissions(tmp.db, fs::perms::owner_read);
    auto message = open_error(false);
    BOOST_TEST(contains(message, tmp.db.string() + ": cannot open for writing: the file is read-only"), message);
    BOOST_TEST(open_error(true) == "<no exception>");  // read only on purpose
    fs::permissions(tmp.db, fs::perms::owner_read | fs::perms::owner_write);
    fs::permissions(tmp.dir, fs::perms::owner_read | fs::perms::owner_exec);
    message = open_error(false);
    BOOST_TEST(contains(message, "the folder " + tmp.dir.string() + " is read-only"), message);
    BOOST_TEST(open_error(true) == "<no exception>");  // no -wal file: read without one
    fs::permissions(tmp.dir, fs::perms::owner_all);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- open_job_store ---------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(job_store_urls)

BOOST_AUTO_TEST_CASE(memory_opens_a_memory_store)
{
    boost::asio::io_context ctx;
    const auto store = asched::open_job_store(ctx.get_executor(), "memory:");
    BOOST_TEST(store->kind() == "memory");
}

BOOST_AUTO_TEST_CASE(sqlite_takes_the_rest_as_the_path_and_opens_the_file)
{
    temp_dir tmp;
    boost::asio::io_context ctx;
    {
        const auto store = asched::open_job_store(ctx.get_executor(), "sqlite:" + tmp.db.string());
        BOOST_TEST(store->kind() == "sqlite");
        BOOST_TEST(store->location() == tmp.db.string());
        BOOST_TEST(fs::exists(tmp.db));  // open before the factory returned
        // The lock is held: a second scheduler is refused at once, the command (no lock) is not
        BOOST_TEST(contains(
            asched::test::what_of<std::system_error>([&] {
                asched::open_job_store(ctx.get_executor(), "sqlite:" + tmp.db.string());
            }),
            "in use by another scheduler"
        ));
        BOOST_CHECK_NO_THROW(asched::open_job_store(ctx.get_executor(), "sqlite:" + tmp.db.string(), false, false));
    }
    // The URL form with an empty host names the same absolute path
    const auto store = asched::open_job_store(ctx.get_executor(), "sqlite://" + tmp.db.string());
    BOOST_TEST(store->location() == tmp.db.string());
}

BOOST_AUTO_TEST_CASE(a_relative_path_is_taken_as_written)
{
    // Relative to the working directory; with create false nothing is made there
    boost::asio::io_context ctx;
    const std::string name = "asched-missing-" + std::to_string(::getpid()) + ".db";
    const auto message = asched::test::what_of<std::system_error>([&] {
        asched::open_job_store(ctx.get_executor(), "sqlite:" + name, false, false);
    });
    BOOST_TEST(contains(message, "sqlite store " + name + ": cannot open: no such file"));
    BOOST_TEST(!fs::exists(name));
}

BOOST_AUTO_TEST_CASE(open_options_open_a_sqlite_file_read_only)
{
    temp_dir tmp;
    boost::asio::io_context ctx;
    const std::string url = "sqlite:" + tmp.db.string();
    // Read only never creates
    const auto message = asched::test::what_of<std::system_error>([&] {
        asched::open_job_store(ctx.get_executor(), url, {.read_only = true});
    });
    BOOST_TEST(contains(message, "cannot open: no such file"), message);
    BOOST_TEST(!fs::exists(tmp.db));
    asched::open_job_store(ctx.get_executor(), url, {.scheduler_lock = false})->close();
    const auto reader = asched::open_job_store(ctx.get_executor(), url, {.read_only = true});
    auto* sqlite = dynamic_cast<sqlite_job_store*>(reader.get());
    BOOST_TEST_REQUIRE(sqlite != nullptr);
    BOOST_TEST(sqlite->options().read_only);
    BOOST_TEST(sqlite->options().verify_at_open);
    auto [ec] = complete<error_code>(ctx, [&](auto cb) { reader->async_add(job("a", std::nullopt), false, cb); });
    BOOST_TEST((ec.value() & 0xff) == SQLITE_READONLY);
    reader->close();
}

BOOST_AUTO_TEST_CASE(anything_else_is_refused_naming_the_url_and_the_accepted_forms)
{
    boost::asio::io_context ctx;
    for (const std::string url :
         {"",
          "memory",
          "memory:x",
          "MEMORY:",
          "sqlite:",
          "sqlite://host/jobs.db",
          "SQLITE:jobs.db",
          "redis://localhost/0"})
    {
        const auto message = asched::test::what_of<std::invalid_argument>([&] {
            asched::open_job_store(ctx.get_executor(), url);
        });
        BOOST_TEST(contains(message, "'" + url + "'"), url);
        BOOST_TEST(contains(message, "memory:, sqlite:PATH"), url);
        BOOST_TEST(contains(message, "postgresql://"), url);
    }
}

BOOST_AUTO_TEST_CASE(postgresql_urls_and_keywords_open_a_shared_store_that_connects_in_the_background)
{
    boost::asio::io_context ctx;
    // Nothing listens there: opening does not block or fail; the store's operations report the connection error
    const auto by_url = asched::open_job_store(ctx.get_executor(), "postgresql://127.0.0.1:1/jobs");
    BOOST_TEST(by_url->kind() == "postgresql");
    BOOST_TEST(by_url->location() == "postgresql://127.0.0.1:1/jobs");
    BOOST_TEST((dynamic_cast<asched::shared_job_store*>(by_url.get()) != nullptr));
    const auto by_keywords = asched::open_job_store(ctx.get_executor(), "postgresql:host=127.0.0.1 port=1");
    BOOST_TEST(by_keywords->location() == "host=127.0.0.1 port=1");
    std::optional<boost::system::error_code> failed;
    by_url->async_find("x", [&](boost::system::error_code ec, std::optional<asched::job_description>) { failed = ec; });
    asched::test::poll_until(ctx, [&] { return failed.has_value(); });
    BOOST_TEST(failed->failed());
    by_url->close();
    by_keywords->close();
}

BOOST_AUTO_TEST_SUITE_END()
