// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include "common/pg_server.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <grp.h>
#include <pwd.h>
#include <random>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <unistd.h>
#include <utility>

namespace asched::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

/// How long a start may take before it counts as failed.
constexpr auto start_limit = 30s;

/// Who a child program runs as: unchanged, or (as root) the postgres user.
struct identity
{
    std::optional<uid_t> uid;
    gid_t gid = 0;
};

/**
 * Starts `argv` (argv[0] a path) with stdout and stderr appended to `log`, stdin from /dev/null and `cwd` as its
 * working directory. With `die_with_parent` it gets SIGQUIT when this process dies.
 */
pid_t spawn(
    const std::vector<std::string>& argv,
    const fs::path& log,
    const fs::path& cwd,
    const identity& who,
    bool die_with_parent
)
{
    // Everything the child needs is prepared here: after fork() only async-signal-safe calls are allowed
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (out < 0)
        throw std::system_error(errno, std::generic_category(), "cannot open " + log.string());
    const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const pid_t parent = ::getpid();
    sigset_t no_signals;
    sigemptyset(&no_signals);

    const pid_t pid = ::fork();
    if (pid == 0)
    {
        ::sigprocmask(SIG_SETMASK, &no_signals, nullptr);
        if (in >= 0)
            ::dup2(in, STDIN_FILENO);
        ::dup2(out, STDOUT_FILENO);
        ::dup2(out, STDERR_FILENO);
        if (who.uid && (::setgroups(1, &who.gid) != 0 || ::setgid(who.gid) != 0 || ::setuid(*who.uid) != 0))
            ::_exit(126);
        if (::chdir(cwd.c_str()) != 0)
            ::_exit(126);
        if (die_with_parent)  // after setuid, which clears it
        {
            ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
            if (::getppid() != parent)
                ::_exit(1);
        }
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    const int fork_errno = errno;
    ::close(out);
    if (in >= 0)
        ::close(in);
    if (pid < 0)
        throw std::system_error(fork_errno, std::generic_category(), "cannot fork to run " + argv[0]);
    return pid;
}

/// Runs `argv` to its end; its exit status (128 + signal when killed).
int run(const std::vector<std::string>& argv, const fs::path& log, const fs::path& cwd, const identity& who)
{
    const pid_t pid = spawn(argv, log, cwd, who, true);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
    {
        if (errno != EINTR)
            throw std::system_error(errno, std::generic_category(), "waitpid");
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string quoted(const std::string& value)
{
    if (!value.empty() && value.find_first_of(" '\\") == std::string::npos)
        return value;
    std::string out = "'";
    for (const char c : value)
    {
        if (c == '\'' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "'";
}

/// "15" -> {15, 0}, "9.6" -> {9, 6}; none for other names.
std::optional<std::pair<int, int>> version_of(const std::string& name)
{
    int major = 0;
    int minor = 0;
    const char* end = name.data() + name.size();
    auto [p, ec] = std::from_chars(name.data(), end, major);
    if (ec != std::errc{} || p == name.data())
        return std::nullopt;
    if (p != end)
    {
        if (*p != '.')
            return std::nullopt;
        auto [q, ec2] = std::from_chars(p + 1, end, minor);
        if (ec2 != std::errc{} || q != end)
            return std::nullopt;
    }
    return std::pair{major, minor};
}

/// Whether a process with this id exists (or might: one we may not signal counts as existing).
bool alive(pid_t pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno != ESRCH); }

/**
 * Deletes the directories of earlier pg_servers under `base` whose process died without cleaning up (killed by a
 * timeout, crashed), unless their server still runs. Their names start with asched-pg-<pid>-.
 */
void remove_stale_directories(const fs::path& base)
{
    std::error_code ec;
    for (fs::directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec))
    {
        const std::string name = it->path().filename().string();
        const std::string prefix = "asched-pg-";
        if (name.rfind(prefix, 0) != 0)
            continue;
        pid_t owner = 0;
        const auto [p, parsed] = std::from_chars(name.data() + prefix.size(), name.data() + name.size(), owner);
        if (parsed != std::errc{} || p == name.data() + name.size() || *p != '-' || alive(owner))
            continue;
        std::ifstream pid_file(it->path() / "data" / "postmaster.pid");
        pid_t postmaster = 0;
        if (pid_file >> postmaster && alive(postmaster))
            continue;
        std::error_code ignored;
        fs::remove_all(it->path(), ignored);
    }
}

}  // namespace

std::optional<std::string> pg_server::bin_dir()
{
    std::optional<std::pair<int, int>> best_version;
    std::optional<std::string> best;
    std::error_code ec;
    for (fs::directory_iterator it("/usr/lib/postgresql", ec), end; !ec && it != end; it.increment(ec))
    {
        const auto version = version_of(it->path().filename().string());
        const fs::path bin = it->path() / "bin";
        std::error_code ignored;
        if (!version || !fs::exists(bin / "initdb", ignored) || !fs::exists(bin / "postgres", ignored))
            continue;
        if (!best_version || *version > *best_version)
        {
            best_version = version;
            best = bin.string();
        }
    }
    return best;
}

pg_server::pg_server(std::vector<std::string> settings) : settings_(std::move(settings))
{
    const auto bin = bin_dir();
    if (!bin)
        throw std::runtime_error("pg_server: no PostgreSQL server programs in /usr/lib/postgresql/*/bin");
    bin_ = *bin;

    fs::path base = fs::temp_directory_path();
    if (::geteuid() == 0)
    {
        const passwd* pw = ::getpwnam("postgres");
        if (pw == nullptr)
            throw std::runtime_error("pg_server: running as root, but there is no 'postgres' user to run the server as"
            );
        run_as_uid_ = pw->pw_uid;
        run_as_gid_ = pw->pw_gid;
        // The postgres user must be able to reach the directory
        if ((fs::status(base).permissions() & fs::perms::others_exec) == fs::perms::none)
            base = "/tmp";
    }
    // The socket's path (<dir>/.s.PGSQL.<port>) must fit in sockaddr_un's 108 bytes
    if (base.string().size() > 60)
        base = "/tmp";

    remove_stale_directories(base);

    static std::atomic<int> counter{0};
    std::random_device random;
    std::mt19937 rng(random() ^ static_cast<unsigned>(::getpid()));
    dir_ = base / ("asched-pg-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
                   std::to_string(rng() % 1000000));
    fs::create_directory(dir_);
    try
    {
        fs::permissions(dir_, fs::perms::owner_all);
        if (run_as_uid_ && ::chown(dir_.c_str(), *run_as_uid_, run_as_gid_) != 0)
            throw std::system_error(errno, std::generic_category(), "pg_server: cannot chown " + dir_.string());
        data_ = dir_ / "data";

        const fs::path initdb_log = dir_ / "initdb.log";
        const int status = run(
            {bin_ + "/initdb",
             "-D",
             data_.string(),
             "-A",
             "trust",
             "-U",
             "postgres",
             "--no-sync",
             "-E",
             "UTF8",
             "--locale=C"},
            initdb_log,
            dir_,
            {run_as_uid_, run_as_gid_}
        );
        if (status != 0)
            throw std::runtime_error(
                "pg_server: initdb failed with status " + std::to_string(status) + ":\n" + log_tail(initdb_log)
            );

        // Nothing listens on TCP and the socket lives in our own directory, so a port can only be taken by a
        // leftover of this very directory; still, try another one when the server says so
        std::uniform_int_distribution<int> ports(20000, 60000);
        for (int attempt = 0; attempt < 10; ++attempt)
        {
            port_ = ports(rng);
            if (try_start())
                return;
        }
        throw std::runtime_error("pg_server: no free port after 10 attempts:\n" + log_tail(dir_ / "server.log"));
    }
    catch (...)
    {
        signal_and_wait(SIGQUIT, 30);
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
        throw;
    }
}

pg_server::~pg_server()
{
    signal_and_wait(SIGQUIT, 30);
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
}

std::string pg_server::conninfo() const
{
    return "host=" + quoted(host()) + " port=" + std::to_string(port_) + " user=postgres dbname=postgres";
}

bool pg_server::try_start()
{
    const fs::path log = dir_ / "server.log";
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(log, ec);
    const std::uintmax_t from = ec ? 0 : size;

    std::vector<std::string> argv{
        bin_ + "/postgres",
        "-D",
        data_.string(),
        "-p",
        std::to_string(port_),
        "-c",
        "listen_addresses=",
        "-c",
        "unix_socket_directories=" + dir_.string(),
    };
    for (const auto& s : settings_)
    {
        argv.push_back("-c");
        argv.push_back(s);
    }
    pid_ = spawn(argv, log, dir_, {run_as_uid_, run_as_gid_}, true);

    // Ready when postmaster.pid names our process and its status line (the 8th) says "ready", as pg_ctl -w checks
    const auto deadline = std::chrono::steady_clock::now() + start_limit;
    for (;;)
    {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_)
        {
            pid_ = -1;
            const std::string tail = log_tail(log, from);
            if (tail.find("could not bind") != std::string::npos ||
                tail.find("could not create lock file") != std::string::npos ||
                (tail.find(".s.PGSQL.") != std::string::npos && tail.find("already exists") != std::string::npos))
                return false;
            throw std::runtime_error("pg_server: the server exited while starting:\n" + tail);
        }
        std::ifstream pid_file(data_ / "postmaster.pid");
        std::vector<std::string> lines;
        for (std::string line; std::getline(pid_file, line);)
            lines.push_back(line);
        if (lines.size() >= 8 && lines[0] == std::to_string(pid_) && lines[7].rfind("ready", 0) == 0)
            return true;
        if (std::chrono::steady_clock::now() > deadline)
        {
            signal_and_wait(SIGQUIT, 30);
            throw std::runtime_error("pg_server: the server did not become ready in 30 s:\n" + log_tail(log, from));
        }
        std::this_thread::sleep_for(10ms);
    }
}

void pg_server::stop() { signal_and_wait(SIGINT, 60); }  // SIGINT: fast shutdown

void pg_server::start()
{
    if (running())
        return;
    if (!try_start())
        throw std::runtime_error(
            "pg_server: cannot start again on port " + std::to_string(port_) + ":\n" + log_tail(dir_ / "server.log")
        );
}

void pg_server::restart()
{
    stop();
    start();
}

void pg_server::signal_and_wait(int signal, int patience_s) noexcept
{
    if (pid_ <= 0)
        return;
    ::kill(pid_, signal);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{patience_s};
    for (;;)
    {
        int status = 0;
        const pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_ || (r < 0 && errno != EINTR))
            break;
        if (std::chrono::steady_clock::now() > deadline)
        {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(5ms);
    }
    pid_ = -1;
}

std::string pg_server::log_tail(const fs::path& log, std::uintmax_t from) const
{
    std::ifstream in(log, std::ios::binary);
    if (!in)
        return "(no log at " + log.string() + ")";
    in.seekg(static_cast<std::streamoff>(from));
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(std::move(line));
    constexpr std::size_t keep = 30;
    std::ostringstream out;
    for (std::size_t i = lines.size() > keep ? lines.size() - keep : 0; i < lines.size(); ++i)
        out << lines[i] << '\n';
    return out.str();
}

}  // namespace asched::test
