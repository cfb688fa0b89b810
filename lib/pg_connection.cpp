// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include "pg_connection.hpp"

#include <boost/asio/any_completion_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/steady_timer.hpp>

#include <charconv>
#include <deque>
#include <exception>
#include <libpq-fe.h>
#include <string_view>
#include <utility>

namespace asched::detail {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

class pg_category_impl final : public boost::system::error_category
{
public:
    const char* name() const noexcept override { return "asched.postgresql"; }

    std::string message(int value) const override
    {
        switch (static_cast<pg_errc>(value))
        {
        case pg_errc::connection_failed:
            return "could not connect to the PostgreSQL server; check the connection string and that the server "
                   "accepts connections";
        case pg_errc::connection_lost:
            return "the connection to the PostgreSQL server was lost; open a new connection and retry";
        case pg_errc::server_error:
            return "the PostgreSQL server rejected the statement; the result's error and sqlstate say why";
        case pg_errc::closed: return "the PostgreSQL connection was closed; open a new one";
        case pg_errc::timed_out:
            return "the PostgreSQL server did not accept the connection in time; check that it is reachable";
        default: return "<unknown asched.postgresql error>";
        }
    }
};

/// libpq's text without the newline (and indentation) it ends with.
std::string trimmed(const char* text)
{
    std::string_view view = text != nullptr ? text : "";
    while (!view.empty() && (view.back() == '\n' || view.back() == ' ' || view.back() == '\t' || view.back() == '\r'))
        view.remove_suffix(1);
    return std::string(view);
}

/// NOTICE and WARNING messages would otherwise go to stderr.
void ignore_notice(void*, const char*) {}

bool is_error(ExecStatusType status)
{
    return status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE || status == PGRES_NONFATAL_ERROR;
}

/// Counts work on the handler's associated executor (else the connection's) from initiation to completion, as Asio's
/// own operations do.
template <class Handler>
asio::any_completion_executor tracked_work(const Handler& handler, const asio::any_io_executor& ex)
{
    return asio::prefer(asio::get_associated_executor(handler, ex), asio::execution::outstanding_work.tracked);
}

/// Completes through `ex` (never inside the caller: Asio's rule for initiating functions), then the handler's
/// associated executor.
template <class Handler, class... Args>
void post_completion(const asio::any_io_executor& ex, Handler handler, Args&&... args)
{
    asio::post(ex, asio::append(std::move(handler), std::forward<Args>(args)...));
}

struct pending_query
{
    std::string sql;
    std::vector<std::optional<std::string>> params;
    pg_connection::query_handler handler;
    asio::any_completion_executor work;
};

struct pending_connect
{
    pg_connection::connect_handler handler;
    asio::any_completion_executor work;
};

}  // namespace

const boost::system::error_category& pg_category() noexcept
{
    static const pg_category_impl category;
    return category;
}

/// The connection's state: touched only on the executor (see the class comment), reached from Asio's handlers
/// through a weak_ptr to the connection.
struct pg_connection::state
{
    enum class phase
    {
        idle,        // async_connect not called yet
        connecting,  // PQconnectPoll in progress
        ready,       // established
        failed,      // the connect failed or timed out
        lost,        // was established, then broke
        closed,      // close() (terminal, like failed and lost)
    };

    state(pg_connection& o, std::string info)
        : owner(o), conninfo(std::move(info)), connect_timer(o.ex_), query_timer(o.ex_)
    {
    }
    ~state()
    {
        // close() has run; this is only the last line of defence for the descriptor, which must not close libpq's fd
        drop_socket();
        if (result != nullptr)
            PQclear(result);
        if (conn != nullptr)
            PQfinish(conn);
    }
    state(const state&) = delete;
    state& operator=(const state&) = delete;

    pg_connection& owner;
    const std::string conninfo;
    phase ph = phase::idle;
    PGconn* conn = nullptr;
    std::string end_message;  // why the connection failed or was lost, for statements queued afterwards

    // libpq's socket, watched but never owned: released (not closed) before libpq closes it. A new descriptor gets a
    // new generation, so that waits still pending on the old one are ignored when they complete.
    std::optional<asio::posix::stream_descriptor> socket;
    int socket_fd = -1;
    std::uint64_t socket_generation = 0;
    bool read_waiting = false;
    bool write_waiting = false;
    bool flush_pending = false;  // PQflush has more to send

    std::optional<pending_connect> connect;
    std::chrono::milliseconds connect_timeout{0};
    asio::steady_timer connect_timer;

    // One timer for all statements: it fires at (or before) the in-flight statement's deadline and is re-armed for
    // the next one from there, instead of being cancelled and re-armed for each statement
    asio::steady_timer query_timer;
    std::uint64_t query_timer_generation = 0;
    bool query_timer_armed = false;
    std::optional<std::chrono::steady_clock::time_point> query_deadline;

    std::deque<pending_query> queue;  // the front one is in flight when in_flight is set
    bool in_flight = false;
    bool copy_out = false;       // the in-flight statement is a COPY TO STDOUT, whose data is being discarded
    PGresult* result = nullptr;  // the in-flight statement's result so far: the last one, or the first error
    std::vector<const char*> param_values;

    std::weak_ptr<pg_connection> weak() { return owner.weak_from_this(); }

    // ---- the socket --------------------------------------------------------------------------------------------

    void drop_socket() noexcept
    {
        if (socket)
        {
            if (socket->is_open())
                socket->release();  // cancels its waits, and deregisters the fd without closing it
            socket.reset();
        }
        socket_fd = -1;
        ++socket_generation;
        read_waiting = false;
        write_waiting = false;
    }

    /// Points the descriptor at PQsocket. `force` recreates it even when the number is unchanged, as libpq may have
    /// closed the socket and opened another with the same number (connecting tries one address after another).
    bool sync_socket(bool force)
    {
        const int fd = conn != nullptr ? PQsocket(conn) : -1;
        if (!force && socket && fd == socket_fd)
            return true;
        drop_socket();
        if (fd < 0)
            return false;
        error_code ec;
        socket.emplace(owner.ex_);
        socket->assign(fd, ec);
        if (ec)
        {
            socket.reset();
            return false;
        }
        socket_fd = fd;
        return true;
    }

    void arm(bool read)
    {
        bool& waiting = read ? read_waiting : write_waiting;
        if (waiting || !socket)
            return;
        waiting = true;
        socket->async_wait(
            read ? asio::posix::stream_descriptor::wait_read : asio::posix::stream_descriptor::wait_write,
            [weak = weak(), generation = socket_generation, read](const error_code& ec) {
                if (const auto self = weak.lock())
                    self->s_->on_socket_ready(generation, read, ec);
            }
        );
    }

    void on_socket_ready(std::uint64_t generation, bool read, const error_code& ec)
    {
        if (generation != socket_generation)
            return;  // a wait on a descriptor since replaced
        (read ? read_waiting : write_waiting) = false;
        if (ec == asio::error::operation_aborted)
            return;
        if (ph == phase::connecting)
        {
            if (ec)
                fail_connect(pg_errc::connection_failed, "waiting for the server's socket failed: " + ec.message());
            else
                continue_connect();
        }
        else if (ph == phase::ready)
        {
            if (ec)
                lose("waiting for the server's socket failed: " + ec.message());
            else if (read)
                on_input();
            else if (flush_pending)
                flush();
        }
    }

    // ---- connecting --------------------------------------------------------------------------------------------

    void start_connect(std::chrono::milliseconds timeout)
    {
        ph = phase::connecting;
        conn = PQconnectStart(conninfo.c_str());
        if (conn == nullptr)
        {
            fail_connect(pg_errc::connection_failed, "libpq could not allocate a connection");
            return;
        }
        PQsetNoticeProcessor(conn, ignore_notice, nullptr);
        if (PQstatus(conn) == CONNECTION_BAD)
        {
            fail_connect(pg_errc::connection_failed, trimmed(PQerrorMessage(conn)));
            return;
        }
        if (timeout.count() > 0)
        {
            connect_timeout = timeout;
            connect_timer.expires_after(timeout);
            connect_timer.async_wait([weak = weak()](const error_code& ec) {
                if (const auto self = weak.lock(); self && !ec)
                    self->s_->on_connect_timeout();
            });
        }
        // Right after PQconnectStart, libpq's documentation says to behave as if PQconnectPoll returned WRITING
        wait_for_connect(PGRES_POLLING_WRITING);
    }

    void wait_for_connect(PostgresPollingStatusType status)
    {
        if (!sync_socket(true))
        {
            fail_connect(
                pg_errc::connection_failed,
                "libpq's socket cannot be watched: " + trimmed(PQerrorMessage(conn))
            );
            return;
        }
        arm(status == PGRES_POLLING_READING);
    }

    void continue_connect()
    {
        const PostgresPollingStatusType status = PQconnectPoll(conn);
        switch (status)
        {
        case PGRES_POLLING_READING:
        case PGRES_POLLING_WRITING: wait_for_connect(status); return;
        case PGRES_POLLING_OK: established(); return;
        default: fail_connect(pg_errc::connection_failed, trimmed(PQerrorMessage(conn))); return;
        }
    }

    void on_connect_timeout()
    {
        if (ph == phase::connecting)
            fail_connect(
                pg_errc::timed_out,
                "the server did not accept the connection within " + std::to_string(connect_timeout.count()) + " ms"
            );
    }

    void established()
    {
        connect_timer.cancel();
        if (PQsetnonblocking(conn, 1) != 0 || !sync_socket(false))
        {
            fail_connect(
                pg_errc::connection_failed,
                "libpq's connection cannot be made non-blocking: " + trimmed(PQerrorMessage(conn))
            );
            return;
        }
        ph = phase::ready;
        if (connect)
        {
            pending_connect op = std::move(*connect);
            connect.reset();
            post_completion(owner.ex_, std::move(op.handler), error_code{}, std::string{});
        }
        arm(true);  // notifications, and noticing at once when the server goes away
        send_next();
    }

    void fail_connect(pg_errc e, const std::string& message)
    {
        if (ph != phase::connecting)
            return;
        ph = phase::failed;
        end_message = message;
        shut_down();
        if (connect)
        {
            pending_connect op = std::move(*connect);
            connect.reset();
            post_completion(owner.ex_, std::move(op.handler), error_code(e), message);
        }
        fail_queued(pg_errc::connection_failed, message);
    }

    // ---- statements --------------------------------------------------------------------------------------------

    /// Sends the front statement when none is in flight. Errors end the connection through lose(), which only
    /// posts, so this is safe inside async_query.
    void send_next()
    {
        while (ph == phase::ready && !in_flight && !queue.empty())
        {
            pending_query& q = queue.front();
            int sent = 0;
            if (q.params.empty())
            {
                sent = PQsendQuery(conn, q.sql.c_str());
            }
            else
            {
                param_values.clear();
                for (const auto& p : q.params)
                    param_values.push_back(p ? p->c_str() : nullptr);
                sent = PQsendQueryParams(
                    conn,
                    q.sql.c_str(),
                    static_cast<int>(param_values.size()),
                    nullptr,
                    param_values.data(),
                    nullptr,
                    nullptr,
                    0
                );
            }
            if (sent == 0)
            {
                if (PQstatus(conn) == CONNECTION_BAD)
                {
                    lose(trimmed(PQerrorMessage(conn)));
                    return;
                }
                // libpq refused the statement itself (too many parameters, ...): it fails, the connection goes on
                pending_query op = std::move(queue.front());
                queue.pop_front();
                pg_result r;
                r.error = trimmed(PQerrorMessage(conn));
                post_completion(owner.ex_, std::move(op.handler), error_code(pg_errc::server_error), std::move(r));
                continue;
            }
            in_flight = true;
            start_query_timer();
            flush();
        }
    }

    /// Sends what libpq buffered; waits for writability when the socket is full.
    bool flush()
    {
        const int r = PQflush(conn);
        if (r < 0)
        {
            lose(trimmed(PQerrorMessage(conn)));
            return false;
        }
        flush_pending = r == 1;
        if (flush_pending)
            arm(false);
        return true;
    }

    void on_input()
    {
        arm(true);  // first: whatever a handler below does (even throw), new input is noticed
        if (PQconsumeInput(conn) == 0)
        {
            lose(trimmed(PQerrorMessage(conn)));
            return;
        }
        if (flush_pending && !flush())  // libpq's rule: after reading, try the pending write again
            return;
        try
        {
            process();
        }
        catch (...)
        {
            // A handler threw out of io_context::run: results libpq holds already must still be processed later
            asio::post(owner.ex_, [weak = weak()] {
                if (const auto self = weak.lock(); self && self->s_->ph == phase::ready)
                    self->s_->process();
            });
            throw;
        }
    }

    /// Collects the results libpq has parsed, completes finished statements, delivers notifications.
    void process()
    {
        while (ph == phase::ready && in_flight)
        {
            if (copy_out)
            {
                char* buffer = nullptr;
                int n = 0;
                while ((n = PQgetCopyData(conn, &buffer, 1)) > 0)
                    PQfreemem(buffer);
                if (n == 0)
                    break;         // more data to come
                copy_out = false;  // done (-1) or failed (-2): PQgetResult says which
                continue;
            }
            if (PQisBusy(conn) != 0)
                break;
            PGresult* r = PQgetResult(conn);
            if (r == nullptr)
            {
                finish_statement();
                continue;
            }
            switch (PQresultStatus(r))
            {
            case PGRES_COPY_IN:
                PQclear(r);
                if (PQputCopyEnd(conn, "asched: COPY FROM STDIN is not supported") != 1)
                {
                    lose(trimmed(PQerrorMessage(conn)));
                    return;
                }
                if (!flush())
                    return;
                break;
            case PGRES_COPY_OUT:
                PQclear(r);
                copy_out = true;
                break;
            case PGRES_COPY_BOTH:
                PQclear(r);
                lose("asched: COPY BOTH (replication) is not supported; the connection was given up");
                return;
            default: keep(r);
            }
        }
        while (ph == phase::ready)
        {
            PGnotify* n = PQnotifies(conn);
            if (n == nullptr)
                break;
            const std::unique_ptr<PGnotify, void (*)(void*)> guard(n, PQfreemem);
            if (owner.notification_handler_)
            {
                const notification_handler h = owner.notification_handler_;  // it may replace itself
                h(n->relname != nullptr ? n->relname : "", n->extra != nullptr ? n->extra : "");
            }
        }
        if (ph == phase::ready && PQstatus(conn) == CONNECTION_BAD)
            lose(trimmed(PQerrorMessage(conn)));
    }

    void keep(PGresult* r)
    {
        if (result == nullptr)
        {
            result = r;
        }
        else if (is_error(PQresultStatus(result)))
        {
            PQclear(r);  // the first error is the statement's
        }
        else
        {
            PQclear(result);
            result = r;
        }
    }

    void finish_statement()
    {
        if (PQstatus(conn) == CONNECTION_BAD)
        {
            // The server ended the connection (an administrator's shutdown, a crash): whatever the last result
            // says, the statement's fate is unknown
            lose(trimmed(PQerrorMessage(conn)));
            return;
        }
        pending_query op = std::move(queue.front());
        queue.pop_front();
        in_flight = false;
        query_deadline.reset();
        pg_result out;
        error_code ec;
        if (result != nullptr)
        {
            convert(result, out, ec);
            PQclear(result);
            result = nullptr;
        }
        send_next();  // the next statement goes out before this one's handler runs
        // Not inside an initiating call: dispatch, which runs the handler now when we are on its executor
        asio::dispatch(owner.ex_, asio::append(std::move(op.handler), ec, std::move(out)));
    }

    static void convert(PGresult* r, pg_result& out, error_code& ec)
    {
        const ExecStatusType status = PQresultStatus(r);
        if (is_error(status))
        {
            ec = pg_errc::server_error;
            out.error = trimmed(PQresultErrorMessage(r));
            if (out.error.empty())
                out.error = PQresStatus(status);
            const char* sqlstate = PQresultErrorField(r, PG_DIAG_SQLSTATE);
            out.sqlstate = sqlstate != nullptr ? sqlstate : "";
            return;
        }
        const std::string_view tuples = PQcmdTuples(r);
        std::from_chars(tuples.data(), tuples.data() + tuples.size(), out.affected_rows);
        if (status != PGRES_TUPLES_OK && status != PGRES_SINGLE_TUPLE)
            return;
        const int rows = PQntuples(r);
        const int fields = PQnfields(r);
        out.rows.resize(static_cast<std::size_t>(rows));
        for (int i = 0; i < rows; ++i)
        {
            auto& row = out.rows[static_cast<std::size_t>(i)];
            row.reserve(static_cast<std::size_t>(fields));
            for (int j = 0; j < fields; ++j)
            {
                if (PQgetisnull(r, i, j) != 0)
                    row.emplace_back();
                else
                    row.emplace_back(
                        std::in_place,
                        PQgetvalue(r, i, j),
                        static_cast<std::size_t>(PQgetlength(r, i, j))
                    );
            }
        }
    }

    // ---- the query timeout -------------------------------------------------------------------------------------

    void start_query_timer()
    {
        if (owner.query_timeout_.count() <= 0)
        {
            query_deadline.reset();
            return;
        }
        query_deadline = std::chrono::steady_clock::now() + owner.query_timeout_;
        if (query_timer_armed && query_timer.expiry() <= *query_deadline)
            return;  // fires earlier, then re-arms for this deadline
        arm_query_timer();
    }

    void arm_query_timer()
    {
        query_timer_armed = true;
        query_timer.expires_at(*query_deadline);
        query_timer.async_wait([weak = weak(), generation = ++query_timer_generation](const error_code& ec) {
            if (const auto self = weak.lock())
                self->s_->on_query_timer(generation, ec);
        });
    }

    void on_query_timer(std::uint64_t generation, const error_code& ec)
    {
        if (generation != query_timer_generation)
            return;
        query_timer_armed = false;
        if (ec || ph != phase::ready || !in_flight || !query_deadline)
            return;
        if (std::chrono::steady_clock::now() < *query_deadline)
            arm_query_timer();
        else
            lose(
                "the statement ran longer than the query timeout (" + std::to_string(owner.query_timeout_.count()) +
                " ms); the connection was given up"
            );
    }

    // ---- the end -----------------------------------------------------------------------------------------------

    /// Releases everything libpq and Asio hold for the connection; the descriptor first, so that it never outlives
    /// libpq's fd.
    void shut_down() noexcept
    {
        connect_timer.cancel();
        query_timer.cancel();
        query_timer_armed = false;
        drop_socket();
        if (result != nullptr)
        {
            PQclear(result);
            result = nullptr;
        }
        if (conn != nullptr)
        {
            PQfinish(conn);
            conn = nullptr;
        }
        in_flight = false;
        copy_out = false;
        flush_pending = false;
        query_deadline.reset();
    }

    void fail_queued(pg_errc e, const std::string& message)
    {
        std::deque<pending_query> failed = std::move(queue);
        queue.clear();
        for (auto& op : failed)
        {
            pg_result r;
            r.error = message;
            post_completion(owner.ex_, std::move(op.handler), error_code(e), std::move(r));
        }
    }

    /// An established connection broke. Only posts (the lost handler and the completions), so that it is safe from
    /// anywhere, initiating calls included.
    void lose(const std::string& message)
    {
        if (ph != phase::ready)
            return;
        ph = phase::lost;
        end_message = message;
        shut_down();
        if (owner.lost_handler_)
        {
            asio::post(owner.ex_, [h = std::move(owner.lost_handler_), message] {
                h(error_code(pg_errc::connection_lost), message);
            });
            owner.lost_handler_ = nullptr;
        }
        fail_queued(pg_errc::connection_lost, message);
    }

    void close()
    {
        if (ph == phase::closed)
            return;
        ph = phase::closed;
        shut_down();
        if (connect)
        {
            pending_connect op = std::move(*connect);
            connect.reset();
            post_completion(
                owner.ex_,
                std::move(op.handler),
                error_code(pg_errc::closed),
                std::string("the connection was closed")
            );
        }
        fail_queued(pg_errc::closed, "the connection was closed");
    }
};

std::shared_ptr<pg_connection> pg_connection::create(asio::any_io_executor ex, std::string conninfo)
{
    return std::make_shared<pg_connection>(private_tag{}, std::move(ex), std::move(conninfo));
}

pg_connection::pg_connection(private_tag, asio::any_io_executor ex, std::string conninfo)
    : ex_(std::move(ex)), s_(std::make_unique<state>(*this, std::move(conninfo)))
{
}

pg_connection::~pg_connection() { close(); }

void pg_connection::async_connect(std::chrono::milliseconds timeout, connect_handler handler)
{
    if (s_->ph != state::phase::idle)
    {
        const bool closed = s_->ph == state::phase::closed;
        post_completion(
            ex_,
            std::move(handler),
            closed ? error_code(pg_errc::closed) : error_code(asio::error::already_started),
            std::string(closed ? "the connection was closed" : "async_connect was called before on this connection")
        );
        return;
    }
    auto work = tracked_work(handler, ex_);
    s_->connect.emplace(pending_connect{std::move(handler), std::move(work)});
    s_->start_connect(timeout);
}

void pg_connection::async_query(std::string sql, std::vector<std::optional<std::string>> params, query_handler handler)
{
    state& s = *s_;
    using phase = state::phase;
    if (s.ph == phase::failed || s.ph == phase::lost || s.ph == phase::closed)
    {
        const pg_errc e = s.ph == phase::failed ? pg_errc::connection_failed
                          : s.ph == phase::lost ? pg_errc::connection_lost
                                                : pg_errc::closed;
        pg_result r;
        r.error = s.ph == phase::closed ? std::string("the connection was closed") : s.end_message;
        post_completion(ex_, std::move(handler), error_code(e), std::move(r));
        return;
    }
    auto work = tracked_work(handler, ex_);
    s.queue.push_back(pending_query{std::move(sql), std::move(params), std::move(handler), std::move(work)});
    s.send_next();  // when ready and idle: on the wire now
}

bool pg_connection::connected() const noexcept { return s_->ph == state::phase::ready; }

std::size_t pg_connection::queued() const noexcept { return s_->queue.size(); }

void pg_connection::close()
{
    if (s_)
        s_->close();
}

}  // namespace asched::detail
