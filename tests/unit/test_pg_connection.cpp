// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// The asynchronous libpq connection (lib/pg_connection.hpp) against a real, throwaway PostgreSQL server (one per test
// process, tests/common/pg_server.hpp): statements with and without parameters, large results and statements, server
// errors that leave the connection usable, ordering, several statements in one string, COPY, LISTEN/NOTIFY while idle,
// failed and timed-out connects, a server restart, close() and destruction with statements queued, and the query
// timeout. Every operation is checked not to complete inside its initiating call; the io_context runs in bounded steps,
// so a bug fails a test instead of hanging it. Skipped when no PostgreSQL server programs are installed.

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/pg_server.hpp"
#include "common/thread_sync.hpp"
#include "lib/pg_connection.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using asched::detail::pg_category;
using asched::detail::pg_connection;
using asched::detail::pg_errc;
using asched::detail::pg_result;
using asched::test::budget;
using boost::system::error_code;
using params = std::vector<std::optional<std::string>>;
using row = std::vector<std::optional<std::string>>;

namespace {

/// The test process's server, started on first use and stopped at exit.
asched::test::pg_server& server()
{
    static asched::test::pg_server s({"fsync=off", "full_page_writes=off", "synchronous_commit=off"});
    return s;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

error_code err(pg_errc e) { return e; }

/// Milliseconds since `start`.
long long ms_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

/// A row as `a|b|NULL`.
std::string text(const row& values)
{
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i)
        out += (i > 0 ? "|" : "") + values[i].value_or("NULL");
    return out;
}

/// Rows as text(row), one per line.
std::string text(const std::vector<row>& rows)
{
    std::string out;
    for (std::size_t i = 0; i < rows.size(); ++i)
        out += (i > 0 ? "\n" : "") + text(rows[i]);
    return out;
}

struct fixture
{
    asio::io_context ctx;

    /// Runs the io_context until `done()` holds; false (and a failed test) after the budget.
    template <class Done>
    bool run_until(Done done)
    {
        const auto deadline = std::chrono::steady_clock::now() + budget;
        while (!done() && std::chrono::steady_clock::now() < deadline)
        {
            ctx.restart();
            ctx.run_one_for(10ms);
        }
        BOOST_TEST(done());
        return done();
    }

    /// Starts async_connect, checks that it does not complete inside the call, runs until it completed.
    std::pair<error_code, std::string> connect_result(
        const std::shared_ptr<pg_connection>& c,
        std::chrono::milliseconds timeout = budget
    )
    {
        std::optional<std::pair<error_code, std::string>> out;
        c->async_connect(timeout, [&out](error_code ec, std::string message) { out.emplace(ec, std::move(message)); });
        BOOST_TEST(!out.has_value());  // never inside the initiating call
        BOOST_TEST_REQUIRE(run_until([&] { return out.has_value(); }));
        return std::move(*out);
    }

    /// A connection to the test server, established.
    std::shared_ptr<pg_connection> connect()
    {
        auto c = pg_connection::create(ctx.get_executor(), server().conninfo());
        const auto [ec, message] = connect_result(c);
        BOOST_TEST_REQUIRE(!ec, ec.message() << ": " << message);
        BOOST_TEST(c->connected());
        return c;
    }

    /// Queues one statement, checks that it does not complete inside the call, runs until it completed.
    std::pair<error_code, pg_result> query(const std::shared_ptr<pg_connection>& c, std::string sql, params p = {})
    {
        std::optional<std::pair<error_code, pg_result>> out;
        c->async_query(std::move(sql), std::move(p), [&out](error_code ec, pg_result r) {
            out.emplace(ec, std::move(r));
        });
        BOOST_TEST(!out.has_value());
        BOOST_TEST_REQUIRE(run_until([&] { return out.has_value(); }));
        return std::move(*out);
    }

    /// As query(), requiring success.
    pg_result ok(const std::shared_ptr<pg_connection>& c, std::string sql, params p = {})
    {
        auto [ec, r] = query(c, sql, std::move(p));
        BOOST_TEST_REQUIRE(!ec, sql << ": " << ec.message() << ": " << r.error);
        return std::move(r);
    }
};

/// A TCP port on 127.0.0.1 that nothing listens on (it was free a moment ago).
int closed_port()
{
    asio::io_context ctx;
    asio::ip::tcp::acceptor acceptor(ctx, {asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port();
}

/// Records what a connection's lost handler received.
struct lost_record
{
    int calls = 0;
    error_code ec;
    std::string message;
    pg_connection::lost_handler handler()
    {
        return [this](error_code e, std::string m) {
            ++calls;
            ec = e;
            message = std::move(m);
        };
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(pg_connection_tests, *boost::unit_test::precondition([](boost::unit_test::test_unit_id) {
                          return asched::test::pg_server::bin_dir().has_value();
                      }))

BOOST_AUTO_TEST_CASE(error_category_names_every_value)
{
    BOOST_TEST(std::string(pg_category().name()) == "asched.postgresql");
    for (const pg_errc e :
         {pg_errc::connection_failed,
          pg_errc::connection_lost,
          pg_errc::server_error,
          pg_errc::closed,
          pg_errc::timed_out})
    {
        const error_code ec = e;
        BOOST_TEST(&ec.category() == &pg_category());
        BOOST_TEST(!ec.message().empty());
        BOOST_TEST(!contains(ec.message(), "unknown"));
    }
    BOOST_TEST(error_code(99, pg_category()).message() == "<unknown asched.postgresql error>");
}

BOOST_FIXTURE_TEST_CASE(connects_and_selects_one, fixture)
{
    const auto c = connect();
    const pg_result r = ok(c, "select 1");
    BOOST_TEST(text(r.rows) == "1");
    BOOST_TEST(r.affected_rows == 1u);
    BOOST_TEST(r.error.empty());
    BOOST_TEST(c->queued() == 0u);
    // An empty statement is no error
    BOOST_TEST(ok(c, "").rows.empty());
}

BOOST_FIXTURE_TEST_CASE(libpq_defaults_from_the_environment_reach_the_server, fixture)
{
    // "" means libpq's defaults: the same server through PGHOST and PGPORT
    ::setenv("PGHOST", server().host().c_str(), 1);
    ::setenv("PGPORT", std::to_string(server().port()).c_str(), 1);
    ::setenv("PGUSER", "postgres", 1);
    const auto c = pg_connection::create(ctx.get_executor(), "");
    const auto [ec, message] = connect_result(c);
    ::unsetenv("PGHOST");
    ::unsetenv("PGPORT");
    ::unsetenv("PGUSER");
    BOOST_TEST_REQUIRE(!ec, message);
    BOOST_TEST(text(ok(c, "select current_user").rows) == "postgres");
}

BOOST_FIXTURE_TEST_CASE(parameters_are_text_with_null, fixture)
{
    const auto c = connect();
    const pg_result r = ok(
        c,
        "select $1::int + 1, $2::text, $3::text is null, $3::text, $4",
        {"41", "héllo 'quoted' ;", {}, ""}
    );
    BOOST_TEST(text(r.rows) == "42|héllo 'quoted' ;|t|NULL|");

    // A value the server cannot convert is a server error
    const auto [ec, bad] = query(c, "select $1::int", {"abc"});
    BOOST_TEST(ec == err(pg_errc::server_error));
    BOOST_TEST(bad.sqlstate == "22P02");
}

BOOST_FIXTURE_TEST_CASE(ten_thousand_rows, fixture)
{
    const auto c = connect();
    const pg_result r = ok(
        c,
        "select g, case when g % 3 = 0 then null else repeat('x', g % 50) end from generate_series(1, $1::int) as g",
        {"10000"}
    );
    BOOST_TEST_REQUIRE(r.rows.size() == 10000u);
    BOOST_TEST(r.affected_rows == 10000u);
    BOOST_TEST(text(r.rows[0]) == "1|x");
    BOOST_TEST(text(r.rows[2]) == "3|NULL");
    BOOST_TEST(text(r.rows[9998]) == "9999|NULL");
    BOOST_TEST(text(r.rows[9999]) == "10000|");  // 10000 % 3 != 0, 10000 % 50 == 0
}

BOOST_FIXTURE_TEST_CASE(large_statements_are_flushed_in_parts, fixture)
{
    // Far more than a socket buffer holds: PQflush needs several rounds of waiting for the socket to be writable
    const auto c = connect();
    const std::string big(8 * 1024 * 1024, 'y');
    std::vector<std::optional<std::string>> values{big, big};
    const pg_result r = ok(c, "select length($1), md5($2) = md5(repeat('y', 8 * 1024 * 1024))", std::move(values));
    BOOST_TEST(text(r.rows) == "8388608|t");
    BOOST_TEST(ok(c, "select length(repeat('z', 8 * 1024 * 1024))").rows.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(statement_libpq_refuses_fails_alone, fixture)
{
    // libpq sends at most 65535 parameters: the statement fails, the connection goes on
    const auto c = connect();
    const auto [ec, r] = query(c, "select 1", params(70000));
    BOOST_TEST(ec == err(pg_errc::server_error));
    BOOST_TEST(contains(r.error, "65535"), r.error);
    BOOST_TEST(c->connected());
    BOOST_TEST(text(ok(c, "select 6").rows) == "6");
}

BOOST_FIXTURE_TEST_CASE(affected_rows_of_commands, fixture)
{
    const auto c = connect();
    ok(c, "create temp table counted(x int)");
    BOOST_TEST(ok(c, "insert into counted select generate_series(1, 7)").affected_rows == 7u);
    BOOST_TEST(ok(c, "update counted set x = x + 1 where x > 4").affected_rows == 3u);
    BOOST_TEST(ok(c, "delete from counted where x < 0").affected_rows == 0u);
    BOOST_TEST(ok(c, "create temp table other(y int)").affected_rows == 0u);
}

BOOST_FIXTURE_TEST_CASE(server_error_keeps_the_connection_usable, fixture)
{
    const auto c = connect();
    const auto [ec, r] = query(c, "select * from no_such_table");
    BOOST_TEST(ec == err(pg_errc::server_error));
    BOOST_TEST(r.sqlstate == "42P01");
    BOOST_TEST(contains(r.error, "no_such_table"), r.error);
    BOOST_TEST(r.error.back() != '\n');
    BOOST_TEST(r.rows.empty());
    BOOST_TEST(c->connected());
    BOOST_TEST(text(ok(c, "select 2").rows) == "2");
}

BOOST_FIXTURE_TEST_CASE(queued_statements_complete_in_order, fixture)
{
    // Half queued before the connection exists, half after; all are queued before any completes
    const auto c = pg_connection::create(ctx.get_executor(), server().conninfo());
    std::vector<int> order;
    std::vector<std::string> values;
    int failures = 0;
    const auto queue = [&](int i) {
        c->async_query("select $1::int * 2", {std::to_string(i)}, [&, i](error_code ec, pg_result r) {
            order.push_back(i);
            if (ec || r.rows.size() != 1)
                ++failures;
            else
                values.push_back(*r.rows[0][0]);
        });
    };
    for (int i = 0; i < 100; ++i)
        queue(i);
    BOOST_TEST(c->queued() == 100u);
    std::optional<error_code> connected;
    c->async_connect(budget, [&](error_code ec, std::string) { connected = ec; });
    for (int i = 100; i < 200; ++i)
        queue(i);
    BOOST_TEST(order.empty());
    BOOST_TEST_REQUIRE(run_until([&] { return order.size() == 200; }));
    BOOST_TEST_REQUIRE(connected.has_value());
    BOOST_TEST(*connected == error_code{});
    BOOST_TEST(failures == 0);
    for (int i = 0; i < 200; ++i)
    {
        BOOST_TEST(order[i] == i);
        BOOST_TEST(values[i] == std::to_string(2 * i));
    }
    BOOST_TEST(c->queued() == 0u);
}

BOOST_FIXTURE_TEST_CASE(several_statements_in_one_string, fixture)
{
    const auto c = connect();
    const pg_result r = ok(
        c,
        "create temp table several(x int); insert into several values (1), (2), (3); select sum(x) from several"
    );
    BOOST_TEST(text(r.rows) == "6");

    // An error in the middle ends the string: its error is the result
    const auto [ec, failed] = query(c, "select 1; select * from no_such_table; select 3");
    BOOST_TEST(ec == err(pg_errc::server_error));
    BOOST_TEST(failed.sqlstate == "42P01");
    BOOST_TEST(text(ok(c, "select 4").rows) == "4");
}

BOOST_FIXTURE_TEST_CASE(copy_is_refused_or_discarded_without_hanging, fixture)
{
    const auto c = connect();
    ok(c, "create temp table copied(x int)");
    const auto [ec, r] = query(c, "copy copied from stdin");
    BOOST_TEST(ec == err(pg_errc::server_error));
    BOOST_TEST(contains(r.error, "not supported"), r.error);
    BOOST_TEST(ok(c, "copy (select generate_series(1, 1000)) to stdout").affected_rows == 1000u);
    BOOST_TEST(text(ok(c, "select 5").rows) == "5");
}

BOOST_FIXTURE_TEST_CASE(handler_runs_on_its_associated_executor, fixture)
{
    const auto c = connect();
    auto strand = asio::make_strand(ctx);
    std::optional<bool> on_strand;
    c->async_query("select 1", {}, asio::bind_executor(strand, [&](error_code, pg_result) {
                       on_strand = strand.running_in_this_thread();
                   }));
    BOOST_TEST_REQUIRE(run_until([&] { return on_strand.has_value(); }));
    BOOST_TEST(*on_strand);
}

BOOST_FIXTURE_TEST_CASE(notifications_arrive_while_idle, fixture)
{
    const auto listener = connect();
    std::vector<std::pair<std::string, std::string>> received;
    listener->set_notification_handler([&](std::string_view channel, std::string_view payload) {
        received.emplace_back(channel, payload);
    });
    ok(listener, "listen asched_channel");
    BOOST_TEST(listener->queued() == 0u);

    const auto sender = connect();
    ok(sender, "select pg_notify('asched_channel', $1)", {"first payload"});
    ok(sender, "notify asched_channel");
    ok(sender, "notify other_channel, 'not listened to'");
    BOOST_TEST_REQUIRE(run_until([&] { return received.size() == 2; }));
    BOOST_TEST(listener->queued() == 0u);  // nothing was in flight on the listener
    BOOST_TEST(received[0].first == "asched_channel");
    BOOST_TEST(received[0].second == "first payload");
    BOOST_TEST(received[1].second == "");
    BOOST_TEST(listener->connected());
}

BOOST_FIXTURE_TEST_CASE(connect_to_a_closed_port_fails_with_libpq_message, fixture)
{
    const auto c = pg_connection::create(
        ctx.get_executor(),
        "hostaddr=127.0.0.1 port=" + std::to_string(closed_port()) + " user=postgres"
    );
    std::optional<std::pair<error_code, pg_result>> queued;
    c->async_query("select 1", {}, [&](error_code ec, pg_result r) { queued.emplace(ec, std::move(r)); });
    const auto [ec, message] = connect_result(c);
    BOOST_TEST(ec == err(pg_errc::connection_failed));
    BOOST_TEST(contains(message, "refused"), message);
    BOOST_TEST(message.back() != '\n');
    BOOST_TEST(!c->connected());
    BOOST_TEST_REQUIRE(run_until([&] { return queued.has_value(); }));
    BOOST_TEST(queued->first == err(pg_errc::connection_failed));

    const auto [later, r] = query(c, "select 1");
    BOOST_TEST(later == err(pg_errc::connection_failed));
    BOOST_TEST(contains(r.error, "refused"));
}

BOOST_FIXTURE_TEST_CASE(bad_connection_string_fails, fixture)
{
    const auto c = pg_connection::create(ctx.get_executor(), "no_such_option=1");
    const auto [ec, message] = connect_result(c);
    BOOST_TEST(ec == err(pg_errc::connection_failed));
    BOOST_TEST(contains(message, "no_such_option"), message);

    // async_connect is once per connection
    const auto [again, text] = connect_result(c);
    BOOST_TEST(again == error_code(asio::error::already_started));
}

BOOST_FIXTURE_TEST_CASE(connect_times_out_when_the_server_never_answers, fixture)
{
    // A listening socket that never accepts: the TCP handshake completes, the startup packet is never answered
    asio::ip::tcp::acceptor silent(ctx, {asio::ip::make_address("127.0.0.1"), 0});
    const auto c = pg_connection::create(
        ctx.get_executor(),
        "hostaddr=127.0.0.1 sslmode=disable gssencmode=disable user=postgres port=" +
            std::to_string(silent.local_endpoint().port())
    );
    const auto started = std::chrono::steady_clock::now();
    const auto [ec, message] = connect_result(c, 200ms);
    BOOST_TEST(ec == err(pg_errc::timed_out));
    BOOST_TEST(contains(message, "200 ms"), message);
    BOOST_TEST(ms_since(started) < 5000);
}

BOOST_FIXTURE_TEST_CASE(server_restart_loses_connections_and_new_ones_work, fixture)
{
    const auto idle = connect();
    const auto busy = connect();
    lost_record idle_lost;
    lost_record busy_lost;
    idle->set_lost_handler(idle_lost.handler());
    busy->set_lost_handler(busy_lost.handler());

    server().restart();
    // Queued right after the restart, before the io_context noticed anything
    std::optional<std::pair<error_code, pg_result>> queued;
    busy->async_query("select 1", {}, [&](error_code ec, pg_result r) { queued.emplace(ec, std::move(r)); });
    BOOST_TEST_REQUIRE(run_until([&] { return idle_lost.calls > 0 && busy_lost.calls > 0 && queued; }));

    BOOST_TEST_MESSAGE("idle: " << idle_lost.message << "; busy: " << busy_lost.message);
    BOOST_TEST(queued->first == err(pg_errc::connection_lost));
    BOOST_TEST(!queued->second.error.empty());
    BOOST_TEST(idle_lost.ec == err(pg_errc::connection_lost));
    BOOST_TEST(!idle_lost.message.empty());
    BOOST_TEST(busy_lost.ec == err(pg_errc::connection_lost));
    BOOST_TEST(!idle->connected());
    BOOST_TEST(!busy->connected());
    BOOST_TEST(query(idle, "select 1").first == err(pg_errc::connection_lost));

    // Called once only
    ctx.restart();
    ctx.run_for(50ms);
    BOOST_TEST(idle_lost.calls == 1);
    BOOST_TEST(busy_lost.calls == 1);

    const auto fresh = connect();
    BOOST_TEST(text(ok(fresh, "select 3").rows) == "3");
}

BOOST_FIXTURE_TEST_CASE(close_completes_queued_statements_with_closed, fixture)
{
    const auto c = connect();
    lost_record lost;
    c->set_lost_handler(lost.handler());
    std::vector<error_code> results;
    for (const char* sql : {"select pg_sleep(2)", "select 1", "select 2"})
        c->async_query(sql, {}, [&](error_code ec, pg_result) { results.push_back(ec); });
    BOOST_TEST(c->queued() == 3u);
    c->close();
    BOOST_TEST(results.empty());  // not inside close()
    BOOST_TEST(c->queued() == 0u);
    BOOST_TEST(!c->connected());
    const auto started = std::chrono::steady_clock::now();
    BOOST_TEST_REQUIRE(run_until([&] { return results.size() == 3; }));
    BOOST_TEST(ms_since(started) < 1000);
    for (const auto& ec : results)
        BOOST_TEST(ec == err(pg_errc::closed));
    c->close();  // idempotent
    BOOST_TEST(query(c, "select 1").first == err(pg_errc::closed));
    BOOST_TEST(lost.calls == 0);

    // Closed while connecting: the connect completes with closed
    const auto connecting = pg_connection::create(ctx.get_executor(), server().conninfo());
    std::optional<error_code> connect_ec;
    connecting->async_connect(budget, [&](error_code ec, std::string) { connect_ec = ec; });
    connecting->close();
    BOOST_TEST_REQUIRE(run_until([&] { return connect_ec.has_value(); }));
    BOOST_TEST(*connect_ec == err(pg_errc::closed));
}

BOOST_FIXTURE_TEST_CASE(destroying_the_connection_closes_it, fixture)
{
    // Released while statements are queued: they complete with closed
    auto c = connect();
    std::vector<error_code> results;
    for (int i = 0; i < 3; ++i)
        c->async_query("select 1", {}, [&](error_code ec, pg_result) { results.push_back(ec); });
    c.reset();
    BOOST_TEST_REQUIRE(run_until([&] { return results.size() == 3; }));
    for (const auto& ec : results)
        BOOST_TEST(ec == err(pg_errc::closed));

    // Released from inside its own handler, with another statement queued behind
    auto d = connect();
    std::optional<error_code> first;
    std::optional<error_code> second;
    d->async_query("select 1", {}, [&](error_code ec, pg_result) {
        first = ec;
        d.reset();
    });
    d->async_query("select pg_sleep(2)", {}, [&](error_code ec, pg_result) { second = ec; });
    BOOST_TEST_REQUIRE(run_until([&] { return first && second; }));
    BOOST_TEST(*first == error_code{});
    BOOST_TEST(*second == err(pg_errc::closed));
}

BOOST_FIXTURE_TEST_CASE(query_timeout_gives_the_connection_up, fixture)
{
    const auto c = connect();
    lost_record lost;
    c->set_lost_handler(lost.handler());
    c->set_query_timeout(200ms);

    // Statements shorter than the timeout, together far longer: none times out
    for (int i = 0; i < 8; ++i)
        ok(c, "select pg_sleep(0.05)");

    const auto started = std::chrono::steady_clock::now();
    std::optional<error_code> sleeping;
    std::optional<error_code> behind;
    c->async_query("select pg_sleep(5)", {}, [&](error_code ec, pg_result) { sleeping = ec; });
    c->async_query("select 1", {}, [&](error_code ec, pg_result) { behind = ec; });
    BOOST_TEST_REQUIRE(run_until([&] { return sleeping && behind && lost.calls > 0; }));
    const long long took = ms_since(started);
    BOOST_TEST(took >= 200);
    BOOST_TEST(took < 2000);
    BOOST_TEST(*sleeping == err(pg_errc::connection_lost));
    BOOST_TEST(*behind == err(pg_errc::connection_lost));
    BOOST_TEST(contains(lost.message, "query timeout"), lost.message);
    BOOST_TEST(!c->connected());
}

BOOST_AUTO_TEST_SUITE_END()
