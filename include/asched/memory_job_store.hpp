// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_MEMORY_JOB_STORE_HPP
#define ASCHED_MEMORY_JOB_STORE_HPP

/// @file
/// @brief @ref asched::memory_job_store, a @ref asched::job_store that keeps job descriptions in memory.

#include <asched/job_document.hpp>
#include <asched/job_store.hpp>
#include <asched/time.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <compare>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace asched {

/**
 * @brief A @ref job_store that keeps @ref job_description "job descriptions" in memory, for the life of the object:
 * the reference implementation of the interface, and a store for tests.
 *
 * Jobs are indexed by id and by next run time. A job without a next run time (paused, or not yet computed: see
 * @ref job_description::next_run_time) is never due, does not count for @ref async_earliest_next_run_time, and is
 * listed after the others, by id. A paused job is stored without a next run time, as its document would be (the
 * member is ignored for paused jobs), so that this store and the SQLite store give back the same descriptions.
 *
 * @par Executor
 * Completions run on the handler's associated executor, else the executor given at construction; never inside the
 * initiating call (they are posted).
 *
 * @par Exception safety
 * An initiating function throws @ref invalid_job_document, before anything changed, for a description that has no
 * valid document (an empty id, task or executor name, a negative grace time, `max_instances` of 0), so that every
 * store refuses the same jobs.
 *
 * @par Thread safety
 * Distinct objects: safe. Shared objects: safe (a mutex guards the jobs).
 */
class memory_job_store final : public job_store
{
public:
    /// @brief The default executor of completions.
    using executor_type = boost::asio::any_io_executor;

    /// @brief An empty store whose completions run on `executor` unless the handler names another.
    explicit memory_job_store(boost::asio::any_io_executor executor);

    /// @brief The executor given at construction.
    executor_type get_executor() const noexcept { return executor_; }

    /// @brief `"memory"`.
    std::string_view kind() const noexcept override { return "memory"; }

    /// @brief `"memory"`.
    std::string location() const override { return "memory"; }

    /// @brief False: the jobs go with the object.
    bool persistent() const noexcept override { return false; }

    /// @brief Does nothing: no other process can change this store, so `on_change` is never called (nor kept).
    void watch(std::function<void()> on_change) override;

    /// @brief Does nothing: every write is complete when its completion is posted. The store stays usable.
    void close() override;

    /// @brief The jobs moved aside by @ref async_quarantine, oldest first.
    std::vector<quarantined_job> quarantined() const;

protected:
    /// @brief Implements @ref async_add.
    void do_add(job_description job, bool replace_existing, write_handler handler) override;
    /// @brief Implements @ref async_update.
    void do_update(job_description job, write_handler handler) override;
    /// @brief Implements @ref async_remove.
    void do_remove(std::string id, write_handler handler) override;
    /// @brief Implements @ref async_remove_all.
    void do_remove_all(write_handler handler) override;
    /// @brief Implements @ref async_find.
    void do_find(std::string id, find_handler handler) override;
    /// @brief Implements @ref async_all_jobs.
    void do_all_jobs(listing_handler handler) override;
    /// @brief Implements @ref async_due_jobs.
    void do_due_jobs(instant until, listing_handler handler) override;
    /// @brief Implements @ref async_earliest_next_run_time.
    void do_earliest_next_run_time(earliest_handler handler) override;
    /// @brief Implements @ref async_quarantine.
    void do_quarantine(std::string id, std::string reason, write_handler handler) override;

private:
    // The order of listings: jobs with a next run time first, by time, then the others; ties by id
    struct order_key
    {
        bool timeless{};
        instant time{};
        std::string id{};
        friend auto operator<=>(const order_key&, const order_key&) = default;
    };
    static order_key key_of(const job_description& job);
    void insert(job_description job);                                              // mutex_ held; the id is not present
    void erase(std::map<std::string, job_description, std::less<>>::iterator it);  // mutex_ held

    executor_type executor_;
    mutable std::mutex mutex_;
    std::map<std::string, job_description, std::less<>> by_id_;  // guarded by mutex_
    std::set<order_key> by_time_;                                // guarded by mutex_
    std::vector<quarantined_job> quarantined_;                   // guarded by mutex_
};

}  // namespace asched

#endif
