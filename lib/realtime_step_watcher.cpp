// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include "realtime_step_watcher.hpp"

#include <cerrno>
#include <cstdint>
#include <sys/timerfd.h>
#include <unistd.h>

namespace asched::detail {

realtime_step_watcher::realtime_step_watcher(const boost::asio::any_io_executor& executor) : descriptor_(executor)
{
    const int fd = ::timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
    if (fd < 0)
        return;
    descriptor_.assign(fd);
    if (!arm())
        descriptor_.close();
}

realtime_step_watcher::~realtime_step_watcher() = default;

bool realtime_step_watcher::arm()
{
    // Far in the future, so that only a step of the clock (never expiry) makes the descriptor readable
    itimerspec spec{};
    spec.it_value.tv_sec = static_cast<time_t>(INT32_MAX);
    return ::timerfd_settime(
               descriptor_.native_handle(),
               TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
               &spec,
               nullptr
           ) == 0;
}

void realtime_step_watcher::async_wait(std::function<void(error_code)> handler)
{
    if (!descriptor_.is_open())
        return;  // no timerfd: steps go unnoticed, timers still fire by the steady clock
    descriptor_.async_wait(
        boost::asio::posix::stream_descriptor::wait_read,
        [this, handler = std::move(handler)](error_code ec) mutable {
            if (ec)
                return handler(ec);
            std::uint64_t expirations = 0;
            const auto n = ::read(descriptor_.native_handle(), &expirations, sizeof expirations);
            if (n < 0 && errno == EAGAIN)
                return async_wait(std::move(handler));  // spurious wake-up
            // ECANCELED: the clock was set; the timer must be armed again to notice the next step
            arm();
            handler(error_code{});
        }
    );
}

void realtime_step_watcher::cancel()
{
    if (descriptor_.is_open())
        descriptor_.cancel();
}

}  // namespace asched::detail
