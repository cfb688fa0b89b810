// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_SQLITE_JOB_STORE_HPP
#define ASCHED_SQLITE_JOB_STORE_HPP

/// @file
/// @brief @ref asched::sqlite_job_store, a @ref asched::job_store in a SQLite file that survives crashes.

#include <asched/job_document.hpp>
#include <asched/job_store.hpp>
#include <asched/time.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace asched {

/**
 * @brief Configuration for @ref sqlite_job_store.
 *
 * ```cpp
 * asched::sqlite_job_store store(ctx.get_executor(), {.path = "/var/lib/app/jobs.db", .change_poll = 1s});
 * ```
 */
struct sqlite_store_options
{
    /// The database file. Relative paths are relative to the working directory at construction.
    std::filesystem::path path{};
    /// Whether a missing file is created; false: a missing file is an open error (as the `asched jobs` command
    /// wants, so that a typo in a path does not create an empty store).
    bool create{true};
    /// Whether to take the file's scheduler lock (`<path>.lock`): only one scheduler may use a file at a time, and a
    /// second one fails to open it. Tools that edit a file while its scheduler runs open without the lock.
    bool scheduler_lock{true};
    /// Whether to open the file read only (`SQLITE_OPEN_READONLY`), as the reading `asched jobs` commands do: nothing
    /// is ever written to it. The file must exist and be a non-empty job store (a zero-byte file is an error, never
    /// a new database); `create` and `scheduler_lock` are ignored, the schema is not migrated, a row that cannot be
    /// read back is reported in @ref job_listing::quarantined but left where it is, and every write completes with
    /// a `"sqlite"` error (`SQLITE_READONLY`). False: the file is opened for writing, and a file or folder that
    /// cannot be written (read-only, or on a file system with less than 64 KiB free) is refused at open, with the
    /// reason (and, with `create` false, so is a zero-byte file,
    /// which `create` true turns into a new store as it would a missing file).
    bool read_only{false};
    /// For a read-only store: whether the open runs `PRAGMA quick_check` and refuses a file that fails it. A
    /// writable store always runs it (nothing is written into a damaged file), whatever this says; false lets a
    /// reader look into a damaged file (@ref sqlite_job_store::check). The check reads the whole file once.
    bool verify_at_open{true};
    /// How often to look for other processes' changes, for @ref sqlite_job_store::watch; zero: never look.
    /// Each look is one cheap query.
    std::chrono::milliseconds change_poll{250};
    /// The name of the SQLite VFS to open the file with (one registered with `sqlite3_vfs_register`); empty: the
    /// default. For file systems that need another locking scheme (`unix-dotfile`) and for tests that inject I/O
    /// faults (a VFS failing chosen writes with `SQLITE_FULL`).
    std::string vfs{};
};

/**
 * @brief What @ref sqlite_job_store::check found in a file; it changes nothing.
 */
struct sqlite_check_report
{
    /// `PRAGMA integrity_check`'s answer: `ok`, or SQLite's list of problems, one a line.
    std::string integrity{};
    /// How many job rows were read.
    std::size_t jobs{0};
    /// The rows that cannot be loaded (not JSON, rejected by @ref from_document, naming another id, or changed
    /// after they were written: `checksum mismatch`), with the reason. They are left where they are.
    std::vector<quarantined_job> unreadable{};
    /// Why the job rows could not be read at all (e.g. `database disk image is malformed`); empty when they were.
    std::string read_error{};
    /// How many jobs the quarantine table holds (quarantined earlier: not a fault of the file).
    std::size_t quarantined{0};

    /// @brief True when the file is sound: integrity `ok`, every row read and loadable.
    bool ok() const noexcept { return integrity == "ok" && unreadable.empty() && read_error.empty(); }
};

/**
 * @brief A @ref job_store in a SQLite file: each job is a row holding its versioned JSON document
 * (@ref job_document_version), and a write completes only once it is on disk.
 *
 * One thread per store owns the connection, so no caller ever blocks on the disk. Writes issued while a transaction
 * commits share the next one (group commit): every write waits for a durable commit, yet thousands of concurrent
 * writes cost a few transactions. Reads run on the same thread, in the order they were issued among the writes.
 *
 * The document is the truth; the row's `next_run_time` column (microseconds since the Unix epoch, or NULL) only
 * serves the due and earliest queries. A job without a next run time has NULL there, whether it is paused or its
 * next run time is not computed yet (not paused, @ref job_description::next_run_time unset): it is never due, does
 * not count for @ref async_earliest_next_run_time, and is listed after the others, by id. The document keeps the
 * difference (`"next_run_time": null` when paused, no such field when not computed), so both read back as written.
 * A paused job's `next_run_time` member is not stored (it is ignored for paused jobs): it reads back unset.
 *
 * A row that cannot be read back (not JSON, rejected by @ref from_document, or a document naming another id), or
 * that changed after it was written (its CRC-32C checksum of id, next run time and document does not match: the
 * reason starts with `checksum mismatch`), is moved to the file's quarantine table by the read that meets it, in
 * the same pass, with the error as the reason;
 * the read reports it in @ref job_listing::quarantined (@ref async_find answers none for it). Nothing is deleted:
 * @ref quarantined lists them. A read-only store (@ref sqlite_store_options::read_only) reports such rows the same
 * way but leaves them in place.
 *
 * @par Opening
 * A writable store refuses, with the reason, a file it cannot write (a read-only file, a read-only folder, where
 * SQLite cannot create its `-wal` and `-shm` files, or a file system with less than 64 KiB free) and a file that
 * fails `PRAGMA quick_check`: nothing is ever written into a damaged file. The check reads the whole file once per
 * open. @ref sqlite_store_options::read_only opens a file for reading only, on purpose.
 *
 * @par Errors
 * Completions carry @ref errc::conflicting_job_id and @ref errc::job_not_found as the interface says; a write that
 * SQLite rejects alone (too big: `SQLITE_TOOBIG`) fails alone with a code of the `"sqlite"` category, whose value is
 * SQLite's extended result code. When a transaction, a read or the open fails, every operation concerned completes
 * with that error's code (`"sqlite"` category: `SQLITE_BUSY` when another scheduler holds the file, `SQLITE_NOTADB`
 * for a file that is not a job store, `SQLITE_CANTOPEN` for a missing file, `SQLITE_ERROR` for a newer schema), and
 * the detailed message (the file, what was being done and SQLite's own words) is kept for
 * @ref last_error_message. After @ref close, operations complete with @ref errc::shut_down.
 *
 * @par Executor
 * Completions run on the handler's associated executor, else the executor given at construction; never inside the
 * initiating call. They are posted from the store's thread, and an outstanding operation counts as work on that
 * executor (an `io_context::run` waiting for it does not return).
 *
 * @par Exception safety
 * @ref async_add and @ref async_update throw @ref invalid_job_document, before anything is queued, for a
 * description that has no valid document (an empty id, task or executor name, a negative grace time,
 * `max_instances` of 0).
 *
 * @par Object lifetimes
 * Close (or destroy) the store before the execution context of its executor: pending completions are posted to it
 * while the store closes.
 *
 * @par Thread safety
 * Distinct objects: safe. Shared objects: safe; operations may be started from any thread.
 */
class sqlite_job_store final : public job_store
{
public:
    /// @brief The default executor of completions.
    using executor_type = boost::asio::any_io_executor;

    /**
     * @brief Starts the store's thread, which opens the file (creating it and its schema if allowed, taking the
     * scheduler lock if asked). Does not wait: an open error reaches @ref wait_open and every operation's
     * completion.
     */
    sqlite_job_store(boost::asio::any_io_executor executor, sqlite_store_options options);

    /// @brief Calls @ref close.
    ~sqlite_job_store() override;

    sqlite_job_store(const sqlite_job_store&) = delete;
    sqlite_job_store& operator=(const sqlite_job_store&) = delete;

    /// @brief The executor given at construction.
    executor_type get_executor() const noexcept;

    /// @brief The options given at construction.
    const sqlite_store_options& options() const noexcept;

    /// @brief `"sqlite"`.
    std::string_view kind() const noexcept override { return "sqlite"; }

    /// @brief The file's path, as given.
    std::string location() const override;

    /// @brief True.
    bool persistent() const noexcept override { return true; }

    /**
     * @brief `on_change` is called, on the store's thread, when another connection (another process: the `asched
     * jobs` command) committed a change to the file; checked every @ref sqlite_store_options::change_poll. Our own
     * writes never call it. Replaces the previous callback; an empty one stops the calls.
     */
    void watch(std::function<void()> on_change) override;

    /**
     * @brief Finishes every queued operation (writes committed or failed, completions posted), then closes the file
     * and releases the scheduler lock. Blocks until then, but never on the executors' handlers: completions are
     * posted, so it may be called from a completion. Not from a @ref watch callback, which runs on the store's own
     * thread. Later operations complete with @ref errc::shut_down; calling it again does nothing.
     */
    void close() override;

    /**
     * @brief Blocks until the file is open, for tools and tests; the scheduler uses the asynchronous operations,
     * whose completions carry an open error as an `error_code`. Does nothing after @ref close.
     * @throws std::system_error (category `"sqlite"`) with the detailed message when the file could not be opened:
     * held by another scheduler, missing (with `create` false), not a job store, a newer schema, ...
     */
    void wait_open();

    /**
     * @brief The quarantined jobs, oldest first; blocks until the store's thread read them (after every operation
     * queued before), for tools.
     * @throws std::system_error (category `"sqlite"`) when the file could not be opened or read; @ref scheduler_error
     * (@ref errc::shut_down) after @ref close.
     */
    std::vector<quarantined_job> quarantined();

    /**
     * @brief Adds every job in one transaction: all of them, or none. Blocks until the transaction committed (on
     * disk) or rolled back, after every operation queued before; for tools (`asched jobs import`). A process killed
     * half-way leaves the file as it was.
     * @return One code per job, in order: all zero when every job was written. Otherwise nothing was written, and the
     * non-zero codes say which jobs failed: @ref errc::conflicting_job_id for an id already stored (when
     * `replace_existing` is false), a `"sqlite"` code for a job SQLite rejects (too big: `SQLITE_TOOBIG`).
     * @throws invalid_job_document before anything is queued, for a description that has no valid document.
     * @throws std::system_error (category `"sqlite"`) when the file could not be opened or the transaction failed;
     * nothing was written. @ref scheduler_error (@ref errc::shut_down) after @ref close.
     */
    std::vector<boost::system::error_code> add_all(const std::vector<job_description>& jobs, bool replace_existing);

    /**
     * @brief Checks the file, changing nothing: `PRAGMA integrity_check`, then every job row is read and decoded as
     * a read would (but none is quarantined). Blocks until done, after every operation queued before; for tools
     * (`asched jobs check`). Open the store with @ref sqlite_store_options::read_only and
     * @ref sqlite_store_options::verify_at_open false to check a damaged file, which a verified open refuses.
     * @throws std::system_error (category `"sqlite"`) when the file could not be opened (or is not a SQLite
     * database); @ref scheduler_error (@ref errc::shut_down) after @ref close.
     */
    sqlite_check_report check();

    /**
     * @brief The detailed message of the latest failure reported as an `error_code` (or thrown by @ref wait_open),
     * e.g. `sqlite store /tmp/jobs.db is in use by another scheduler (process 4242 holds /tmp/jobs.db.lock)`;
     * empty when nothing failed. Per-write results (@ref errc::conflicting_job_id, @ref errc::job_not_found) are not
     * failures of the store and leave it unchanged.
     */
    std::string last_error_message() const;

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
    struct state;  // lib/sqlite_job_store.cpp: the options, the store thread, the watch callback, the last error
    std::unique_ptr<state> state_;
};

}  // namespace asched

#endif
