// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_LIB_SQLITE_JOB_FILE_HPP
#define ASCHED_LIB_SQLITE_JOB_FILE_HPP

#include <boost/system/error_category.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

// sqlite3.h stays out of this header: only lib/sqlite_job_file.cpp includes it
struct sqlite3;
struct sqlite3_stmt;

namespace asched::detail {

/// The "sqlite" error category: values are SQLite extended result codes, messages come from sqlite3_errstr. It
/// converts to a std::error_category, so one category serves both sqlite_error::code() and per-write error_codes.
const boost::system::error_category& sqlite_category() noexcept;

/// An error_code of the "sqlite" category for a SQLite (extended) result code.
inline boost::system::error_code make_sqlite_error_code(int result) noexcept { return {result, sqlite_category()}; }

/**
 * A SQLite job file could not be opened, read or written. `code()` is in the "sqlite" category (its value the
 * extended result code: SQLITE_BUSY when another scheduler holds the file, SQLITE_NOTADB for a file that is not a
 * job store, SQLITE_CANTOPEN when it is missing or unreadable, SQLITE_ERROR for a schema newer than this code).
 * `what()` names the file, what was being done and SQLite's own message, e.g.
 * `sqlite store /tmp/x/jobs.db: cannot open: unable to open database file`.
 */
class sqlite_error : public std::system_error
{
public:
    sqlite_error(int result, std::string message);

    /// The message alone (std::system_error would append the category's generic text).
    const char* what() const noexcept override { return message_.c_str(); }
    /// The same code as a boost::system::error_code, as asched's asynchronous operations report errors.
    boost::system::error_code error() const noexcept { return make_sqlite_error_code(code().value()); }

private:
    std::string message_;
};

/// How a row read from the file compared with the checksum stored beside it (row_checksum of lib/job_checksum.hpp).
enum class row_checksum_state
{
    /// The row has no checksum: written before schema version 3, in a file only read since (a writable open gives
    /// every row one when it migrates the file). Also the state of a row that was not read from the file.
    unchecked,
    /// The id, next run time and document are the ones written.
    verified,
    /// Something in the row changed after it was written: it must not be run (the store quarantines it).
    mismatch,
};

/// One job as the file holds it.
struct stored_job_row
{
    std::string id;
    /// Microseconds since the Unix epoch (UTC); nullopt: the job is paused.
    std::optional<std::int64_t> next_run_time_us;
    /// The job's JSON document, opaque to this layer.
    std::string document;
    /// Set by the reads; ignored by write() (which computes the checksum) and by ==, which compares the row's value.
    row_checksum_state checksum = row_checksum_state::unchecked;

    friend bool operator==(const stored_job_row& a, const stored_job_row& b)
    {
        return a.id == b.id && a.next_run_time_us == b.next_run_time_us && a.document == b.document;
    }
};

/// A job the scheduler could not load, kept aside (never deleted) with the reason.
struct quarantined_job_row
{
    std::string id;
    std::string document;
    std::string reason;
    /// When it was quarantined: microseconds since the Unix epoch (UTC).
    std::int64_t quarantined_at_us = 0;
};

enum class row_write_kind
{
    /// Fails with errc::conflicting_job_id when the id exists.
    insert,
    /// Inserts, or replaces the next run time and document of the existing row.
    insert_or_replace,
    /// Fails with errc::job_not_found when the id is missing.
    update,
    /// Only row.id matters. Fails with errc::job_not_found when the id is missing.
    remove,
};

struct row_write
{
    row_write_kind kind = row_write_kind::insert;
    stored_job_row row;
};

/**
 * One connection to a SQLite job file: blocking and not thread-safe (sqlite_store_thread gives it a thread).
 *
 * The file runs in WAL mode with synchronous=FULL, so a write that returned is on disk and survives a crash of the
 * process or the machine; readers in other processes (the CLI) never block the writer. A scheduler holds an
 * exclusive flock on `<path>.lock` so that two schedulers never run the same jobs.
 */
class sqlite_job_file
{
public:
    struct settings
    {
        /// Create the file when it is missing; false: a missing file is an error (SQLITE_CANTOPEN, "no such file").
        bool create = true;
        /// Hold an exclusive flock on `<path>.lock` (with our pid in it) for the object's life, so a second scheduler
        /// on the same file fails to open it. The CLI opens with false, to edit a file a scheduler is running.
        bool scheduler_lock = true;
        /// Open with SQLITE_OPEN_READONLY (falling back to immutable=1 in a folder we cannot write that holds no
        /// -wal file, where SQLite cannot make the -shm file): nothing is ever written (no WAL switch, no migration, no
        /// quarantine; writes fail with SQLITE_READONLY). A missing or zero-byte file is an error, never a new
        /// database; `create` is ignored. The writable open instead refuses a file or folder it cannot write
        /// (SQLITE_READONLY), and, without `create`, a zero-byte file too (SQLITE_NOTADB): only an open that may create
        /// a store makes one.
        bool read_only = false;
        /// Run PRAGMA quick_check at open and refuse (SQLITE_CORRUPT) a file that fails it. Ignored (always on) for
        /// a writable open, so that nothing is ever written into a damaged file; `asched jobs check` opens read
        /// only without it, to report on a damaged file.
        bool verify = true;
        /// The registered SQLite VFS to open with; empty: the default.
        std::string vfs{};
    };

    /// The least free space a writable open accepts: 16 pages of SQLite's default 4 KiB, a few commits' worth of WAL
    /// frames. Less, and the first writes would fail with SQLITE_FULL after the scheduler started running jobs.
    static constexpr std::uintmax_t min_free_bytes = 64 * 1024;

    /// The schema version this code writes; a file with a newer one is refused.
    static constexpr int schema_version = 3;
    /// The first schema version whose rows have a checksum (older files are read without one when opened read only).
    static constexpr int first_checksummed_version = 3;
    /// How long a statement waits for another connection's lock before failing with SQLITE_BUSY.
    static constexpr int busy_timeout_ms = 5000;

    /// The read queries, public so that tests can check their plans (EXPLAIN QUERY PLAN): each one walks an index
    /// in its order, none sorts its rows in a temporary b-tree.
    struct read_sql
    {
        /// all_jobs(), first: the jobs with a next run time, along jobs_by_next_run_time_and_id.
        static constexpr const char* all_scheduled =
            "SELECT id, next_run_time, document, checksum FROM jobs WHERE next_run_time IS NOT NULL"
            " ORDER BY next_run_time, id";
        /// all_jobs(), then: the paused jobs (NULL, which SQLite sorts first), by id.
        static constexpr const char* all_paused =
            "SELECT id, next_run_time, document, checksum FROM jobs WHERE next_run_time IS NULL ORDER BY id";
        /// due_jobs(?1).
        static constexpr const char* due =
            "SELECT id, next_run_time, document, checksum FROM jobs WHERE next_run_time <= ?1"
            " ORDER BY next_run_time, id";
        /// earliest_next_run_time(): min() ignores NULLs, and reads the first non-NULL entry of the index.
        static constexpr const char* earliest = "SELECT min(next_run_time) FROM jobs";
    };

    /// Opens (or creates) the file, refuses it when it cannot be written (read-only file or folder) or fails
    /// PRAGMA quick_check, takes the lock, sets WAL + synchronous=FULL + the busy timeout, and creates or migrates
    /// the schema. Read only: opens an existing, non-empty job store and checks its schema version, writing
    /// nothing. Throws sqlite_error.
    sqlite_job_file(std::filesystem::path path, settings s);
    ~sqlite_job_file();
    sqlite_job_file(const sqlite_job_file&) = delete;
    sqlite_job_file& operator=(const sqlite_job_file&) = delete;

    const std::filesystem::path& path() const { return path_; }

    /**
     * Applies `writes` in order in one transaction, and returns one error_code per write: errc::conflicting_job_id
     * (insert of an existing id), errc::job_not_found (update or remove of a missing id), or a "sqlite" code for a
     * write SQLite rejects on its own (SQLITE_TOOBIG, ...). Those fail alone: the other writes still commit, unless
     * `all_or_nothing`, where any failed write rolls the whole transaction back (nothing was written; the codes say
     * which writes failed). Throws sqlite_error when the transaction itself fails; then nothing was committed.
     */
    std::vector<boost::system::error_code> write(std::span<const row_write> writes, bool all_or_nothing = false);
    /// Deletes every job (not the quarantined ones).
    void remove_all();

    // The reads set each row's `checksum` state: a row whose checksum does not match is returned as it is, marked
    // row_checksum_state::mismatch, for the caller to quarantine (or, read only, to report)

    /// Every job, by next run time, paused ones (NULL) last, then by id.
    std::vector<stored_job_row> all_jobs();
    std::optional<stored_job_row> find(std::string_view id);
    /// The jobs with next run time <= until_us, by next run time then id.
    std::vector<stored_job_row> due_jobs(std::int64_t until_us);
    /// The earliest next run time of any job; nullopt when there is none or all are paused.
    std::optional<std::int64_t> earliest_next_run_time();
    std::size_t count();

    /// Moves the job into the quarantine table with `reason`, in one transaction so the row is never lost; the time
    /// is the system clock's now. Does nothing when the id is missing.
    void quarantine(std::string_view id, std::string_view reason);
    /// The quarantined jobs, oldest first.
    std::vector<quarantined_job_row> quarantined();

    /// PRAGMA data_version: changes when another connection (not this one) committed since the last call.
    std::int64_t data_version();
    /// PRAGMA integrity_check: "ok", or SQLite's list of problems, one per line.
    std::string integrity_check();
    /// PRAGMA quick_check (integrity_check without the index contents): "ok", or the problems, one per line.
    std::string quick_check();
    /// Whether the connection was opened read only.
    bool read_only() const noexcept { return read_only_; }

private:
    struct db_closer
    {
        void operator()(sqlite3* db) const noexcept;
    };
    struct statement_finalizer
    {
        void operator()(sqlite3_stmt* stmt) const noexcept;
    };
    using statement_ptr = std::unique_ptr<sqlite3_stmt, statement_finalizer>;
    class statement_use;
    /// The lock file's descriptor; closing it releases the flock.
    struct unique_fd
    {
        int fd = -1;
        unique_fd() = default;
        unique_fd(const unique_fd&) = delete;
        unique_fd& operator=(const unique_fd&) = delete;
        ~unique_fd();
    };

    [[noreturn]] void fail(int result, std::string_view operation) const;
    void connect(const std::string& name, int flags, bool create);
    void first_read_only_statement(bool verify, int flags);
    std::string immutable_uri() const;
    void refuse_unwritable() const;
    void verify_integrity();
    std::string pragma_lines(const char* sql, std::string_view operation);
    void check(int result, std::string_view operation) const;
    void take_scheduler_lock();
    void migrate();
    void exec(const char* sql, std::string_view operation);
    statement_ptr prepare(const char* sql, unsigned flags);
    std::optional<std::int64_t> query_integer(const char* sql, std::string_view operation);
    void begin_immediate(std::string_view operation);
    void commit(std::string_view operation);
    void rollback() noexcept;
    /// Appends the rows of `use` to `rows` and returns them.
    std::vector<stored_job_row> read_rows(
        statement_use& use,
        std::string_view operation,
        std::vector<stored_job_row> rows = {}
    );
    int schema_version_in_file();
    void register_checksum_function();
    statement_ptr prepare_for_schema(std::string sql, unsigned flags);

    std::filesystem::path path_;
    std::string path_text_;  // for messages
    std::string vfs_;        // the VFS every connection opens with; empty: the default
    bool read_only_ = false;
    /// Whether the jobs table has the checksum column: false only for an older file opened read only.
    bool has_checksum_column_ = true;
    unique_fd lock_;  // declared before db_: the lock is released only after the connection closed
    std::unique_ptr<sqlite3, db_closer> db_;

    // Cached prepared statements, prepared on first use (SQLITE_PREPARE_PERSISTENT)
    statement_ptr begin_, begin_read_, commit_, rollback_;
    statement_ptr insert_, upsert_, update_, remove_, remove_all_;
    statement_ptr all_scheduled_, all_paused_, find_, due_, earliest_, count_;
    statement_ptr quarantine_insert_, quarantined_;
    statement_ptr data_version_;
};

}  // namespace asched::detail

#endif
