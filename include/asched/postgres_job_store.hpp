// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_POSTGRES_JOB_STORE_HPP
#define ASCHED_POSTGRES_JOB_STORE_HPP

/**
 * @file
 * @brief A job store in a PostgreSQL database that several schedulers share, on one machine or many.
 */

#include <asched/shared_job_store.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace asched {

/// @brief Where and how a @ref postgres_job_store keeps its jobs.
struct postgres_store_options
{
    /// libpq's connection string: `postgresql://user@host:5432/db` or keywords (`host=... dbname=...`). Empty:
    /// libpq's defaults and environment (`PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, `PGPASSWORD`, ...).
    std::string conninfo{};
    /// Prefix of the tables (`<prefix>_jobs`, `<prefix>_quarantined_jobs`, `<prefix>_schema_version`) and of the
    /// notification channel (`<prefix>_jobs`). Letters, digits and underscores; schedulers that share jobs share it.
    std::string table_prefix{"asched"};
    /// How long a lease lasts without renewal: the longest a dead scheduler's jobs wait before another takes them.
    std::chrono::milliseconds lease_time{std::chrono::seconds{30}};
    /// How long a connection attempt may take.
    std::chrono::milliseconds connect_timeout{std::chrono::seconds{5}};
    /// A statement unanswered for this long declares the connection lost (a network cut that sends nothing).
    std::chrono::milliseconds query_timeout{std::chrono::seconds{15}};
    /// Reconnection waits double from 100 ms up to this.
    std::chrono::milliseconds max_reconnect_delay{std::chrono::seconds{5}};
};

/**
 * @brief Jobs in PostgreSQL, shared by every scheduler that points at the same database: each run fires once
 * across all of them, and a scheduler that dies hands its jobs to the others when its leases expire.
 *
 * The store talks to the server through libpq's non-blocking interface, driven by the executor it was given (the
 * scheduler's): no thread ever waits on the database. It creates and migrates its tables itself. Each job is a row:
 * its document (`jsonb`, see @ref job_description) beside the columns the queries need: next run time, lease holder,
 * lease expiry and fencing token. Changes are announced with `LISTEN`/`NOTIFY`, so the other schedulers react at
 * once; they also ask again every few seconds, in case a notification was lost.
 *
 * When the connection drops (a server restart, a network cut) the store reconnects by itself, with waits that grow
 * to @ref postgres_store_options::max_reconnect_delay, and signals @ref shared_store_signal::disconnected and
 * @ref shared_store_signal::reconnected. Operations made while it is down fail at once with
 * `pg_errc::connection_lost`; those made before the first connection wait for it.
 *
 * Closing (the scheduler's shutdown closes its stores) does not block: the writes already made, among them the
 * releases of the jobs this scheduler held, are sent first, then the connection closes, all on the executor. So after
 * a shutdown let the io_context run out of work by itself rather than calling `io_context::stop()`, or the other
 * schedulers wait for those leases to expire before they take the jobs.
 *
 * Use it from its executor only. Add it to a scheduler with `add_jobstore`, or name it in
 * @ref scheduler_options::jobstores as `postgresql://...` (see @ref open_job_store).
 */
class postgres_job_store final : public shared_job_store
{
public:
    /// @brief Starts connecting; operations wait for the connection (and the schema) to be ready.
    postgres_job_store(boost::asio::any_io_executor executor, postgres_store_options options);
    /// @brief Closes the connection.
    ~postgres_job_store() override;

    postgres_job_store(const postgres_job_store&) = delete;
    postgres_job_store& operator=(const postgres_job_store&) = delete;

    std::string_view kind() const noexcept override { return "postgresql"; }
    std::string location() const override;
    bool persistent() const noexcept override { return true; }
    void watch(std::function<void()> on_change) override;
    void close() override;

    std::chrono::milliseconds lease_time() const noexcept override;
    const std::string& holder() const noexcept override;
    /// @brief Signals come from `NOTIFY` on the channel `<prefix>_jobs` and from the connection's state.
    void watch_shared(std::function<void(shared_store_signal, std::optional<instant>)> on_signal) override;

    /// @brief Whether the connection is up and the schema ready.
    bool connected() const noexcept;

    /// @brief The server's (or libpq's) message for the last failure, for logs: error codes carry only the kind.
    std::string last_error_message() const;

protected:
    void do_add(job_description job, bool replace_existing, write_handler handler) override;
    void do_update(job_description job, write_handler handler) override;
    void do_remove(std::string id, write_handler handler) override;
    void do_remove_all(write_handler handler) override;
    void do_find(std::string id, find_handler handler) override;
    void do_all_jobs(listing_handler handler) override;
    void do_due_jobs(instant until, listing_handler handler) override;
    void do_earliest_next_run_time(earliest_handler handler) override;
    void do_quarantine(std::string id, std::string reason, write_handler handler) override;
    void do_acquire(instant until, std::size_t limit, std::vector<std::string> excluded, acquire_handler handler)
        override;
    void do_write_leased(leased_write write, write_handler handler) override;
    void do_renew_leases(std::chrono::milliseconds ending_within, renew_handler handler) override;
    void do_next_available(earliest_handler handler) override;

private:
    class impl;
    std::shared_ptr<impl> impl_;  // shared with its pending operations, which may outlive the store
};

}  // namespace asched

#endif
