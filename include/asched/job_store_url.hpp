// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_JOB_STORE_URL_HPP
#define ASCHED_JOB_STORE_URL_HPP

/// @file
/// @brief @ref asched::open_job_store, which opens a job store named by a URL (`memory:`, `sqlite:jobs.db`).

#include <asched/job_store.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <string_view>

namespace asched {

/**
 * @brief How @ref open_job_store opens a SQLite file; the memory and PostgreSQL stores ignore it.
 *
 * ```cpp
 * auto store = asched::open_job_store(ctx.get_executor(), "sqlite:jobs.db", {.read_only = true});
 * ```
 */
struct job_store_open_options
{
    /// Whether to take the file's scheduler lock: @ref sqlite_store_options::scheduler_lock.
    bool scheduler_lock{true};
    /// Whether a missing file is created (with its schema): @ref sqlite_store_options::create.
    bool create{true};
    /// Whether the file is opened for reading only, writing nothing: @ref sqlite_store_options::read_only.
    bool read_only{false};
    /// Whether a read-only open refuses a file that fails `PRAGMA quick_check`:
    /// @ref sqlite_store_options::verify_at_open.
    bool verify_at_open{true};
};

/**
 * @brief Opens the job store a URL names, its completions running on `executor` (unless a handler names another).
 *
 * - `memory:` opens a @ref memory_job_store.
 * - `sqlite:PATH` opens a @ref sqlite_job_store on the file PATH, taken as it is written: relative to the working
 *   directory (`sqlite:jobs.db`, `sqlite:data/jobs.db`) or absolute (`sqlite:/var/lib/app/jobs.db`).
 * - `sqlite:///ABSOLUTE/PATH`, the URL form with an empty host, is the same as `sqlite:/ABSOLUTE/PATH`.
 *
 * The scheme is lowercase. A SQLite file is opened before this returns, with the scheduler lock when
 * `scheduler_lock` is true (see @ref sqlite_store_options::scheduler_lock), created when missing when `create` is
 * true; the memory store ignores both.
 *
 * @throws std::invalid_argument naming the URL and the accepted forms, for any other URL (an empty path, another
 * scheme, `sqlite://host/...`).
 * @throws std::system_error (category `"sqlite"`) with a message naming the file when it cannot be opened: held by
 * another scheduler, missing (with `create` false), not a job store, a newer schema, ...
 */
std::unique_ptr<job_store> open_job_store(
    boost::asio::any_io_executor executor,
    std::string_view url,
    bool scheduler_lock = true,
    bool create = true
);

/**
 * @brief As above, with the SQLite options in an aggregate: `{.read_only = true}` opens a file to read it, writing
 * nothing (the reading `asched jobs` commands).
 * @throws std::invalid_argument, std::system_error as above.
 */
std::unique_ptr<job_store> open_job_store(
    boost::asio::any_io_executor executor,
    std::string_view url,
    const job_store_open_options& options
);

}  // namespace asched

#endif
