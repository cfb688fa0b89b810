// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include "sqlite_store_thread.hpp"

#include <iostream>
#include <span>
#include <string_view>
#include <utility>

#include "exception_text.hpp"

namespace asched::detail {

namespace {

/// The last resort for an exception nobody can receive: the store thread must go on.
void report(std::string_view what, const std::exception_ptr& error) noexcept
{
    try
    {
        std::cerr << "asched: sqlite store thread: " << what << ": " << exception_text(error) << std::endl;
    }
    catch (...)
    {
    }
}

}  // namespace

sqlite_store_thread::sqlite_store_thread(
    std::filesystem::path path,
    sqlite_job_file::settings s,
    std::function<void()> on_external_change,
    std::chrono::milliseconds change_poll
)
    : path_(std::move(path)),
      settings_(s),
      on_external_change_(std::move(on_external_change)),
      change_poll_(change_poll),
      thread_([this] { main(); })
{
}

sqlite_store_thread::~sqlite_store_thread()
{
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void sqlite_store_thread::wait_open()
{
    std::unique_lock lock(mutex_);
    opened_cv_.wait(lock, [this] { return opened_; });
    if (open_error_)
        std::rethrow_exception(open_error_);
}

void sqlite_store_thread::write(row_write w, write_done done) { enqueue(write_op{std::move(w), std::move(done)}); }

void sqlite_store_thread::run(std::function<void(sqlite_job_file&)> work) { enqueue(run_op{std::move(work), {}}); }

void sqlite_store_thread::run(
    std::function<void(sqlite_job_file&)> work,
    std::function<void(std::exception_ptr)> failed
)
{
    enqueue(run_op{std::move(work), std::move(failed)});
}

void sqlite_store_thread::enqueue(operation op)
{
    bool was_empty = false;
    {
        const std::lock_guard lock(mutex_);
        was_empty = queue_.empty();
        queue_.push_back(std::move(op));
    }
    // A non-empty queue means the thread is awake already, or will look at the queue before it sleeps
    if (was_empty)
        wake_.notify_one();
}

void sqlite_store_thread::open()
{
    try
    {
        file_.emplace(path_, settings_);
        data_version_ = file_->data_version();
    }
    catch (...)
    {
        file_.reset();
        open_error_ = std::current_exception();
    }
    {
        const std::lock_guard lock(mutex_);
        opened_ = true;
    }
    opened_cv_.notify_all();
    next_poll_ = std::chrono::steady_clock::now() + change_poll_;
}

void sqlite_store_thread::main()
{
    open();
    std::vector<operation> batch;
    for (;;)
    {
        {
            std::unique_lock lock(mutex_);
            // Idle: sleep until work comes, or until the next look at data_version (none when the open failed)
            while (queue_.empty() && !stopping_)
            {
                if (!file_ || change_poll_ <= std::chrono::milliseconds::zero())
                    wake_.wait(lock);
                else if (wake_.wait_until(lock, next_poll_) == std::cv_status::timeout)
                {
                    lock.unlock();
                    poll_external_change();
                    lock.lock();
                }
            }
            if (queue_.empty())
                return;  // stopping, and everything queued before is done
            // Everything queued while the previous batch committed forms the next one: that is the group commit
            batch.swap(queue_);
        }
        execute(batch);
        batch.clear();
        // A steady stream of writes must not hide another process's changes
        if (file_ && change_poll_ > std::chrono::milliseconds::zero() && std::chrono::steady_clock::now() >= next_poll_)
            poll_external_change();
    }
}

void sqlite_store_thread::execute(std::vector<operation>& batch)
{
    std::size_t i = 0;
    while (i < batch.size())
    {
        if (auto* op = std::get_if<run_op>(&batch[i]))
        {
            execute_run(*op);
            ++i;
            continue;
        }
        // A run of consecutive writes, up to the cap, in one transaction; a run_op ends it, to keep queue order
        std::size_t last = i;
        while (last < batch.size() && last - i < max_writes_per_transaction &&
               std::holds_alternative<write_op>(batch[last]))
            ++last;
        commit_writes(batch, i, last);
        i = last;
    }
}

void sqlite_store_thread::commit_writes(std::vector<operation>& batch, std::size_t first, std::size_t last)
{
    std::vector<boost::system::error_code> results;
    std::exception_ptr error = open_error_;
    if (file_)
    {
        std::vector<row_write> writes;
        writes.reserve(last - first);
        for (std::size_t i = first; i < last; ++i)
            writes.push_back(std::move(std::get<write_op>(batch[i]).w));
        try
        {
            transactions_.fetch_add(1, std::memory_order_relaxed);
            results = file_->write(writes);
        }
        catch (...)
        {
            error = std::current_exception();
        }
    }
    for (std::size_t i = first; i < last; ++i)
    {
        auto& done = std::get<write_op>(batch[i]).done;
        if (!done)
            continue;
        try
        {
            done(error ? boost::system::error_code() : results[i - first], error);
        }
        catch (...)
        {
            report("a write's completion threw", std::current_exception());
        }
        done = nullptr;  // release what the callback holds now, not when the whole batch is cleared
    }
}

void sqlite_store_thread::execute_run(run_op& op)
{
    std::exception_ptr error = open_error_;
    if (file_)
    {
        try
        {
            op.work(*file_);
        }
        catch (...)
        {
            error = std::current_exception();
        }
    }
    op.work = nullptr;
    if (!error)
        return;
    if (!op.failed)
        return report("an operation failed", error);
    try
    {
        op.failed(error);
    }
    catch (...)
    {
        report("an operation's error handler threw", std::current_exception());
    }
}

void sqlite_store_thread::poll_external_change()
{
    next_poll_ = std::chrono::steady_clock::now() + change_poll_;
    try
    {
        const std::int64_t version = file_->data_version();
        if (version == data_version_)
            return;
        data_version_ = version;
        if (on_external_change_)
            on_external_change_();
    }
    catch (...)
    {
        report("watching for other processes' changes", std::current_exception());
    }
}

}  // namespace asched::detail
