// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include <asched/errors.hpp>
#include <asched/postgres_job_store.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <deque>
#include <random>
#include <stdexcept>
#include <unistd.h>
#include <unordered_map>

#include "job_checksum.hpp"
#include "pg_connection.hpp"
#include "pg_sql.hpp"

namespace asched {

namespace {

using boost::system::error_code;
using detail::pg_connection;
using detail::pg_errc;
using detail::pg_result;
using params = std::vector<std::optional<std::string>>;

// Completes on the handler's associated executor (else `ex`), never inside the initiating call
template <class Handler, class... Args>
void complete(const boost::asio::any_io_executor& ex, Handler&& handler, Args&&... args)
{
    boost::asio::post(ex, boost::asio::append(std::forward<Handler>(handler), std::forward<Args>(args)...));
}

std::string make_holder_name()
{
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0)
        host[0] = '\0';
    std::random_device random;
    const auto nonce = (std::uint64_t{random()} << 32) ^ random();
    char text[32];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(nonce));
    return std::string(host) + ":" + std::to_string(::getpid()) + ":" + text;
}

void check_prefix(const std::string& prefix)
{
    const bool valid = !prefix.empty() && prefix.size() <= 40 && std::all_of(prefix.begin(), prefix.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }) && !(prefix[0] >= '0' && prefix[0] <= '9');
    if (!valid)
        throw std::invalid_argument(
            "postgres_store_options.table_prefix: '" + prefix +
            "' is not usable in table names; use 1 to 40 lower-case letters, digits and underscores, not starting "
            "with a digit"
        );
}

}  // namespace

/// The connection, the schema, the queue of operations waiting for the connection, and the batch of leased writes.
class postgres_job_store::impl : public std::enable_shared_from_this<impl>
{
public:
    using query_then = boost::asio::any_completion_handler<void(error_code, pg_result)>;
    using ready_op = boost::asio::any_completion_handler<void(error_code)>;

    impl(boost::asio::any_io_executor ex, postgres_store_options o)
        : ex_(std::move(ex)),
          options_(std::move(o)),
          sql_(options_.table_prefix),
          holder_(make_holder_name()),
          reconnect_timer_(ex_)
    {
    }

    // ------------------------------------------------------------------------------------------ connection

    void start() { connect(); }

    void connect()
    {
        if (closed_)
            return;
        state_ = state::connecting;
        conn_ = pg_connection::create(ex_, options_.conninfo);
        conn_->set_query_timeout(options_.query_timeout);
        std::weak_ptr<impl> weak = weak_from_this();
        conn_->set_notification_handler([weak](std::string_view channel, std::string_view payload) {
            if (auto self = weak.lock())
                self->on_notification(channel, payload);
        });
        conn_->set_lost_handler([weak, c = conn_.get()](error_code ec, std::string message) {
            if (auto self = weak.lock(); self && self->conn_.get() == c)
                self->on_lost(ec, std::move(message));
        });
        conn_->async_connect(options_.connect_timeout, [weak, c = conn_.get()](error_code ec, std::string message) {
            auto self = weak.lock();
            if (!self || self->conn_.get() != c)
                return;
            if (ec)
                self->on_lost(ec, "cannot connect: " + message);
            else
                self->prepare_schema();
        });
    }

    /// Creates or migrates the tables under an advisory lock (several schedulers may start at once), then listens.
    void prepare_schema()
    {
        conn_->async_query(
            sql_.create_schema(),
            {},
            [weak = weak_from_this(), c = conn_.get()](error_code ec, pg_result r) {
                auto self = weak.lock();
                if (!self || self->conn_.get() != c)
                    return;
                if (ec)
                {
                    self->schema_failed(ec, "cannot prepare its tables: " + r.error);
                    return;
                }
                self->check_version();
            }
        );
    }

    void check_version()
    {
        conn_->async_query(
            sql_.read_version(),
            {},
            [weak = weak_from_this(), c = conn_.get()](error_code ec, pg_result r) {
                auto self = weak.lock();
                if (!self || self->conn_.get() != c)
                    return;
                if (ec || r.rows.empty() || !r.rows[0][0])
                {
                    self->schema_failed(
                        ec ? ec : make_error_code(pg_errc::server_error),
                        "cannot read its schema version: " + r.error
                    );
                    return;
                }
                const long version = std::stol(*r.rows[0][0]);
                if (version > detail::pg_sql::schema_version)
                {
                    self->schema_failed(
                        make_error_code(pg_errc::server_error),
                        "the tables '" + self->options_.table_prefix + "_*' have schema version " +
                            std::to_string(version) + ", written by a newer asched (this one knows up to " +
                            std::to_string(detail::pg_sql::schema_version) + "); upgrade asched"
                    );
                    return;
                }
                self->conn_->async_query(
                    self->sql_.listen(),
                    {},
                    [weak = self->weak_from_this(), c](error_code ec, pg_result r) {
                        auto self = weak.lock();
                        if (!self || self->conn_.get() != c)
                            return;
                        if (ec)
                        {
                            self->on_lost(ec, "cannot listen for changes: " + r.error);
                            return;
                        }
                        self->ready();
                    }
                );
            }
        );
    }

    /// A schema that cannot be used is not a passing outage: waiting operations fail, and no reconnection is tried.
    void schema_failed(error_code ec, std::string message)
    {
        if (ec == pg_errc::connection_lost || ec == pg_errc::closed || ec == pg_errc::timed_out)
        {
            on_lost(ec, std::move(message));
            return;
        }
        last_error_ = options_.table_prefix + " store at " + location() + ": " + message;
        state_ = state::failed;
        failure_ = ec;
        auto waiting = std::move(waiting_);
        waiting_.clear();
        for (auto& op : waiting)
            op(ec);
    }

    void ready()
    {
        state_ = state::ready;
        reconnect_delay_ = std::chrono::milliseconds{100};
        const bool again = std::exchange(ever_connected_, true) || failed_attempts_ > 0;
        failed_attempts_ = 0;
        auto waiting = std::move(waiting_);
        waiting_.clear();
        for (auto& op : waiting)
            op(error_code{});
        if (again)
            signal(shared_store_signal::reconnected, std::nullopt);
        flush_leased();
    }

    void on_lost(error_code ec, std::string message)
    {
        if (closed_)
            return;
        last_error_ = message;
        ++failed_attempts_;
        const bool was_ready = state_ == state::ready;
        state_ = state::down;
        if (conn_)
        {
            auto old = std::move(conn_);
            old->close();
        }
        if (!ever_connected_)
        {
            // Before the first connection: operations wait no longer than one attempt
            auto waiting = std::move(waiting_);
            waiting_.clear();
            for (auto& op : waiting)
                op(ec == pg_errc::timed_out ? ec : make_error_code(pg_errc::connection_failed));
        }
        fail_leased(make_error_code(pg_errc::connection_lost));
        if (was_ready)
            signal(shared_store_signal::disconnected, std::nullopt);
        reconnect_timer_.expires_after(reconnect_delay_);
        reconnect_delay_ = std::min(reconnect_delay_ * 2, options_.max_reconnect_delay);
        reconnect_timer_.async_wait([weak = weak_from_this()](error_code e) {
            if (auto self = weak.lock(); self && !e)
                self->connect();
        });
    }

    /// Refuses new operations, lets the writes already made reach the server (a scheduler's releases at shutdown
    /// must, or the other schedulers would wait for the leases to expire), then closes the connection. Nothing
    /// blocks: the connection closes from its own completions, on the executor.
    void close()
    {
        if (std::exchange(closed_, true))
            return;
        reconnect_timer_.cancel();
        auto waiting = std::move(waiting_);
        waiting_.clear();
        for (auto& op : waiting)
            op(make_error_code(pg_errc::closed));
        if (state_ != state::ready)
        {
            fail_leased(make_error_code(pg_errc::closed));
            finish_close();
            return;
        }
        flush_leased();
        maybe_finish_close();
    }

    /// Once no leased write waits or is in flight: a last statement behind everything queued, then the close.
    void maybe_finish_close()
    {
        if (!closed_ || writing_ || !batch_.empty() || !later_.empty() || state_ == state::closed)
            return;
        state_ = state::closed;
        if (!conn_)
            return;
        // Last, every lease still held under this holder goes back: jobs the scheduler released are released
        // already (with their next run times); what remains was taken by an acquisition whose answer came after the
        // scheduler stopped listening, and was never fired, so its stored next run time is right as it is
        conn_->async_query(sql_.release_all(), {holder_}, [weak = weak_from_this()](error_code ec, pg_result r) {
            auto self = weak.lock();
            if (!self)
                return;
            if (ec || r.affected_rows == 0 || !self->conn_)
            {
                self->finish_close();
                return;
            }
            self->conn_->async_query(
                "SELECT pg_notify($1, $2)",
                {self->sql_.channel(), "available " + self->holder_},
                [weak](error_code, pg_result) {
                    if (auto self = weak.lock())
                        self->finish_close();
                }
            );
        });
    }

    void finish_close()
    {
        state_ = state::closed;
        if (conn_)
            conn_->close();
    }

    /// Runs `op` once the connection is ready: at once when it is, after the first connection while that is being
    /// made; with an error when the store is down or closed (operations do not pile up during an outage).
    void when_ready(ready_op op)
    {
        if (closed_)
        {
            op(make_error_code(pg_errc::closed));
            return;
        }
        switch (state_)
        {
        case state::ready: op(error_code{}); return;
        case state::connecting:
            if (!ever_connected_)
            {
                waiting_.push_back(std::move(op));
                return;
            }
            [[fallthrough]];
        case state::down: op(make_error_code(pg_errc::connection_lost)); return;
        case state::failed: op(failure_); return;
        case state::closed: op(make_error_code(pg_errc::closed)); return;
        }
    }

    /// Sends one statement once ready; `then` gets the outcome (a server error's message is kept for logs).
    void query(std::string sql, params values, query_then then)
    {
        // Handlers hold the store weakly: the connection's queue holds them, and the store holds the connection
        when_ready([weak = weak_from_this(), sql = std::move(sql), values = std::move(values), then = std::move(then)](
                       error_code ec
                   ) mutable {
            auto self = weak.lock();
            if (!self)
                return;
            if (ec)
            {
                then(ec, pg_result{});
                return;
            }
            self->run_now(std::move(sql), std::move(values), std::move(then));  // ready: runs it at once
        });
    }

    /// Sends a statement on the ready connection, also while closing (for the writes made before close).
    void run_now(std::string sql, params values, query_then then)
    {
        if (state_ != state::ready || !conn_)
        {
            then(make_error_code(state_ == state::closed ? pg_errc::closed : pg_errc::connection_lost), pg_result{});
            return;
        }
        conn_->async_query(
            std::move(sql),
            std::move(values),
            [weak = weak_from_this(), then = std::move(then)](error_code ec, pg_result r) mutable {
                auto self = weak.lock();
                if (!self)
                    return;
                if (ec && !r.error.empty())
                    self->last_error_ = r.error;
                then(ec, std::move(r));
            }
        );
    }

    // ------------------------------------------------------------------------------------------ notifications

    void on_notification(std::string_view channel, std::string_view payload)
    {
        if (channel != sql_.channel())
            return;
        // "<kind> <holder> [<micros>]"
        const auto first = payload.find(' ');
        const std::string_view kind = payload.substr(0, first);
        std::string_view rest = first == std::string_view::npos ? std::string_view{} : payload.substr(first + 1);
        const auto second = rest.find(' ');
        const std::string_view sender = rest.substr(0, second);
        const std::string_view when = second == std::string_view::npos ? std::string_view{} : rest.substr(second + 1);
        if (kind == "changed")
        {
            if (sender != holder_)
            {
                signal(shared_store_signal::jobs_changed, std::nullopt);
                if (on_change_)
                    on_change_();
            }
        }
        else if (kind == "available")
        {
            std::optional<instant> t;
            if (!when.empty())
                t = instant(std::chrono::microseconds(std::stoll(std::string(when))));
            signal(shared_store_signal::jobs_available, t);
        }
    }

    /// The release announcement of a flushed batch: sent even while closing (it is part of the releases).
    void announce_now(instant available)
    {
        if (!conn_ || state_ == state::closed || state_ == state::down)
            return;
        conn_->async_query(
            "SELECT pg_notify($1, $2)",
            {sql_.channel(), "available " + holder_ + " " + std::to_string(available.time_since_epoch().count())},
            [](error_code, pg_result) {}
        );
    }

    void signal(shared_store_signal s, std::optional<instant> when)
    {
        if (on_signal_)
            on_signal_(s, when);
    }

    /// Tells every scheduler: "changed" makes the others read the store again, "available" makes all of them look
    /// for due jobs at `when`.
    void announce(bool changed, std::optional<instant> available)
    {
        std::string sql = "SELECT ";
        params values{sql_.channel()};
        if (changed)
        {
            values.push_back("changed " + holder_);
            sql += "pg_notify($1, $" + std::to_string(values.size()) + ")";
        }
        if (available)
        {
            values.push_back("available " + holder_ + " " + std::to_string(available->time_since_epoch().count()));
            sql += std::string(changed ? ", " : "") + "pg_notify($1, $" + std::to_string(values.size()) + ")";
        }
        if (values.size() == 1)
            return;
        query(std::move(sql), std::move(values), [](error_code, pg_result) {});
    }

    // ------------------------------------------------------------------------------------------ leased writes

    /// Leased writes issued in one turn of the executor go to the server as one statement.
    struct pending_write
    {
        leased_write write;
        std::vector<write_handler> handlers;
    };

    void write_leased(leased_write w, write_handler handler)
    {
        if (closed_)
        {
            complete(ex_, std::move(handler), make_error_code(pg_errc::closed));
            return;
        }
        if (state_ != state::ready)
        {
            complete(ex_, std::move(handler), make_error_code(pg_errc::connection_lost));
            return;
        }
        if (auto it = batch_index_.find(w.id); it != batch_index_.end())
        {
            pending_write& p = batch_[it->second];
            if (p.write.fencing_token == w.fencing_token)
            {
                // A later write of the same lease supersedes the earlier one; both complete with its outcome
                p.write = std::move(w);
                p.handlers.push_back(std::move(handler));
                return;
            }
            later_.push_back(pending_write{std::move(w), {}});
            later_.back().handlers.push_back(std::move(handler));
            schedule_flush();
            return;
        }
        batch_index_.emplace(w.id, batch_.size());
        batch_.push_back(pending_write{std::move(w), {}});
        batch_.back().handlers.push_back(std::move(handler));
        schedule_flush();
    }

    void schedule_flush()
    {
        if (std::exchange(flush_posted_, true))
            return;
        boost::asio::post(ex_, [weak = weak_from_this()] {
            if (auto self = weak.lock())
            {
                self->flush_posted_ = false;
                self->flush_leased();
            }
        });
    }

    void flush_leased()
    {
        if (batch_.empty() || state_ != state::ready || writing_)
            return;
        auto batch = std::move(batch_);
        batch_.clear();
        batch_index_.clear();
        for (auto& p : later_)
        {
            batch_index_.emplace(p.write.id, batch_.size());
            batch_.push_back(std::move(p));
        }
        later_.clear();

        std::vector<std::string> ids;
        std::vector<std::optional<std::string>> tokens, nexts, releases, next_checksums;
        std::optional<instant> earliest_released;
        for (const pending_write& p : batch)
        {
            ids.push_back(p.write.id);
            tokens.push_back(std::to_string(p.write.fencing_token));
            nexts.push_back(
                p.write.next_run_time ? std::optional(std::to_string(p.write.next_run_time->time_since_epoch().count()))
                                      : std::nullopt
            );
            releases.push_back(p.write.release ? "t" : "f");
            std::optional<std::int64_t> next_us;
            if (p.write.next_run_time)
                next_us = p.write.next_run_time->time_since_epoch().count();
            next_checksums.push_back(std::to_string(detail::next_run_time_checksum(p.write.id, next_us)));
            if (p.write.release && p.write.next_run_time &&
                (!earliest_released || *p.write.next_run_time < *earliest_released))
                earliest_released = p.write.next_run_time;
        }
        params values{
            holder_,
            detail::pg_sql::text_array(ids),
            detail::pg_sql::array(tokens),
            detail::pg_sql::array(nexts),
            detail::pg_sql::array(releases),
            std::to_string(lease_micros()),
            detail::pg_sql::array(next_checksums),
        };
        writing_ = true;
        run_now(
            sql_.write_leased(),
            std::move(values),
            [self = this, batch = std::move(batch), earliest_released](error_code ec, pg_result r) mutable {
                self->writing_ = false;
                std::unordered_map<std::string_view, bool> written;
                if (!ec)
                    for (const auto& row : r.rows)
                        if (row[0])
                            written.emplace(*row[0], true);
                for (pending_write& p : batch)
                {
                    const error_code result = ec ? ec
                                                 : (written.contains(p.write.id) ? error_code{}
                                                                                 : make_error_code(errc::lease_lost));
                    for (auto& h : p.handlers)
                        complete(self->ex_, std::move(h), result);
                }
                if (!ec && earliest_released)
                    self->announce_now(*earliest_released);
                self->flush_leased();
                self->maybe_finish_close();
            }
        );
    }

    void fail_leased(error_code ec)
    {
        auto batch = std::move(batch_);
        batch_.clear();
        batch_index_.clear();
        for (auto& p : later_)
            batch.push_back(std::move(p));
        later_.clear();
        for (auto& p : batch)
            for (auto& h : p.handlers)
                complete(ex_, std::move(h), ec);
    }

    std::int64_t lease_micros() const
    {
        return std::chrono::duration_cast<std::chrono::microseconds>(options_.lease_time).count();
    }

    // ------------------------------------------------------------------------------------------ rows to jobs

    /// A row as the reads return it: the columns, each NULL or its text.
    struct stored_row
    {
        const std::string& id;
        const std::optional<std::string>& document;
        const std::optional<std::string>& next_micros;
        const std::optional<std::string>& document_checksum;
        const std::optional<std::string>& next_run_time_checksum;
    };

    /// Whether a checksum the row has differs from its columns' (a row written before schema version 2 has none,
    /// and is read unchecked). The document's is over its canonical form: jsonb returns another text of it.
    static bool checksum_mismatch(const stored_row& row, const std::optional<std::int64_t>& next_us)
    {
        if (row.next_run_time_checksum &&
            std::to_string(detail::next_run_time_checksum(row.id, next_us)) != *row.next_run_time_checksum)
            return true;
        if (row.document_checksum && row.document)
        {
            const auto expected = detail::document_checksum(row.id, *row.document);
            return !expected || std::to_string(*expected) != *row.document_checksum;
        }
        return false;
    }

    /// A row's document and next run time as a description; a row that cannot be decoded, or whose checksum does
    /// not match, is quarantined.
    std::optional<job_description> decode(const stored_row& row, std::vector<quarantined_job>* quarantined)
    {
        const std::string& id = row.id;
        try
        {
            if (!row.document)
                throw std::runtime_error("the row has no document");
            std::optional<std::int64_t> next_us;
            if (row.next_micros)
                next_us = std::stoll(*row.next_micros);
            // Before decoding: a row changed after it was written may still decode, with altered data
            if (checksum_mismatch(row, next_us))
            {
                quarantine_unreadable(id, std::string(detail::checksum_mismatch_reason), quarantined);
                return std::nullopt;
            }
            job_description d = from_document(boost::json::parse(*row.document));
            if (d.id != id)
                throw std::runtime_error("the document's id '" + d.id + "' differs from the row's '" + id + "'");
            d.paused = !next_us;
            d.next_run_time.reset();
            if (next_us)
                d.next_run_time = instant(std::chrono::microseconds(*next_us));
            return d;
        }
        catch (const std::exception& e)
        {
            quarantine_unreadable(id, std::string("the stored document cannot be read: ") + e.what(), quarantined);
            return std::nullopt;
        }
    }

    void quarantine_unreadable(const std::string& id, std::string reason, std::vector<quarantined_job>* quarantined)
    {
        query(sql_.quarantine(), {id, reason}, [](error_code, pg_result) {});
        if (quarantined != nullptr)
            quarantined->push_back(quarantined_job{id, std::move(reason)});
    }

    /// all_jobs and due_jobs: id, document, next run time, document_checksum, next_run_time_checksum.
    job_listing listing_of(pg_result& r)
    {
        job_listing listing;
        listing.jobs.reserve(r.rows.size());
        for (auto& row : r.rows)
            if (row[0])
                if (auto d = decode({*row[0], row[1], row[2], row[3], row[4]}, &listing.quarantined))
                    listing.jobs.push_back(std::move(*d));
        return listing;
    }

    /// The parameters of insert, upsert and update: the row, and its two checksums.
    static params row_params(const job_description& job, const std::optional<instant>& next)
    {
        std::string document = stored_document(job);
        const auto document_sum = detail::document_checksum(job.id, document);
        std::optional<std::int64_t> next_us;
        if (next)
            next_us = next->time_since_epoch().count();
        const auto next_sum = detail::next_run_time_checksum(job.id, next_us);
        return {
            job.id,
            micros(next),
            std::move(document),
            document_sum ? std::optional(std::to_string(*document_sum)) : std::nullopt,
            std::to_string(next_sum),
        };
    }

    /// The document as stored: without its next run time, which the column holds (and fires change).
    static std::string stored_document(const job_description& d)
    {
        boost::json::object document = to_document(d);
        document.erase("next_run_time");
        return boost::json::serialize(document);
    }

    static std::optional<std::string> micros(const std::optional<instant>& t)
    {
        if (!t)
            return std::nullopt;
        return std::to_string(t->time_since_epoch().count());
    }

    std::string location() const
    {
        return options_.conninfo.empty() ? std::string("(libpq environment)") : options_.conninfo;
    }

    enum class state
    {
        connecting,
        ready,
        down,
        failed,
        closed
    };

    boost::asio::any_io_executor ex_;
    postgres_store_options options_;
    detail::pg_sql sql_;
    std::string holder_;
    std::shared_ptr<pg_connection> conn_;
    state state_{state::connecting};
    bool ever_connected_{false};
    std::size_t failed_attempts_{0};
    bool closed_{false};
    error_code failure_{};
    std::string last_error_;
    std::deque<ready_op> waiting_;
    boost::asio::steady_timer reconnect_timer_;
    std::chrono::milliseconds reconnect_delay_{100};
    std::function<void()> on_change_;
    std::function<void(shared_store_signal, std::optional<instant>)> on_signal_;
    std::vector<pending_write> batch_;
    std::unordered_map<std::string, std::size_t> batch_index_;
    std::vector<pending_write> later_;
    bool flush_posted_{false};
    bool writing_{false};
};

// ---------------------------------------------------------------------------------------------- the store

postgres_job_store::postgres_job_store(boost::asio::any_io_executor executor, postgres_store_options options)
{
    check_prefix(options.table_prefix);
    if (options.lease_time < std::chrono::milliseconds{100})
        throw std::invalid_argument(
            "postgres_store_options.lease_time: " + std::to_string(options.lease_time.count()) +
            " ms is too short to renew in time; give at least 100 ms"
        );
    impl_ = std::make_shared<impl>(std::move(executor), std::move(options));
    impl_->start();
}

postgres_job_store::~postgres_job_store() { impl_->close(); }

std::string postgres_job_store::location() const { return impl_->location(); }

void postgres_job_store::watch(std::function<void()> on_change) { impl_->on_change_ = std::move(on_change); }

void postgres_job_store::close() { impl_->close(); }

std::chrono::milliseconds postgres_job_store::lease_time() const noexcept { return impl_->options_.lease_time; }

const std::string& postgres_job_store::holder() const noexcept { return impl_->holder_; }

void postgres_job_store::watch_shared(std::function<void(shared_store_signal, std::optional<instant>)> on_signal)
{
    impl_->on_signal_ = std::move(on_signal);
}

bool postgres_job_store::connected() const noexcept { return impl_->state_ == impl::state::ready; }

std::string postgres_job_store::last_error_message() const { return impl_->last_error_; }

void postgres_job_store::do_add(job_description job, bool replace_existing, write_handler handler)
{
    auto next = job.paused ? std::nullopt : job.next_run_time;
    params values = impl::row_params(job, next);
    impl_->query(
        replace_existing ? impl_->sql_.upsert() : impl_->sql_.insert(),
        std::move(values),
        [self = impl_.get(), replace_existing, next, h = std::move(handler)](error_code ec, pg_result r) mutable {
            if (!ec && !replace_existing && r.rows.empty())
                ec = errc::conflicting_job_id;
            if (!ec && !r.rows.empty())
                self->announce(true, next);
            complete(self->ex_, std::move(h), ec);
        }
    );
}

void postgres_job_store::do_update(job_description job, write_handler handler)
{
    auto next = job.paused ? std::nullopt : job.next_run_time;
    params values = impl::row_params(job, next);
    impl_->query(
        impl_->sql_.update(),
        std::move(values),
        [self = impl_.get(), next, h = std::move(handler)](error_code ec, pg_result r) mutable {
            if (!ec && r.rows.empty())
                ec = errc::job_not_found;
            if (!ec)
                self->announce(true, next);
            complete(self->ex_, std::move(h), ec);
        }
    );
}

void postgres_job_store::do_remove(std::string id, write_handler handler)
{
    impl_->query(
        impl_->sql_.remove(),
        {std::move(id)},
        [self = impl_.get(), h = std::move(handler)](error_code ec, pg_result r) mutable {
            if (!ec && r.rows.empty())
                ec = errc::job_not_found;
            if (!ec)
                self->announce(true, std::nullopt);
            complete(self->ex_, std::move(h), ec);
        }
    );
}

void postgres_job_store::do_remove_all(write_handler handler)
{
    impl_->query(
        impl_->sql_.remove_all(),
        {},
        [self = impl_.get(), h = std::move(handler)](error_code ec, pg_result) mutable {
            if (!ec)
                self->announce(true, std::nullopt);
            complete(self->ex_, std::move(h), ec);
        }
    );
}

void postgres_job_store::do_find(std::string id, find_handler handler)
{
    impl_->query(
        impl_->sql_.find(),
        {id},
        [self = impl_.get(), id, h = std::move(handler)](error_code ec, pg_result r) mutable {
            std::optional<job_description> found;
            if (!ec && !r.rows.empty())
            {
                const auto& row = r.rows[0];
                found = self->decode({id, row[0], row[1], row[2], row[3]}, nullptr);
            }
            complete(self->ex_, std::move(h), ec, std::move(found));
        }
    );
}

void postgres_job_store::do_all_jobs(listing_handler handler)
{
    impl_->query(
        impl_->sql_.all_jobs(),
        {},
        [self = impl_.get(), h = std::move(handler)](error_code ec, pg_result r) mutable {
            job_listing listing;
            if (!ec)
                listing = self->listing_of(r);
            complete(self->ex_, std::move(h), ec, std::move(listing));
        }
    );
}

void postgres_job_store::do_due_jobs(instant until, listing_handler handler)
{
    impl_->query(
        impl_->sql_.due_jobs(),
        {impl::micros(until)},
        [self = impl_.get(), h = std::move(handler)](error_code ec, pg_result r) mutable {
            job_listing listing;
            if (!ec)
                listing = self->listing_of(r);
            complete(self->ex_, std::move(h), ec, std::move(listing));
        }
    );
}

void postgres_job_store::do_earliest_next_run_time(earliest_handler handler)
{
    impl_->query(
        impl_->sql_.earliest(),
        {},
        [self = impl_.get(), h = std::move(handler)](error_code ec, pg_result r) mutable {
            std::optional<instant> t;
            if (!ec && !r.rows.empty() && r.rows[0][0])
                t = instant(std::chrono::microseconds(std::stoll(*r.rows[0][0])));
            complete(self->ex_, std::move(h), ec, t);
        }
    );
}

void postgres_job_store::do_quarantine(std::string id, std::string reason, write_handler handler)
{
    impl_->query(
        impl_->sql_.quarantine(),
        {std::move(id), std::move(reason)},
        [self = impl_.get(), h = std::move(handler)](error_code ec, pg_result) mutable {
            if (!ec)
                self->announce(true, std::nullopt);
            complete(self->ex_, std::move(h), ec);
        }
    );
}

void postgres_job_store::do_acquire(
    instant until,
    std::size_t limit,
    std::vector<std::string> excluded,
    acquire_handler handler
)
{
    params values{
        impl_->holder_,
        std::to_string(impl_->lease_micros()),
        impl::micros(until),
        std::to_string(limit),
        detail::pg_sql::text_array(excluded),
    };
    impl_->query(
        impl_->sql_.acquire(),
        std::move(values),
        [self = impl_.get(), h = std::move(handler)](error_code ec, pg_result r) mutable {
            std::vector<job_lease> leases;
            if (!ec)
            {
                leases.reserve(r.rows.size());
                for (auto& row : r.rows)
                {
                    if (!row[0] || !row[3])
                        continue;
                    auto d = self->decode({*row[0], row[1], row[2], row[4], row[5]}, nullptr);
                    if (d)
                        leases.push_back(job_lease{std::move(*d), std::stoull(*row[3])});
                }
            }
            complete(self->ex_, std::move(h), ec, std::move(leases));
        }
    );
}

void postgres_job_store::do_write_leased(leased_write write, write_handler handler)
{
    impl_->write_leased(std::move(write), std::move(handler));
}

void postgres_job_store::do_renew_leases(std::chrono::milliseconds ending_within, renew_handler handler)
{
    params values{
        impl_->holder_,
        std::to_string(impl_->lease_micros()),
        std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(ending_within).count()),
    };
    impl_->query(
        impl_->sql_.renew(),
        std::move(values),
        [self = impl_.get(), h = std::move(handler)](error_code ec, pg_result r) mutable {
            std::vector<held_lease> held;
            if (!ec)
            {
                held.reserve(r.rows.size());
                for (auto& row : r.rows)
                {
                    if (!row[0] || !row[1])
                        continue;
                    held_lease l{*row[0], std::stoull(*row[1]), std::nullopt};
                    if (row[2])
                        l.next_run_time = instant(std::chrono::microseconds(std::stoll(*row[2])));
                    held.push_back(std::move(l));
                }
            }
            complete(self->ex_, std::move(h), ec, std::move(held));
        }
    );
}

void postgres_job_store::do_next_available(earliest_handler handler)
{
    impl_->query(
        impl_->sql_.next_available(),
        {},
        [self = impl_.get(), h = std::move(handler)](error_code ec, pg_result r) mutable {
            std::optional<instant> t;
            if (!ec && !r.rows.empty() && r.rows[0][0])
                t = instant(std::chrono::microseconds(std::stoll(*r.rows[0][0])));
            complete(self->ex_, std::move(h), ec, t);
        }
    );
}

}  // namespace asched
