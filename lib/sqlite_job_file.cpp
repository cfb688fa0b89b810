// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include "sqlite_job_file.hpp"

#include <asched/errors.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <sqlite3.h>
#include <string>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <utility>

#include "job_checksum.hpp"

namespace asched::detail {

namespace {

class sqlite_category_impl final : public boost::system::error_category
{
public:
    const char* name() const noexcept override { return "sqlite"; }
    std::string message(int value) const override { return sqlite3_errstr(value); }
};

/// The schema, one step per version: step i takes a file from version i to i + 1, so a later version appends a step
/// and never edits an earlier one (files of every older version must still migrate).
constexpr const char* migrations[] = {
    // 1: the initial schema. TEXT PRIMARY KEY would allow NULL ids (an old SQLite quirk), hence NOT NULL.
    "CREATE TABLE jobs(id TEXT PRIMARY KEY NOT NULL, next_run_time INTEGER NULL, document TEXT NOT NULL);"
    "CREATE INDEX jobs_by_next_run_time ON jobs(next_run_time);"
    "CREATE TABLE quarantined_jobs(id TEXT NOT NULL, document TEXT NOT NULL, reason TEXT NOT NULL,"
    " quarantined_at INTEGER NOT NULL);",
    // 2: the index also orders by id, so that all_jobs() and due_jobs() read (next_run_time, id) order straight from
    // it; with next_run_time alone, ties by id (and "paused last") took a sort of every row in a temporary b-tree.
    "DROP INDEX jobs_by_next_run_time;"
    "CREATE INDEX jobs_by_next_run_time_and_id ON jobs(next_run_time, id);",
    // 3: a checksum of each row (row_checksum: id, next run time and document), so that a row changed after it was
    // written is quarantined instead of run. The rows already there get theirs from what they hold now: a change
    // before the migration cannot be told from a write, but every later one can
    "ALTER TABLE jobs ADD COLUMN checksum INTEGER NULL;"
    "UPDATE jobs SET checksum = asched_row_checksum(id, next_run_time, document);",
};
static_assert(std::size(migrations) == sqlite_job_file::schema_version);

/// Errors that abort one statement and leave the transaction intact: they belong to one write, not to its group.
bool fails_alone(int result)
{
    switch (result & 0xff)
    {
    case SQLITE_TOOBIG:
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE: return true;
    default: return false;
    }
}

std::int64_t now_us()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string_view column_text(sqlite3_stmt* stmt, int column)
{
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
    return text ? std::string_view(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, column)))
                : std::string_view();
}

std::string_view value_text(sqlite3_value* value)
{
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
    return text ? std::string_view(text, static_cast<std::size_t>(sqlite3_value_bytes(value))) : std::string_view();
}

/// asched_row_checksum(id, next_run_time, document) for the migration to version 3: the same bytes as
/// read_rows() checks (column text, the integer or NULL), so a migrated row verifies.
void row_checksum_function(sqlite3_context* context, int, sqlite3_value** args)
{
    std::optional<std::int64_t> next_run_time_us;
    if (sqlite3_value_type(args[1]) != SQLITE_NULL)
        next_run_time_us = sqlite3_value_int64(args[1]);
    const std::string_view id = value_text(args[0]);
    sqlite3_result_int64(context, row_checksum(id, next_run_time_us, value_text(args[2])));
}

/// A statement of the current schema rewritten for a file without the checksum column (an older file opened read
/// only): reads select NULL for it, writes leave it out (they fail with SQLITE_READONLY anyway).
std::string without_checksum_column(std::string sql)
{
    constexpr std::pair<std::string_view, std::string_view> edits[] = {
        {", checksum FROM", ", NULL FROM"},
        {", checksum = excluded.checksum", ""},
        {", checksum = ?4", ""},
        {", checksum)", ")"},
        {", ?4)", ")"},
    };
    for (const auto& [from, to] : edits)
        for (auto at = sql.find(from); at != std::string::npos; at = sql.find(from, at + to.size()))
            sql.replace(at, from.size(), to);
    return sql;
}

}  // namespace

const boost::system::error_category& sqlite_category() noexcept
{
    static const sqlite_category_impl category;
    return category;
}

sqlite_error::sqlite_error(int result, std::string message)
    : std::system_error(result, static_cast<const std::error_category&>(sqlite_category())),
      message_(std::move(message))
{
}

void sqlite_job_file::db_closer::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }

void sqlite_job_file::statement_finalizer::operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }

sqlite_job_file::unique_fd::~unique_fd()
{
    if (fd >= 0)
        ::close(fd);
}

/// One use of a cached statement: binds, steps, and on leaving resets it and clears its bindings, so the next use
/// starts clean and no read transaction stays open behind a half-read result.
class sqlite_job_file::statement_use
{
public:
    statement_use(const sqlite_job_file& file, sqlite3_stmt* stmt) : file_(file), stmt_(stmt) {}
    ~statement_use()
    {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
    statement_use(const statement_use&) = delete;
    statement_use& operator=(const statement_use&) = delete;

    sqlite3_stmt* get() const { return stmt_; }

    /// Returns the result code, so the caller decides whether a failed bind fails the write alone.
    int bind(int index, std::string_view text)
    {
        // SQLITE_TRANSIENT: SQLite copies, the caller's buffer may go before the step. A null data() would bind NULL.
        return sqlite3_bind_text64(
            stmt_,
            index,
            text.data() ? text.data() : "",
            text.size(),
            SQLITE_TRANSIENT,
            SQLITE_UTF8
        );
    }
    int bind(int index, std::int64_t value) { return sqlite3_bind_int64(stmt_, index, value); }
    int bind(int index, const std::optional<std::int64_t>& value)
    {
        return value ? sqlite3_bind_int64(stmt_, index, *value) : sqlite3_bind_null(stmt_, index);
    }
    void bind_or_fail(int index, const auto& value, std::string_view operation)
    {
        file_.check(bind(index, value), operation);
    }

    /// True for a row, false when done; throws on an error.
    bool step(std::string_view operation)
    {
        const int result = sqlite3_step(stmt_);
        if (result == SQLITE_ROW)
            return true;
        if (result != SQLITE_DONE)
            file_.fail(result, operation);
        return false;
    }
    /// The raw result of a step, for writes that may fail alone.
    int step_result() { return sqlite3_step(stmt_); }

private:
    const sqlite_job_file& file_;
    sqlite3_stmt* stmt_;
};

sqlite_job_file::sqlite_job_file(std::filesystem::path path, settings s)
    : path_(std::move(path)), path_text_(path_.string()), vfs_(std::move(s.vfs)), read_only_(s.read_only)
{
    const bool create = s.create && !s.read_only;
    std::error_code ignored;
    // SQLite takes a zero-byte file for an empty database and, opened writable, would turn it into one: a file
    // named by mistake (notes.txt) must stay as it is, and a reader must not find "no jobs" in it. Only an open
    // that may create a store (a scheduler, import) takes it for a new one, as it would a missing file
    if (!create && std::filesystem::is_regular_file(path_, ignored) && std::filesystem::file_size(path_, ignored) == 0)
    {
        throw sqlite_error(
            SQLITE_NOTADB,
            "sqlite store " + path_text_ + ": cannot open: the file is empty (0 bytes), not a SQLite database"
        );
    }
    // Before the lock file and the database are opened: a store that cannot be written is refused with the reason
    if (!s.read_only)
        refuse_unwritable();

    // NOMUTEX: one connection used by one thread at a time (sqlite_store_thread), so SQLite's own mutex is waste
    const int flags = (s.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | (create ? SQLITE_OPEN_CREATE : 0) |
                      SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    connect(path_text_, flags, create);
    // SQLite falls back to a read-only open when the file cannot be opened for writing (access() above can miss it:
    // an ACL, a read-only mount, a file made read only in between)
    if (!s.read_only && sqlite3_db_readonly(db_.get(), "main") == 1)
    {
        throw sqlite_error(
            SQLITE_READONLY,
            "sqlite store " + path_text_ +
                ": cannot open for writing: the file is read-only (open it read only to read it: "
                "sqlite_store_options::read_only)"
        );
    }

    // Before the first statement: two schedulers must never both migrate or run the same jobs
    if (s.scheduler_lock && !s.read_only)
        take_scheduler_lock();

    // The first statement reads the file's header: a file that is not a database fails here
    try
    {
        if (s.read_only)
            first_read_only_statement(s.verify, flags);
        else
        {
            // Nothing is written into a damaged file: checked before the first write (the WAL switch below)
            verify_integrity();
            // WAL: readers (the CLI) never block the scheduler's writes; FULL: a commit is on disk when COMMIT
            // returns. WAL is persistent in the file; where the file system cannot do it (no shared memory), SQLite
            // keeps the rollback journal, which is just as durable.
            query_integer("PRAGMA journal_mode=WAL", "cannot open");
            exec("PRAGMA synchronous=FULL", "cannot open");
        }
    }
    catch (const sqlite_error& e)
    {
        if ((e.code().value() & 0xff) == SQLITE_NOTADB)
            throw sqlite_error(
                e.code().value(),
                "sqlite store " + path_text_ + ": cannot open: the file is not a SQLite database (" +
                    sqlite3_errmsg(db_.get()) + ")"
            );
        throw;
    }
    if (s.read_only)
    {
        // No migration: a reader never writes. Versions 1 and 2 have the same tables (2 only adds an index); 3 adds
        // the checksum column, without which the rows are read unchecked
        const int found = schema_version_in_file();
        if (found == 0)
            throw sqlite_error(
                SQLITE_NOTADB,
                "sqlite store " + path_text_ + ": cannot open: the file is an empty SQLite database, not a job store"
            );
        if (found > schema_version)
            throw sqlite_error(
                SQLITE_ERROR,
                "sqlite store " + path_text_ + ": the file has schema version " + std::to_string(found) +
                    ", newer than this asched knows (" + std::to_string(schema_version) + "); use a newer asched"
            );
        has_checksum_column_ = found >= first_checksummed_version;
    }
    else
        migrate();

    // Prepared once for the connection's life. Statements run repeatedly in a loop
    constexpr unsigned persistent = SQLITE_PREPARE_PERSISTENT;
    begin_ = prepare("BEGIN IMMEDIATE", persistent);
    begin_read_ = prepare("BEGIN DEFERRED", persistent);
    commit_ = prepare("COMMIT", persistent);
    rollback_ = prepare("ROLLBACK", persistent);
    insert_ = prepare_for_schema(
        "INSERT INTO jobs(id, next_run_time, document, checksum) VALUES(?1, ?2, ?3, ?4) ON CONFLICT(id) DO NOTHING",
        persistent
    );
    upsert_ = prepare_for_schema(
        "INSERT INTO jobs(id, next_run_time, document, checksum) VALUES(?1, ?2, ?3, ?4) ON CONFLICT(id) DO UPDATE"
        " SET next_run_time = excluded.next_run_time, document = excluded.document, checksum = excluded.checksum",
        persistent
    );
    update_ = prepare_for_schema(
        "UPDATE jobs SET next_run_time = ?2, document = ?3, checksum = ?4 WHERE id = ?1",
        persistent
    );
    remove_ = prepare("DELETE FROM jobs WHERE id = ?1", persistent);
    remove_all_ = prepare("DELETE FROM jobs", persistent);
    all_scheduled_ = prepare_for_schema(read_sql::all_scheduled, persistent);
    all_paused_ = prepare_for_schema(read_sql::all_paused, persistent);
    find_ = prepare_for_schema("SELECT id, next_run_time, document, checksum FROM jobs WHERE id = ?1", persistent);
    due_ = prepare_for_schema(read_sql::due, persistent);
    earliest_ = prepare(read_sql::earliest, persistent);
    count_ = prepare("SELECT count(*) FROM jobs", persistent);
    quarantine_insert_ = prepare(
        "INSERT INTO quarantined_jobs(id, document, reason, quarantined_at)"
        " SELECT id, document, ?2, ?3 FROM jobs WHERE id = ?1",
        persistent
    );
    quarantined_ = prepare(
        "SELECT id, document, reason, quarantined_at FROM quarantined_jobs ORDER BY quarantined_at, rowid",
        persistent
    );
    data_version_ = prepare("PRAGMA data_version", persistent);
}

sqlite_job_file::~sqlite_job_file() = default;

void sqlite_job_file::fail(int result, std::string_view operation) const
{
    // sqlite3_errmsg describes the connection's latest error; without a connection, the code's generic text
    const char* detail = db_ ? sqlite3_errmsg(db_.get()) : sqlite3_errstr(result);
    throw sqlite_error(result, "sqlite store " + path_text_ + ": " + std::string(operation) + ": " + detail);
}

void sqlite_job_file::check(int result, std::string_view operation) const
{
    if (result != SQLITE_OK)
        fail(result, operation);
}

void sqlite_job_file::connect(const std::string& name, int flags, bool create)
{
    sqlite3* raw = nullptr;
    const int opened = sqlite3_open_v2(name.c_str(), &raw, flags, vfs_.empty() ? nullptr : vfs_.c_str());
    db_.reset(raw);  // even a failed open allocates a handle, which must be closed
    if (opened != SQLITE_OK)
    {
        if (!create && (opened & 0xff) == SQLITE_CANTOPEN && !std::filesystem::exists(path_))
            throw sqlite_error(opened, "sqlite store " + path_text_ + ": cannot open: no such file");
        fail(opened, "cannot open");
    }
    sqlite3_extended_result_codes(db_.get(), 1);
    sqlite3_busy_timeout(db_.get(), busy_timeout_ms);
    register_checksum_function();
}

void sqlite_job_file::register_checksum_function()
{
    // DIRECTONLY: only this code's own statements call it, never a trigger or view another program put in the file
    check(
        sqlite3_create_function_v2(
            db_.get(),
            "asched_row_checksum",
            3,
            SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
            nullptr,
            row_checksum_function,
            nullptr,
            nullptr,
            nullptr
        ),
        "cannot open"
    );
}

void sqlite_job_file::first_read_only_statement(bool verify, int flags)
{
    const auto first_read = [&] {
        if (verify)
            verify_integrity();
        else
            query_integer("SELECT count(*) FROM sqlite_schema", "cannot open");
    };
    try
    {
        first_read();
    }
    catch (const sqlite_error& e)
    {
        // A WAL file read needs the -shm file, which SQLite cannot create in a folder we cannot write. With no -wal
        // file either, the main file holds everything committed, and immutable=1 reads it without the -shm file.
        // Nobody who could write to it is running (a writer keeps its -wal file there), so nothing is missed
        // beyond what a later writer adds, which this reader would not see (only tools open read only)
        std::error_code ignored;
        if (e.code().value() != SQLITE_READONLY_DIRECTORY || std::filesystem::exists(path_text_ + "-wal", ignored))
            throw;
        db_.reset();
        connect(immutable_uri(), flags | SQLITE_OPEN_URI, false);
        first_read();
    }
}

std::string sqlite_job_file::immutable_uri() const
{
    // file: URIs take the path percent-encoded where it holds URI syntax ('%', '?', '#') or non-ASCII bytes
    std::string uri = "file:";
    constexpr char hex[] = "0123456789ABCDEF";
    for (const unsigned char c : std::filesystem::absolute(path_).string())
    {
        if (c == '%' || c == '?' || c == '#' || c <= 0x20 || c >= 0x7f)
        {
            uri += '%';
            uri += hex[c >> 4];
            uri += hex[c & 0xf];
        }
        else
            uri += static_cast<char>(c);
    }
    return uri + "?mode=ro&immutable=1";
}

void sqlite_job_file::refuse_unwritable() const
{
    // SQLite writes the file and, next to it, the -wal and -shm files (or the -journal): both must be writable.
    // access() asks the kernel, so it also sees a read-only mount and an immutable file (chattr +i), even as root
    std::filesystem::path folder = path_.parent_path();
    if (folder.empty())
        folder = ".";
    std::error_code ignored;
    if (std::filesystem::exists(path_, ignored) && ::access(path_text_.c_str(), W_OK) != 0)
    {
        throw sqlite_error(
            SQLITE_READONLY,
            "sqlite store " + path_text_ + ": cannot open for writing: the file is read-only (" + std::strerror(errno) +
                "; open it read only to read it: sqlite_store_options::read_only)"
        );
    }
    if (std::filesystem::is_directory(folder, ignored) && ::access(folder.c_str(), W_OK | X_OK) != 0)
    {
        throw sqlite_error(
            SQLITE_READONLY_DIRECTORY,
            "sqlite store " + path_text_ + ": cannot open for writing: the folder " + folder.string() +
                " is read-only (" + std::strerror(errno) +
                "), and SQLite writes its journal files (-wal, -shm) next to the file; open it read only to read "
                "it: sqlite_store_options::read_only"
        );
    }
    // A full file system fails the first write, long after the scheduler started and ran jobs it could not record.
    // Root may write into the blocks reserved for it, others may not
    struct statvfs space
    {
    };
    if (::statvfs(folder.c_str(), &space) == 0)
    {
        const auto blocks = ::geteuid() == 0 ? space.f_bfree : space.f_bavail;
        const auto free_bytes = static_cast<std::uintmax_t>(blocks) * space.f_frsize;
        if (free_bytes < min_free_bytes)
            throw sqlite_error(
                SQLITE_FULL,
                "sqlite store " + path_text_ + ": cannot open for writing: no space left on the file system of " +
                    folder.string() + " (" + std::to_string(free_bytes) + " bytes free, " +
                    std::to_string(min_free_bytes) + " needed to start)"
            );
        // f_files is 0 where the file system has no fixed number of inodes
        if (space.f_files != 0 && space.f_favail == 0 && !std::filesystem::exists(path_text_ + "-wal", ignored))
            throw sqlite_error(
                SQLITE_FULL,
                "sqlite store " + path_text_ + ": cannot open for writing: the file system of " + folder.string() +
                    " has no free inodes left for SQLite's journal files (-wal, -shm)"
            );
    }
}

void sqlite_job_file::verify_integrity()
{
    std::string problems;
    try
    {
        problems = quick_check();
    }
    catch (const sqlite_error& e)
    {
        // A page too damaged to walk fails the check itself; a file that is not a database is the caller's message
        if ((e.code().value() & 0xff) != SQLITE_CORRUPT)
            throw;
        problems = sqlite3_errstr(e.code().value());
    }
    if (problems == "ok")
        return;
    // SQLite heads its list with "*** in database main ***", which says nothing about the damage
    std::vector<std::string> lines;
    for (std::size_t start = 0; start <= problems.size();)
    {
        const std::size_t end = std::min(problems.find('\n', start), problems.size());
        if (std::string_view line(problems.data() + start, end - start); !line.starts_with("*** in database"))
            lines.emplace_back(line);
        start = end + 1;
    }
    const std::string first = lines.empty() ? problems : lines.front();
    throw sqlite_error(
        SQLITE_CORRUPT,
        "sqlite store " + path_text_ + ": refused: the file is damaged (PRAGMA quick_check: " + first +
            (lines.size() > 1 ? "; " + std::to_string(lines.size() - 1) + " more" : std::string()) +
            "), and nothing is ever written into a damaged file: restore a backup (asched jobs check reports on it)"
    );
}

void sqlite_job_file::take_scheduler_lock()
{
    const std::string lock_path = path_text_ + ".lock";
    lock_.fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_.fd < 0)
    {
        throw sqlite_error(
            SQLITE_CANTOPEN,
            "sqlite store " + path_text_ + ": cannot open the lock file " + lock_path + ": " + std::strerror(errno)
        );
    }
    // flock, not fcntl locks: SQLite itself uses fcntl locks on the database, which a second open of the same file
    // in this process would silently drop; flock belongs to the open file description, so even a second
    // sqlite_job_file in the same process is refused. The kernel releases it when the process dies.
    if (::flock(lock_.fd, LOCK_EX | LOCK_NB) != 0)
    {
        const int error = errno;
        if (error != EWOULDBLOCK)
        {
            throw sqlite_error(
                SQLITE_CANTOPEN,
                "sqlite store " + path_text_ + ": cannot lock " + lock_path + ": " + std::strerror(error)
            );
        }
        char buffer[32] = {};
        const auto n = ::pread(lock_.fd, buffer, sizeof buffer - 1, 0);
        std::string holder(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
        while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' '))
            holder.pop_back();
        // The holder writes its pid just after locking; in that instant the file can still be empty
        const std::string who = holder.empty() ? "another process" : "process " + holder;
        throw sqlite_error(
            SQLITE_BUSY,
            "sqlite store " + path_text_ + " is in use by another scheduler (" + who + " holds " + lock_path + ")"
        );
    }
    // Only for the message above: a failure to write it changes nothing else
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(lock_.fd, 0) == 0)
        static_cast<void>(::pwrite(lock_.fd, pid.data(), pid.size(), 0));
}

void sqlite_job_file::exec(const char* sql, std::string_view operation)
{
    check(sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr), operation);
}

sqlite_job_file::statement_ptr sqlite_job_file::prepare_for_schema(std::string sql, unsigned flags)
{
    if (!has_checksum_column_)
        sql = without_checksum_column(std::move(sql));
    return prepare(sql.c_str(), flags);
}

sqlite_job_file::statement_ptr sqlite_job_file::prepare(const char* sql, unsigned flags)
{
    sqlite3_stmt* raw = nullptr;
    const int result = sqlite3_prepare_v3(db_.get(), sql, -1, flags, &raw, nullptr);
    statement_ptr stmt(raw);
    if (result != SQLITE_OK)
        fail(result, std::string("cannot prepare '") + sql + "'");
    return stmt;
}

std::optional<std::int64_t> sqlite_job_file::query_integer(const char* sql, std::string_view operation)
{
    const statement_ptr stmt = prepare(sql, 0);
    statement_use use(*this, stmt.get());
    if (!use.step(operation) || sqlite3_column_type(stmt.get(), 0) == SQLITE_NULL)
        return std::nullopt;
    return sqlite3_column_int64(stmt.get(), 0);
}

int sqlite_job_file::schema_version_in_file()
{
    constexpr const char* operation = "cannot read the schema version";
    const bool versioned = query_integer(
                               "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'",
                               operation
                           )
                               .value_or(0) > 0;
    if (versioned)
        return static_cast<int>(query_integer("SELECT max(version) FROM schema_version", operation).value_or(0));
    // No version: a new file, unless some other program's tables are in it, which this code must not touch
    const auto tables = query_integer(
        "SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        operation
    );
    if (tables.value_or(0) > 0)
    {
        throw sqlite_error(
            SQLITE_NOTADB,
            "sqlite store " + path_text_ +
                ": cannot open: the file is a SQLite database but not an asched job store (it has no schema_version "
                "table)"
        );
    }
    return 0;
}

void sqlite_job_file::migrate()
{
    const auto newer = [this](int found) {
        return sqlite_error(
            SQLITE_ERROR,
            "sqlite store " + path_text_ + ": the file has schema version " + std::to_string(found) +
                ", newer than this asched knows (" + std::to_string(schema_version) + "); use a newer asched"
        );
    };
    // A read first: the common case (up to date) needs no write lock, so the CLI opens beside a busy scheduler
    int found = schema_version_in_file();
    if (found == schema_version)
        return;
    if (found > schema_version)
        throw newer(found);

    exec("BEGIN IMMEDIATE", "cannot migrate the schema");
    try
    {
        // Another process may have migrated between the read and the lock
        found = schema_version_in_file();
        if (found > schema_version)
            throw newer(found);
        exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)", "cannot migrate the schema");
        for (int version = found; version < schema_version; ++version)
        {
            exec(
                migrations[version],
                "cannot migrate the schema from version " + std::to_string(version) + " to " +
                    std::to_string(version + 1)
            );
        }
        exec("DELETE FROM schema_version", "cannot migrate the schema");
        exec(
            ("INSERT INTO schema_version(version) VALUES(" + std::to_string(schema_version) + ")").c_str(),
            "cannot migrate the schema"
        );
        exec("COMMIT", "cannot migrate the schema");
    }
    catch (...)
    {
        if (!sqlite3_get_autocommit(db_.get()))
            sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

void sqlite_job_file::begin_immediate(std::string_view operation)
{
    // IMMEDIATE takes the write lock now (waiting up to the busy timeout), rather than failing half-way through
    statement_use use(*this, begin_.get());
    use.step(operation);
}

void sqlite_job_file::commit(std::string_view operation)
{
    statement_use use(*this, commit_.get());
    use.step(operation);
}

void sqlite_job_file::rollback() noexcept
{
    // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) roll back by themselves; a second ROLLBACK would fail
    if (sqlite3_get_autocommit(db_.get()))
        return;
    sqlite3_step(rollback_.get());
    sqlite3_reset(rollback_.get());
}

std::vector<boost::system::error_code> sqlite_job_file::write(std::span<const row_write> writes, bool all_or_nothing)
{
    constexpr std::string_view operation = "cannot write jobs";
    std::vector<boost::system::error_code> results(writes.size());
    begin_immediate(operation);
    try
    {
        for (std::size_t i = 0; i < writes.size(); ++i)
        {
            const row_write& w = writes[i];
            sqlite3_stmt* stmt = nullptr;
            switch (w.kind)
            {
            case row_write_kind::insert: stmt = insert_.get(); break;
            case row_write_kind::insert_or_replace: stmt = upsert_.get(); break;
            case row_write_kind::update: stmt = update_.get(); break;
            case row_write_kind::remove: stmt = remove_.get(); break;
            }
            statement_use use(*this, stmt);
            int result = use.bind(1, w.row.id);
            if (result == SQLITE_OK && w.kind != row_write_kind::remove)
                result = use.bind(2, w.row.next_run_time_us);
            if (result == SQLITE_OK && w.kind != row_write_kind::remove)
                result = use.bind(3, w.row.document);
            if (result == SQLITE_OK && w.kind != row_write_kind::remove && has_checksum_column_)
            {
                const auto checksum = row_checksum(w.row.id, w.row.next_run_time_us, w.row.document);
                result = use.bind(4, std::int64_t{checksum});
            }
            if (result == SQLITE_OK)
                result = use.step_result();
            if (result == SQLITE_DONE)
            {
                // No row touched: the id existed (insert) or was missing (update, remove)
                if (sqlite3_changes(db_.get()) == 0 && w.kind == row_write_kind::insert)
                    results[i] = asched::errc::conflicting_job_id;
                else if (sqlite3_changes(db_.get()) == 0 && w.kind != row_write_kind::insert_or_replace)
                    results[i] = asched::errc::job_not_found;
            }
            else if (fails_alone(result) && !sqlite3_get_autocommit(db_.get()))
                results[i] = make_sqlite_error_code(result);
            else
                fail(result, operation);
        }
        if (all_or_nothing && std::any_of(results.begin(), results.end(), [](const auto& ec) { return bool(ec); }))
        {
            rollback();  // none of them: the codes say which writes failed
            return results;
        }
        commit(operation);
    }
    catch (...)
    {
        rollback();
        throw;
    }
    return results;
}

void sqlite_job_file::remove_all()
{
    constexpr std::string_view operation = "cannot remove all jobs";
    statement_use use(*this, remove_all_.get());
    use.step(operation);  // one statement: its own transaction
}

std::vector<stored_job_row> sqlite_job_file::read_rows(
    statement_use& use,
    std::string_view operation,
    std::vector<stored_job_row> rows
)
{
    sqlite3_stmt* stmt = use.get();
    while (use.step(operation))
    {
        stored_job_row& row = rows.emplace_back();
        row.id = column_text(stmt, 0);
        if (sqlite3_column_type(stmt, 1) != SQLITE_NULL)
            row.next_run_time_us = sqlite3_column_int64(stmt, 1);
        row.document = column_text(stmt, 2);
        if (sqlite3_column_type(stmt, 3) == SQLITE_NULL)
            row.checksum = row_checksum_state::unchecked;
        else if (sqlite3_column_int64(stmt, 3) == row_checksum(row.id, row.next_run_time_us, row.document))
            row.checksum = row_checksum_state::verified;
        else
            row.checksum = row_checksum_state::mismatch;
    }
    return rows;
}

std::vector<stored_job_row> sqlite_job_file::all_jobs()
{
    constexpr std::string_view operation = "cannot read the jobs";
    // Two queries, each in the order of the index it walks: one ORDER BY putting the paused jobs (NULL) last would
    // sort every row in a temporary b-tree. Both read one snapshot, so that a job another connection pauses or
    // resumes in between is neither missed nor listed twice.
    {
        statement_use use(*this, begin_read_.get());
        use.step(operation);
    }
    try
    {
        std::vector<stored_job_row> rows;
        {
            statement_use use(*this, all_scheduled_.get());
            rows = read_rows(use, operation, std::move(rows));
        }
        {
            statement_use use(*this, all_paused_.get());
            rows = read_rows(use, operation, std::move(rows));
        }
        commit(operation);
        return rows;
    }
    catch (...)
    {
        rollback();
        throw;
    }
}

std::optional<stored_job_row> sqlite_job_file::find(std::string_view id)
{
    constexpr std::string_view operation = "cannot read a job";
    statement_use use(*this, find_.get());
    use.bind_or_fail(1, id, operation);
    auto rows = read_rows(use, operation);
    if (rows.empty())
        return std::nullopt;
    return std::move(rows.front());
}

std::vector<stored_job_row> sqlite_job_file::due_jobs(std::int64_t until_us)
{
    constexpr std::string_view operation = "cannot read the due jobs";
    statement_use use(*this, due_.get());
    use.bind_or_fail(1, until_us, operation);
    return read_rows(use, operation);
}

std::optional<std::int64_t> sqlite_job_file::earliest_next_run_time()
{
    statement_use use(*this, earliest_.get());
    // min() of no rows, or of only NULLs, is one NULL row
    if (!use.step("cannot read the earliest next run time") || sqlite3_column_type(use.get(), 0) == SQLITE_NULL)
        return std::nullopt;
    return sqlite3_column_int64(use.get(), 0);
}

std::size_t sqlite_job_file::count()
{
    statement_use use(*this, count_.get());
    use.step("cannot count the jobs");
    return static_cast<std::size_t>(sqlite3_column_int64(use.get(), 0));
}

void sqlite_job_file::quarantine(std::string_view id, std::string_view reason)
{
    constexpr std::string_view operation = "cannot quarantine a job";
    begin_immediate(operation);
    try
    {
        {
            statement_use use(*this, quarantine_insert_.get());
            use.bind_or_fail(1, id, operation);
            use.bind_or_fail(2, reason, operation);
            use.bind_or_fail(3, now_us(), operation);
            use.step(operation);
        }
        {
            statement_use use(*this, remove_.get());
            use.bind_or_fail(1, id, operation);
            use.step(operation);
        }
        commit(operation);
    }
    catch (...)
    {
        rollback();
        throw;
    }
}

std::vector<quarantined_job_row> sqlite_job_file::quarantined()
{
    constexpr std::string_view operation = "cannot read the quarantined jobs";
    statement_use use(*this, quarantined_.get());
    std::vector<quarantined_job_row> rows;
    while (use.step(operation))
    {
        quarantined_job_row& row = rows.emplace_back();
        row.id = column_text(use.get(), 0);
        row.document = column_text(use.get(), 1);
        row.reason = column_text(use.get(), 2);
        row.quarantined_at_us = sqlite3_column_int64(use.get(), 3);
    }
    return rows;
}

std::int64_t sqlite_job_file::data_version()
{
    statement_use use(*this, data_version_.get());
    use.step("cannot read the data version");
    return sqlite3_column_int64(use.get(), 0);
}

std::string sqlite_job_file::pragma_lines(const char* sql, std::string_view operation)
{
    const statement_ptr stmt = prepare(sql, 0);
    statement_use use(*this, stmt.get());
    std::string result;
    while (use.step(operation))
    {
        if (!result.empty())
            result += '\n';
        result += column_text(stmt.get(), 0);
    }
    return result;
}

std::string sqlite_job_file::integrity_check()
{
    return pragma_lines("PRAGMA integrity_check", "cannot check the file's integrity");
}

std::string sqlite_job_file::quick_check() { return pragma_lines("PRAGMA quick_check", "cannot check the file"); }

}  // namespace asched::detail
