// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// The PostgreSQL job store against a real, throwaway server (one per test process): the plain store operations,
// leases and fencing tokens between two holders, lease expiry, and schedulers sharing one database. Leases are timed
// by the server's clock, so the scheduler cases run on the system clocks with short intervals, and check what must
// hold whatever the machine's speed: no run twice, no gap in a job's runs.

#include <asched/job_document.hpp>
#include <asched/postgres_job_store.hpp>
#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/pg_server.hpp"
#include "lib/pg_connection.hpp"

using namespace std::chrono_literals;
using asched::errc;
using asched::instant;
using asched::job_description;
using asched::job_lease;
using asched::leased_write;
using asched::postgres_job_store;
using asched::postgres_store_options;
using boost::system::error_code;

namespace {

asched::test::pg_server& server()
{
    static asched::test::pg_server instance({"fsync=off"});
    return instance;
}

/// Runs the io_context until `done` holds, for at most `limit` of real time.
template <class Predicate>
bool run_until(boost::asio::io_context& io, Predicate done, std::chrono::milliseconds limit = 10s)
{
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!done())
    {
        if (std::chrono::steady_clock::now() > end)
            return false;
        io.restart();
        io.run_for(5ms);
    }
    return true;
}

/// The result of one asynchronous store call, awaited on the io_context.
template <class... Values>
struct outcome
{
    bool done{false};
    error_code ec;
    std::tuple<Values...> values;

    auto handler()
    {
        return [this](error_code e, Values... v) {
            ec = e;
            values = std::tuple<Values...>(std::move(v)...);
            done = true;
        };
    }
};

template <class... Values, class Start>
outcome<Values...> await(boost::asio::io_context& io, Start start)
{
    outcome<Values...> o;
    start(o.handler());
    BOOST_REQUIRE(run_until(io, [&] { return o.done; }));
    return o;
}

/// The leases `store` takes of up to 10 jobs due by `t`, none excluded.
std::vector<job_lease> acquire(boost::asio::io_context& io, postgres_job_store& store, instant t)
{
    auto taken = await<std::vector<job_lease>>(io, [&](auto h) { store.async_acquire(t, 10, {}, std::move(h)); });
    return std::get<0>(taken.values);
}

/// A fresh table prefix per test, so that tests in one process do not see each other's jobs.
std::string fresh_prefix()
{
    static int n = 0;
    return "t" + std::to_string(++n) + "_" + std::to_string(::getpid());
}

postgres_store_options options_for(const std::string& prefix, std::chrono::milliseconds lease = 30s)
{
    return postgres_store_options{.conninfo = server().conninfo(), .table_prefix = prefix, .lease_time = lease};
}

job_description due_job(const std::string& id, instant next)
{
    return job_description{
        .id = id,
        .task_name = "work",
        .trigger = asched::interval_trigger(1s),
        .next_run_time = next,
    };
}

instant now_s() { return std::chrono::floor<std::chrono::seconds>(asched::system_clocks::now()); }

void run_sql(boost::asio::io_context& io, const std::string& sql)
{
    auto conn = asched::detail::pg_connection::create(io.get_executor(), server().conninfo());
    auto connected = await<std::string>(io, [&](auto h) { conn->async_connect(5s, std::move(h)); });
    BOOST_REQUIRE(!connected.ec);
    auto r = await<asched::detail::pg_result>(io, [&](auto h) { conn->async_query(sql, {}, std::move(h)); });
    BOOST_REQUIRE_MESSAGE(!r.ec, std::get<0>(r.values).error);
    conn->close();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(postgres_store)

BOOST_AUTO_TEST_CASE(stores_finds_updates_and_removes_jobs)
{
    boost::asio::io_context io;
    postgres_job_store store(io.get_executor(), options_for(fresh_prefix()));
    const instant t = now_s() + 60s;

    auto added = await<>(io, [&](auto h) { store.async_add(due_job("a", t + 5s), false, std::move(h)); });
    BOOST_TEST(!added.ec);
    BOOST_TEST(await<>(io, [&](auto h) {
                   store.async_add(due_job("b", t), false, std::move(h));
               }).ec.failed() == false);
    auto again = await<>(io, [&](auto h) { store.async_add(due_job("a", t), false, std::move(h)); });
    BOOST_TEST(again.ec == error_code(errc::conflicting_job_id));

    job_description paused = due_job("p", t);
    paused.next_run_time.reset();
    paused.paused = true;
    BOOST_TEST(!await<>(io, [&](auto h) { store.async_add(paused, false, std::move(h)); }).ec);

    auto all = await<asched::job_listing>(io, [&](auto h) { store.async_all_jobs(std::move(h)); });
    BOOST_REQUIRE(!all.ec);
    std::vector<std::string> order;
    for (const auto& d : std::get<0>(all.values).jobs)
        order.push_back(d.id);
    BOOST_TEST(order == (std::vector<std::string>{"b", "a", "p"}), boost::test_tools::per_element());
    BOOST_TEST((std::get<0>(all.values).jobs.front() == due_job("b", t)));
    BOOST_TEST((std::get<0>(all.values).jobs.back() == paused));

    auto found = await<std::optional<job_description>>(io, [&](auto h) { store.async_find("a", std::move(h)); });
    BOOST_REQUIRE(std::get<0>(found.values).has_value());
    BOOST_TEST((*std::get<0>(found.values)->next_run_time == t + 5s));

    job_description changed = due_job("a", t + 1s);
    changed.max_instances = 3;
    BOOST_TEST(!await<>(io, [&](auto h) { store.async_update(changed, std::move(h)); }).ec);
    found = await<std::optional<job_description>>(io, [&](auto h) { store.async_find("a", std::move(h)); });
    BOOST_TEST((*std::get<0>(found.values) == changed));

    auto due = await<asched::job_listing>(io, [&](auto h) { store.async_due_jobs(t + 1s, std::move(h)); });
    BOOST_TEST(std::get<0>(due.values).jobs.size() == 2u);
    auto earliest = await<std::optional<instant>>(io, [&](auto h) {
        store.async_earliest_next_run_time(std::move(h));
    });
    BOOST_TEST((*std::get<0>(earliest.values) == t));

    BOOST_TEST(!await<>(io, [&](auto h) { store.async_remove("a", std::move(h)); }).ec);
    BOOST_TEST(await<>(io, [&](auto h) {
                   store.async_remove("a", std::move(h));
               }).ec == error_code(errc::job_not_found));
    BOOST_TEST(await<>(io, [&](auto h) {
                   store.async_update(changed, std::move(h));
               }).ec == error_code(errc::job_not_found));
    found = await<std::optional<job_description>>(io, [&](auto h) { store.async_find("a", std::move(h)); });
    BOOST_TEST(!std::get<0>(found.values).has_value());
    store.close();
}

BOOST_AUTO_TEST_CASE(a_row_that_cannot_be_read_is_quarantined_not_lost)
{
    boost::asio::io_context io;
    const std::string prefix = fresh_prefix();
    postgres_job_store store(io.get_executor(), options_for(prefix));
    BOOST_TEST(!await<>(io, [&](auto h) { store.async_add(due_job("good", now_s()), false, std::move(h)); }).ec);
    run_sql(io, "INSERT INTO " + prefix + "_jobs (id, next_run_time, document) VALUES ('bad', now(), '{\"x\": 1}')");

    auto all = await<asched::job_listing>(io, [&](auto h) { store.async_all_jobs(std::move(h)); });
    BOOST_REQUIRE(!all.ec);
    BOOST_TEST(std::get<0>(all.values).jobs.size() == 1u);
    BOOST_REQUIRE(std::get<0>(all.values).quarantined.size() == 1u);
    BOOST_TEST(std::get<0>(all.values).quarantined[0].id == "bad");
    BOOST_TEST(std::get<0>(all.values).quarantined[0].reason.find("cannot be read") != std::string::npos);
    // Moved aside with its document, in the same database
    run_sql(
        io,
        "DO $$ BEGIN IF (SELECT count(*) FROM " + prefix +
            "_quarantined_jobs WHERE id = 'bad' AND document LIKE '%\"x\"%') <> 1 THEN RAISE 'not moved'; END IF; "
            "END $$"
    );
    store.close();
}

/// The ids of a listing's jobs, and of its quarantined rows with their reasons cut to the first ':'.
std::pair<std::vector<std::string>, std::vector<std::string>> ids_of(const asched::job_listing& listing)
{
    std::pair<std::vector<std::string>, std::vector<std::string>> ids;
    for (const auto& d : listing.jobs)
        ids.first.push_back(d.id);
    for (const auto& q : listing.quarantined)
        ids.second.push_back(q.id + " " + q.reason.substr(0, q.reason.find(':')));
    std::sort(ids.first.begin(), ids.first.end());
    std::sort(ids.second.begin(), ids.second.end());
    return ids;
}

asched::job_listing all_jobs(boost::asio::io_context& io, postgres_job_store& store)
{
    auto all = await<asched::job_listing>(io, [&](auto h) { store.async_all_jobs(std::move(h)); });
    BOOST_REQUIRE(!all.ec);
    return std::get<0>(all.values);
}

/// Fails unless `condition` (SQL) holds on the server.
void require_sql(boost::asio::io_context& io, const std::string& condition)
{
    run_sql(io, "DO $$ BEGIN IF NOT (" + condition + ") THEN RAISE 'does not hold'; END IF; END $$");
}

BOOST_AUTO_TEST_CASE(a_row_changed_after_it_was_written_is_quarantined_with_checksum_mismatch)
{
    using strings = std::vector<std::string>;
    boost::asio::io_context io;
    const std::string prefix = fresh_prefix();
    postgres_job_store store(io.get_executor(), options_for(prefix));
    const instant t = now_s() - 1s;
    // A document jsonb returns with other key order, spacing and number spellings than Boost.JSON wrote it
    for (const char* id : {"document", "column", "acquired", "intact"})
    {
        job_description d = due_job(id, t);
        d.kwargs = {{"year", 2027}, {"ratio", 0.1}, {"big", 1e300}, {"to", "ops \u00e9\n"}};
        BOOST_TEST(!await<>(io, [&](auto h) { store.async_add(d, false, std::move(h)); }).ec);
    }
    BOOST_TEST(ids_of(all_jobs(io, store)).first == (strings{"acquired", "column", "document", "intact"}));

    // Fire writes keep the next run time's checksum in step: all are due again a microsecond later
    const auto leases = acquire(io, store, t);
    BOOST_REQUIRE(leases.size() == 4u);
    for (const auto& l : leases)
        BOOST_TEST(!await<>(io, [&](auto h) {
                        store.async_write_leased(leased_write{l.job.id, l.fencing_token, t + 1us, true}, std::move(h));
                    }).ec);
    auto listing = all_jobs(io, store);
    BOOST_TEST(ids_of(listing).first == (strings{"acquired", "column", "document", "intact"}));
    BOOST_TEST(listing.quarantined.empty());

    // Damage: a digit of two documents, and the next run time column of another a century later
    run_sql(
        io,
        "UPDATE " + prefix +
            "_jobs SET document = replace(document::text, '2027', '2127')::jsonb"
            " WHERE id IN ('document', 'acquired')"
    );
    run_sql(
        io,
        "UPDATE " + prefix + "_jobs SET next_run_time = next_run_time + interval '100 years' WHERE id = 'column'"
    );

    // Taking the due jobs quarantines the changed ones instead of leasing them
    const auto taken = acquire(io, store, t + 1s);
    BOOST_REQUIRE(taken.size() == 1u);
    BOOST_TEST(taken[0].job.id == "intact");
    BOOST_TEST(taken[0].job.kwargs.at("year").as_int64() == 2027);
    // Listing catches the column
    listing = all_jobs(io, store);
    BOOST_TEST(ids_of(listing).first == (strings{"intact"}));
    BOOST_TEST(ids_of(listing).second == (strings{"column checksum mismatch"}));
    require_sql(
        io,
        "(SELECT count(*) FROM " + prefix +
            "_quarantined_jobs WHERE reason LIKE 'checksum mismatch%' AND id IN ('document', 'acquired', 'column'))"
            " = 3"
    );
    require_sql(io, "(SELECT document LIKE '%2127%' FROM " + prefix + "_quarantined_jobs WHERE id = 'document')");
    store.close();
}

BOOST_AUTO_TEST_CASE(version_1_tables_migrate_and_their_rows_load_unchecked_until_written)
{
    using strings = std::vector<std::string>;
    boost::asio::io_context io;
    const std::string prefix = fresh_prefix();
    const instant t = now_s() + 1h;
    // The tables as version 1 made them, with a row it wrote
    boost::json::object old_document = asched::to_document(due_job("old", t));
    old_document.erase("next_run_time");
    run_sql(
        io,
        "CREATE TABLE " + prefix +
            "_schema_version (version integer NOT NULL);"
            "INSERT INTO " +
            prefix +
            "_schema_version (version) VALUES (1);"
            "CREATE TABLE " +
            prefix +
            "_jobs (id text PRIMARY KEY, next_run_time timestamptz, document jsonb NOT NULL,"
            " acquired_by text, acquired_until timestamptz, fencing_token bigint NOT NULL DEFAULT 0);"
            "CREATE TABLE " +
            prefix +
            "_quarantined_jobs (id text PRIMARY KEY, document text NOT NULL,"
            " reason text NOT NULL, quarantined_at timestamptz NOT NULL DEFAULT now());"
            "INSERT INTO " +
            prefix + "_jobs (id, next_run_time, document) VALUES ('old', now() + interval '1 hour', '" +
            boost::json::serialize(old_document) + "')"
    );
    postgres_job_store store(io.get_executor(), options_for(prefix));
    BOOST_TEST(ids_of(all_jobs(io, store)).first == (strings{"old"}));
    require_sql(io, "(SELECT max(version) FROM " + prefix + "_schema_version) = 2");
    require_sql(
        io,
        "(SELECT document_checksum IS NULL AND next_run_time_checksum IS NULL FROM " + prefix +
            "_jobs WHERE id = 'old')"
    );
    // Written again, it gets its checksums, and a change is caught from then on
    BOOST_TEST(!await<>(io, [&](auto h) { store.async_update(due_job("old", t), std::move(h)); }).ec);
    require_sql(io, "(SELECT document_checksum IS NOT NULL FROM " + prefix + "_jobs WHERE id = 'old')");
    run_sql(
        io,
        "UPDATE " + prefix + "_jobs SET document = jsonb_set(document, '{max_instances}', '2') WHERE id = 'old'"
    );
    BOOST_TEST(ids_of(all_jobs(io, store)).second == (strings{"old checksum mismatch"}));
    store.close();
}

BOOST_AUTO_TEST_CASE(leases_go_to_one_holder_and_fencing_tokens_grow)
{
    boost::asio::io_context io;
    const std::string prefix = fresh_prefix();
    postgres_job_store a(io.get_executor(), options_for(prefix));
    postgres_job_store b(io.get_executor(), options_for(prefix));
    BOOST_TEST(a.holder() != b.holder());
    const instant t = now_s() - 1s;
    for (int i = 0; i < 10; ++i)
        BOOST_TEST(!await<>(io, [&](auto h) {
                        a.async_add(due_job("j" + std::to_string(i), t), false, std::move(h));
                    }).ec);

    // Jobs named as excluded are not taken (a scheduler that lacks their task)
    auto excluding = await<std::vector<job_lease>>(io, [&](auto h) {
        a.async_acquire(t, 100, {"j0", "j1", "j2", "j3", "j4", "j5", "j6", "j7", "j8"}, std::move(h));
    });
    BOOST_REQUIRE(std::get<0>(excluding.values).size() == 1u);
    BOOST_TEST(std::get<0>(excluding.values)[0].job.id == "j9");
    BOOST_TEST(!await<>(io, [&](auto h) { a.async_write_leased(leased_write{"j9", 1, t, true}, std::move(h)); }).ec);

    auto first = await<std::vector<job_lease>>(io, [&](auto h) { a.async_acquire(t, 6, {}, std::move(h)); });
    BOOST_REQUIRE(!first.ec);
    BOOST_TEST(std::get<0>(first.values).size() == 6u);
    auto second = await<std::vector<job_lease>>(io, [&](auto h) { b.async_acquire(t + 1h, 100, {}, std::move(h)); });
    BOOST_TEST(std::get<0>(second.values).size() == 4u);  // only what a does not hold
    std::set<std::string> ids;
    for (const auto* side : {&first, &second})
        for (const job_lease& l : std::get<0>(side->values))
        {
            ids.insert(l.job.id);
            BOOST_TEST(l.fencing_token == (l.job.id == "j9" ? 2u : 1u));
            BOOST_TEST((*l.job.next_run_time == t));
        }
    BOOST_TEST(ids.size() == 10u);

    const job_lease held = std::get<0>(first.values).front();
    // The other holder cannot write under a's lease, even with the right token
    BOOST_TEST(await<>(io, [&](auto h) {
                   b.async_write_leased(leased_write{held.job.id, held.fencing_token, t + 1s, true}, std::move(h));
               }).ec == error_code(errc::lease_lost));
    // a records a fire (keeping the lease), then releases
    BOOST_TEST(!await<>(io, [&](auto h) {
                    a.async_write_leased(leased_write{held.job.id, held.fencing_token, t + 1s, false}, std::move(h));
                }).ec);
    auto renewed = await<std::vector<asched::held_lease>>(io, [&](auto h) { a.async_renew_leases(1h, std::move(h)); });
    BOOST_TEST(std::get<0>(renewed.values).size() == 6u);
    BOOST_TEST(!await<>(io, [&](auto h) {
                    a.async_write_leased(leased_write{held.job.id, held.fencing_token, t + 1s, true}, std::move(h));
                }).ec);
    // Released: b takes it, under the next token; a's old token is refused from now on
    auto taken = await<std::vector<job_lease>>(io, [&](auto h) { b.async_acquire(t + 1h, 100, {}, std::move(h)); });
    BOOST_REQUIRE(std::get<0>(taken.values).size() == 1u);
    BOOST_TEST(std::get<0>(taken.values)[0].job.id == held.job.id);
    BOOST_TEST(std::get<0>(taken.values)[0].fencing_token == held.fencing_token + 1);
    BOOST_TEST((*std::get<0>(taken.values)[0].job.next_run_time == t + 1s));
    BOOST_TEST(await<>(io, [&](auto h) {
                   a.async_write_leased(leased_write{held.job.id, held.fencing_token, t + 2s, true}, std::move(h));
               }).ec == error_code(errc::lease_lost));
    // A finished trigger deletes the job under the lease
    BOOST_TEST(!await<>(io, [&](auto h) {
                    b.async_write_leased(
                        leased_write{held.job.id, held.fencing_token + 1, std::nullopt, true},
                        std::move(h)
                    );
                }).ec);
    auto gone = await<std::optional<job_description>>(io, [&](auto h) { b.async_find(held.job.id, std::move(h)); });
    BOOST_TEST(!std::get<0>(gone.values).has_value());
    // A change through the plain interface revokes the lease
    const job_lease other = std::get<0>(second.values).front();
    BOOST_TEST(!await<>(io, [&](auto h) { a.async_update(due_job(other.job.id, t + 5s), std::move(h)); }).ec);
    BOOST_TEST(await<>(io, [&](auto h) {
                   b.async_write_leased(leased_write{other.job.id, other.fencing_token, t + 1s, true}, std::move(h));
               }).ec == error_code(errc::lease_lost));
    a.close();
    b.close();
}

BOOST_AUTO_TEST_CASE(closing_gives_back_every_lease_still_held)
{
    boost::asio::io_context io;
    const std::string prefix = fresh_prefix();
    auto a = std::make_unique<postgres_job_store>(io.get_executor(), options_for(prefix));
    postgres_job_store b(io.get_executor(), options_for(prefix));
    const instant t = now_s() - 1s;
    for (const char* id : {"x", "y"})
        BOOST_TEST(!await<>(io, [&](auto h) { a->async_add(due_job(id, t), false, std::move(h)); }).ec);
    // a takes both (as an acquisition answered after its scheduler stopped listening), and closes
    BOOST_REQUIRE(acquire(io, *a, t).size() == 2u);
    a->close();
    std::vector<job_lease> by_b;
    BOOST_TEST(run_until(
        io,
        [&] {
            by_b = acquire(io, b, t);
            return by_b.size() == 2u;
        },
        3s  // well within the 30 s lease: the close gave them back
    ));
    for (const job_lease& l : by_b)
        BOOST_TEST((*l.job.next_run_time == t));  // unchanged: they were never fired
    a.reset();
    b.close();
}

BOOST_AUTO_TEST_CASE(an_expired_lease_goes_to_another_holder)
{
    boost::asio::io_context io;
    const std::string prefix = fresh_prefix();
    postgres_job_store a(io.get_executor(), options_for(prefix, 300ms));
    postgres_job_store b(io.get_executor(), options_for(prefix, 300ms));
    const instant t = now_s() - 1s;
    BOOST_TEST(!await<>(io, [&](auto h) { a.async_add(due_job("x", t), false, std::move(h)); }).ec);
    BOOST_REQUIRE(acquire(io, a, t).size() == 1u);
    BOOST_TEST(acquire(io, b, t).empty());
    auto available = await<std::optional<instant>>(io, [&](auto h) { b.async_next_available(std::move(h)); });
    BOOST_REQUIRE(std::get<0>(available.values).has_value());
    BOOST_TEST((*std::get<0>(available.values) > t));  // the lease's expiry, not the due time

    // a stops renewing (as a dead scheduler would): b gets the job once the lease has expired
    std::vector<job_lease> taken;
    BOOST_TEST(run_until(
        io,
        [&] {
            taken = acquire(io, b, t);
            return !taken.empty();
        },
        5s
    ));
    BOOST_REQUIRE(taken.size() == 1u);
    BOOST_TEST(taken[0].fencing_token == 2u);
    auto late = await<>(io, [&](auto h) { a.async_write_leased(leased_write{"x", 1, t + 1s, true}, std::move(h)); });
    BOOST_TEST(late.ec == error_code(errc::lease_lost));
    a.close();
    b.close();
}

BOOST_AUTO_TEST_CASE(two_schedulers_fire_every_run_once)
{
    boost::asio::io_context io;
    const std::string prefix = fresh_prefix();
    struct run
    {
        std::string job;
        instant scheduled;
        int scheduler;
        std::uint64_t token;
        std::string key;
    };
    std::mutex mutex;  // runs go to each scheduler's default executor, a thread pool
    std::vector<run> runs;
    std::vector<std::unique_ptr<asched::scheduler>> schedulers;
    for (int n = 0; n < 2; ++n)
    {
        auto& s = schedulers.emplace_back(std::make_unique<asched::scheduler>(io));
        s->register_task("record", [&runs, &mutex, n](const asched::job_context& ctx) {
            const std::lock_guard lock(mutex);
            runs.push_back(run{ctx.job_id(), ctx.scheduled_run_time(), n, ctx.fencing_token(), ctx.idempotency_key()});
        });
        s->add_jobstore("shared", std::make_shared<postgres_job_store>(io.get_executor(), options_for(prefix, 2s)));
        for (int i = 0; i < 20; ++i)
            s->add_job(
                "record",
                asched::interval_trigger(200ms),
                asched::job_options{
                    .id = "job" + std::to_string(i),
                    .jobstore = "shared",
                    .misfire_grace_time = std::chrono::microseconds(30s),
                    .coalesce = false,
                    .replace_existing = true,
                }
            );
        s->start();
    }
    run_until(
        io,
        [] { return false; },
        3s
    );
    for (auto& s : schedulers)
        s->shutdown();
    run_until(
        io,
        [] { return false; },
        200ms
    );

    std::map<std::string, std::set<instant>> by_job;
    std::size_t duplicates = 0;
    std::set<int> who;
    for (const run& r : runs)
    {
        duplicates += by_job[r.job].insert(r.scheduled).second ? 0 : 1;
        who.insert(r.scheduler);
        BOOST_TEST(r.token > 0u);
        BOOST_TEST(r.key.starts_with(r.job + "@"));
    }
    BOOST_TEST_MESSAGE("runs: " << runs.size() << ", duplicates: " << duplicates);
    BOOST_TEST(duplicates == 0u);
    BOOST_TEST(by_job.size() == 20u);
    for (const auto& [job, times] : by_job)
    {
        BOOST_TEST(times.size() >= 5u, job << " ran " << times.size() << " times");
        // No gap: consecutive runs are one interval apart
        for (auto it = std::next(times.begin()); it != times.end(); ++it)
            BOOST_TEST((*it - *std::prev(it) == 200ms), job << " has a gap before " << it->time_since_epoch().count());
    }
}

BOOST_AUTO_TEST_CASE(a_scheduler_rides_out_a_server_restart)
{
    boost::asio::io_context io;
    const std::string prefix = fresh_prefix();
    std::mutex mutex;
    std::map<std::string, std::vector<instant>> runs;
    std::vector<std::string> store_errors;
    asched::scheduler s(io);
    s.register_task("record", [&](const asched::job_context& ctx) {
        const std::lock_guard lock(mutex);
        runs[ctx.job_id()].push_back(ctx.scheduled_run_time());
    });
    s.add_listener(
        [&](const asched::event& e) { store_errors.push_back(e.to_string()); },
        static_cast<asched::event_mask>(asched::event_code::jobstore_error)
    );
    s.add_jobstore("shared", std::make_shared<postgres_job_store>(io.get_executor(), options_for(prefix, 3s)));
    for (int i = 0; i < 5; ++i)
        s.add_job(
            "record",
            asched::interval_trigger(200ms),
            asched::job_options{
                .id = "job" + std::to_string(i),
                .jobstore = "shared",
                .misfire_grace_time = std::chrono::microseconds(30s),
                .coalesce = false,
            }
        );
    s.start();
    run_until(
        io,
        [] { return false; },
        1s
    );
    server().restart();  // blocks this thread: the scheduler sees the connection gone when the io_context runs
    const instant restarted = asched::system_clocks::now();
    run_until(
        io,
        [] { return false; },
        2500ms
    );
    s.shutdown();
    run_until(
        io,
        [] { return false; },
        200ms
    );

    BOOST_TEST(!store_errors.empty());  // the outage was reported
    for (const auto& e : store_errors)
        BOOST_TEST_MESSAGE(e);
    for (const auto& [job, times] : runs)
    {
        const std::set<instant> unique(times.begin(), times.end());
        BOOST_TEST(unique.size() == times.size(), job << " ran a scheduled time twice");
        BOOST_TEST(
            std::count_if(times.begin(), times.end(), [&](instant t) { return t > restarted + 1s; }) > 0,
            job << " did not run after the restart"
        );
        for (auto it = std::next(unique.begin()); it != unique.end(); ++it)
            BOOST_TEST((*it - *std::prev(it) == 200ms), job << " has a gap");
    }
    BOOST_TEST(runs.size() == 5u);
}

// One hostile document among 1,000 good ones in the shared table (issue 14): an `and` that would search 10^15
// rounds, a run_date past the end of the domain, an id with a newline. They are quarantined, and every good job,
// due two seconds after the rows were written, runs once at its time.
BOOST_AUTO_TEST_CASE(hostile_documents_among_a_thousand_leave_every_good_job_firing)
{
    boost::asio::io_context io;
    const std::string prefix = fresh_prefix();
    const instant due = now_s() + 3s;
    const auto document_of = [&](const std::string& id) {
        return boost::json::serialize(asched::to_document(job_description{
            .id = id,
            .task_name = "record",
            .trigger = asched::interval_trigger(1h),
            .next_run_time = due,
        }));
    };
    {
        // The store creates its tables; the rest goes in as another program would write it
        postgres_job_store store(io.get_executor(), options_for(prefix));
        BOOST_TEST(!await<>(io, [&](auto h) {
                        store.async_add(due_job("created", now_s() + 1h), false, std::move(h));
                    }).ec);
        store.close();
    }
    const std::string due_sql = "to_timestamp(" + std::to_string(due.time_since_epoch().count() / 1000000) + ")";
    run_sql(
        io,
        "INSERT INTO " + prefix + "_jobs (id, next_run_time, document) SELECT 'good-' || i, " + due_sql +
            ", replace('" + document_of("@ID@") + "', '@ID@', 'good-' || i)::jsonb FROM generate_series(0, 999) i"
    );
    auto hostile = [&](const std::string& id, const std::string& trigger_json) {
        auto doc = boost::json::parse(document_of(id)).as_object();
        doc["trigger"] = boost::json::parse(trigger_json);
        return boost::json::serialize(doc);
    };
    const std::vector<std::pair<std::string, std::string>> hostile_rows{
        {"endless-and",
         hostile(
             "endless-and",
             R"({"type":"and","triggers":[{"type":"cron","hour":"9"},{"type":"cron","hour":"10"}],)"
             R"("max_iterations":1000000000000000})"
         )},
        {"past-the-end", hostile("past-the-end", R"({"type":"date","run_date":"9999-12-31T23:59:59-12:00"})")},
        {"line\nbreak",
         [&] {
             auto doc = boost::json::parse(document_of("bad-id")).as_object();
             doc["id"] = "line\nbreak";  // to_document checks ids: written as another program would
             return boost::json::serialize(doc);
         }()},
    };
    for (const auto& [id, document] : hostile_rows)
    {
        std::string quoted_id = id;
        if (const auto nl = quoted_id.find('\n'); nl != std::string::npos)
            quoted_id = "line' || chr(10) || 'break";
        run_sql(
            io,
            "INSERT INTO " + prefix + "_jobs (id, next_run_time, document) VALUES ('" + quoted_id + "', " + due_sql +
                ", '" + document + "')"
        );
    }

    std::mutex mutex;
    std::map<std::string, std::vector<instant>> runs;
    std::set<std::string> quarantined;
    asched::scheduler s(io);
    s.register_task("record", [&](const asched::job_context& ctx) {
        const std::lock_guard lock(mutex);
        runs[ctx.job_id()].push_back(ctx.scheduled_run_time());
    });
    s.add_listener(
        [&](const asched::event& e) { quarantined.insert(e.job_id); },
        static_cast<asched::event_mask>(asched::event_code::job_quarantined)
    );
    s.add_jobstore("shared", std::make_shared<postgres_job_store>(io.get_executor(), options_for(prefix)));
    s.start();
    const auto good_runs = [&] {
        const std::lock_guard lock(mutex);
        return std::count_if(runs.begin(), runs.end(), [](const auto& r) { return r.first.starts_with("good-"); });
    };
    BOOST_TEST(run_until(
        io,
        [&] { return good_runs() == 1000 && quarantined.size() == 3u; },
        60s
    ));
    s.shutdown();
    run_until(
        io,
        [] { return false; },
        200ms
    );

    BOOST_TEST(quarantined == (std::set<std::string>{"endless-and", "line\nbreak", "past-the-end"}));
    const std::lock_guard lock(mutex);
    for (const auto& [job, times] : runs)
        if (job.starts_with("good-"))
            BOOST_TEST(times == (std::vector<instant>{due}), job << " ran " << times.size() << " times");
}

BOOST_AUTO_TEST_SUITE_END()
