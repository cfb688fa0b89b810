// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include <asched/blocking_scheduler.hpp>

#include <boost/asio/signal_set.hpp>

#include <csignal>

namespace asched {

blocking_scheduler::blocking_scheduler(scheduler_options options)
    : owned_io_context(), scheduler(owned_context, std::move(options))
{
}

void blocking_scheduler::run()
{
    // SIGINT and SIGTERM shut the scheduler down cleanly, waiting for running jobs
    boost::asio::signal_set signals(owned_context, SIGINT, SIGTERM);
    signals.async_wait([this](error_code ec, int) {
        if (!ec)
            async_shutdown(true, [](error_code) {});
    });
    bool finished = false;
    async_run([&](error_code) {
        finished = true;
        signals.cancel();
    });
    while (!finished)
    {
        owned_context.restart();
        owned_context.run();
    }
    // Let the signal handler's cancellation and any last completions run before returning
    owned_context.restart();
    owned_context.poll();
}

}  // namespace asched
