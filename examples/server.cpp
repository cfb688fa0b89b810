// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// server: a TCP server and a scheduler on one io_context, on one thread. Jobs update the state that connections
// read; the server never stalls while they run:
// - `tick` is short and runs `inline`, on the io_context's thread itself, so it updates the state without a lock;
// - `crunch` is CPU-bound and runs on the `default` thread pool; it posts its result back to the io_context, which
//   applies it between two requests.
// The protocol is one line each way: `GET` answers the current state, `key=value` pairs on one line.
//
// APScheduler equivalent: an AsyncIOScheduler sharing the asyncio event loop of an asyncio server, with the heavy
// job on a ThreadPoolExecutor:
//
//     scheduler = AsyncIOScheduler()
//     scheduler.add_job(tick, "interval", seconds=0.1)
//     scheduler.add_job(crunch, "interval", seconds=0.7, executor="threadpool")
//     scheduler.start()
//     server = await asyncio.start_server(handle_client, "127.0.0.1", 5555)
//
// Usage: example_server [--port N] [--duration SECONDS] | --self-test
// Try it with `nc 127.0.0.1 5555` and type GET. --self-test listens on an ephemeral port, queries itself while the
// jobs run, checks that the answers change and come back fast while `crunch` is busy, and exits 0 when they do.
#include <asched/scheduler.hpp>
#include <asched/triggers.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using seconds_d = std::chrono::duration<double>;

// What the jobs maintain and the connections read. Everything but `crunching` is touched only on the io_context's
// thread, so it needs no lock.
struct server_state
{
    std::uint64_t ticks = 0;
    asched::instant last_tick{};
    std::uint64_t crunches = 0;
    std::uint64_t last_prime_count = 0;
    std::atomic<bool> crunching = false;  // set by the pool thread while `crunch` runs
};

std::string describe(const server_state& state, const asched::time_zone& zone)
{
    std::ostringstream out;
    out << "ticks=" << state.ticks << " last_tick=" << asched::format_datetime(state.last_tick, zone)
        << " crunching=" << (state.crunching ? "yes" : "no") << " crunches=" << state.crunches
        << " primes=" << state.last_prime_count << '\n';
    return out.str();
}

// CPU-bound work for `for_how_long`: counts primes by trial division, as far as it gets
std::uint64_t count_primes_for(std::chrono::steady_clock::duration for_how_long)
{
    const auto deadline = std::chrono::steady_clock::now() + for_how_long;
    std::uint64_t primes = 0;
    for (std::uint64_t n = 2; std::chrono::steady_clock::now() < deadline; ++n)
    {
        bool prime = true;
        for (std::uint64_t d = 2; d * d <= n && prime; ++d)
            prime = n % d != 0;
        primes += prime;
    }
    return primes;
}

// ---- the server ----------------------------------------------------------------------------------------------

asio::awaitable<void> serve(tcp::socket socket, const server_state& state, asched::time_zone zone)
{
    std::string input;
    for (;;)
    {
        auto [read_error, length] = co_await asio::async_read_until(
            socket,
            asio::dynamic_buffer(input),
            '\n',
            asio::as_tuple(asio::use_awaitable)
        );
        if (read_error)
            co_return;  // the client went away
        std::string command = input.substr(0, length);
        input.erase(0, length);
        while (!command.empty() && (command.back() == '\n' || command.back() == '\r'))
            command.pop_back();

        const std::string reply = command == "GET" ? describe(state, zone) : "ERR unknown command, try GET\n";
        auto [write_error, written] = co_await asio::async_write(
            socket,
            asio::buffer(reply),
            asio::as_tuple(asio::use_awaitable)
        );
        if (write_error)
            co_return;
    }
}

asio::awaitable<void> accept_connections(tcp::acceptor& acceptor, const server_state& state, asched::time_zone zone)
{
    for (;;)
    {
        auto [error, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (error)
            co_return;  // the acceptor was closed: the server is stopping
        asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), state, zone), asio::detached);
    }
}

// ---- the self-test -------------------------------------------------------------------------------------------

struct answer
{
    std::map<std::string, std::string, std::less<>> fields;
    std::chrono::steady_clock::duration latency{};
};

// Connects, sends one command and reads one line: what a client of this server does
asio::awaitable<answer> ask(tcp::endpoint server, std::string command)
{
    const auto sent = std::chrono::steady_clock::now();
    tcp::socket socket(co_await asio::this_coro::executor);
    co_await socket.async_connect(server, asio::use_awaitable);
    command += '\n';
    co_await asio::async_write(socket, asio::buffer(command), asio::use_awaitable);
    std::string line;
    co_await asio::async_read_until(socket, asio::dynamic_buffer(line), '\n', asio::use_awaitable);

    answer result;
    result.latency = std::chrono::steady_clock::now() - sent;
    std::istringstream words(line);
    for (std::string word; words >> word;)
    {
        const auto equals = word.find('=');
        result.fields[word.substr(0, equals)] = equals == std::string::npos ? "" : word.substr(equals + 1);
    }
    co_return result;
}

// A numeric field of an answer; 0 when it is missing, so that a malformed answer fails a check instead of crashing
std::uint64_t number(const answer& a, std::string_view key)
{
    const auto field = a.fields.find(key);
    return field == a.fields.end() ? 0 : std::stoull(field->second);
}

// Queries the server while the jobs run; true when every check passes
asio::awaitable<bool> self_test(tcp::endpoint server)
{
    constexpr auto slow_answer = 100ms;  // `crunch` takes 400 ms: an answer waiting for it would be far slower
    asio::steady_timer pause(co_await asio::this_coro::executor);
    bool passed = true;
    auto check = [&passed](bool ok, std::string_view what) {
        if (!ok)
        {
            std::cout << "FAILED: " << what << '\n';
            passed = false;
        }
    };

    const answer refused = co_await ask(server, "HELLO");
    check(refused.fields.contains("ERR"), "an unknown command is refused");

    std::optional<answer> first;
    answer last;
    int answers_while_crunching = 0;
    auto slowest = std::chrono::steady_clock::duration::zero();
    for (int i = 0; i < 12; ++i)
    {
        pause.expires_after(200ms);
        co_await pause.async_wait(asio::use_awaitable);
        last = co_await ask(server, "GET");
        std::cout << "GET -> ticks=" << last.fields["ticks"] << " crunching=" << last.fields["crunching"]
                  << " crunches=" << last.fields["crunches"] << " in "
                  << std::chrono::duration_cast<std::chrono::microseconds>(last.latency).count() << " us\n";
        if (first)
            check(number(last, "ticks") >= number(*first, "ticks"), "the tick count never goes back");
        else
            first = last;
        answers_while_crunching += last.fields["crunching"] == "yes";
        slowest = std::max(slowest, last.latency);
    }

    check(number(last, "ticks") > number(*first, "ticks"), "the inline job updates the state");
    check(number(last, "crunches") > 0 && number(last, "primes") > 0, "the pool job's results reach the state");
    check(answers_while_crunching > 0, "some answers came while the pool job was busy");
    check(slowest < slow_answer, "every answer comes fast, also while the pool job is busy");
    co_return passed;
}

// ---- the program ---------------------------------------------------------------------------------------------

std::optional<std::string> option(int argc, char** argv, std::string_view name)
{
    for (int i = 1; i < argc; ++i)
    {
        if (argv[i] == name)
            return i + 1 < argc ? argv[i + 1] : "";
    }
    return std::nullopt;
}

}  // namespace

int main(int argc, char** argv)
{
    const bool testing = option(argc, argv, "--self-test").has_value();
    const auto port = static_cast<unsigned short>(
        testing ? 0 : std::stoi(option(argc, argv, "--port").value_or("5555"))
    );
    std::optional<std::chrono::microseconds> duration;
    if (const auto text = option(argc, argv, "--duration"))
        duration = std::chrono::duration_cast<std::chrono::microseconds>(seconds_d{std::stod(*text)});

    // One io_context on one thread carries the sockets, the scheduler, its timers and its inline jobs
    asio::io_context ctx;
    server_state state;
    asched::scheduler sched(ctx);
    const asched::time_zone zone = sched.zone();

    // Short work: inline, right on the io_context's thread, between two socket operations
    sched.add_job(
        [&state] {
            ++state.ticks;
            state.last_tick = std::chrono::floor<std::chrono::seconds>(asched::system_clocks::now());
        },
        asched::interval_trigger{100ms},
        {.id = "tick", .executor = "inline"}
    );

    // Heavy work: on the thread pool, then the result goes back to the io_context's thread to be applied
    sched.add_job(
        [&state](const asched::job_context& job) {
            state.crunching = true;
            const std::uint64_t primes = count_primes_for(400ms);
            state.crunching = false;
            asio::post(job.scheduler_executor(), [&state, primes] {
                ++state.crunches;
                state.last_prime_count = primes;
            });
        },
        asched::interval_trigger{700ms},
        {.id = "crunch", .executor = "default"}
    );

    tcp::acceptor acceptor(ctx, {asio::ip::address_v4::loopback(), port});
    const tcp::endpoint endpoint = acceptor.local_endpoint();
    std::cout << "Listening on " << endpoint << '\n';
    sched.start();
    asio::co_spawn(ctx, accept_connections(acceptor, state, zone), asio::detached);

    // Stopping: no new connections, no new runs; the scheduler waits for a `crunch` in progress
    asio::signal_set signals(ctx, SIGINT, SIGTERM);
    asio::steady_timer deadline(ctx);
    auto stop_server = [&]() -> asio::awaitable<void> {
        acceptor.close();
        signals.cancel();
        deadline.cancel();
        co_await sched.async_shutdown();
    };
    auto stop_and_exit = [&] {
        asio::co_spawn(
            ctx,
            [&]() -> asio::awaitable<void> {
                co_await stop_server();
                ctx.stop();  // clients still connected are dropped
            },
            asio::detached
        );
    };

    bool passed = true;
    if (testing)
    {
        asio::co_spawn(
            ctx,
            [&]() -> asio::awaitable<void> {
                try
                {
                    passed = co_await self_test(endpoint);
                }
                catch (const std::exception& error)  // a refused connection, a closed socket: fail, never hang
                {
                    std::cout << "FAILED: " << error.what() << '\n';
                    passed = false;
                }
                co_await stop_server();
                // Nothing else is left: ctx.run() returns by itself, which shows the scheduler left no work behind
            },
            asio::detached
        );
    }
    else
    {
        signals.async_wait([&](asched::error_code error, int) {
            if (!error)
                stop_and_exit();
        });
        if (duration)
        {
            deadline.expires_after(*duration);
            deadline.async_wait([&](asched::error_code error) {
                if (!error)
                    stop_and_exit();
            });
        }
    }

    ctx.run();
    std::cout << (testing ? (passed ? "Self-test passed\n" : "Self-test FAILED\n") : "Server stopped\n");
    return passed ? 0 : 1;
}
