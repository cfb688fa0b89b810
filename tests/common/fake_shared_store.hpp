// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_TESTS_COMMON_FAKE_SHARED_STORE_HPP
#define ASCHED_TESTS_COMMON_FAKE_SHARED_STORE_HPP

// A shared job store in memory, on the mock clocks: what the PostgreSQL store does, without a server, so that the
// scheduler's lease loop can be tested deterministically. Several fake stores (one per scheduler) share one
// fake_database; the database can go down (every operation fails, as a lost connection) and a store can die (it
// stops answering, as a killed process).

#include <asched/shared_job_store.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/mock_clocks.hpp"

namespace asched::test {

class fake_shared_store;

/// The shared "server": rows with their leases, a log of what happened in order, and whether it is reachable.
struct fake_database
{
    struct row
    {
        job_description job;
        std::string holder{};
        instant lease_until{};
        std::uint64_t token{0};
    };
    std::map<std::string, row> rows;
    std::vector<std::string> log;  // "write <id> <holder>", "release <id> <holder>", plus what tests append
    bool down{false};
    std::vector<fake_shared_store*> stores;

    void set_down(bool is_down);
};

class fake_shared_store final : public shared_job_store
{
public:
    /// `db` is shared: a scheduler's core (and with it this store) may outlive the test's own objects until the
    /// io_context is destroyed.
    fake_shared_store(
        boost::asio::io_context& io,
        std::shared_ptr<fake_database> db,
        std::string holder,
        std::chrono::milliseconds lease = std::chrono::seconds{10}
    )
        : io_(io), db_owner_(std::move(db)), db_(*db_owner_), holder_(std::move(holder)), lease_(lease)
    {
        db_.stores.push_back(this);
    }

    ~fake_shared_store() override { std::erase(db_.stores, this); }

    /// Stops answering, as a process that was killed: nothing completes, nothing is renewed.
    void die() { dead_ = true; }

    std::string_view kind() const noexcept override { return "fake"; }
    std::string location() const override { return "memory of the test"; }
    bool persistent() const noexcept override { return true; }
    void watch(std::function<void()>) override {}
    void close() override {}
    std::chrono::milliseconds lease_time() const noexcept override { return lease_; }
    const std::string& holder() const noexcept override { return holder_; }
    void watch_shared(std::function<void(shared_store_signal, std::optional<instant>)> on_signal) override
    {
        on_signal_ = std::move(on_signal);
    }

    void signal(shared_store_signal s, std::optional<instant> when)
    {
        if (on_signal_ && !dead_)
            on_signal_(s, when);
    }

protected:
    using error_code = boost::system::error_code;

    template <class Handler, class... Args>
    void reply(Handler&& h, Args&&... args)
    {
        if (dead_)
            return;  // a dead process's calls never complete (the handler is dropped)
        boost::asio::post(io_, boost::asio::append(std::forward<Handler>(h), std::forward<Args>(args)...));
    }

    error_code outage() const { return db_.down ? boost::asio::error::not_connected : error_code{}; }

    static instant now() { return mock_clocks::now(); }

    void announce(bool changed, std::optional<instant> available)
    {
        for (fake_shared_store* s : db_.stores)
        {
            if (changed && s != this)
                s->signal(shared_store_signal::jobs_changed, std::nullopt);
            if (available)
                s->signal(shared_store_signal::jobs_available, available);
        }
    }

    static std::optional<instant> next_of(const job_description& d)
    {
        return d.paused ? std::nullopt : d.next_run_time;
    }

    void do_add(job_description job, bool replace_existing, write_handler handler) override
    {
        if (dead_)
            return;  // a dead process sends nothing
        if (auto ec = outage())
            return reply(std::move(handler), ec);
        auto it = db_.rows.find(job.id);
        if (it != db_.rows.end() && !replace_existing)
            return reply(std::move(handler), error_code(errc::conflicting_job_id));
        if (it != db_.rows.end())
        {
            job_description stored = it->second.job;
            stored.next_run_time = job.next_run_time;
            stored.paused = job.paused;
            if (stored == job)
                return reply(std::move(handler), error_code{});  // the same definition: nothing changes
        }
        const auto next = next_of(job);
        const std::uint64_t token = it == db_.rows.end() ? 1 : it->second.token + 1;
        std::string id = job.id;
        db_.rows.insert_or_assign(std::move(id), fake_database::row{std::move(job), {}, {}, token});
        announce(true, next);
        reply(std::move(handler), error_code{});
    }

    void do_update(job_description job, write_handler handler) override
    {
        if (dead_)
            return;  // a dead process sends nothing
        if (auto ec = outage())
            return reply(std::move(handler), ec);
        auto it = db_.rows.find(job.id);
        if (it == db_.rows.end())
            return reply(std::move(handler), error_code(errc::job_not_found));
        const auto next = next_of(job);
        it->second = fake_database::row{std::move(job), {}, {}, it->second.token + 1};
        announce(true, next);
        reply(std::move(handler), error_code{});
    }

    void do_remove(std::string id, write_handler handler) override
    {
        if (dead_)
            return;  // a dead process sends nothing
        if (auto ec = outage())
            return reply(std::move(handler), ec);
        if (db_.rows.erase(id) == 0)
            return reply(std::move(handler), error_code(errc::job_not_found));
        announce(true, std::nullopt);
        reply(std::move(handler), error_code{});
    }

    void do_remove_all(write_handler handler) override
    {
        if (dead_)
            return;  // a dead process sends nothing
        db_.rows.clear();
        reply(std::move(handler), outage());
    }

    void do_find(std::string id, find_handler handler) override
    {
        if (dead_)
            return;  // a dead process sends nothing
        std::optional<job_description> found;
        if (auto it = db_.rows.find(id); it != db_.rows.end())
            found = it->second.job;
        reply(std::move(handler), outage(), std::move(found));
    }

    void do_all_jobs(listing_handler handler) override
    {
        if (dead_)
            return;  // a dead process sends nothing
        if (auto ec = outage())
            return reply(std::move(handler), ec, job_listing{});
        job_listing listing;
        for (const auto& [id, row] : db_.rows)
            listing.jobs.push_back(row.job);
        reply(std::move(handler), error_code{}, std::move(listing));
    }

    void do_due_jobs(instant, listing_handler handler) override { do_all_jobs(std::move(handler)); }

    void do_earliest_next_run_time(earliest_handler handler) override
    {
        if (dead_)
            return;  // a dead process sends nothing
        reply(std::move(handler), outage(), std::optional<instant>{});
    }

    void do_quarantine(std::string id, std::string, write_handler handler) override
    {
        if (dead_)
            return;  // a dead process sends nothing
        db_.rows.erase(id);
        reply(std::move(handler), outage());
    }

    void do_acquire(instant until, std::size_t limit, std::vector<std::string> excluded, acquire_handler handler)
        override
    {
        if (dead_)
            return;  // a dead process sends nothing
        if (auto ec = outage())
            return reply(std::move(handler), ec, std::vector<job_lease>{});
        std::vector<job_lease> taken;
        for (auto& [id, row] : db_.rows)
        {
            if (taken.size() >= limit)
                break;
            const auto next = next_of(row.job);
            if (!next || *next > until || (!row.holder.empty() && row.lease_until > now()) ||
                std::find(excluded.begin(), excluded.end(), id) != excluded.end())
                continue;
            row.holder = holder_;
            row.lease_until = now() + lease_;
            ++row.token;
            db_.log.push_back("acquire " + id + " " + holder_);
            taken.push_back(job_lease{row.job, row.token});
        }
        reply(std::move(handler), error_code{}, std::move(taken));
    }

    void do_write_leased(leased_write w, write_handler handler) override
    {
        if (dead_)
            return;  // a dead process sends nothing
        if (auto ec = outage())
            return reply(std::move(handler), ec);
        auto it = db_.rows.find(w.id);
        if (it == db_.rows.end() || it->second.holder != holder_ || it->second.token != w.fencing_token)
            return reply(std::move(handler), error_code(errc::lease_lost));
        db_.log.push_back(std::string(w.release ? "release " : "write ") + w.id + " " + holder_);
        if (!w.next_run_time)
        {
            db_.rows.erase(it);
            return reply(std::move(handler), error_code{});
        }
        it->second.job.next_run_time = w.next_run_time;
        if (w.release)
        {
            it->second.holder.clear();
            it->second.lease_until = {};
            announce(false, w.next_run_time);
        }
        else
            it->second.lease_until = now() + lease_;
        reply(std::move(handler), error_code{});
    }

    void do_renew_leases(std::chrono::milliseconds ending_within, renew_handler handler) override
    {
        if (dead_)
            return;  // a dead process sends nothing
        if (auto ec = outage())
            return reply(std::move(handler), ec, std::vector<held_lease>{});
        std::vector<held_lease> held;
        for (auto& [id, row] : db_.rows)
            if (row.holder == holder_ && row.lease_until < now() + ending_within)
            {
                row.lease_until = now() + lease_;
                held.push_back(held_lease{id, row.token, row.job.next_run_time});
            }
        reply(std::move(handler), error_code{}, std::move(held));
    }

    void do_next_available(earliest_handler handler) override
    {
        if (dead_)
            return;  // a dead process sends nothing
        std::optional<instant> earliest;
        for (const auto& [id, row] : db_.rows)
            if (auto next = next_of(row.job))
            {
                const instant at = row.holder.empty() ? *next : std::max(*next, row.lease_until);
                if (!earliest || at < *earliest)
                    earliest = at;
            }
        reply(std::move(handler), outage(), earliest);
    }

private:
    boost::asio::io_context& io_;
    std::shared_ptr<fake_database> db_owner_;
    fake_database& db_;
    std::string holder_;
    std::chrono::milliseconds lease_;
    bool dead_{false};
    std::function<void(shared_store_signal, std::optional<instant>)> on_signal_;
};

inline void fake_database::set_down(bool is_down)
{
    if (down == is_down)
        return;
    down = is_down;
    for (fake_shared_store* s : stores)
        s->signal(is_down ? shared_store_signal::disconnected : shared_store_signal::reconnected, std::nullopt);
}

}  // namespace asched::test

#endif
