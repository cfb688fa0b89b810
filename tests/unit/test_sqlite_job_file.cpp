// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// The SQLite persistence of job stores (lib/sqlite_job_file.hpp, lib/sqlite_store_thread.hpp): rows survive a
// reopen; per-write errors inside one transaction; ordering of the reads, each walking an index (their query plans
// sort nothing in a temporary b-tree); quarantine; the scheduler lock; clear errors for missing, foreign and too-new
// files; the migration of a version-1 file on any open, or its rollback; group commit, external-change polling and the
// flushing destructor of the store thread. Every file lives in a fresh temporary directory, removed afterwards. Waits
// on the store thread are bounded by test::budget; nothing sleeps except the short check that our own writes are not
// reported as another process's.

#include <asched/errors.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <random>
#include <sqlite3.h>
#include <stdexcept>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "common/damaged_files.hpp"
#include "common/temp_dir.hpp"
#include "common/thread_sync.hpp"
#include "lib/sqlite_job_file.hpp"
#include "lib/sqlite_store_thread.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using asched::errc;
using asched::error_code;
using asched::detail::quarantined_job_row;
using asched::detail::row_write;
using asched::detail::row_write_kind;
using asched::detail::sqlite_error;
using asched::detail::sqlite_job_file;
using asched::detail::sqlite_store_thread;
using asched::detail::stored_job_row;
using asched::test::budget;
using asched::test::what_of;
using ids = std::vector<std::string>;

namespace {

using asched::test::temp_dir;

stored_job_row job(std::string id, std::optional<std::int64_t> next, std::string document = "{}")
{
    return {std::move(id), next, std::move(document)};
}

row_write insert(stored_job_row row) { return {row_write_kind::insert, std::move(row)}; }

ids ids_of(const std::vector<stored_job_row>& rows)
{
    ids out;
    for (const auto& row : rows)
        out.push_back(row.id);
    return out;
}

/// The message of whatever `f` throws as a sqlite_error; fails the test when it throws nothing or something else.
template <class F>
std::string sqlite_error_of(F&& f, int expected_primary_code)
{
    try
    {
        f();
    }
    catch (const sqlite_error& e)
    {
        BOOST_TEST(std::string(e.code().category().name()) == "sqlite");
        BOOST_TEST((e.code().value() & 0xff) == expected_primary_code);
        return e.what();
    }
    BOOST_FAIL("no sqlite_error thrown");
    return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// Runs `sql` on the file through a plain connection, as another program would.
void raw_exec(const fs::path& db, const std::string& sql)
{
    sqlite3* raw = nullptr;
    const int opened = sqlite3_open(db.c_str(), &raw);
    const int executed = opened == SQLITE_OK ? sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr) : opened;
    const std::string message = sqlite3_errmsg(raw);
    sqlite3_close(raw);
    if (executed != SQLITE_OK)
        throw std::runtime_error(sql + ": " + message);
}

/// The first column of every row `sql` returns on a plain connection to the file, one per line.
std::string raw_text(const fs::path& db, const std::string& sql)
{
    sqlite3* raw = nullptr;
    sqlite3_stmt* stmt = nullptr;
    std::string out;
    int result = sqlite3_open(db.c_str(), &raw);
    if (result == SQLITE_OK)
        result = sqlite3_prepare_v2(raw, sql.c_str(), -1, &stmt, nullptr);
    while (result == SQLITE_OK || result == SQLITE_ROW)
    {
        result = sqlite3_step(stmt);
        if (result != SQLITE_ROW)
            break;
        if (!out.empty())
            out += '\n';
        if (const auto* text = sqlite3_column_text(stmt, 0))
            out += reinterpret_cast<const char*>(text);
    }
    const std::string message = sqlite3_errmsg(raw);
    sqlite3_finalize(stmt);
    sqlite3_close(raw);
    if (result != SQLITE_DONE)
        throw std::runtime_error(sql + ": " + message);
    return out;
}

/// EXPLAIN QUERY PLAN of `sql` on the file: one step of the plan per line.
std::string query_plan(const fs::path& db, const std::string& sql)
{
    // The plan's rows are (id, parent, notused, detail); select the detail only
    sqlite3* raw = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    const int prepared = sqlite3_prepare_v2(raw, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &stmt, nullptr);
    std::string out;
    while (prepared == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
    {
        if (!out.empty())
            out += '\n';
        out += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(raw);
    BOOST_TEST_REQUIRE(prepared == SQLITE_OK);
    return out;
}

/// The schema version 1 wrote, built by hand as that code did (its migration step and version row).
void create_version_1_file(const fs::path& db)
{
    raw_exec(
        db,
        "PRAGMA journal_mode=WAL;"
        "BEGIN IMMEDIATE;"
        "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL);"
        "CREATE TABLE jobs(id TEXT PRIMARY KEY NOT NULL, next_run_time INTEGER NULL, document TEXT NOT NULL);"
        "CREATE INDEX jobs_by_next_run_time ON jobs(next_run_time);"
        "CREATE TABLE quarantined_jobs(id TEXT NOT NULL, document TEXT NOT NULL, reason TEXT NOT NULL,"
        " quarantined_at INTEGER NOT NULL);"
        "DELETE FROM schema_version;"
        "INSERT INTO schema_version(version) VALUES(1);"
        "COMMIT;"
    );
}

/// The schema version 2 wrote (no checksum column), built by hand from version 1 as that code migrated it.
void create_version_2_file(const fs::path& db)
{
    create_version_1_file(db);
    raw_exec(
        db,
        "BEGIN IMMEDIATE;"
        "DROP INDEX jobs_by_next_run_time;"
        "CREATE INDEX jobs_by_next_run_time_and_id ON jobs(next_run_time, id);"
        "UPDATE schema_version SET version = 2;"
        "COMMIT;"
    );
}

/// The names of the file's own tables and indexes, sorted, comma-separated.
std::string schema_names(const fs::path& db)
{
    return raw_text(
        db,
        "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema WHERE name NOT LIKE 'sqlite%' ORDER BY "
        "name)"
    );
}

/// Counts completions from the store thread; wait_for gives up after the budget.
class completions
{
public:
    void add(int n = 1)
    {
        {
            const std::lock_guard lock(mutex_);
            count_ += n;
        }
        cv_.notify_all();
    }
    bool wait_for(int n)
    {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, budget, [&] { return count_ >= n; });
    }
    int count()
    {
        const std::lock_guard lock(mutex_);
        return count_;
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    int count_ = 0;
};

/// Issues `total` inserts from `threads` threads at once; returns after every callback ran. Counts failures.
struct concurrent_inserts
{
    std::atomic<int> failures{0};
    completions done;

    void issue(sqlite_store_thread& store, int total, int threads)
    {
        std::vector<std::thread> producers;
        for (int t = 0; t < threads; ++t)
        {
            producers.emplace_back([&, t] {
                for (int i = t; i < total; i += threads)
                {
                    store.write(
                        insert(job("job-" + std::to_string(i), i)),
                        [this](error_code ec, std::exception_ptr e) {
                            if (ec || e)
                                ++failures;
                            done.add();
                        }
                    );
                }
            });
        }
        for (auto& p : producers)
            p.join();
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(sqlite_job_file_rows)

BOOST_AUTO_TEST_CASE(create_then_reopen_keeps_rows)
{
    temp_dir tmp;
    {
        sqlite_job_file file(tmp.db, {});
        BOOST_TEST(file.path() == tmp.db);
        BOOST_TEST(file.count() == 0u);
        const auto errors = file.write(std::vector{insert(job("a", 10, R"({"x":1})")), insert(job("b", std::nullopt))});
        BOOST_TEST(!errors[0]);
        BOOST_TEST(!errors[1]);
    }
    BOOST_TEST(fs::exists(tmp.db));
    sqlite_job_file file(tmp.db, {.create = false});
    BOOST_TEST(file.count() == 2u);
    BOOST_TEST((file.find("a") == job("a", 10, R"({"x":1})")));
    BOOST_TEST((file.find("b") == job("b", std::nullopt)));
    BOOST_TEST(!file.find("c").has_value());
    BOOST_TEST(file.integrity_check() == "ok");
}

BOOST_AUTO_TEST_CASE(each_write_fails_alone_and_the_others_commit)
{
    temp_dir tmp;
    sqlite_job_file file(tmp.db, {});
    file.write(std::vector{insert(job("a", 1)), insert(job("b", 2))});

    // One batch: every kind, with a failure of each kind among successes
    const std::vector<row_write> batch{
        insert(job("c", 3)),                                            // new: ok
        insert(job("a", 99, "lost")),                                   // existing id: conflict, "a" unchanged
        {row_write_kind::insert_or_replace, job("b", 20, "replaced")},  // existing: replaced
        {row_write_kind::insert_or_replace, job("d", 4)},               // missing: inserted
        {row_write_kind::update, job("c", 30, "updated")},              // inserted earlier in this batch: ok
        {row_write_kind::update, job("missing", 5)},                    // not found
        {row_write_kind::remove, job("d", std::nullopt, "")},           // ok
        {row_write_kind::remove, job("missing", std::nullopt, "")},     // not found
        insert(job("c", 1)),                                            // conflict with a row of this batch
    };
    const auto errors = file.write(batch);
    BOOST_TEST_REQUIRE(errors.size() == batch.size());
    BOOST_TEST(!errors[0]);
    BOOST_TEST((errors[1] == error_code(errc::conflicting_job_id)));
    BOOST_TEST(!errors[2]);
    BOOST_TEST(!errors[3]);
    BOOST_TEST(!errors[4]);
    BOOST_TEST((errors[5] == error_code(errc::job_not_found)));
    BOOST_TEST(!errors[6]);
    BOOST_TEST((errors[7] == error_code(errc::job_not_found)));
    BOOST_TEST((errors[8] == error_code(errc::conflicting_job_id)));

    const std::vector<stored_job_row> expected{job("a", 1), job("b", 20, "replaced"), job("c", 30, "updated")};
    BOOST_TEST((file.all_jobs() == expected));

    // An empty batch is a valid (empty) transaction
    BOOST_TEST(file.write({}).empty());
}

BOOST_AUTO_TEST_CASE(a_write_sqlite_rejects_on_its_own_fails_alone)
{
    temp_dir tmp;
    sqlite_job_file file(tmp.db, {});
    // A trigger (added as another program would) aborts one statement: the transaction goes on
    raw_exec(
        tmp.db,
        "CREATE TRIGGER reject BEFORE INSERT ON jobs WHEN NEW.id = 'bad' BEGIN SELECT RAISE(ABORT, 'rejected'); END"
    );
    const auto errors = file.write(std::vector{insert(job("a", 1)), insert(job("bad", 2)), insert(job("c", 3))});
    BOOST_TEST(!errors[0]);
    BOOST_TEST(std::string(errors[1].category().name()) == "sqlite");
    BOOST_TEST(errors[1].value() == SQLITE_CONSTRAINT_TRIGGER);
    BOOST_TEST(!errors[2]);
    BOOST_TEST(ids_of(file.all_jobs()) == (ids{"a", "c"}));
}

BOOST_AUTO_TEST_CASE(a_failed_transaction_throws_and_commits_nothing)
{
    temp_dir tmp;
    sqlite_job_file file(tmp.db, {});
    file.write(std::vector{insert(job("before", 1))});
    // RAISE(ROLLBACK) ends the whole transaction, as a full disk or an I/O error would
    raw_exec(
        tmp.db,
        "CREATE TRIGGER doom BEFORE INSERT ON jobs WHEN NEW.id = 'doom' BEGIN SELECT RAISE(ROLLBACK, 'doomed'); END"
    );
    const auto message = sqlite_error_of(
        [&] {
            file.write(std::vector{insert(job("a", 1)), insert(job("doom", 2)), insert(job("c", 3))});
        },
        SQLITE_CONSTRAINT
    );
    BOOST_TEST(message == "sqlite store " + tmp.db.string() + ": cannot write jobs: doomed");
    BOOST_TEST(ids_of(file.all_jobs()) == ids{"before"});
    // The connection is usable again
    BOOST_TEST(!file.write(std::vector{insert(job("after", 2))})[0]);
    BOOST_TEST(file.count() == 2u);
}

BOOST_AUTO_TEST_CASE(reads_order_by_next_run_time_with_paused_jobs_last_then_by_id)
{
    temp_dir tmp;
    sqlite_job_file file(tmp.db, {});
    BOOST_TEST(!file.earliest_next_run_time().has_value());
    file.write(std::vector{insert(job("p2", std::nullopt)), insert(job("p1", std::nullopt))});
    BOOST_TEST(!file.earliest_next_run_time().has_value());  // only paused jobs
    file.write(std::vector{
        insert(job("late", 300)),
        insert(job("b-tie", 200)),
        insert(job("a-tie", 200)),
        insert(job("negative", -5)),  // before 1970: still ordered as a number
        insert(job("early", 100)),
    });

    BOOST_TEST(ids_of(file.all_jobs()) == (ids{"negative", "early", "a-tie", "b-tie", "late", "p1", "p2"}));
    BOOST_TEST(ids_of(file.due_jobs(200)) == (ids{"negative", "early", "a-tie", "b-tie"}));
    BOOST_TEST(ids_of(file.due_jobs(199)) == (ids{"negative", "early"}));
    BOOST_TEST(ids_of(file.due_jobs(-6)).empty());
    BOOST_TEST((file.earliest_next_run_time() == std::optional<std::int64_t>(-5)));
    BOOST_TEST(file.count() == 7u);
}

BOOST_AUTO_TEST_CASE(paused_jobs_come_last_whatever_their_ids_and_ties_go_by_id)
{
    temp_dir tmp;
    sqlite_job_file file(tmp.db, {});
    // Inserted in an order unlike the expected one; paused ids sort before and after the scheduled ones
    std::vector<row_write> writes;
    ids expected_scheduled;
    for (int i = 49; i >= 0; --i)
    {
        const std::string id = "s" + std::to_string(100 + i);
        writes.push_back(insert(job(id, (i / 10) * 1000 - 2000)));  // five run times, ten jobs each
    }
    for (int t = 0; t < 5; ++t)
        for (int k = 0; k < 10; ++k)
            expected_scheduled.push_back("s" + std::to_string(100 + t * 10 + k));
    for (const char* id : {"zz-paused", "0-paused", "s125", "m-paused"})
        writes.push_back(insert(job(id, std::nullopt)));
    const auto errors = file.write(writes);
    BOOST_TEST(std::count_if(errors.begin(), errors.end(), [](const error_code& e) { return !!e; }) == 1);  // s125

    ids expected = expected_scheduled;
    expected.insert(expected.end(), {"0-paused", "m-paused", "zz-paused"});
    const auto rows = file.all_jobs();
    BOOST_TEST(ids_of(rows) == expected, boost::test_tools::per_element());
    BOOST_TEST(!rows.back().next_run_time_us.has_value());
    BOOST_TEST((rows.front().next_run_time_us == std::optional<std::int64_t>(-2000)));
    BOOST_TEST(ids_of(file.due_jobs(-1000)) == ids(expected_scheduled.begin(), expected_scheduled.begin() + 20));

    // Only paused jobs, then none at all
    file.remove_all();
    BOOST_TEST(file.all_jobs().empty());
    file.write(std::vector{insert(job("b", std::nullopt)), insert(job("a", std::nullopt))});
    BOOST_TEST(ids_of(file.all_jobs()) == (ids{"a", "b"}));
}

BOOST_AUTO_TEST_CASE(the_reads_walk_an_index_and_never_sort_in_a_temp_b_tree)
{
    temp_dir tmp;
    {
        sqlite_job_file file(tmp.db, {});
        std::vector<row_write> writes;
        for (int i = 0; i < 200; ++i)
            writes.push_back(
                insert(job("job-" + std::to_string(i), i % 3 == 0 ? std::nullopt : std::optional<std::int64_t>(i % 7)))
            );
        file.write(writes);
    }
    using sql = sqlite_job_file::read_sql;
    for (const char* query : {sql::all_scheduled, sql::all_paused, sql::due, sql::earliest})
    {
        const std::string plan = query_plan(tmp.db, query);
        BOOST_TEST_INFO(query << "\n" << plan);
        BOOST_TEST(!contains(plan, "TEMP B-TREE"));
        // A SEARCH of an index: neither a scan of the table nor a full scan of an index that filters out rows
        BOOST_TEST(contains(plan, "SEARCH jobs USING"));
        BOOST_TEST(!contains(plan, "SCAN"));
    }
    // The old single query sorted every row: the check above would catch a return to it
    BOOST_TEST(contains(
        query_plan(tmp.db, "SELECT id FROM jobs ORDER BY next_run_time IS NULL, next_run_time, id"),
        "USE TEMP B-TREE FOR ORDER BY"
    ));
}

BOOST_AUTO_TEST_CASE(quarantine_moves_the_row_and_keeps_it_across_a_reopen)
{
    temp_dir tmp;
    const auto before = std::chrono::system_clock::now();
    {
        sqlite_job_file file(tmp.db, {});
        file.write(std::vector{insert(job("good", 1)), insert(job("bad", 2, R"({"task":"gone"})"))});
        file.quarantine("bad", "task 'gone' is not registered");
        file.quarantine("missing", "no such job: nothing happens");
        BOOST_TEST(ids_of(file.all_jobs()) == ids{"good"});
    }
    sqlite_job_file file(tmp.db, {});
    const auto rows = file.quarantined();
    BOOST_TEST_REQUIRE(rows.size() == 1u);
    BOOST_TEST(rows[0].id == "bad");
    BOOST_TEST(rows[0].document == R"({"task":"gone"})");
    BOOST_TEST(rows[0].reason == "task 'gone' is not registered");
    const auto at = std::chrono::system_clock::time_point(std::chrono::microseconds(rows[0].quarantined_at_us));
    BOOST_TEST((
        at >= std::chrono::time_point_cast<std::chrono::microseconds>(before) && at <= std::chrono::system_clock::now()
    ));
    // The id is free again; quarantining it a second time keeps both entries
    file.write(std::vector{insert(job("bad", 3, "fixed"))});
    file.quarantine("bad", "again");
    BOOST_TEST(file.quarantined().size() == 2u);
    BOOST_TEST(file.count() == 1u);
}

BOOST_AUTO_TEST_CASE(remove_all_removes_every_job_but_not_the_quarantined)
{
    temp_dir tmp;
    sqlite_job_file file(tmp.db, {});
    file.write(std::vector{insert(job("a", 1)), insert(job("b", std::nullopt)), insert(job("q", 3))});
    file.quarantine("q", "test");
    file.remove_all();
    BOOST_TEST(file.count() == 0u);
    BOOST_TEST(file.all_jobs().empty());
    BOOST_TEST(file.quarantined().size() == 1u);
    file.remove_all();  // nothing to remove: fine
}

BOOST_AUTO_TEST_CASE(data_version_changes_only_for_other_connections_commits)
{
    temp_dir tmp;
    sqlite_job_file file(tmp.db, {});
    const auto v0 = file.data_version();
    file.write(std::vector{insert(job("own", 1))});
    BOOST_TEST(file.data_version() == v0);
    sqlite_job_file other(tmp.db, {.scheduler_lock = false});
    other.write(std::vector{insert(job("other", 2))});
    BOOST_TEST(file.data_version() != v0);
}

BOOST_AUTO_TEST_CASE(sqlite_errors_have_their_own_category)
{
    const sqlite_error e(SQLITE_BUSY, "sqlite store /x: busy");
    BOOST_TEST(std::string(e.what()) == "sqlite store /x: busy");
    BOOST_TEST(std::string(e.code().category().name()) == "sqlite");
    BOOST_TEST(e.code().value() == SQLITE_BUSY);
    BOOST_TEST(e.code().message() == sqlite3_errstr(SQLITE_BUSY));
    BOOST_TEST(std::string(e.error().category().name()) == "sqlite");
    BOOST_TEST(e.error().message() == "database is locked");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sqlite_job_file_opening)

BOOST_AUTO_TEST_CASE(a_second_scheduler_lock_is_refused_naming_the_holder)
{
    temp_dir tmp;
    const std::string lock_path = tmp.db.string() + ".lock";
    {
        sqlite_job_file first(tmp.db, {});
        // Two sqlite_job_files in one process: the flocks are on two open file descriptions, so they conflict
        const auto message = sqlite_error_of([&] { sqlite_job_file second(tmp.db, {}); }, SQLITE_BUSY);
        BOOST_TEST(
            message == "sqlite store " + tmp.db.string() + " is in use by another scheduler (process " +
                           std::to_string(::getpid()) + " holds " + lock_path + ")"
        );
        // Without the lock (the CLI), the file opens alongside and sees the same rows
        sqlite_job_file cli(tmp.db, {.create = false, .scheduler_lock = false});
        cli.write(std::vector{insert(job("from-cli", 1))});
        BOOST_TEST(first.count() == 1u);
    }
    // Released with the object: the next scheduler gets it
    sqlite_job_file next(tmp.db, {});
    BOOST_TEST(next.count() == 1u);
}

BOOST_AUTO_TEST_CASE(a_missing_file_without_create_is_an_error_and_nothing_is_created)
{
    temp_dir tmp;
    const auto message = sqlite_error_of([&] { sqlite_job_file file(tmp.db, {.create = false}); }, SQLITE_CANTOPEN);
    BOOST_TEST(message == "sqlite store " + tmp.db.string() + ": cannot open: no such file");
    BOOST_TEST(!fs::exists(tmp.db));
    BOOST_TEST(!fs::exists(tmp.db.string() + ".lock"));
}

BOOST_AUTO_TEST_CASE(a_file_in_a_missing_directory_cannot_be_opened)
{
    temp_dir tmp;
    const auto db = tmp.dir / "no-such-dir" / "jobs.db";
    const auto message = sqlite_error_of([&] { sqlite_job_file file(db, {}); }, SQLITE_CANTOPEN);
    BOOST_TEST(message == "sqlite store " + db.string() + ": cannot open: unable to open database file");
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_a_database_is_refused)
{
    temp_dir tmp;
    {
        std::ofstream out(tmp.db);
        for (int i = 0; i < 200; ++i)
            out << "this is a text file, not a SQLite database\n";
    }
    const auto size = fs::file_size(tmp.db);
    const auto message = sqlite_error_of([&] { sqlite_job_file file(tmp.db, {}); }, SQLITE_NOTADB);
    BOOST_TEST_INFO(message);
    BOOST_TEST(contains(message, "sqlite store " + tmp.db.string() + ": cannot open: the file is not a SQLite database")
    );
    BOOST_TEST(fs::file_size(tmp.db) == size);  // untouched
}

BOOST_AUTO_TEST_CASE(another_programs_database_is_refused)
{
    temp_dir tmp;
    raw_exec(tmp.db, "CREATE TABLE customers(name TEXT)");
    const auto message = sqlite_error_of([&] { sqlite_job_file file(tmp.db, {}); }, SQLITE_NOTADB);
    BOOST_TEST_INFO(message);
    BOOST_TEST(contains(message, "is a SQLite database but not an asched job store"));
}

BOOST_AUTO_TEST_CASE(a_newer_schema_version_is_refused)
{
    temp_dir tmp;
    {
        sqlite_job_file file(tmp.db, {});
        file.write(std::vector{insert(job("a", 1))});
    }
    raw_exec(tmp.db, "UPDATE schema_version SET version = 4");
    const auto message = sqlite_error_of([&] { sqlite_job_file file(tmp.db, {}); }, SQLITE_ERROR);
    BOOST_TEST(
        message == "sqlite store " + tmp.db.string() +
                       ": the file has schema version 4, newer than this asched knows (3); use a newer asched"
    );
    // The CLI's open is refused the same way
    const auto cli_message = sqlite_error_of(
        [&] { sqlite_job_file file(tmp.db, {.create = false, .scheduler_lock = false}); },
        SQLITE_ERROR
    );
    BOOST_TEST(cli_message == message);
    // The refusal changed nothing
    BOOST_TEST(raw_text(tmp.db, "SELECT group_concat(version) FROM schema_version") == "4");
    raw_exec(tmp.db, "UPDATE schema_version SET version = 3");
    BOOST_TEST(sqlite_job_file(tmp.db, {}).count() == 1u);
}

BOOST_AUTO_TEST_CASE(a_version_1_file_migrates_on_open_and_keeps_its_rows)
{
    temp_dir tmp;
    create_version_1_file(tmp.db);
    raw_exec(
        tmp.db,
        "INSERT INTO jobs(id, next_run_time, document) VALUES"
        " ('late', 300, '{\"n\":1}'), ('b-tie', 200, '{}'), ('a-tie', 200, '{}'), ('paused', NULL, '{\"p\":1}'),"
        " ('0-paused', NULL, '{}'), ('early', -5, '{}');"
        "INSERT INTO quarantined_jobs(id, document, reason, quarantined_at) VALUES ('q', '{}', 'why', 42);"
    );
    BOOST_TEST(schema_names(tmp.db) == "jobs,jobs_by_next_run_time,quarantined_jobs,schema_version");

    const ids expected{"early", "a-tie", "b-tie", "late", "0-paused", "paused"};
    {
        // Opened as the CLI opens it (asched jobs: no scheduler lock, no create): the open migrates for anyone
        sqlite_job_file file(tmp.db, {.create = false, .scheduler_lock = false});
        BOOST_TEST(ids_of(file.all_jobs()) == expected);
        BOOST_TEST((file.find("late") == job("late", 300, R"({"n":1})")));
        BOOST_TEST((file.find("paused") == job("paused", std::nullopt, R"({"p":1})")));
        BOOST_TEST(ids_of(file.due_jobs(200)) == (ids{"early", "a-tie", "b-tie"}));
        BOOST_TEST((file.earliest_next_run_time() == std::optional<std::int64_t>(-5)));
        BOOST_TEST(file.count() == 6u);
        const auto quarantined = file.quarantined();
        BOOST_TEST_REQUIRE(quarantined.size() == 1u);
        BOOST_TEST(quarantined[0].reason == "why");
        BOOST_TEST(quarantined[0].quarantined_at_us == 42);
        BOOST_TEST(file.integrity_check() == "ok");
    }
    BOOST_TEST(raw_text(tmp.db, "SELECT group_concat(version) FROM schema_version") == "3");
    BOOST_TEST(schema_names(tmp.db) == "jobs,jobs_by_next_run_time_and_id,quarantined_jobs,schema_version");
    BOOST_TEST(
        raw_text(tmp.db, "SELECT group_concat(name, ',') FROM pragma_index_info('jobs_by_next_run_time_and_id')") ==
        "next_run_time,id"
    );
    // The migrated file's reads walk the new index
    for (const char* query : {sqlite_job_file::read_sql::all_scheduled, sqlite_job_file::read_sql::due})
        BOOST_TEST(contains(query_plan(tmp.db, query), "jobs_by_next_run_time_and_id"));

    // A scheduler's open afterwards finds it up to date, and writes go on as before
    sqlite_job_file file(tmp.db, {.create = false});
    BOOST_TEST(ids_of(file.all_jobs()) == expected);
    BOOST_TEST(!file.write(std::vector{insert(job("new", 250))})[0]);
    BOOST_TEST(ids_of(file.all_jobs()) == (ids{"early", "a-tie", "b-tie", "new", "late", "0-paused", "paused"}));
}

BOOST_AUTO_TEST_CASE(a_version_1_file_migrates_for_a_scheduler_too)
{
    temp_dir tmp;
    create_version_1_file(tmp.db);
    raw_exec(tmp.db, "INSERT INTO jobs(id, next_run_time, document) VALUES ('b', NULL, '{}'), ('a', 7, '{}')");
    {
        sqlite_job_file file(tmp.db, {});
        BOOST_TEST(ids_of(file.all_jobs()) == (ids{"a", "b"}));
    }
    BOOST_TEST(raw_text(tmp.db, "SELECT group_concat(version) FROM schema_version") == "3");
    BOOST_TEST(schema_names(tmp.db) == "jobs,jobs_by_next_run_time_and_id,quarantined_jobs,schema_version");
}

BOOST_AUTO_TEST_CASE(a_failed_migration_changes_nothing)
{
    temp_dir tmp;
    create_version_1_file(tmp.db);
    raw_exec(tmp.db, "INSERT INTO jobs(id, next_run_time, document) VALUES ('a', 1, '{}')");
    // An index of that name already there (as another program might have added): step 2 fails half-way
    raw_exec(tmp.db, "CREATE INDEX jobs_by_next_run_time_and_id ON jobs(document)");
    const auto message = sqlite_error_of([&] { sqlite_job_file file(tmp.db, {}); }, SQLITE_ERROR);
    BOOST_TEST_INFO(message);
    BOOST_TEST(contains(message, "cannot migrate the schema from version 1 to 2"));
    // Rolled back: still version 1, with its index, and the row
    BOOST_TEST(raw_text(tmp.db, "SELECT group_concat(version) FROM schema_version") == "1");
    BOOST_TEST(
        schema_names(tmp.db) ==
        "jobs,jobs_by_next_run_time,jobs_by_next_run_time_and_id,quarantined_jobs,schema_version"
    );
    BOOST_TEST(raw_text(tmp.db, "SELECT count(*) FROM jobs") == "1");
}

BOOST_AUTO_TEST_CASE(a_new_file_gets_the_current_schema_in_wal_mode)
{
    temp_dir tmp;
    {
        sqlite_job_file file(tmp.db, {});
    }
    // Read back through a plain connection: the version row, the tables, the index and WAL are all there
    sqlite3* raw = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_open(tmp.db.c_str(), &raw) == SQLITE_OK);
    const auto text = [&](const char* sql) {
        sqlite3_stmt* stmt = nullptr;
        std::string out;
        if (sqlite3_prepare_v2(raw, sql, -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
            out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        sqlite3_finalize(stmt);
        return out;
    };
    BOOST_TEST(text("SELECT group_concat(version) FROM schema_version") == "3");
    BOOST_TEST(text("PRAGMA journal_mode") == "wal");
    BOOST_TEST(
        text("SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema WHERE name NOT LIKE 'sqlite%' ORDER "
             "BY name)") == "jobs,jobs_by_next_run_time_and_id,quarantined_jobs,schema_version"
    );
    sqlite3_close(raw);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sqlite_job_file_checksums)

using asched::detail::row_checksum_state;

/// The checksum state of each row `rows` holds, as "id:state" in their order.
std::vector<std::string> states_of(const std::vector<stored_job_row>& rows)
{
    std::vector<std::string> out;
    for (const auto& row : rows)
    {
        const char* state = row.checksum == row_checksum_state::verified   ? "verified"
                            : row.checksum == row_checksum_state::mismatch ? "mismatch"
                                                                           : "unchecked";
        out.push_back(row.id + ":" + state);
    }
    return out;
}

BOOST_AUTO_TEST_CASE(rows_read_back_verify_and_a_changed_document_next_run_time_or_id_does_not)
{
    temp_dir tmp;
    sqlite_job_file file(tmp.db, {});
    file.write(std::vector{
        insert(job("document", 10, R"({"kwargs":{"year":2027}})")),
        insert(job("column", 20, "{}")),
        insert(job("id", 30, "{}")),
        insert(job("paused", std::nullopt, "{}")),
        insert(job("intact", 40, R"({"kwargs":{"year":2027}})")),
    });
    BOOST_TEST(
        states_of(file.all_jobs()) ==
            (ids{"document:verified", "column:verified", "id:verified", "intact:verified", "paused:verified"}),
        boost::test_tools::per_element()
    );

    // One digit each, written by another connection as damage would be: the document, the column, the id; and a
    // paused job's NULL next run time made one
    raw_exec(tmp.db, "UPDATE jobs SET document = replace(document, '2027', '2127') WHERE id = 'document'");
    raw_exec(tmp.db, "UPDATE jobs SET next_run_time = 21 WHERE id = 'column'");
    raw_exec(tmp.db, "UPDATE jobs SET id = 'iD' WHERE id = 'id'");
    raw_exec(tmp.db, "UPDATE jobs SET next_run_time = 50 WHERE id = 'paused'");
    BOOST_TEST(
        states_of(file.all_jobs()) ==
            (ids{"document:mismatch", "column:mismatch", "iD:mismatch", "intact:verified", "paused:mismatch"}),
        boost::test_tools::per_element()
    );
    // Every read marks them, and returns the row as it is (the caller quarantines it with what it holds)
    BOOST_TEST(
        states_of(file.due_jobs(25)) == (ids{"document:mismatch", "column:mismatch"}),
        boost::test_tools::per_element()
    );
    const auto found = file.find("document");
    BOOST_REQUIRE(found.has_value());
    BOOST_TEST((found->checksum == row_checksum_state::mismatch));
    BOOST_TEST(found->document == R"({"kwargs":{"year":2127}})");
    BOOST_TEST((file.find("intact")->checksum == row_checksum_state::verified));

    // A write gives the row a new checksum: an update (the store's own) verifies again
    file.write(std::vector{row_write{row_write_kind::update, job("column", 22, "{}")}});
    BOOST_TEST((file.find("column")->checksum == row_checksum_state::verified));
    // The checksum column itself changed is a mismatch too
    raw_exec(tmp.db, "UPDATE jobs SET checksum = checksum + 1 WHERE id = 'intact'");
    BOOST_TEST((file.find("intact")->checksum == row_checksum_state::mismatch));
}

BOOST_AUTO_TEST_CASE(the_checksum_is_crc32c_of_id_next_run_time_and_document)
{
    temp_dir tmp;
    {
        sqlite_job_file file(tmp.db, {});
        file.write(std::vector{insert(job("a", -5, R"({"x":1})")), insert(job("p", std::nullopt, "{}"))});
    }
    // Computed independently here, with the Castagnoli polynomial, bit by bit
    const auto crc32c = [](const std::string& bytes) {
        std::uint32_t c = 0xffffffffu;
        for (const unsigned char byte : bytes)
        {
            c ^= byte;
            for (int bit = 0; bit < 8; ++bit)
                c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
        }
        return std::to_string(c ^ 0xffffffffu);
    };
    using namespace std::string_literals;
    BOOST_TEST(raw_text(tmp.db, "SELECT checksum FROM jobs WHERE id = 'a'") == crc32c("a\0-5\0{\"x\":1}"s));
    BOOST_TEST(raw_text(tmp.db, "SELECT checksum FROM jobs WHERE id = 'p'") == crc32c("p\0null\0{}"s));
}

BOOST_AUTO_TEST_CASE(a_version_2_file_is_read_unchecked_read_only_and_unchanged)
{
    temp_dir tmp;
    create_version_2_file(tmp.db);
    raw_exec(tmp.db, "INSERT INTO jobs(id, next_run_time, document) VALUES ('a', 7, '{}'), ('p', NULL, '{}')");
    const std::string before = asched::test::file_bytes(tmp.db);
    BOOST_REQUIRE(!fs::exists(tmp.db.string() + "-wal"));
    {
        sqlite_job_file file(tmp.db, {.scheduler_lock = false, .read_only = true});
        BOOST_TEST(states_of(file.all_jobs()) == (ids{"a:unchecked", "p:unchecked"}), boost::test_tools::per_element());
        BOOST_TEST(states_of(file.due_jobs(7)) == (ids{"a:unchecked"}));
        BOOST_TEST((file.find("a") == job("a", 7, "{}")));
        BOOST_TEST(file.count() == 2u);
        // Writes fail as on any read-only file, not for the missing column
        sqlite_error_of([&] { file.write(std::vector{insert(job("b", 1))}); }, SQLITE_READONLY);
    }
    BOOST_TEST((asched::test::file_bytes(tmp.db) == before));
    BOOST_TEST(raw_text(tmp.db, "SELECT group_concat(version) FROM schema_version") == "2");
}

BOOST_AUTO_TEST_CASE(a_version_2_file_migrates_and_its_rows_get_their_checksums)
{
    temp_dir tmp;
    create_version_2_file(tmp.db);
    raw_exec(
        tmp.db,
        "INSERT INTO jobs(id, next_run_time, document) VALUES ('a', 7, '{\"year\":2027}'), ('p', NULL, '{}')"
    );
    {
        sqlite_job_file file(tmp.db, {.create = false, .scheduler_lock = false});
        BOOST_TEST(states_of(file.all_jobs()) == (ids{"a:verified", "p:verified"}), boost::test_tools::per_element());
    }
    BOOST_TEST(raw_text(tmp.db, "SELECT group_concat(version) FROM schema_version") == "3");
    BOOST_TEST(raw_text(tmp.db, "SELECT count(*) FROM jobs WHERE checksum IS NULL") == "0");
    // From then on a change is caught; and the migrated file reads as any other, read only too
    raw_exec(tmp.db, "UPDATE jobs SET document = replace(document, '2027', '2127') WHERE id = 'a'");
    sqlite_job_file reader(tmp.db, {.scheduler_lock = false, .read_only = true});
    BOOST_TEST(states_of(reader.all_jobs()) == (ids{"a:mismatch", "p:verified"}), boost::test_tools::per_element());
    // The reads still walk the index, with the checksum column
    for (const char* query : {sqlite_job_file::read_sql::all_scheduled, sqlite_job_file::read_sql::due})
        BOOST_TEST(contains(query_plan(tmp.db, query), "jobs_by_next_run_time_and_id"));
}

BOOST_AUTO_TEST_CASE(rows_another_program_inserts_without_a_checksum_are_read_unchecked)
{
    temp_dir tmp;
    {
        sqlite_job_file file(tmp.db, {});
    }
    raw_exec(tmp.db, "INSERT INTO jobs(id, next_run_time, document) VALUES ('raw', 1, '{}')");
    sqlite_job_file file(tmp.db, {});
    BOOST_TEST(states_of(file.all_jobs()) == (ids{"raw:unchecked"}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sqlite_store_thread_ops)

BOOST_AUTO_TEST_CASE(concurrent_writes_are_grouped_into_few_transactions_and_all_survive)
{
    temp_dir tmp;
    constexpr int total = 10'000;
    concurrent_inserts inserts;
    std::uint64_t transactions = 0;
    {
        sqlite_store_thread store(tmp.db, {}, {});
        store.wait_open();
        // The store thread is held busy until every write is queued, so grouping does not depend on timing
        asched::test::gate holding, all_queued;
        store.run([&](sqlite_job_file&) { holding.open(), all_queued.wait(); });
        BOOST_TEST_REQUIRE(holding.wait());
        inserts.issue(store, total, 4);
        all_queued.open();
        BOOST_TEST_REQUIRE(inserts.done.wait_for(total));
        transactions = store.transactions();
    }
    BOOST_TEST(inserts.failures == 0);
    BOOST_TEST_MESSAGE(total << " concurrent writes in " << transactions << " transactions");
    BOOST_TEST(transactions == 1u);  // all of them at once: fewer than the cap of one transaction
    sqlite_job_file file(tmp.db, {});
    BOOST_TEST(file.count() == static_cast<std::size_t>(total));
    BOOST_TEST(file.integrity_check() == "ok");
}

BOOST_AUTO_TEST_CASE(throughput_of_100000_concurrent_durable_inserts)
{
    // A figure to watch, never an assertion: the target is >= 20,000 a second with WAL + synchronous=FULL
    temp_dir tmp;
    constexpr int total = 100'000;
    concurrent_inserts inserts;
    sqlite_store_thread store(tmp.db, {}, {});
    store.wait_open();
    const auto start = std::chrono::steady_clock::now();
    inserts.issue(store, total, 4);
    BOOST_TEST_REQUIRE(inserts.done.wait_for(total));
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    BOOST_TEST(inserts.failures == 0);
    BOOST_TEST_MESSAGE(
        "group commit: " << total << " durable inserts in " << elapsed.count()
                         << " s = " << static_cast<long>(total / elapsed.count()) << " per second, "
                         << store.transactions() << " transactions"
    );
}

BOOST_AUTO_TEST_CASE(the_destructor_commits_every_queued_write_and_calls_back)
{
    temp_dir tmp;
    constexpr int total = 2'000;
    std::atomic<int> called{0};
    std::atomic<int> failures{0};
    {
        sqlite_store_thread store(tmp.db, {}, {});
        for (int i = 0; i < total; ++i)
        {
            store.write(insert(job("job-" + std::to_string(i), i)), [&](error_code ec, std::exception_ptr e) {
                if (ec || e)
                    ++failures;
                ++called;
            });
        }
        // Destroyed with (most of) the writes still queued
    }
    BOOST_TEST(called == total);
    BOOST_TEST(failures == 0);
    BOOST_TEST(sqlite_job_file(tmp.db, {}).count() == static_cast<std::size_t>(total));
}

BOOST_AUTO_TEST_CASE(writes_report_their_own_errors_and_runs_follow_queue_order)
{
    temp_dir tmp;
    sqlite_store_thread store(tmp.db, {}, {});
    completions done;
    std::vector<error_code> results(3);
    std::optional<stored_job_row> seen;
    store.write(insert(job("a", 1)), [&](error_code ec, std::exception_ptr) { results[0] = ec, done.add(); });
    store.write(insert(job("a", 2)), [&](error_code ec, std::exception_ptr) { results[1] = ec, done.add(); });
    store.write({row_write_kind::update, job("b", 3)}, [&](error_code ec, std::exception_ptr) {
        results[2] = ec, done.add();
    });
    store.run([&](sqlite_job_file& file) { seen = file.find("a"), done.add(); });
    BOOST_TEST_REQUIRE(done.wait_for(4));
    BOOST_TEST(!results[0]);
    BOOST_TEST((results[1] == error_code(errc::conflicting_job_id)));
    BOOST_TEST((results[2] == error_code(errc::job_not_found)));
    BOOST_TEST((seen == job("a", 1)));
}

BOOST_AUTO_TEST_CASE(a_failed_transaction_reaches_every_write_grouped_in_it)
{
    temp_dir tmp;
    sqlite_store_thread store(tmp.db, {}, {});
    store.wait_open();
    raw_exec(
        tmp.db,
        "CREATE TRIGGER doom BEFORE INSERT ON jobs WHEN NEW.id = 'doom' BEGIN SELECT RAISE(ROLLBACK, 'doomed'); END"
    );
    // Held until all three are queued, so they share one transaction
    asched::test::gate holding, all_queued;
    store.run([&](sqlite_job_file&) { holding.open(), all_queued.wait(); });
    BOOST_TEST_REQUIRE(holding.wait());
    completions done;
    std::vector<std::string> errors(3);
    for (int i = 0; i < 3; ++i)
    {
        const std::string id = i == 1 ? "doom" : "job-" + std::to_string(i);
        store.write(insert(job(id, i)), [&, i](error_code ec, std::exception_ptr e) {
            errors[i] = e ? what_of(e) : ec.message();
            done.add();
        });
    }
    all_queued.open();
    BOOST_TEST_REQUIRE(done.wait_for(3));
    const std::string expected = "sqlite store " + tmp.db.string() + ": cannot write jobs: doomed";
    BOOST_TEST(errors == (ids{expected, expected, expected}), boost::test_tools::per_element());
    // The thread goes on
    error_code later{errc::shut_down};
    store.write(insert(job("later", 1)), [&](error_code ec, std::exception_ptr e) {
        later = e ? error_code(errc::shut_down) : ec;
        done.add();
    });
    BOOST_TEST_REQUIRE(done.wait_for(4));
    BOOST_TEST(!later);
}

BOOST_AUTO_TEST_CASE(an_open_error_reaches_every_operation)
{
    temp_dir tmp;
    sqlite_store_thread store(tmp.db, {.create = false}, {});
    BOOST_CHECK_THROW(store.wait_open(), sqlite_error);
    completions done;
    std::string write_error, run_error;
    bool ran = false;
    store.write(insert(job("a", 1)), [&](error_code, std::exception_ptr e) { write_error = what_of(e), done.add(); });
    store.run([&](sqlite_job_file&) { ran = true; }, [&](std::exception_ptr e) { run_error = what_of(e), done.add(); });
    BOOST_TEST_REQUIRE(done.wait_for(2));
    BOOST_TEST(write_error == "sqlite store " + tmp.db.string() + ": cannot open: no such file");
    BOOST_TEST(run_error == write_error);
    BOOST_TEST(!ran);
}

BOOST_AUTO_TEST_CASE(a_second_store_thread_on_the_same_file_is_refused)
{
    temp_dir tmp;
    sqlite_store_thread first(tmp.db, {}, {});
    first.wait_open();
    sqlite_store_thread second(tmp.db, {}, {});
    try
    {
        second.wait_open();
        BOOST_FAIL("the second scheduler opened the file");
    }
    catch (const sqlite_error& e)
    {
        BOOST_TEST(contains(e.what(), "is in use by another scheduler"));
    }
}

BOOST_AUTO_TEST_CASE(exceptions_from_callbacks_and_work_do_not_stop_the_thread)
{
    temp_dir tmp;
    sqlite_store_thread store(tmp.db, {}, {});
    completions done;
    std::string work_error;
    // The first two are reported on stderr; the third is passed to its handler
    store.write(insert(job("a", 1)), [](error_code, std::exception_ptr) { throw std::runtime_error("callback"); });
    store.run([](sqlite_job_file&) { throw std::runtime_error("work without a handler"); });
    store.run(
        [](sqlite_job_file&) { throw std::runtime_error("work"); },
        [&](std::exception_ptr e) { work_error = what_of(e), done.add(); }
    );
    std::size_t count = 0;
    store.run([&](sqlite_job_file& file) { count = file.count(), done.add(); });
    BOOST_TEST_REQUIRE(done.wait_for(2));
    BOOST_TEST(work_error == "work");
    BOOST_TEST(count == 1u);
}

BOOST_AUTO_TEST_CASE(another_connections_commit_is_reported_and_our_own_are_not)
{
    temp_dir tmp;
    std::atomic<int> changes{0};
    completions written;
    sqlite_store_thread store(
        tmp.db,
        {},
        [&] { ++changes; },
        5ms
    );
    store.wait_open();
    store.write(insert(job("own", 1)), [&](error_code, std::exception_ptr) { written.add(); });
    BOOST_TEST_REQUIRE(written.wait_for(1));
    // Several polls pass over our own commit without a report
    std::this_thread::sleep_for(50ms);
    BOOST_TEST(changes == 0);

    sqlite_job_file cli(tmp.db, {.create = false, .scheduler_lock = false});
    cli.write(std::vector{insert(job("from-cli", 2))});
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (changes == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(1ms);
    BOOST_TEST(changes == 1);
}

BOOST_AUTO_TEST_SUITE_END()
