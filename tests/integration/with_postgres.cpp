// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// with_postgres [-c name=value]... [--] COMMAND [ARGS...]
//
// Runs COMMAND against a throwaway PostgreSQL server (tests/common/pg_server.hpp): starts one (each -c adds a server
// setting), exports PGHOST, PGPORT, PGUSER=postgres and PGDATABASE=postgres, so that libpq's empty connection string
// reaches it, and ASCHED_TEST_POSTGRES=<its connection string>, runs COMMAND, stops the server and deletes it, and
// exits with COMMAND's status (128 + the signal when a signal ended it). SIGINT, SIGTERM and SIGHUP are passed on to
// COMMAND, so the server is still cleaned up.

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "common/pg_server.hpp"

namespace {

volatile std::sig_atomic_t command_pid = 0;

extern "C" void pass_on(int signal)
{
    if (command_pid > 0)
        ::kill(static_cast<pid_t>(command_pid), signal);
}

int usage()
{
    std::cerr << "usage: with_postgres [-c name=value]... [--] COMMAND [ARGS...]\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> settings;
    int first = 1;
    while (first < argc)
    {
        const std::string arg = argv[first];
        if (arg == "--")
        {
            ++first;
            break;
        }
        if (arg == "-c" && first + 1 < argc)
        {
            settings.emplace_back(argv[first + 1]);
            first += 2;
        }
        else if (arg.rfind("-c", 0) == 0 && arg.size() > 2)
        {
            settings.push_back(arg.substr(2));
            ++first;
        }
        else if (arg == "-h" || arg == "--help")
        {
            return usage();
        }
        else
        {
            break;
        }
    }
    if (first >= argc)
        return usage();

    try
    {
        asched::test::pg_server server(settings);
        std::cerr << "with_postgres: started PostgreSQL (" << asched::test::pg_server::bin_dir().value_or("?")
                  << ") at " << server.conninfo() << std::endl;
        ::setenv("PGHOST", server.host().c_str(), 1);
        ::setenv("PGPORT", std::to_string(server.port()).c_str(), 1);
        ::setenv("PGUSER", "postgres", 1);
        ::setenv("PGDATABASE", "postgres", 1);
        ::setenv("ASCHED_TEST_POSTGRES", server.conninfo().c_str(), 1);

        struct sigaction action = {};
        action.sa_handler = pass_on;
        sigemptyset(&action.sa_mask);
        for (const int s : {SIGINT, SIGTERM, SIGHUP})
            ::sigaction(s, &action, nullptr);

        const pid_t pid = ::fork();
        if (pid < 0)
        {
            std::perror("with_postgres: fork");
            return 1;
        }
        if (pid == 0)
        {
            ::execvp(argv[first], argv + first);
            std::fprintf(stderr, "with_postgres: cannot run %s: %s\n", argv[first], std::strerror(errno));
            ::_exit(127);
        }
        command_pid = pid;
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0)
        {
            if (errno != EINTR)
            {
                std::perror("with_postgres: waitpid");
                return 1;
            }
        }
        command_pid = 0;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        // `server` stops and deletes the cluster here
    }
    catch (const std::exception& e)
    {
        std::cerr << "with_postgres: " << e.what() << '\n';
        return 1;
    }
}
