// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include <asched/errors.hpp>
#include <asched/job_document.hpp>
#include <asched/sqlite_job_store.hpp>

#include <boost/asio/any_completion_executor.hpp>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/system/errc.hpp>
#include <boost/system/system_error.hpp>

#include <cstdint>
#include <exception>
#include <future>
#include <mutex>
#include <new>
#include <optional>
#include <shared_mutex>
#include <sqlite3.h>
#include <stdexcept>
#include <system_error>
#include <type_traits>
#include <utility>

#include "job_checksum.hpp"
#include "sqlite_job_file.hpp"
#include "sqlite_store_thread.hpp"

namespace asched {

namespace {

using detail::row_write;
using detail::row_write_kind;
using detail::sqlite_job_file;
using detail::stored_job_row;

/// One outstanding operation: its handler, and work counted on its executors until the completion is posted, so
/// that an io_context::run waiting for the store's thread does not return early.
template <class Signature>
class pending_op
{
public:
    pending_op(boost::asio::any_completion_handler<Signature> handler, const boost::asio::any_io_executor& ex)
        : handler_(std::move(handler)),
          handler_work_(boost::asio::prefer(
              boost::asio::get_associated_executor(handler_, ex),
              boost::asio::execution::outstanding_work.tracked
          )),
          io_work_(boost::asio::prefer(ex, boost::asio::execution::outstanding_work.tracked))
    {
    }

    /// Posts the completion to the store's executor, which dispatches it to the handler's. A second call (after a
    /// failure half-way through the first) does nothing.
    ///
    /// Called on the store's thread. The work counted on both executors travels with the completion and ends on
    /// the store's executor, after the handler was handed to its own: the store's thread touches neither executor
    /// once it has posted. (Ending the work here, after the post, raced with the handler: it could run, and its
    /// io_context be destroyed by a caller that polls it, before this thread let go of its work; AddressSanitizer
    /// caught it in about one run of `unit.job_stores` in eight.)
    template <class... Args>
    void complete(Args&&... args)
    {
        if (!handler_)
            return;
        const auto io = boost::asio::prefer(io_work_, boost::asio::execution::outstanding_work.untracked);
        boost::asio::post(
            io,
            [handler = std::move(handler_),
             handler_work = std::move(handler_work_),
             io_work = std::move(io_work_),
             ... results = std::forward<Args>(args)]() mutable {
                // As post(io_work, handler) would: on the handler's associated executor, by default the store's
                boost::asio::dispatch(io_work, boost::asio::append(std::move(handler), std::move(results)...));
            }
        );
    }

private:
    boost::asio::any_completion_handler<Signature> handler_;
    boost::asio::any_completion_executor handler_work_;
    boost::asio::any_io_executor io_work_;
};

/// The row of a description: the document is the truth, the column serves the due and earliest queries. A job
/// without a next run time (paused, or not computed yet) has NULL; its document tells the two apart.
stored_job_row to_row(const job_description& job)
{
    stored_job_row row;
    row.document = boost::json::serialize(to_document(job));  // throws invalid_job_document before anything queued
    row.id = job.id;
    if (!job.paused && job.next_run_time)
        row.next_run_time_us = job.next_run_time->time_since_epoch().count();
    return row;
}

/// The description in a row, or none with the reason it cannot be read.
std::optional<job_description> decode(const stored_job_row& row, std::string& reason)
{
    // Before anything else: a row changed after it was written may still decode, with altered data
    if (row.checksum == detail::row_checksum_state::mismatch)
    {
        reason = detail::checksum_mismatch_reason;
        return std::nullopt;
    }
    boost::system::error_code ec;
    const boost::json::value document = boost::json::parse(row.document, ec);
    if (ec)
    {
        reason = "the stored job document is not JSON: " + ec.message();
        return std::nullopt;
    }
    try
    {
        job_description job = from_document(document);
        if (job.id != row.id)
        {
            reason = "the stored job document has the id \"" + job.id + "\", not the row's";
            return std::nullopt;
        }
        return job;
    }
    catch (const std::invalid_argument& e)  // invalid_job_document, and anything else that rejects the input
    {
        reason = e.what();
        return std::nullopt;
    }
}

/// Decodes rows on the store thread; the ones that fail are quarantined in the same pass, never deleted. A read-only
/// file only reports them: reading never writes.
job_listing load(sqlite_job_file& file, std::vector<stored_job_row> rows)
{
    job_listing listing;
    listing.jobs.reserve(rows.size());
    for (auto& row : rows)
    {
        std::string reason;
        if (auto job = decode(row, reason))
        {
            listing.jobs.push_back(std::move(*job));
            continue;
        }
        if (!file.read_only())
            file.quarantine(row.id, reason);
        listing.quarantined.push_back({std::move(row.id), std::move(reason)});
    }
    return listing;
}

}  // namespace

struct sqlite_job_store::state
{
    executor_type executor;
    sqlite_store_options options;
    std::string location;

    std::mutex watch_mutex;
    std::function<void()> on_change;  // guarded by watch_mutex; called on the store thread

    mutable std::mutex error_mutex;
    std::string last_error;  // guarded by error_mutex

    // Operations hold it shared while they queue; close() takes the thread out under it exclusively
    std::shared_mutex thread_mutex;
    std::unique_ptr<detail::sqlite_store_thread> thread;  // null once closed

    state(executor_type ex, sqlite_store_options o)
        : executor(std::move(ex)), options(std::move(o)), location(options.path.string())
    {
    }

    void changed()
    {
        std::function<void()> callback;
        {
            const std::lock_guard lock(watch_mutex);
            callback = on_change;
        }
        if (callback)
            callback();
    }

    void set_last_error(std::string message)
    {
        const std::lock_guard lock(error_mutex);
        last_error = std::move(message);
    }

    /// The error_code of an exception from the file layer (or the open), keeping its detailed message.
    error_code record(const std::exception_ptr& e)
    {
        try
        {
            std::rethrow_exception(e);
        }
        catch (const detail::sqlite_error& x)
        {
            set_last_error(x.what());
            return x.error();
        }
        catch (const boost::system::system_error& x)
        {
            set_last_error(x.what());
            return x.code();
        }
        catch (const std::system_error& x)
        {
            set_last_error("sqlite store " + location + ": " + x.what());
            return error_code(x.code());
        }
        catch (const std::bad_alloc&)
        {
            set_last_error("sqlite store " + location + ": out of memory");
            return make_error_code(boost::system::errc::not_enough_memory);
        }
        catch (const std::exception& x)
        {
            set_last_error("sqlite store " + location + ": " + x.what());
            return make_error_code(boost::system::errc::io_error);
        }
        catch (...)
        {
            set_last_error("sqlite store " + location + ": an unknown exception");
            return make_error_code(boost::system::errc::io_error);
        }
    }

    void write(row_write w, boost::asio::any_completion_handler<write_signature> handler)
    {
        auto op = std::make_shared<pending_op<write_signature>>(std::move(handler), executor);
        const std::shared_lock lock(thread_mutex);
        if (!thread)
            return op->complete(error_code(errc::shut_down));
        // Called on the store thread once the transaction committed (the write is on disk) or failed
        thread->write(std::move(w), [this, op](error_code ec, std::exception_ptr error) {
            op->complete(error ? record(error) : ec);
        });
    }

    /// Runs `work(file)` on the store thread and completes with its result (none for `void`), or with the error
    /// and `Result{}`.
    template <class Result, class Signature, class Work>
    void run(boost::asio::any_completion_handler<Signature> handler, Work work)
    {
        auto op = std::make_shared<pending_op<Signature>>(std::move(handler), executor);
        const auto fail = [op](error_code ec) {
            if constexpr (std::is_void_v<Result>)
                op->complete(ec);
            else
                op->complete(ec, Result{});
        };
        const std::shared_lock lock(thread_mutex);
        if (!thread)
            return fail(errc::shut_down);
        thread->run(
            [op, work = std::move(work)](sqlite_job_file& file) {
                if constexpr (std::is_void_v<Result>)
                {
                    work(file);
                    op->complete(error_code());
                }
                else
                    op->complete(error_code(), Result(work(file)));
            },
            [this, fail](std::exception_ptr error) { fail(record(error)); }
        );
    }

    /// Runs `work(file)` on the store thread and waits for its result, after every operation queued before; for the
    /// blocking calls tools use. The open's error, or one `work` throws, is recorded and thrown here.
    template <class Result, class Work>
    Result blocking(Work work)
    {
        // Shared with the store thread, which may still be leaving the callback when get() returns
        auto result = std::make_shared<std::promise<Result>>();
        auto done = result->get_future();
        {
            const std::shared_lock lock(thread_mutex);
            if (!thread)
                throw scheduler_error(errc::shut_down, "sqlite store " + location + " is closed");
            thread->run(
                [result, work = std::move(work)](sqlite_job_file& file) { result->set_value(work(file)); },
                [this, result](std::exception_ptr error) {
                    record(error);
                    result->set_exception(error);
                }
            );
        }
        return done.get();
    }
};

sqlite_job_store::sqlite_job_store(boost::asio::any_io_executor executor, sqlite_store_options options)
    : state_(std::make_unique<state>(std::move(executor), std::move(options)))
{
    state_->thread = std::make_unique<detail::sqlite_store_thread>(
        state_->options.path,
        sqlite_job_file::settings{
            .create = state_->options.create,
            .scheduler_lock = state_->options.scheduler_lock,
            .read_only = state_->options.read_only,
            .verify = state_->options.verify_at_open,
            .vfs = state_->options.vfs,
        },
        [s = state_.get()] { s->changed(); },
        state_->options.change_poll
    );
}

sqlite_job_store::~sqlite_job_store() { close(); }

sqlite_job_store::executor_type sqlite_job_store::get_executor() const noexcept { return state_->executor; }

const sqlite_store_options& sqlite_job_store::options() const noexcept { return state_->options; }

std::string sqlite_job_store::location() const { return state_->location; }

void sqlite_job_store::watch(std::function<void()> on_change)
{
    const std::lock_guard lock(state_->watch_mutex);
    state_->on_change = std::move(on_change);
}

void sqlite_job_store::close()
{
    std::unique_ptr<detail::sqlite_store_thread> thread;
    {
        const std::unique_lock lock(state_->thread_mutex);
        thread = std::move(state_->thread);
    }
    thread.reset();  // runs every queued operation, then joins
}

void sqlite_job_store::wait_open()
{
    const std::shared_lock lock(state_->thread_mutex);
    if (!state_->thread)
        return;
    try
    {
        state_->thread->wait_open();
    }
    catch (...)
    {
        state_->record(std::current_exception());
        throw;
    }
}

std::vector<quarantined_job> sqlite_job_store::quarantined()
{
    return state_->blocking<std::vector<quarantined_job>>([](sqlite_job_file& file) {
        std::vector<quarantined_job> jobs;
        for (auto& row : file.quarantined())
            jobs.push_back({std::move(row.id), std::move(row.reason)});
        return jobs;
    });
}

std::vector<error_code> sqlite_job_store::add_all(const std::vector<job_description>& jobs, bool replace_existing)
{
    // Documents first: an invalid description throws before anything is queued
    std::vector<row_write> writes;
    writes.reserve(jobs.size());
    const auto kind = replace_existing ? row_write_kind::insert_or_replace : row_write_kind::insert;
    for (const auto& job : jobs)
        writes.push_back({kind, to_row(job)});
    return state_->blocking<std::vector<error_code>>([writes = std::move(writes)](sqlite_job_file& file) {
        std::vector<error_code> results;
        for (const auto& ec : file.write(writes, true))
            results.push_back(ec);
        return results;
    });
}

sqlite_check_report sqlite_job_store::check()
{
    return state_->blocking<sqlite_check_report>([](sqlite_job_file& file) {
        sqlite_check_report report;
        try
        {
            report.integrity = file.integrity_check();
        }
        catch (const detail::sqlite_error& e)
        {
            // A page too damaged to walk fails the check itself: that is its answer, and the rows are still tried
            const int primary = e.code().value() & 0xff;
            if (primary != SQLITE_CORRUPT && primary != SQLITE_NOTADB)
                throw;
            report.integrity = sqlite3_errstr(e.code().value());
        }
        try
        {
            const auto rows = file.all_jobs();
            report.jobs = rows.size();
            for (const auto& row : rows)
            {
                std::string reason;
                if (!decode(row, reason))
                    report.unreadable.push_back({row.id, std::move(reason)});
            }
            report.quarantined = file.quarantined().size();
        }
        catch (const detail::sqlite_error& e)
        {
            report.read_error = sqlite3_errstr(e.code().value());  // the file's name is the caller's
        }
        return report;
    });
}

std::string sqlite_job_store::last_error_message() const
{
    const std::lock_guard lock(state_->error_mutex);
    return state_->last_error;
}

void sqlite_job_store::do_add(job_description job, bool replace_existing, write_handler handler)
{
    const auto kind = replace_existing ? row_write_kind::insert_or_replace : row_write_kind::insert;
    state_->write({kind, to_row(job)}, std::move(handler));
}

void sqlite_job_store::do_update(job_description job, write_handler handler)
{
    state_->write({row_write_kind::update, to_row(job)}, std::move(handler));
}

void sqlite_job_store::do_remove(std::string id, write_handler handler)
{
    stored_job_row row;
    row.id = std::move(id);
    state_->write({row_write_kind::remove, std::move(row)}, std::move(handler));
}

void sqlite_job_store::do_remove_all(write_handler handler)
{
    // One statement, committed (durably) before the completion is posted
    state_->run<void>(std::move(handler), [](sqlite_job_file& file) { file.remove_all(); });
}

void sqlite_job_store::do_find(std::string id, find_handler handler)
{
    state_->run<std::optional<job_description>>(std::move(handler), [id = std::move(id)](sqlite_job_file& file) {
        std::optional<job_description> found;
        if (auto row = file.find(id))
        {
            auto listing = load(file, {std::move(*row)});
            if (!listing.jobs.empty())
                found = std::move(listing.jobs.front());
        }
        return found;
    });
}

void sqlite_job_store::do_all_jobs(listing_handler handler)
{
    state_->run<job_listing>(std::move(handler), [](sqlite_job_file& file) { return load(file, file.all_jobs()); });
}

void sqlite_job_store::do_due_jobs(instant until, listing_handler handler)
{
    state_->run<job_listing>(std::move(handler), [until](sqlite_job_file& file) {
        return load(file, file.due_jobs(until.time_since_epoch().count()));
    });
}

void sqlite_job_store::do_earliest_next_run_time(earliest_handler handler)
{
    state_->run<std::optional<instant>>(std::move(handler), [](sqlite_job_file& file) {
        std::optional<instant> earliest;
        if (const auto us = file.earliest_next_run_time())
            earliest = instant{std::chrono::microseconds{*us}};
        return earliest;
    });
}

void sqlite_job_store::do_quarantine(std::string id, std::string reason, write_handler handler)
{
    state_->run<void>(std::move(handler), [id = std::move(id), reason = std::move(reason)](sqlite_job_file& file) {
        file.quarantine(id, reason);
    });
}

}  // namespace asched
