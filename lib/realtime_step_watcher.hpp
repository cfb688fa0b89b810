// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_LIB_REALTIME_STEP_WATCHER_HPP
#define ASCHED_LIB_REALTIME_STEP_WATCHER_HPP

#include <asched/clocks.hpp>
#include <asched/errors.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <functional>

namespace asched::detail {

/**
 * Notices steps of the system clock: a Linux timerfd on CLOCK_REALTIME, armed far in the future with
 * TFD_TIMER_CANCEL_ON_SET, becomes readable with ECANCELED whenever the clock is set (NTP step, settimeofday,
 * resume from suspend). Where timerfd is unavailable, waits never complete and the scheduler works without it.
 */
class realtime_step_watcher
{
public:
    explicit realtime_step_watcher(const boost::asio::any_io_executor& executor);
    ~realtime_step_watcher();
    realtime_step_watcher(const realtime_step_watcher&) = delete;
    realtime_step_watcher& operator=(const realtime_step_watcher&) = delete;

    /// Completes with success after the next step, or with operation_aborted after cancel().
    void async_wait(std::function<void(error_code)> handler);
    void cancel();

private:
    bool arm();
    boost::asio::posix::stream_descriptor descriptor_;
};

}  // namespace asched::detail

#endif
