// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_TESTS_COMMON_THREAD_SYNC_HPP
#define ASCHED_TESTS_COMMON_THREAD_SYNC_HPP

// Ways for tests to hold and meet threads deterministically. Every wait gives up after `budget`, so that a bug fails
// the test instead of hanging it; no test relies on the budget's length.

#include <asched/executors.hpp>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <string>

namespace asched::test {

/// How long a thread waits for others before the test calls it a failure.
inline constexpr std::chrono::seconds budget{20};

/// A door that threads wait at until the test opens it.
class gate
{
public:
    void open()
    {
        {
            const std::lock_guard lock(mutex_);
            open_ = true;
        }
        cv_.notify_all();
    }
    /// False when the door stayed shut for the whole budget (or `limit`).
    bool wait() { return wait_for(budget); }
    bool wait_for(std::chrono::milliseconds limit)
    {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, limit, [this] { return open_; });
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool open_ = false;
};

/// `parties` threads meet here; arrive_and_wait() returns true once all have arrived, which proves that they were
/// all running at the same time. A missing party makes everyone return false after `budget`.
class rendezvous
{
public:
    explicit rendezvous(int parties) : parties_(parties) {}
    bool arrive_and_wait()
    {
        std::unique_lock lock(mutex_);
        ++arrived_;
        cv_.notify_all();
        return cv_.wait_for(lock, budget, [this] { return arrived_ >= parties_; });
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    int arrived_ = 0;
    const int parties_;
};

/// An executor that opens a gate when it is shut down, then shuts down the executor it wraps.
class gate_on_shutdown final : public job_executor
{
public:
    gate_on_shutdown(std::shared_ptr<job_executor> inner, gate& g) : inner_(std::move(inner)), gate_(g) {}
    void submit(job_run run) override { inner_->submit(std::move(run)); }
    void shutdown(bool wait) override
    {
        gate_.open();
        inner_->shutdown(wait);
    }
    std::string describe() const override { return inner_->describe(); }

private:
    std::shared_ptr<job_executor> inner_;
    gate& gate_;
};

/// The message of an exception_ptr's std::exception; "<no exception>" when empty.
inline std::string what_of(const std::exception_ptr& e)
{
    if (!e)
        return "<no exception>";
    try
    {
        std::rethrow_exception(e);
    }
    catch (const std::exception& x)
    {
        return x.what();
    }
    catch (...)
    {
        return "<not a std::exception>";
    }
}

}  // namespace asched::test

#endif
