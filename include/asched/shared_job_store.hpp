// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_SHARED_JOB_STORE_HPP
#define ASCHED_SHARED_JOB_STORE_HPP

/**
 * @file
 * @brief The interface of a job store that several schedulers share: leases, fencing tokens and change signals.
 */

#include <asched/job_store.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace asched {

/// @brief A job this scheduler now holds: nobody else fires it until the lease is released or expires.
struct job_lease
{
    /// The job as stored, with its next run time.
    job_description job;
    /// Grows by one with every lease taken on this job, across all schedulers: a run passes it to downstream
    /// systems, which can refuse anything that comes with an older token (see @ref job_context::fencing_token).
    std::uint64_t fencing_token{0};
};

/// @brief What a scheduler writes about a job it holds: at each fire, and when it lets the job go.
struct leased_write
{
    /// The job.
    std::string id{};
    /// The token of the lease the write is made under; a store refuses the write when it differs.
    std::uint64_t fencing_token{0};
    /// The job's new next run time; none when its trigger has finished (the store then deletes the job).
    std::optional<instant> next_run_time{};
    /// Lets the job go: another scheduler (or this one) may take it again once it is due.
    bool release{false};
};

/// @brief A job this scheduler holds according to the store, from @ref shared_job_store::async_renew_leases.
struct held_lease
{
    /// The job.
    std::string id{};
    /// The token of the lease.
    std::uint64_t fencing_token{0};
    /// The job's next run time as stored.
    std::optional<instant> next_run_time{};
};

/// @brief What a shared store tells the schedulers watching it.
enum class shared_store_signal
{
    /// Another process added, changed or removed jobs: read the store again.
    jobs_changed,
    /// Jobs were released or added, the earliest due at the instant given: take them when due.
    jobs_available,
    /// The store lost its connection: writes fail until it is back (it reconnects by itself).
    disconnected,
    /// The store is connected again, after being disconnected (or never connected at first): renew leases, take
    /// due jobs.
    reconnected,
};

/**
 * @brief A job store that several schedulers (in several processes, on several machines) share, each run firing
 * once across all of them.
 *
 * Every scheduler keeps a copy of every job (for @ref basic_scheduler::get_jobs and friends) but fires only the jobs
 * it holds. It takes due jobs under a lease (@ref async_acquire), fires them, writes each fire's next run time under
 * that lease before the run starts (@ref async_write_leased), and keeps the job while its next run is near or a run
 * of it is in progress (so `max_instances` holds across the cluster); it releases a job whose next run is far off.
 * Leases are renewed while held (@ref async_renew_leases); a scheduler that dies stops renewing, and its jobs go to
 * the others when the leases expire. Every write under a lease carries
 * its fencing token, and a store refuses a write whose token is not the job's current one with
 * @ref errc::lease_lost.
 *
 * Changes made through the ordinary @ref job_store operations (add, update, remove) revoke any lease on the job:
 * the scheduler holding it learns so at its next write, and the job is taken again with its new definition.
 */
class shared_job_store : public job_store
{
public:
    /// @brief `void(error_code, std::vector<job_lease>)`
    using acquire_signature = void(boost::system::error_code, std::vector<job_lease>);
    /// @brief `void(error_code, std::vector<held_lease>)`
    using renew_signature = void(boost::system::error_code, std::vector<held_lease>);

    /// @brief How long a lease lasts without renewal: the longest a dead scheduler's jobs wait for another.
    virtual std::chrono::milliseconds lease_time() const noexcept = 0;

    /// @brief The name this store's scheduler holds leases under (host, process and a random part).
    virtual const std::string& holder() const noexcept = 0;

    /**
     * @brief Asks to be told of changes and of jobs becoming available. Called on any thread; `when` is the earliest
     * next run time of the jobs made available (for @ref shared_store_signal::jobs_available), else none.
     */
    virtual void watch_shared(std::function<void(shared_store_signal signal, std::optional<instant> when)> on_signal
    ) = 0;

    /// @brief Takes at most `limit` jobs due at or before `until` that nobody holds (or whose lease expired),
    /// other than those in `excluded` (jobs this scheduler cannot run: their task is not registered here).
    template <class CompletionToken>
    auto async_acquire(instant until, std::size_t limit, std::vector<std::string> excluded, CompletionToken&& token)
    {
        return boost::asio::async_initiate<CompletionToken, acquire_signature>(
            [this](auto handler, instant u, std::size_t l, std::vector<std::string> e) {
                do_acquire(u, l, std::move(e), std::move(handler));
            },
            token,
            until,
            limit,
            std::move(excluded)
        );
    }

    /// @brief Writes a held job's next run time, renewing or releasing its lease; @ref errc::lease_lost when the
    /// job is not held under that token any more.
    template <class CompletionToken>
    auto async_write_leased(leased_write write, CompletionToken&& token)
    {
        return boost::asio::async_initiate<CompletionToken, write_signature>(
            [this](auto handler, leased_write w) { do_write_leased(std::move(w), std::move(handler)); },
            token,
            std::move(write)
        );
    }

    /**
     * @brief Extends the leases this scheduler holds that end within `ending_within` (every one of them when it is
     * at least the lease time); completes with the jobs whose leases it extended. A leased write that keeps the
     * lease extends it too, so jobs that fire often need no renewal.
     */
    template <class CompletionToken>
    auto async_renew_leases(std::chrono::milliseconds ending_within, CompletionToken&& token)
    {
        return boost::asio::async_initiate<CompletionToken, renew_signature>(
            [this](auto handler, std::chrono::milliseconds within) { do_renew_leases(within, std::move(handler)); },
            token,
            ending_within
        );
    }

    /// @brief The earliest instant at which a job will be available to take: a free job's next run time, or the
    /// expiry of a lease held on a due job. None when no job will ever be due.
    template <class CompletionToken>
    auto async_next_available(CompletionToken&& token)
    {
        return boost::asio::async_initiate<CompletionToken, earliest_signature>(
            [this](auto handler) { do_next_available(std::move(handler)); },
            token
        );
    }

protected:
    /// @brief Handler of @ref async_acquire.
    using acquire_handler = boost::asio::any_completion_handler<acquire_signature>;
    /// @brief Handler of @ref async_renew_leases.
    using renew_handler = boost::asio::any_completion_handler<renew_signature>;

    /// @brief Implements @ref async_acquire.
    virtual void do_acquire(
        instant until,
        std::size_t limit,
        std::vector<std::string> excluded,
        acquire_handler handler
    ) = 0;
    /// @brief Implements @ref async_write_leased.
    virtual void do_write_leased(leased_write write, write_handler handler) = 0;
    /// @brief Implements @ref async_renew_leases.
    virtual void do_renew_leases(std::chrono::milliseconds ending_within, renew_handler handler) = 0;
    /// @brief Implements @ref async_next_available.
    virtual void do_next_available(earliest_handler handler) = 0;
};

}  // namespace asched

#endif
