// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// A store whose writes fail (issue 15): a run starts only once its fire write has landed (at most once), a failed
// write delays the run and is written again until the store takes it, the outage is reported once and its end
// once, the other stores' jobs keep firing, and a shutdown says what it could not write. The store is a memory
// store object that fails its writes on demand (as a full disk would), on mock clocks from T0 = 2026-01-05T00:00Z.

#include <asched/memory_job_store.hpp>
#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/post.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/mock_scheduler.hpp"
#include "common/run_helpers.hpp"

using namespace std::chrono_literals;
using asched::date_trigger;
using asched::event_code;
using asched::instant;
using asched::interval_trigger;
using asched::time_zone;
using asched::unlimited_grace;
using asched::test::at_s;
using asched::test::mock_scheduler;
using asched::test::recorder;
using asched::test::seconds_list;
using asched::test::str;
using asched::test::texts;

namespace {

/// A store that says it is persistent, keeps its jobs in a memory store, and fails every write while `failing` is
/// set, with ENOSPC (as a full disk would).
class failing_store : public asched::job_store
{
public:
    explicit failing_store(boost::asio::any_io_executor executor) : executor_(executor), jobs_(executor) {}

    bool failing{false};
    int failed_writes{0};

    std::string_view kind() const noexcept override { return "failing"; }
    std::string location() const override { return "memory, failing on demand"; }
    bool persistent() const noexcept override { return true; }
    void watch(std::function<void()>) override {}
    void close() override {}

    /// The stored job, read synchronously (the memory store completes through the io_context).
    std::optional<asched::job_description> stored(boost::asio::io_context& ctx, const std::string& id)
    {
        std::optional<asched::job_description> found;
        bool done = false;
        jobs_.async_find(id, [&](boost::system::error_code, std::optional<asched::job_description> d) {
            found = std::move(d);
            done = true;
        });
        while (!done)
        {
            ctx.restart();
            ctx.poll();
        }
        return found;
    }

protected:
    void do_add(asched::job_description job, bool replace_existing, write_handler handler) override
    {
        if (!refuse(handler))
            jobs_.async_add(std::move(job), replace_existing, std::move(handler));
    }
    void do_update(asched::job_description job, write_handler handler) override
    {
        if (!refuse(handler))
            jobs_.async_update(std::move(job), std::move(handler));
    }
    void do_remove(std::string id, write_handler handler) override
    {
        if (!refuse(handler))
            jobs_.async_remove(std::move(id), std::move(handler));
    }
    void do_remove_all(write_handler handler) override
    {
        if (!refuse(handler))
            jobs_.async_remove_all(std::move(handler));
    }
    void do_find(std::string id, find_handler handler) override { jobs_.async_find(std::move(id), std::move(handler)); }
    void do_all_jobs(listing_handler handler) override { jobs_.async_all_jobs(std::move(handler)); }
    void do_due_jobs(instant until, listing_handler handler) override
    {
        jobs_.async_due_jobs(until, std::move(handler));
    }
    void do_earliest_next_run_time(earliest_handler handler) override
    {
        jobs_.async_earliest_next_run_time(std::move(handler));
    }
    void do_quarantine(std::string id, std::string reason, write_handler handler) override
    {
        jobs_.async_quarantine(std::move(id), std::move(reason), std::move(handler));
    }

private:
    bool refuse(write_handler& handler)
    {
        if (!failing)
            return false;
        ++failed_writes;
        boost::asio::post(
            executor_,
            boost::asio::append(
                std::move(handler),
                boost::system::errc::make_error_code(boost::system::errc::no_space_on_device)
            )
        );
        return true;
    }

    boost::asio::any_io_executor executor_;
    asched::memory_job_store jobs_;
};

struct faults_fixture : asched::test::scheduler_fixture
{
    std::vector<std::string> log_lines;
    std::shared_ptr<failing_store> store = std::make_shared<failing_store>(ctx.get_executor());
    mock_scheduler sched{
        ctx,
        {.zone = time_zone::utc(),
         .log = [this](asched::log_level, std::string_view line) { log_lines.emplace_back(line); },
         .minimum_log_level = asched::log_level::info}};

    std::vector<instant> runs;  // of the task "record"

    faults_fixture()
    {
        record(sched);
        sched.register_task("record", recorder(runs));
        sched.add_jobstore("disk", store);
    }

    /// Advances a second at a time until `done` holds, at most `limit` seconds
    template <class Predicate>
    bool advance_until(Predicate done, int limit = 120)
    {
        for (int i = 0; i < limit && !done(); ++i)
            advance(1s);
        return done();
    }

    bool logged(std::string_view text) const
    {
        for (const auto& line : log_lines)
            if (line.find(text) != std::string::npos)
                return true;
        return false;
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(scheduler_store_faults, faults_fixture)

// The fire at 10 s cannot write the next run time: the run waits; so does the fire at 20 s. The outage is reported
// once. When the store takes writes again, the retry lands, both runs start once each, the end of the outage is
// reported once, and the store holds the next run time. A job of another store fires all along.
BOOST_AUTO_TEST_CASE(a_failed_fire_write_delays_the_run_and_never_doubles_it)
{
    std::vector<instant> memory_runs;
    sched.add_job(
        "record",
        interval_trigger{10s},
        {.id = "report", .executor = "inline", .jobstore = "disk", .misfire_grace_time = unlimited_grace}
    );
    sched.add_job(recorder(memory_runs), interval_trigger{5s}, {.id = "tick", .executor = "inline"});
    sched.start();
    poll();

    store->failing = true;
    advance(5s);
    advance(5s);
    BOOST_TEST(runs.empty());  // at most once: no run before its write lands
    advance(5s);
    advance(5s);
    BOOST_TEST(runs.empty());
    BOOST_TEST(texts(memory_runs) == seconds_list({5, 10, 15, 20}), boost::test_tools::per_element());
    BOOST_TEST(count(event_code::jobstore_error) == 1u);
    BOOST_TEST(store->failed_writes >= 2);
    BOOST_TEST(count(event_code::jobstore_recovered) == 0u);
    // The job in memory is as it was scheduled: the next run at 30 s
    BOOST_TEST(str(sched.get_job("report")->next_run_time) == at_s(30));

    store->failing = false;
    BOOST_TEST(advance_until([&] { return count(event_code::jobstore_recovered) == 1u; }));
    BOOST_TEST(texts(runs) == seconds_list({10, 20}), boost::test_tools::per_element());
    BOOST_TEST(count(event_code::jobstore_error) == 1u);
    const auto stored = store->stored(ctx, "report");
    BOOST_REQUIRE(stored.has_value());
    BOOST_TEST(str(stored->next_run_time) == str(sched.get_job("report")->next_run_time));
    BOOST_TEST(logged("takes writes again"));

    // Afterwards each fire runs at once again, and nothing ran twice
    const auto before = runs.size();
    while (runs.size() == before)
        advance(1s);
    BOOST_TEST(runs.size() == before + 1);
    std::vector<instant> sorted = runs;
    std::sort(sorted.begin(), sorted.end());
    BOOST_TEST((std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end()), "a run time ran twice");
}

// A job's last run waits for its removal from the store: a crash before that would leave the job stored, and a
// restart would run it again.
BOOST_AUTO_TEST_CASE(a_finished_jobs_last_run_waits_for_its_removal)
{
    sched.add_job(
        "record",
        date_trigger{asched::test::T0 + 5s},
        {.id = "once", .executor = "inline", .jobstore = "disk", .misfire_grace_time = unlimited_grace}
    );
    sched.start();
    poll();
    store->failing = true;
    advance(5s);
    advance(5s);
    BOOST_TEST(runs.empty());
    BOOST_TEST(store->stored(ctx, "once").has_value());  // still stored: the removal did not land

    store->failing = false;
    BOOST_TEST(advance_until([&] { return !runs.empty(); }));
    BOOST_TEST(texts(runs) == seconds_list({5}), boost::test_tools::per_element());
    BOOST_TEST(!store->stored(ctx, "once").has_value());
    for (int i = 0; i < 30; ++i)
        advance(1s);
    BOOST_TEST(runs.size() == 1u);
}

// A run delayed past its grace time by a failing store is a missed run, not a late one.
BOOST_AUTO_TEST_CASE(a_run_delayed_past_its_grace_time_is_missed)
{
    sched.add_job(
        "record",
        interval_trigger{1h},
        {.id = "hourly", .executor = "inline", .jobstore = "disk", .misfire_grace_time = std::chrono::microseconds{1s}}
    );
    sched.start();
    poll();
    store->failing = true;
    advance(1h);
    for (int i = 0; i < 5; ++i)
        advance(1s);
    store->failing = false;
    BOOST_TEST(advance_until([&] { return count(event_code::jobstore_recovered) == 1u; }));
    BOOST_TEST(runs.empty());
    const auto missed = events_of(event_code::job_missed, "hourly");
    BOOST_REQUIRE(missed.size() == 1u);
    BOOST_TEST(texts(missed[0].scheduled_run_times) == seconds_list({3600}), boost::test_tools::per_element());
}

// Shutting down while the store still fails: the log says how many writes were not made and that the runs waiting
// for them did not start; it never says the jobs are safe.
BOOST_AUTO_TEST_CASE(shutdown_says_which_writes_it_could_not_make)
{
    sched.add_job(
        "record",
        interval_trigger{10s},
        {.id = "report", .executor = "inline", .jobstore = "disk", .misfire_grace_time = unlimited_grace}
    );
    sched.start();
    poll();
    store->failing = true;
    advance(10s);
    sched.shutdown();
    poll();
    BOOST_TEST(runs.empty());
    BOOST_TEST(logged("job store 'disk': 1 job writes could not be made before shutdown ('report')"));
    BOOST_TEST(logged("1 runs that waited for their writes did not start"));
}

BOOST_AUTO_TEST_SUITE_END()
