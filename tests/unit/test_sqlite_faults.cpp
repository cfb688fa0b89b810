// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// I/O faults in the SQLite store (issue 15), injected through a VFS (tests/common/fault_vfs.hpp) that fails the Nth
// write or sync, swept over N for adding, firing, pausing and removing jobs: while the fault lasts nothing runs
// before its write landed; once it clears, the file and the scheduler agree on every job, and no run happened twice.
// The scheduler runs on mock clocks from T0 = 2026-01-05T00:00:00Z; the store's thread does real I/O, awaited with
// a bounded poll_until.

#include <asched/scheduler.hpp>
#include <asched/sqlite_job_store.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sqlite3.h>
#include <string>
#include <system_error>
#include <vector>

#include "common/fault_vfs.hpp"
#include "common/mock_scheduler.hpp"
#include "common/run_helpers.hpp"
#include "common/temp_dir.hpp"
#include "lib/sqlite_job_file.hpp"

using namespace std::chrono_literals;
using asched::event_code;
using asched::instant;
using asched::interval_trigger;
using asched::time_zone;
using asched::unlimited_grace;
using asched::test::fault_vfs;
using asched::test::mock_scheduler;
using asched::test::poll_until;
using asched::test::str;

namespace {

enum class job_operation
{
    add,
    fire,
    pause,
    remove,
};

const char* name_of(job_operation op)
{
    switch (op)
    {
    case job_operation::add: return "add";
    case job_operation::fire: return "fire";
    case job_operation::pause: return "pause";
    case job_operation::remove: return "remove";
    }
    return "?";
}

struct fault_case
{
    job_operation op;
    fault_vfs::operation io;
    int nth;
    int code;
};

std::ostream& operator<<(std::ostream& out, const fault_case& c)
{
    return out << name_of(c.op) << " with call " << c.nth << " of "
               << (c.io == fault_vfs::operation::write ? "xWrite" : "xSync") << " failing with " << c.code;
}

// One case: a store on the fault VFS with two jobs, the fault armed, the operation, then the fault cleared.
struct fault_run : asched::test::scheduler_fixture
{
    asched::test::temp_dir folder;
    std::shared_ptr<asched::sqlite_job_store> store;
    std::unique_ptr<mock_scheduler> sched;
    std::vector<std::pair<std::string, instant>> runs;

    fault_run()
    {
        fault_vfs::instance();  // registered before the store opens with it
        store = std::make_shared<asched::sqlite_job_store>(
            ctx.get_executor(),
            asched::sqlite_store_options{.path = folder.db, .change_poll = 0ms, .vfs = fault_vfs::name}
        );
        sched = std::make_unique<mock_scheduler>(
            ctx,
            asched::scheduler_options{.zone = time_zone::utc(), .log = nullptr}
        );
        record(*sched);
        sched->register_task("record", [this](const asched::job_context& c) {
            runs.emplace_back(std::string(c.job_id()), c.scheduled_run_time());
        });
        sched->add_jobstore("disk", store);
        for (const char* id : {"a", "b"})
            sched->add_job(
                "record",
                interval_trigger{10s},
                {.id = id, .executor = "inline", .jobstore = "disk", .misfire_grace_time = unlimited_grace}
            );
        sched->start();
        // The jobs registered before start are written once the store was read: wait for those writes
        poll_until(ctx, [&] {
            for (const auto& j : sched->get_jobs())
                if (j.pending)
                    return false;
            return true;
        });
        settle();
    }

    ~fault_run()
    {
        fault_vfs::instance().clear();
        if (sched)
            sched->shutdown();
        poll();
    }

    // Waits until every write queued so far has been committed or has failed: the store thread runs its
    // operations in order, so a read's completion follows them
    void settle()
    {
        bool done = false;
        store->async_earliest_next_run_time([&](boost::system::error_code, std::optional<instant>) { done = true; });
        poll_until(ctx, [&] { return done; });
    }

    void perform(job_operation op)
    {
        switch (op)
        {
        case job_operation::add:
            sched->add_job(
                "record",
                interval_trigger{10s},
                {.id = "c", .executor = "inline", .jobstore = "disk", .misfire_grace_time = unlimited_grace}
            );
            break;
        case job_operation::fire: advance(10s); break;
        case job_operation::pause: sched->pause_job("a"); break;
        case job_operation::remove: sched->remove_job("b"); break;
        }
        settle();
    }

    // The stored rows, as another connection (on the default VFS) reads them: id -> next run time ("paused")
    std::map<std::string, std::string> stored() const
    {
        asched::detail::sqlite_job_file f(folder.db, {.create = false, .scheduler_lock = false});
        std::map<std::string, std::string> out;
        for (const auto& row : f.all_jobs())
            out[row.id] = row.next_run_time_us ? str(instant{std::chrono::microseconds{*row.next_run_time_us}})
                                               : std::string("paused");
        return out;
    }

    std::map<std::string, std::string> in_memory() const
    {
        std::map<std::string, std::string> out;
        for (const auto& j : sched->get_jobs())
            out[j.id] = j.next_run_time ? str(*j.next_run_time) : std::string("paused");
        return out;
    }
};

std::string text_of(const std::map<std::string, std::string>& jobs)
{
    std::string out;
    for (const auto& [id, next] : jobs)
        out += (out.empty() ? "" : ", ") + id + " " + next;
    return "{" + out + "}";
}

std::vector<fault_case> all_cases()
{
    std::vector<fault_case> cases;
    for (const auto op : {job_operation::add, job_operation::fire, job_operation::pause, job_operation::remove})
    {
        for (int nth = 1; nth <= 4; ++nth)
        {
            cases.push_back({op, fault_vfs::operation::write, nth, SQLITE_FULL});
            cases.push_back({op, fault_vfs::operation::write, nth, SQLITE_IOERR_WRITE});
        }
        for (int nth = 1; nth <= 2; ++nth)
            cases.push_back({op, fault_vfs::operation::sync, nth, SQLITE_IOERR_FSYNC});
    }
    return cases;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sqlite_store_faults)

// Every case: a fault from the Nth write or sync on (a full disk stays full), the operation, then a second of
// mock time with the fault on (retries fail too), then the fault cleared: the scheduler writes again until the store
// takes it. Afterwards the file and memory agree on every job, each fire time ran once, and a fire after the fault
// runs at once.
BOOST_AUTO_TEST_CASE(after_a_fault_clears_the_file_and_memory_agree_and_nothing_ran_twice)
{
    for (const fault_case& c : all_cases())
    {
        BOOST_TEST_CONTEXT(c)
        {
            fault_run run;
            fault_vfs::instance().fail_from(c.io, c.nth, c.code);
            run.perform(c.op);
            const bool faulted = fault_vfs::instance().failures() > 0;
            run.advance(1s);
            run.settle();
            fault_vfs::instance().clear();
            if (faulted)
            {
                // Written again until the store takes it
                for (int i = 0; i < 120 && run.count(event_code::jobstore_recovered) == 0; ++i)
                {
                    run.advance(1s);
                    run.settle();
                }
                BOOST_TEST(run.count(event_code::jobstore_error) >= 1u);
                BOOST_TEST(run.count(event_code::jobstore_recovered) == 1u);
            }
            run.settle();
            const auto stored = run.stored(), in_memory = run.in_memory();
            BOOST_TEST(stored == in_memory, "stored " << text_of(stored) << ", in memory " << text_of(in_memory));

            std::set<std::pair<std::string, instant>> unique(run.runs.begin(), run.runs.end());
            BOOST_TEST(unique.size() == run.runs.size(), "a run happened twice");
            if (c.op == job_operation::fire)
                for (const char* id : {"a", "b"})
                    BOOST_TEST(unique.count({id, asched::test::T0 + 10s}) == 1u, id << " ran its fire at 10 s");

            // The store takes writes again: the next fire runs at once
            const auto before = run.runs.size();
            const auto next = run.sched->get_job("a")->next_run_time;
            if (next)
            {
                const auto wait = *next - asched::test::mock_clocks::now();
                run.advance(wait > 0us ? wait : 0us);
                run.settle();
                BOOST_TEST(run.runs.size() > before);
            }
        }
    }
}

// `asched jobs import` writes with add_all, all or nothing: a fault from the Nth write or sync on leaves the file as it
// was (the job already there and no other), and the same import once the fault cleared writes every job.
BOOST_AUTO_TEST_CASE(an_import_that_meets_a_fault_writes_nothing_and_a_second_one_everything)
{
    const auto job = [](const std::string& id) {
        return asched::job_description{
            .id = id,
            .task_name = "record",
            .trigger = interval_trigger{1h},
            .next_run_time = asched::test::T0 + 1h,
        };
    };
    std::vector<asched::job_description> batch;
    for (int i = 0; i < 500; ++i)
        batch.push_back(job("imported-" + std::to_string(i)));
    struct fault
    {
        fault_vfs::operation io;
        int nth;
        int code;
    };
    std::vector<fault> faults;
    for (int nth = 1; nth <= 6; ++nth)
        faults.push_back({fault_vfs::operation::write, nth, SQLITE_FULL});
    for (int nth = 1; nth <= 2; ++nth)
        faults.push_back({fault_vfs::operation::sync, nth, SQLITE_IOERR_FSYNC});
    int failed_imports = 0;
    for (const fault& f : faults)
    {
        BOOST_TEST_CONTEXT("call " << f.nth << " of " << (f.io == fault_vfs::operation::write ? "xWrite" : "xSync"))
        {
            fault_vfs::instance();
            asched::test::temp_dir folder;
            boost::asio::io_context ctx;
            asched::sqlite_job_store store(
                ctx.get_executor(),
                {.path = folder.db, .scheduler_lock = false, .change_poll = 0ms, .vfs = fault_vfs::name}
            );
            BOOST_REQUIRE(store.add_all({job("existing")}, false) == std::vector<boost::system::error_code>(1));
            fault_vfs::instance().fail_from(f.io, f.nth, f.code);
            bool failed = false;
            try
            {
                const auto codes = store.add_all(batch, false);
                failed = std::any_of(codes.begin(), codes.end(), [](boost::system::error_code ec) { return !!ec; });
            }
            catch (const std::system_error&)
            {
                failed = true;
            }
            const bool faulted = fault_vfs::instance().failures() > 0;
            fault_vfs::instance().clear();
            BOOST_TEST(failed == faulted);
            const auto count_rows = [&] {
                asched::detail::sqlite_job_file file(folder.db, {.create = false, .scheduler_lock = false});
                return file.count();
            };
            if (failed)
            {
                ++failed_imports;
                BOOST_TEST(count_rows() == 1u);  // as it was: all or nothing
                BOOST_TEST(store.add_all(batch, false) == std::vector<boost::system::error_code>(batch.size()));
            }
            BOOST_TEST(count_rows() == 501u);
            store.close();
        }
    }
    // A fault set past the transaction's last call of its kind (a second sync) leaves it whole; the others hit it
    BOOST_TEST(failed_imports >= static_cast<int>(faults.size()) - 2);
}

BOOST_AUTO_TEST_SUITE_END()
