// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_LIB_PG_CONNECTION_HPP
#define ASCHED_LIB_PG_CONNECTION_HPP

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace asched::detail {

/// What one statement returned.
struct pg_result
{
    /// The rows, each value in PostgreSQL's text format; nullopt is SQL NULL. Empty for statements without rows.
    std::vector<std::vector<std::optional<std::string>>> rows;
    /// The row count of the command tag (PQcmdTuples): rows inserted, updated, deleted, selected, ...; 0 when the
    /// statement has none.
    std::uint64_t affected_rows = 0;
    /// When the statement failed: the server's message (PQresultErrorMessage without the trailing newline), e.g.
    /// `ERROR:  relation "x" does not exist` plus its LINE and position lines. When the connection was lost: libpq's
    /// message. Else empty.
    std::string error;
    /// When the statement failed: its SQLSTATE (`42P01`), see the PostgreSQL manual's appendix A. Else empty.
    std::string sqlstate;
};

/// Errors of the `asched.postgresql` category.
enum class pg_errc
{
    /// The connection could not be established: the completion's message is libpq's (bad connection string,
    /// refused, authentication failed, ...). Statements queued on it complete with this error too.
    connection_failed = 1,
    /// The connection broke (the server went away, the socket failed, or a statement exceeded the query timeout).
    /// The statement in flight may or may not have been carried out. The connection is dead: open a new one.
    connection_lost,
    /// The server rejected the statement: pg_result::error and pg_result::sqlstate say why. The connection stays
    /// usable (inside a transaction block, only ROLLBACK works until the block ends, as always in PostgreSQL).
    server_error,
    /// pg_connection::close was called (or the connection was destroyed) before the operation completed.
    closed,
    /// async_connect's timeout passed before the server accepted the connection.
    timed_out,
};

/// The `asched.postgresql` error category (a singleton).
const boost::system::error_category& pg_category() noexcept;

/// An error_code of the `asched.postgresql` category, so that `error_code ec = pg_errc::closed;` works.
inline boost::system::error_code make_error_code(pg_errc e) noexcept { return {static_cast<int>(e), pg_category()}; }

}  // namespace asched::detail

template <>
struct boost::system::is_error_code_enum<asched::detail::pg_errc> : std::true_type
{
};

namespace asched::detail {

/**
 * One connection to a PostgreSQL server through libpq's non-blocking API, driven by an Asio executor: the socket is
 * watched with a posix::stream_descriptor, so no thread ever blocks on the database (except libpq's host name
 * lookup: give an IP address, `hostaddr` or a unix socket directory as the host to avoid it).
 *
 * Statements are queued and sent one at a time, in order. While connected, a read wait stays armed (for
 * notifications and to notice a lost connection at once), so the executor's io_context does not run out of work
 * until close().
 *
 * Completion handlers are never invoked inside the initiating call: completions go through the connection's
 * executor and then the handler's associated executor, whose outstanding work is counted meanwhile. Pending waits
 * hold only weak pointers: releasing the last shared_ptr destroys the connection, which closes it (pending
 * operations complete with pg_errc::closed), also from inside one of its own handlers. Destroy it before its
 * io_context.
 *
 * Not thread-safe: call the members on the executor's thread, or, when several threads run the io_context, through a
 * strand passed as the executor. No per-operation cancellation: close() ends everything.
 */
class pg_connection : public std::enable_shared_from_this<pg_connection>
{
    struct private_tag
    {
    };

public:
    using query_handler = boost::asio::any_completion_handler<void(boost::system::error_code, pg_result)>;
    using connect_handler = boost::asio::any_completion_handler<void(boost::system::error_code, std::string message)>;
    using notification_handler = std::function<void(std::string_view channel, std::string_view payload)>;
    using lost_handler = std::function<void(boost::system::error_code, std::string message)>;

    /// A new, unconnected connection. `conninfo` is a libpq keyword string (`host=/run/x port=5432 dbname=d`) or a
    /// `postgresql://` URI; "" means libpq's defaults and environment (PGHOST, PGPORT, PGUSER, ...).
    static std::shared_ptr<pg_connection> create(boost::asio::any_io_executor ex, std::string conninfo);

    pg_connection(private_tag, boost::asio::any_io_executor ex, std::string conninfo);
    /// Closes (see close()).
    ~pg_connection();
    pg_connection(const pg_connection&) = delete;
    pg_connection& operator=(const pg_connection&) = delete;

    const boost::asio::any_io_executor& get_executor() const noexcept { return ex_; }

    /**
     * Connects. Completes with {} and an empty message once the server accepted the connection; with
     * pg_errc::connection_failed and libpq's message (PQerrorMessage) when it refused or the connection string is
     * bad; with pg_errc::timed_out after `timeout` (zero: no limit); with pg_errc::closed after close(). Call it
     * once: a second call completes with boost::asio::error::already_started.
     */
    void async_connect(std::chrono::milliseconds timeout, connect_handler handler);

    /**
     * Queues one statement; statements go to the server in the order queued, one at a time, those queued before
     * the connection is established once it is. With `params` empty it is sent with PQsendQuery, so `sql` may hold
     * several statements separated by ';' (they run in one implicit transaction, and the result is the last one's,
     * or the first error); else with PQsendQueryParams, `$1`, `$2`, ... bound to `params` as text (nullopt: NULL)
     * with types inferred by the server (cast them in SQL: `$1::bigint`).
     *
     * Completes with {} and the result; pg_errc::server_error with result.error and result.sqlstate set (the
     * connection stays usable); pg_errc::connection_lost with result.error holding libpq's message (the connection
     * broke, or a statement ran longer than the query timeout: every queued statement completes so and the
     * connection is dead); pg_errc::connection_failed when the connection could not be established; pg_errc::closed
     * after close(). COPY FROM STDIN fails (server_error); COPY TO STDOUT's data is discarded.
     */
    void async_query(std::string sql, std::vector<std::optional<std::string>> params, query_handler handler);

    /// A statement still running after this long (from when it was sent) declares the connection lost, as a network
    /// cut without a reset would otherwise go unnoticed for hours. Zero: no limit (the default). Applies to
    /// statements sent after the call.
    void set_query_timeout(std::chrono::milliseconds t) noexcept { query_timeout_ = t; }

    /// Called on the executor for each notification received on this connection (after a LISTEN on it), also while
    /// no statement is in flight. A handler that captures this connection's shared_ptr keeps it alive: capture a
    /// weak_ptr.
    void set_notification_handler(notification_handler h) { notification_handler_ = std::move(h); }

    /// Called once, on the executor, when an established connection breaks: pg_errc::connection_lost and libpq's
    /// message (or the query timeout's). Not called for close() or a failed connect.
    void set_lost_handler(lost_handler h) { lost_handler_ = std::move(h); }

    /// Whether the connection is established and has neither broken nor been closed.
    bool connected() const noexcept;
    /// Statements queued or in flight.
    std::size_t queued() const noexcept;

    /// Ends the connection (PQfinish): the pending connect and every queued statement complete with
    /// pg_errc::closed, later calls too. Idempotent; the lost handler is not called.
    void close();

private:
    struct state;  // everything that names libpq or Asio's descriptor and timer types: lib/pg_connection.cpp

    const boost::asio::any_io_executor ex_;
    std::chrono::milliseconds query_timeout_{0};
    notification_handler notification_handler_;
    lost_handler lost_handler_;
    std::unique_ptr<state> s_;
};

}  // namespace asched::detail

#endif
