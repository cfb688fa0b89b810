// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// A throwaway PostgreSQL server for tests and benchmarks: a fresh cluster in a temporary directory, reachable only
// through a unix socket in that directory, removed with everything in it at the end.

#ifndef ASCHED_TESTS_COMMON_PG_SERVER_HPP
#define ASCHED_TESTS_COMMON_PG_SERVER_HPP

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace asched::test {

/**
 * A PostgreSQL server of its own: initdb into a fresh temporary directory (trust authentication, superuser
 * `postgres`), then `postgres` on a random port with no TCP listener (listen_addresses='') and its unix socket in
 * that directory, so that parallel test processes never collide. As root every server program runs as the
 * `postgres` user. The server is a child of this process; should the process die without stopping it, it gets
 * SIGQUIT (immediate shutdown).
 */
class pg_server
{
public:
    /// Creates and starts the cluster; `settings` are extra `name=value` server settings (`fsync=off`), passed as
    /// `-c name=value`. Returns once the server accepts connections (at most about 30 s). Throws std::runtime_error,
    /// with the tail of initdb's or the server's log, when it cannot.
    explicit pg_server(std::vector<std::string> settings = {});
    /// Stops the server at once (immediate shutdown, as `pg_ctl stop -m immediate`) and deletes the directory.
    ~pg_server();
    pg_server(const pg_server&) = delete;
    pg_server& operator=(const pg_server&) = delete;

    /// `host=<dir> port=<port> user=postgres dbname=postgres`, for libpq.
    std::string conninfo() const;
    /// The directory of the unix socket (libpq's `host`).
    std::string host() const { return dir_.string(); }
    int port() const noexcept { return port_; }
    /// The directory holding the cluster, the socket and the logs.
    const std::filesystem::path& directory() const noexcept { return dir_; }

    /// Fast shutdown (as `pg_ctl stop -m fast`): ends every session, then waits until the server has exited.
    void stop();
    /// Starts the server again on the same data, port and settings; returns once it accepts connections.
    void start();
    /// stop() then start(): clients lose their connections, new ones work afterwards.
    void restart();
    /// Whether the server runs (started, and not stopped or exited).
    bool running() const noexcept { return pid_ > 0; }

    /// The directory holding initdb, pg_ctl and postgres: /usr/lib/postgresql/<newest version>/bin; none if absent.
    static std::optional<std::string> bin_dir();

private:
    /// Starts postgres on port_; false when the port was taken (the server exited saying so), which the caller
    /// retries with another port. Throws for any other failure.
    bool try_start();
    /// Signals the server and waits for it to exit (escalating to SIGKILL after `patience_s` seconds).
    void signal_and_wait(int signal, int patience_s) noexcept;
    std::string log_tail(const std::filesystem::path& log, std::uintmax_t from = 0) const;

    std::string bin_;
    std::filesystem::path dir_;
    std::filesystem::path data_;
    std::vector<std::string> settings_;
    int port_ = 0;
    pid_t pid_ = -1;
    std::optional<uid_t> run_as_uid_;  // set when running as root: the postgres user
    gid_t run_as_gid_ = 0;
};

}  // namespace asched::test

#endif
