// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_JOB_STORE_HPP
#define ASCHED_JOB_STORE_HPP

/**
 * @file
 * @brief The asynchronous interface every job store implements: memory, SQLite, and stores of your own.
 */

#include <asched/job_document.hpp>
#include <asched/time.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/system/error_code.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asched {

/// @brief A stored job that could not be read back, moved aside (never deleted) with the reason.
struct quarantined_job
{
    /// The job's id as stored.
    std::string id{};
    /// Why it could not be loaded: the decoding error, or the unknown task name.
    std::string reason{};
};

/// @brief Jobs read from a store, and those that could not be decoded (quarantined while reading).
struct job_listing
{
    /// The jobs, by next run time; paused jobs (no next run time) last, then by id.
    std::vector<job_description> jobs{};
    /// Rows that failed to decode during this read, or whose checksum did not match (the reason starts with
    /// `checksum mismatch`); the store has moved them to its quarantine.
    std::vector<quarantined_job> quarantined{};
};

/**
 * @brief Where a scheduler keeps jobs described as data (@ref job_description): the store is the truth, and the
 * scheduler's timers are a cache of it.
 *
 * Every operation is asynchronous, in Asio's style: `async_add(d, false, token)` with any completion token
 * (callbacks, `use_awaitable`, `use_future`, `deferred`). Completions run on the handler's associated executor
 * (else the store's own executor), never inside the call. Failures are `error_code`s: @ref errc::job_not_found,
 * @ref errc::conflicting_job_id, or the store's own category (SQLite's result codes for the SQLite store).
 *
 * A store implements the protected `do_` functions; see @ref memory_job_store for a complete one.
 */
class job_store
{
public:
    /// @brief `void(error_code)`
    using write_signature = void(boost::system::error_code);
    /// @brief `void(error_code, job_listing)`
    using listing_signature = void(boost::system::error_code, job_listing);
    /// @brief `void(error_code, std::optional<job_description>)`
    using find_signature = void(boost::system::error_code, std::optional<job_description>);
    /// @brief `void(error_code, std::optional<instant>)`
    using earliest_signature = void(boost::system::error_code, std::optional<instant>);

    virtual ~job_store() = default;

    /// @brief What kind of store this is: `"memory"`, `"sqlite"`, ...
    virtual std::string_view kind() const noexcept = 0;

    /// @brief Where the jobs are, for messages: a file path, a connection target, or `"memory"`.
    virtual std::string location() const = 0;

    /// @brief Whether the jobs outlive the process (the store then needs named tasks: see @ref job_description).
    virtual bool persistent() const noexcept = 0;

    /**
     * @brief Asks to be told when another process changes the store (a command editing the SQLite file, another
     * scheduler). `on_change` may be called on any thread, and at most a second or so after the change; the
     * scheduler reacts by reading the store again.
     */
    virtual void watch(std::function<void()> on_change) = 0;

    /// @brief Finishes pending writes (each one durable or failed), then releases the store's resources.
    virtual void close() = 0;

    /// @brief Adds a job; with `replace_existing` false, an existing id fails with @ref errc::conflicting_job_id.
    template <class CompletionToken>
    auto async_add(job_description job, bool replace_existing, CompletionToken&& token)
    {
        return boost::asio::async_initiate<CompletionToken, write_signature>(
            [this](auto handler, job_description j, bool replace) {
                do_add(std::move(j), replace, std::move(handler));
            },
            token,
            std::move(job),
            replace_existing
        );
    }

    /// @brief Replaces the stored job of the same id; fails with @ref errc::job_not_found when there is none.
    template <class CompletionToken>
    auto async_update(job_description job, CompletionToken&& token)
    {
        return boost::asio::async_initiate<CompletionToken, write_signature>(
            [this](auto handler, job_description j) { do_update(std::move(j), std::move(handler)); },
            token,
            std::move(job)
        );
    }

    /// @brief Removes a job; fails with @ref errc::job_not_found when there is none.
    template <class CompletionToken>
    auto async_remove(std::string id, CompletionToken&& token)
    {
        return boost::asio::async_initiate<CompletionToken, write_signature>(
            [this](auto handler, std::string i) { do_remove(std::move(i), std::move(handler)); },
            token,
            std::move(id)
        );
    }

    /// @brief Removes every job (quarantined ones stay).
    template <class CompletionToken>
    auto async_remove_all(CompletionToken&& token)
    {
        return boost::asio::async_initiate<CompletionToken, write_signature>(
            [this](auto handler) { do_remove_all(std::move(handler)); },
            token
        );
    }

    /// @brief The job of that id, or none.
    template <class CompletionToken>
    auto async_find(std::string id, CompletionToken&& token)
    {
        return boost::asio::async_initiate<CompletionToken, find_signature>(
            [this](auto handler, std::string i) { do_find(std::move(i), std::move(handler)); },
            token,
            std::move(id)
        );
    }

    /// @brief Every job, by next run time, paused ones last.
    template <class CompletionToken>
    auto async_all_jobs(CompletionToken&& token)
    {
        return boost::asio::async_initiate<CompletionToken, listing_signature>(
            [this](auto handler) { do_all_jobs(std::move(handler)); },
            token
        );
    }

    /// @brief The jobs whose next run time is at or before `until`, by next run time.
    template <class CompletionToken>
    auto async_due_jobs(instant until, CompletionToken&& token)
    {
        return boost::asio::async_initiate<CompletionToken, listing_signature>(
            [this](auto handler, instant u) { do_due_jobs(u, std::move(handler)); },
            token,
            until
        );
    }

    /// @brief The earliest next run time of any job; none when every job is paused or there is none.
    template <class CompletionToken>
    auto async_earliest_next_run_time(CompletionToken&& token)
    {
        return boost::asio::async_initiate<CompletionToken, earliest_signature>(
            [this](auto handler) { do_earliest_next_run_time(std::move(handler)); },
            token
        );
    }

    /**
     * @brief Moves a job aside with the reason, for a job the scheduler cannot load (its task is not registered):
     * never deleted, and reported. A missing id is not an error.
     */
    template <class CompletionToken>
    auto async_quarantine(std::string id, std::string reason, CompletionToken&& token)
    {
        return boost::asio::async_initiate<CompletionToken, write_signature>(
            [this](auto handler, std::string i, std::string r) {
                do_quarantine(std::move(i), std::move(r), std::move(handler));
            },
            token,
            std::move(id),
            std::move(reason)
        );
    }

protected:
    /// @brief Handler of a write.
    using write_handler = boost::asio::any_completion_handler<write_signature>;
    /// @brief Handler of a read of several jobs.
    using listing_handler = boost::asio::any_completion_handler<listing_signature>;
    /// @brief Handler of a lookup.
    using find_handler = boost::asio::any_completion_handler<find_signature>;
    /// @brief Handler of @ref async_earliest_next_run_time.
    using earliest_handler = boost::asio::any_completion_handler<earliest_signature>;

    /// @brief Implements @ref async_add.
    virtual void do_add(job_description job, bool replace_existing, write_handler handler) = 0;
    /// @brief Implements @ref async_update.
    virtual void do_update(job_description job, write_handler handler) = 0;
    /// @brief Implements @ref async_remove.
    virtual void do_remove(std::string id, write_handler handler) = 0;
    /// @brief Implements @ref async_remove_all.
    virtual void do_remove_all(write_handler handler) = 0;
    /// @brief Implements @ref async_find.
    virtual void do_find(std::string id, find_handler handler) = 0;
    /// @brief Implements @ref async_all_jobs.
    virtual void do_all_jobs(listing_handler handler) = 0;
    /// @brief Implements @ref async_due_jobs.
    virtual void do_due_jobs(instant until, listing_handler handler) = 0;
    /// @brief Implements @ref async_earliest_next_run_time.
    virtual void do_earliest_next_run_time(earliest_handler handler) = 0;
    /// @brief Implements @ref async_quarantine.
    virtual void do_quarantine(std::string id, std::string reason, write_handler handler) = 0;
};

}  // namespace asched

#endif
