// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include <asched/errors.hpp>
#include <asched/job_document.hpp>
#include <asched/memory_job_store.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/post.hpp>

#include <utility>

namespace asched {

namespace {

// Completes on the handler's associated executor (else `ex`), never inside the initiating call: posted to `ex`,
// which dispatches to the handler's executor
template <class Handler, class... Args>
void complete(const boost::asio::any_io_executor& ex, Handler handler, Args&&... args)
{
    boost::asio::post(ex, boost::asio::append(std::move(handler), std::forward<Args>(args)...));
}

// What the SQLite store keeps of a description: a paused job's next run time is not part of its document
job_description normalized(job_description job)
{
    if (job.paused)
        job.next_run_time.reset();
    return job;
}

// The SQLite store refuses a description that has no valid document (to_document throws); so must this one. The
// cheap checks find such a description, and to_document then throws with the message every store gives.
void check_document(const job_description& job)
{
    if (job.id.empty() || job.task_name.empty() || job.executor.empty() || job.misfire_grace_time.count() < 0 ||
        job.max_instances == 0)
        static_cast<void>(to_document(job));
}

}  // namespace

memory_job_store::memory_job_store(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}

void memory_job_store::watch(std::function<void()>) {}

void memory_job_store::close() {}

std::vector<quarantined_job> memory_job_store::quarantined() const
{
    const std::lock_guard lock(mutex_);
    return quarantined_;
}

memory_job_store::order_key memory_job_store::key_of(const job_description& job)
{
    if (job.next_run_time)
        return {false, *job.next_run_time, job.id};
    return {true, instant{}, job.id};
}

void memory_job_store::insert(job_description job)
{
    by_time_.insert(key_of(job));
    std::string id = job.id;
    by_id_.emplace(std::move(id), std::move(job));
}

void memory_job_store::erase(std::map<std::string, job_description, std::less<>>::iterator it)
{
    by_time_.erase(key_of(it->second));
    by_id_.erase(it);
}

void memory_job_store::do_add(job_description job, bool replace_existing, write_handler handler)
{
    check_document(job);
    job = normalized(std::move(job));
    error_code ec;
    {
        const std::lock_guard lock(mutex_);
        const auto it = by_id_.find(job.id);
        if (it != by_id_.end() && !replace_existing)
            ec = errc::conflicting_job_id;
        else
        {
            if (it != by_id_.end())
                erase(it);
            insert(std::move(job));
        }
    }
    complete(executor_, std::move(handler), ec);
}

void memory_job_store::do_update(job_description job, write_handler handler)
{
    check_document(job);
    job = normalized(std::move(job));
    error_code ec;
    {
        const std::lock_guard lock(mutex_);
        const auto it = by_id_.find(job.id);
        if (it == by_id_.end())
            ec = errc::job_not_found;
        else
        {
            erase(it);
            insert(std::move(job));
        }
    }
    complete(executor_, std::move(handler), ec);
}

void memory_job_store::do_remove(std::string id, write_handler handler)
{
    error_code ec;
    {
        const std::lock_guard lock(mutex_);
        const auto it = by_id_.find(id);
        if (it == by_id_.end())
            ec = errc::job_not_found;
        else
            erase(it);
    }
    complete(executor_, std::move(handler), ec);
}

void memory_job_store::do_remove_all(write_handler handler)
{
    {
        const std::lock_guard lock(mutex_);
        by_id_.clear();
        by_time_.clear();
    }
    complete(executor_, std::move(handler), error_code());
}

void memory_job_store::do_find(std::string id, find_handler handler)
{
    std::optional<job_description> found;
    {
        const std::lock_guard lock(mutex_);
        if (const auto it = by_id_.find(id); it != by_id_.end())
            found = it->second;
    }
    complete(executor_, std::move(handler), error_code(), std::move(found));
}

void memory_job_store::do_all_jobs(listing_handler handler)
{
    job_listing listing;
    {
        const std::lock_guard lock(mutex_);
        listing.jobs.reserve(by_id_.size());
        for (const auto& key : by_time_)
            listing.jobs.push_back(by_id_.find(key.id)->second);
    }
    complete(executor_, std::move(handler), error_code(), std::move(listing));
}

void memory_job_store::do_due_jobs(instant until, listing_handler handler)
{
    job_listing listing;
    {
        const std::lock_guard lock(mutex_);
        for (const auto& key : by_time_)
        {
            // Timed keys come first, by time: the first one past `until`, or the first timeless one, ends the list
            if (key.timeless || key.time > until)
                break;
            listing.jobs.push_back(by_id_.find(key.id)->second);
        }
    }
    complete(executor_, std::move(handler), error_code(), std::move(listing));
}

void memory_job_store::do_earliest_next_run_time(earliest_handler handler)
{
    std::optional<instant> earliest;
    {
        const std::lock_guard lock(mutex_);
        if (!by_time_.empty() && !by_time_.begin()->timeless)
            earliest = by_time_.begin()->time;
    }
    complete(executor_, std::move(handler), error_code(), earliest);
}

void memory_job_store::do_quarantine(std::string id, std::string reason, write_handler handler)
{
    {
        const std::lock_guard lock(mutex_);
        if (const auto it = by_id_.find(id); it != by_id_.end())
        {
            erase(it);
            quarantined_.push_back({std::move(id), std::move(reason)});
        }
    }
    complete(executor_, std::move(handler), error_code());
}

}  // namespace asched
