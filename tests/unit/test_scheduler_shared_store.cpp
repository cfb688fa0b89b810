// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// The scheduler's lease loop over a shared store (issue 5), deterministically: schedulers on mock clocks share a
// fake store in memory (tests/common/fake_shared_store.hpp), which can go down or die. Jobs are taken ahead of their
// time, each fire is recorded under the lease before its runs, released when idle; a lost lease stops a run; an
// outage lets held jobs run until their lease's deadline and writes their state back afterwards; max_instances holds
// across schedulers; a dead scheduler's jobs go to another once its leases expire.

#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/fake_shared_store.hpp"
#include "common/mock_scheduler.hpp"

using namespace std::chrono_literals;
using asched::instant;
using asched::test::fake_database;
using asched::test::fake_shared_store;
using asched::test::mock_epoch;
using asched::test::mock_scheduler;

namespace {

struct shared_fixture : asched::test::scheduler_fixture
{
    std::shared_ptr<fake_database> database = std::make_shared<fake_database>();
    fake_database& db = *database;
    // (job id, scheduled time) -> the schedulers that ran it
    std::map<std::pair<std::string, instant>, std::vector<std::string>> runs;
    std::vector<std::unique_ptr<mock_scheduler>> schedulers;
    std::vector<std::shared_ptr<fake_shared_store>> stores;

    mock_scheduler& add_scheduler(const std::string& name, std::chrono::milliseconds lease = 10s)
    {
        auto& s = *schedulers.emplace_back(std::make_unique<mock_scheduler>(ctx));
        s.register_task("record", [this, name](const asched::job_context& ctx) {
            runs[{ctx.job_id(), ctx.scheduled_run_time()}].push_back(name);
            db.log.push_back("run " + ctx.job_id() + " " + name);
        });
        auto store = std::make_shared<fake_shared_store>(ctx, database, name, lease);
        stores.push_back(store);
        s.add_jobstore("shared", store);
        record(s);
        return s;
    }

    /// Jobs that catch up on every run they missed (coalesce off, a long grace time, room for a backlog).
    static asched::job_options shared_job(const std::string& id)
    {
        return asched::job_options{
            .id = id,
            .executor = "inline",
            .jobstore = "shared",
            .misfire_grace_time = std::chrono::microseconds(30s),
            .coalesce = false,
            .max_instances = 20,
            .replace_existing = true,
        };
    }

    /// Advances the clocks in steps of `step`, polling after each.
    void run_for(std::chrono::microseconds total, std::chrono::microseconds step = 100ms)
    {
        for (std::chrono::microseconds done{0}; done < total; done += step)
            advance(step);
    }

    std::size_t duplicates() const
    {
        std::size_t n = 0;
        for (const auto& [key, who] : runs)
            n += who.size() - 1;
        return n;
    }

    std::size_t runs_by(const std::string& name) const
    {
        std::size_t n = 0;
        for (const auto& [key, who] : runs)
            n += static_cast<std::size_t>(std::count(who.begin(), who.end(), name));
        return n;
    }

    std::size_t index_of(const std::string& line) const
    {
        auto it = std::find(db.log.begin(), db.log.end(), line);
        return it == db.log.end() ? db.log.size() : static_cast<std::size_t>(it - db.log.begin());
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(scheduler_shared_store, shared_fixture)

BOOST_AUTO_TEST_CASE(a_job_is_taken_before_its_time_and_its_fire_is_recorded_before_the_run)
{
    auto& a = add_scheduler("A");
    a.add_job("record", asched::interval_trigger(10s), shared_job("j"));
    a.start();
    poll();
    BOOST_TEST(db.rows.at("j").holder.empty());  // due at T0 + 10 s: not taken yet
    run_for(9600ms);
    BOOST_TEST(db.rows.at("j").holder == "A");  // taken within the half second before
    BOOST_TEST(runs.empty());
    run_for(400ms);
    BOOST_REQUIRE(runs.size() == 1u);
    BOOST_TEST((runs.begin()->first.second == mock_epoch + 10s));
    // The fire's write precedes the run; the release follows it, with the next run time
    BOOST_TEST(index_of("write j A") < index_of("run j A"));
    BOOST_TEST(index_of("run j A") < index_of("release j A"));
    BOOST_TEST(db.rows.at("j").holder.empty());
    BOOST_TEST((*db.rows.at("j").job.next_run_time == mock_epoch + 20s));
}

BOOST_AUTO_TEST_CASE(two_schedulers_fire_each_run_once)
{
    auto& a = add_scheduler("A");
    auto& b = add_scheduler("B");
    for (auto* s : {&a, &b})
        for (int i = 0; i < 10; ++i)
            s->add_job("record", asched::interval_trigger(1s), shared_job("j" + std::to_string(i)));
    a.start();
    b.start();
    poll();
    run_for(20s + 50ms);
    BOOST_TEST(db.rows.size() == 10u);  // registered twice, stored once
    BOOST_TEST(duplicates() == 0u);
    BOOST_TEST(runs.size() == 200u);  // 10 jobs, every second from T0 + 1 s to T0 + 20 s
    BOOST_TEST(runs_by("A") + runs_by("B") == 200u);
}

BOOST_AUTO_TEST_CASE(a_run_whose_lease_was_lost_does_not_start)
{
    auto& a = add_scheduler("A");
    a.add_job("record", asched::interval_trigger(1s), shared_job("j"));
    a.start();
    poll();
    run_for(700ms);
    BOOST_REQUIRE(db.rows.at("j").holder == "A");
    // Another scheduler took it meanwhile (as after an expired lease)
    db.rows.at("j").holder = "X";
    db.rows.at("j").token += 1;
    run_for(500ms);
    BOOST_TEST(runs.empty());
    BOOST_TEST(db.rows.at("j").holder == "X");
}

BOOST_AUTO_TEST_CASE(in_an_outage_held_jobs_run_until_their_lease_ends_and_are_written_back_after)
{
    auto& a = add_scheduler("A", 10s);
    // A long run keeps the job held (released only when idle): max_instances 3 lets the next fires start meanwhile
    bool finish_runs = false;
    std::vector<asched::job_completion> pending;
    a.register_task("slow", [&](const asched::job_context& ctx, asched::job_completion done) {
        runs[{ctx.job_id(), ctx.scheduled_run_time()}].push_back("A");
        if (finish_runs)
            done();
        else
            pending.push_back(std::move(done));
    });
    auto o = shared_job("j");
    o.executor.clear();
    o.max_instances = 100;
    a.add_job("slow", asched::interval_trigger(1s), o);
    a.start();
    poll();
    run_for(1050ms);  // taken at 0.5 s, fired at 1 s (recorded), held while its run lasts
    BOOST_REQUIRE(runs.size() == 1u);
    BOOST_REQUIRE(db.rows.at("j").holder == "A");
    db.set_down(true);
    run_for(15s);
    // Taken at 0.5 s, never renewed since (the first renewal, at 3.3 s, fails): the runs continue on the lease
    // until its deadline, 90 % of the lease after it was taken (9.5 s), so the runs of 2 s to 9 s
    const std::size_t during = runs.size();
    BOOST_TEST(during >= 9u);
    BOOST_TEST(during <= 12u);
    BOOST_TEST(count(asched::event_code::jobstore_error) >= 1u);
    const auto last_run = std::prev(runs.end())->first.second;
    finish_runs = true;
    for (auto& done : pending)
        done();
    pending.clear();
    db.set_down(false);
    run_for(3s);
    // Written back under the lease: the stored next run time follows the last run made during the outage
    BOOST_TEST(duplicates() == 0u);
    BOOST_TEST(runs.size() > during);
    std::set<instant> times;
    for (const auto& [key, who] : runs)
        times.insert(key.second);
    BOOST_TEST((*times.begin() == mock_epoch + 1s));
    BOOST_TEST((*times.rbegin() > last_run));
}

BOOST_AUTO_TEST_CASE(max_instances_holds_across_schedulers)
{
    auto& a = add_scheduler("A");
    auto& b = add_scheduler("B");
    std::vector<asched::job_completion> pending;
    for (auto* s : {&a, &b})
    {
        s->register_task("slow", [&, s](const asched::job_context& ctx, asched::job_completion done) {
            runs[{ctx.job_id(), ctx.scheduled_run_time()}].push_back(s == &a ? "A" : "B");
            pending.push_back(std::move(done));
        });
        auto o = shared_job("j");
        o.executor.clear();
        o.max_instances = 1;
        s->add_job("slow", asched::interval_trigger(1s), o);
        s->start();
    }
    poll();
    run_for(5050ms);
    // The first run never finishes: its scheduler keeps the job, and no other run starts anywhere
    BOOST_TEST(runs.size() == 1u);
    BOOST_TEST(pending.size() == 1u);
    BOOST_TEST(count(asched::event_code::job_max_instances) >= 3u);
    pending.front()();
    pending.clear();
    run_for(2s);
    BOOST_TEST(runs.size() >= 2u);
    BOOST_TEST(duplicates() == 0u);
}

BOOST_AUTO_TEST_CASE(a_dead_schedulers_jobs_go_to_another_when_its_leases_expire)
{
    auto& a = add_scheduler("A", 4s);
    a.add_job("record", asched::interval_trigger(1s), shared_job("j"));
    a.start();
    poll();
    run_for(2700ms);  // A runs 1 s and 2 s, and holds the job for 3 s
    BOOST_REQUIRE(runs_by("A") == 2u);
    BOOST_REQUIRE(db.rows.at("j").holder == "A");
    stores[0]->die();
    auto& b = add_scheduler("B", 4s);
    b.add_job("record", asched::interval_trigger(1s), shared_job("j"));
    b.start();
    poll();
    run_for(3s);
    BOOST_TEST(runs_by("B") == 0u);  // A's lease runs until about 6.7 s
    run_for(5s);
    BOOST_TEST(runs_by("A") == 2u);
    // B took it after the lease and ran the runs A could not, late but within the grace time, then on time
    BOOST_TEST(runs_by("B") >= 7u);
    BOOST_TEST(duplicates() == 0u);
    for (int s = 1; s <= 10; ++s)
        BOOST_TEST(runs.contains({"j", mock_epoch + std::chrono::seconds{s}}), "run at " << s << " s");
}

BOOST_AUTO_TEST_CASE(pausing_and_shutting_down_release_held_jobs)
{
    auto& a = add_scheduler("A");
    for (int i = 0; i < 3; ++i)
        a.add_job("record", asched::interval_trigger(1s), shared_job("j" + std::to_string(i)));
    a.start();
    poll();
    run_for(700ms);
    for (const auto& [id, row] : db.rows)
        BOOST_TEST(row.holder == "A");
    a.pause();
    poll();
    for (const auto& [id, row] : db.rows)
        BOOST_TEST(row.holder.empty());
    a.resume();
    run_for(1s);
    BOOST_TEST(runs.size() == 3u);  // the runs at 1 s
    run_for(600ms);
    a.shutdown();
    poll();
    for (const auto& [id, row] : db.rows)
        BOOST_TEST(row.holder.empty());
}

BOOST_AUTO_TEST_CASE(a_change_made_elsewhere_revokes_the_lease_and_the_new_definition_runs)
{
    auto& a = add_scheduler("A");
    auto& b = add_scheduler("B");
    a.add_job("record", asched::interval_trigger(1s), shared_job("j"));
    a.start();
    b.start();
    poll();
    run_for(2500ms);
    // B reschedules it to every 5 s: the holder's next write is refused, and the job is taken again as it is now
    b.reschedule_job("j", asched::interval_trigger(5s), "shared");
    run_for(12s);
    BOOST_TEST(duplicates() == 0u);
    std::vector<instant> after;
    for (const auto& [key, who] : runs)
        if (key.second > mock_epoch + 3s)
            after.push_back(key.second);
    BOOST_TEST_REQUIRE(after.size() >= 2u);
    for (std::size_t i = 1; i < after.size(); ++i)
        BOOST_TEST((after[i] - after[i - 1] == 5s));
    BOOST_TEST((a.get_job("j", "shared")->trigger == b.get_job("j", "shared")->trigger));
}

BOOST_AUTO_TEST_CASE(a_job_whose_task_a_scheduler_lacks_is_left_to_the_schedulers_that_have_it)
{
    auto& a = add_scheduler("A");
    auto& b = add_scheduler("B");
    b.register_task("only_in_b", [this](const asched::job_context& ctx) {
        runs[{ctx.job_id(), ctx.scheduled_run_time()}].push_back("B");
    });
    a.start();
    b.start();
    poll();
    b.add_job("only_in_b", asched::interval_trigger(1s), shared_job("j"));
    run_for(10s);
    BOOST_TEST(runs_by("B") >= 9u);
    BOOST_TEST(runs_by("A") == 0u);
    BOOST_TEST(db.rows.contains("j"));  // not quarantined: other schedulers may have the task
    // A gave it back the first time it took it, and never took it again
    BOOST_TEST(std::count(db.log.begin(), db.log.end(), "acquire j A") <= 1);
}

BOOST_AUTO_TEST_SUITE_END()
