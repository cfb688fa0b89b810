// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// Runs the built `asched` command (ASCHED_CLI_PATH) and captures its exit status, stdout and stderr.

#ifndef ASCHED_TESTS_COMMON_CLI_RUNNER_HPP
#define ASCHED_TESTS_COMMON_CLI_RUNNER_HPP

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#ifndef ASCHED_CLI_PATH
#error "ASCHED_CLI_PATH must name the asched command"
#endif

namespace asched::test {

/// What a run of the command did.
struct cli_result
{
    int status{-1};
    std::string out;
    std::string err;

    /// stdout, a line each.
    std::vector<std::string> lines() const
    {
        std::vector<std::string> v;
        std::istringstream in(out);
        for (std::string line; std::getline(in, line);)
            v.push_back(line);
        return v;
    }
};

inline std::string shell_quote(const std::string& s)
{
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

/// Runs `program ARGS...` with stdin from the file `input`, through the `wrapper` command if any (`setpriv ...` to
/// run it as another user).
inline cli_result run_program(
    const std::string& program,
    const std::vector<std::string>& args,
    const std::string& input = "/dev/null",
    const std::vector<std::string>& wrapper = {}
)
{
    char err_path[] = "/tmp/asched_cli_stderr_XXXXXX";
    const int fd = ::mkstemp(err_path);
    BOOST_REQUIRE(fd >= 0);
    ::close(fd);
    std::string cmd;
    for (const auto& w : wrapper)
        cmd += shell_quote(w) + " ";
    cmd += shell_quote(program);
    for (const auto& a : args)
        cmd += " " + shell_quote(a);
    cmd += " <" + shell_quote(input) + " 2>" + shell_quote(err_path);
    cli_result r;
    FILE* p = ::popen(cmd.c_str(), "r");
    BOOST_REQUIRE(p != nullptr);
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;)
        r.out.append(buf, n);
    const int raw = ::pclose(p);
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    std::ifstream err(err_path);
    std::ostringstream ss;
    ss << err.rdbuf();
    r.err = ss.str();
    std::remove(err_path);
    return r;
}

/// Runs `asched ARGS...`, as @ref run_program does.
inline cli_result run_asched(
    const std::vector<std::string>& args,
    const std::string& input = "/dev/null",
    const std::vector<std::string>& wrapper = {}
)
{
    return run_program(ASCHED_CLI_PATH, args, input, wrapper);
}

}  // namespace asched::test

#endif
