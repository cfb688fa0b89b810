// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// shared_database: two schedulers share one PostgreSQL database, and every run fires once between them.
//
// Both register the same five jobs (every second) under fixed ids with replace_existing, as replicas of one server
// would at every start: the database keeps one copy of each. Each run prints which scheduler ran it, with its
// fencing token and idempotency key. Halfway through, scheduler "A" shuts down; its jobs go to "B" at once (a
// shutdown releases its leases; a scheduler that dies instead hands them over when its leases expire). At the end
// the program checks that no run happened twice and that none is missing.
//
// In a real deployment each scheduler is its own process, on its own machine; here they share one io_context, which
// changes nothing for the database, since each has its own store object and connection.
//
// APScheduler 4 equivalent (3.x has no shared stores):
//
//     data_store = SQLAlchemyDataStore("postgresql+asyncpg://...")
//     async with AsyncScheduler(data_store, event_broker=AsyncpgEventBroker(...)) as scheduler:
//         await scheduler.add_schedule(tick, IntervalTrigger(seconds=1), id="tick-0",
//                                      conflict_policy=ConflictPolicy.replace)
//
// Usage: example_shared_database [--db CONNINFO] [--duration SECONDS] [--log debug]
// --db: libpq's connection string or postgresql:// URL; default: libpq's environment (PGHOST, PGPORT, PGUSER, ...).
// --duration: how long to run (default 6 s).
// --log debug: the schedulers' log lines, down to each acquisition.
#include <asched/postgres_job_store.hpp>
#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::chrono_literals;

std::optional<std::string> option(int argc, char** argv, std::string_view name)
{
    for (int i = 1; i + 1 < argc; ++i)
        if (argv[i] == name)
            return argv[i + 1];
    return std::nullopt;
}

struct recorded_run
{
    std::string scheduler;
    std::uint64_t fencing_token;
};

}  // namespace

int main(int argc, char** argv)
{
    const std::string db = option(argc, argv, "--db").value_or("");
    const auto duration = std::chrono::seconds(std::stoi(option(argc, argv, "--duration").value_or("6")));
    const bool verbose = option(argc, argv, "--log").value_or("") == "debug";

    boost::asio::io_context io;
    // Runs by idempotency key: a key seen twice would be a run fired twice
    std::map<std::string, std::vector<recorded_run>> runs;
    std::mutex mutex;  // jobs run on each scheduler's default executor, a thread pool
    std::map<std::string, std::unique_ptr<asched::scheduler>> schedulers;

    for (const std::string name : {"A", "B"})
    {
        asched::scheduler_options options;
        if (verbose)
            options.minimum_log_level = asched::log_level::debug;
        auto sched = std::make_unique<asched::scheduler>(io, std::move(options));
        sched->register_task("tick", [&runs, &mutex, name](const asched::job_context& ctx) {
            const std::lock_guard lock(mutex);
            std::cout << "scheduler " << name << " runs " << ctx.idempotency_key() << " (fencing token "
                      << ctx.fencing_token() << ")\n";
            runs[ctx.idempotency_key()].push_back({name, ctx.fencing_token()});
        });
        // Short leases, so that a scheduler that died would hand its jobs over within 5 s
        sched->add_jobstore(
            "shared",
            std::make_shared<asched::postgres_job_store>(
                io.get_executor(),
                asched::postgres_store_options{.conninfo = db, .table_prefix = "example", .lease_time = 5s}
            )
        );
        sched->add_listener(
            [name](const asched::event& e) { std::cout << "scheduler " << name << ": " << e.to_string() << "\n"; },
            static_cast<asched::event_mask>(asched::event_code::jobstore_error)
        );
        for (int i = 0; i < 5; ++i)
            sched->add_job(
                "tick",
                asched::interval_trigger(1s),
                asched::job_options{.id = "tick-" + std::to_string(i), .jobstore = "shared", .replace_existing = true}
            );
        sched->start();
        schedulers.emplace(name, std::move(sched));
    }

    boost::asio::steady_timer halfway(io, duration / 2);
    halfway.async_wait([&](boost::system::error_code) {
        std::cout << "--- scheduler A shuts down; B takes its jobs ---\n";
        schedulers.at("A")->shutdown();
    });
    io.run_for(duration);
    schedulers.at("B")->shutdown();
    io.run_for(200ms);  // B's releases reach the database

    std::size_t twice = 0;
    std::map<std::string, std::size_t> per_scheduler;
    std::map<std::string, std::set<std::string>> keys_per_job;
    for (const auto& [key, list] : runs)
    {
        twice += list.size() > 1 ? 1 : 0;
        for (const recorded_run& r : list)
            ++per_scheduler[r.scheduler];
        keys_per_job[key.substr(0, key.find('@'))].insert(key);
    }
    std::cout << "runs: " << runs.size() << " (A: " << per_scheduler["A"] << ", B: " << per_scheduler["B"]
              << "), fired twice: " << twice << "\n";
    // Every job ran about once a second throughout, whoever held it
    bool complete = keys_per_job.size() == 5;
    for (const auto& [job, keys] : keys_per_job)
        complete = complete && keys.size() + 2 >= static_cast<std::size_t>(duration.count());
    if (twice != 0 || !complete || per_scheduler["B"] == 0)
    {
        std::cout << "FAILED: " << (twice != 0 ? "a run fired twice" : "runs are missing") << "\n";
        return EXIT_FAILURE;
    }
    std::cout << "every run fired once\n";
    return EXIT_SUCCESS;
}
