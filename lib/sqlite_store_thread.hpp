// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_LIB_SQLITE_STORE_THREAD_HPP
#define ASCHED_LIB_SQLITE_STORE_THREAD_HPP

#include <boost/system/error_code.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>
#include <vector>

#include "sqlite_job_file.hpp"

namespace asched::detail {

/**
 * A thread that owns one sqlite_job_file and runs queued operations on it in order, so the scheduler's threads
 * never block on the disk.
 *
 * Writes are grouped (group commit): every write queued while a transaction commits goes into the next one, up to
 * max_writes_per_transaction. With synchronous=FULL each commit costs an fsync, so grouping is what lets many
 * concurrent writers each wait for a durable commit and still get tens of thousands of writes a second.
 *
 * Every callback runs on the store thread; an exception escaping one is caught (passed on where an error callback
 * exists, else written to stderr), so the thread never dies. Do not destroy the object from the store thread.
 */
class sqlite_store_thread
{
public:
    /// Per write: its own error_code (see sqlite_job_file::write), or the exception that failed its transaction
    /// (or the open). Called on the store thread after COMMIT returned, so a success is on disk.
    using write_done = std::function<void(boost::system::error_code, std::exception_ptr)>;

    /// The most writes committed in one transaction; more queued ones wait for the next.
    static constexpr std::size_t max_writes_per_transaction = 20'000;

    /// Starts the thread, which opens the file. `on_external_change` (may be empty) is called on the store thread
    /// when PRAGMA data_version shows a commit by another connection (another process: the CLI), checked every
    /// `change_poll` while idle and between batches while busy (zero: never). Our own writes never call it.
    sqlite_store_thread(
        std::filesystem::path path,
        sqlite_job_file::settings s,
        std::function<void()> on_external_change,
        std::chrono::milliseconds change_poll = std::chrono::milliseconds{250}
    );
    /// Finishes every queued operation (all writes committed, all callbacks called), then joins the thread.
    ~sqlite_store_thread();
    sqlite_store_thread(const sqlite_store_thread&) = delete;
    sqlite_store_thread& operator=(const sqlite_store_thread&) = delete;

    /// Blocks until the file is open; rethrows the open's error (for tools and tests).
    void wait_open();

    /// Queues one write; `done` is called on the store thread once its transaction committed (or failed).
    void write(row_write w, write_done done);

    /// Queues any other operation (reads, quarantine, remove_all) to run on the store thread after every earlier
    /// queued operation. Exceptions it throws, and a failed open (when `work` never runs), are written to stderr:
    /// use the overload below to receive them.
    void run(std::function<void(sqlite_job_file&)> work);
    /// As above, but an exception `work` throws, or the open's error (then `work` never runs), goes to `failed`,
    /// called on the store thread.
    void run(std::function<void(sqlite_job_file&)> work, std::function<void(std::exception_ptr)> failed);

    /// How many write transactions were committed (or attempted) so far: fewer than writes when grouping works.
    std::uint64_t transactions() const noexcept { return transactions_.load(std::memory_order_relaxed); }

private:
    struct write_op
    {
        row_write w;
        write_done done;
    };
    struct run_op
    {
        std::function<void(sqlite_job_file&)> work;
        std::function<void(std::exception_ptr)> failed;
    };
    using operation = std::variant<write_op, run_op>;

    void enqueue(operation op);
    void main();
    void open();
    void execute(std::vector<operation>& batch);
    void commit_writes(std::vector<operation>& batch, std::size_t first, std::size_t last);
    void execute_run(run_op& op);
    void poll_external_change();

    const std::filesystem::path path_;
    const sqlite_job_file::settings settings_;
    const std::function<void()> on_external_change_;
    const std::chrono::milliseconds change_poll_;

    // Touched only by the store thread, except open_error_, which wait_open reads once opened_ is set
    std::optional<sqlite_job_file> file_;
    std::exception_ptr open_error_;
    std::int64_t data_version_ = 0;
    std::chrono::steady_clock::time_point next_poll_;

    std::mutex mutex_;
    std::condition_variable wake_;       // the store thread: work queued, or stopping
    std::condition_variable opened_cv_;  // wait_open
    std::vector<operation> queue_;       // guarded by mutex_
    bool opened_ = false;                // guarded by mutex_
    bool stopping_ = false;              // guarded by mutex_
    std::atomic<std::uint64_t> transactions_{0};
    std::thread thread_;  // last: starts after every other member exists
};

}  // namespace asched::detail

#endif
