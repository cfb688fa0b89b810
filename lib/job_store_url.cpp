// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include <asched/job_store_url.hpp>
#include <asched/memory_job_store.hpp>
#include <asched/postgres_job_store.hpp>
#include <asched/sqlite_job_store.hpp>

#include <stdexcept>
#include <string>
#include <utility>

namespace asched {

namespace {

[[noreturn]] void reject(std::string_view url, std::string_view why)
{
    throw std::invalid_argument(
        "job store URL '" + std::string(url) + "': " + std::string(why) +
        "; use memory:, sqlite:PATH (relative or absolute), sqlite:///ABSOLUTE/PATH, postgresql://USER@HOST/DB or "
        "postgresql:LIBPQ-KEYWORDS"
    );
}

}  // namespace

std::unique_ptr<job_store> open_job_store(
    boost::asio::any_io_executor executor,
    std::string_view url,
    bool scheduler_lock,
    bool create
)
{
    return open_job_store(std::move(executor), url, {.scheduler_lock = scheduler_lock, .create = create});
}

std::unique_ptr<job_store> open_job_store(
    boost::asio::any_io_executor executor,
    std::string_view url,
    const job_store_open_options& options
)
{
    if (url == "memory:")
        return std::make_unique<memory_job_store>(std::move(executor));
    // PostgreSQL: the URL is libpq's own (postgresql:// or postgres://); "postgresql:" before keywords passes them on.
    // It connects in the background: operations wait for the connection, and its failures arrive as store errors
    if (url.starts_with("postgresql://") || url.starts_with("postgres://"))
        return std::make_unique<postgres_job_store>(
            std::move(executor),
            postgres_store_options{.conninfo = std::string(url)}
        );
    if (url.starts_with("postgresql:"))
        return std::make_unique<postgres_job_store>(
            std::move(executor),
            postgres_store_options{.conninfo = std::string(url.substr(std::string_view("postgresql:").size()))}
        );
    constexpr std::string_view sqlite_scheme = "sqlite:";
    if (!url.starts_with(sqlite_scheme))
        reject(url, "unknown kind of store");
    std::string_view path = url.substr(sqlite_scheme.size());
    if (path.starts_with("//"))
    {
        // The URL form: an empty host, then the absolute path. A host would be a network store, which SQLite is not
        if (!path.starts_with("///"))
            reject(url, "a SQLite file has no host");
        path.remove_prefix(2);
    }
    if (path.empty())
        reject(url, "the file's path is missing");
    auto store = std::make_unique<sqlite_job_store>(
        std::move(executor),
        sqlite_store_options{
            .path = std::string(path),
            .create = options.create,
            .scheduler_lock = options.scheduler_lock,
            .read_only = options.read_only,
            .verify_at_open = options.verify_at_open,
        }
    );
    store->wait_open();  // the open's error, thrown here, names the file and says why
    return store;
}

}  // namespace asched
