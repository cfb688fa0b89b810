// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#include "jobs_command.hpp"

#include <asched/errors.hpp>
#include <asched/job_document.hpp>
#include <asched/job_store.hpp>
#include <asched/job_store_url.hpp>
#include <asched/sqlite_job_store.hpp>
#include <asched/time.hpp>
#include <asched/trigger.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/stream_parser.hpp>
#include <boost/system/error_code.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <istream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

#include "text_format.hpp"

namespace asched::tools {

const char* const jobs_usage =
    "usage: asched jobs --store sqlite:PATH COMMAND [ARGUMENTS]\n"
    "\n"
    "Shows and edits the jobs in a SQLite job store. It works beside a scheduler running on the same file, which\n"
    "notices each change within about a second.\n"
    "\n"
    "commands:\n"
    "  list           one line a job: id, name, trigger, next run time (in the trigger's zone; UTC when it names\n"
    "                 none), state (scheduled or paused); then a line for each row that cannot be loaded, and how\n"
    "                 many jobs are quarantined, if any\n"
    "  quarantined    the jobs that cannot be loaded, with the reason\n"
    "  show ID        the job's JSON document, then its trigger and next run time\n"
    "  check          checks the file (PRAGMA integrity_check, and that every job row matches its checksum and\n"
    "                 can be loaded) and reports;\n"
    "                 exit status 0: sound, 1: problems found (listed), 2: the file cannot be opened\n"
    "  pause ID       pauses the job: it has no next run time until resumed\n"
    "  resume ID      resumes the job: its next run time is its trigger's first fire time from now (a date trigger\n"
    "                 whose date has passed keeps it: the scheduler treats that run as a misfire)\n"
    "  remove ID      removes the job\n"
    "  run-now ID     sets the job's next run time to now (and resumes it if paused). A scheduler running on the\n"
    "                 file runs it within about a second; without one, the run happens when a scheduler next\n"
    "                 starts on the file, and only if that is within the job's misfire grace time\n"
    "  export         prints the export document of every job: {\"version\": 1, \"jobs\": [...]}\n"
    "  import FILE    adds every job of an export document read from FILE (- for stdin), creating the store's\n"
    "                 file if it is missing: all or nothing, in one transaction. If any id already exists,\n"
    "                 nothing is imported unless --replace is given; after a failure, running it again does it all\n"
    "\n"
    "options:\n"
    "  --store URL    the job store: sqlite:PATH (relative or absolute) or sqlite:///ABSOLUTE/PATH. The file must\n"
    "                 exist, except for import\n"
    "  --replace      import: replace the jobs whose id already exists\n"
    "  --             ends the options: an ID after it may start with '-'\n"
    "  -h, --help     prints this text\n"
    "\n"
    "list, quarantined, show, export and check open the file read only and never write to it: a missing, empty or\n"
    "non-SQLite file is an error and stays as it was, and a row that cannot be loaded is reported, not moved to the\n"
    "quarantine (a scheduler does that). Only check opens a file that fails PRAGMA quick_check; no command writes\n"
    "into one.\n"
    "\n"
    "Exit status: 0 on success; 1 when check found problems; 2 after one line on stderr (bad arguments, a store\n"
    "that cannot be opened, an unknown id, a bad import document), or after one line per job import could not\n"
    "write and a last line saying nothing was written.\n";

namespace {

using boost::system::error_code;

/// A reason to stop with status 2; the message is printed after `asched jobs: `, after the `details` (one line
/// each, the same prefix), which say what failed where one message cannot (one line per job import refused).
struct failure : std::runtime_error
{
    using std::runtime_error::runtime_error;

    failure(std::vector<std::string> details_lines, const std::string& message)
        : std::runtime_error(message), details(std::move(details_lines))
    {
    }

    std::vector<std::string> details;
};

// ---- arguments -----------------------------------------------------------------------------------------------------

struct command_spec
{
    const char* name;
    const char* operand;  // the one operand's name, or nullptr for none
};

constexpr command_spec commands[] = {
    {"list", nullptr},
    {"quarantined", nullptr},
    {"show", "ID"},
    {"pause", "ID"},
    {"resume", "ID"},
    {"remove", "ID"},
    {"run-now", "ID"},
    {"export", nullptr},
    {"import", "FILE"},
    {"check", nullptr},
};
constexpr const char* known_commands = "list, quarantined, show, pause, resume, remove, run-now, export, import, check";

struct jobs_arguments
{
    bool help = false;
    std::string store_url;
    std::string command;
    std::string operand;  // the ID or FILE
    bool replace = false;
};

jobs_arguments parse_arguments(const std::vector<std::string>& args)
{
    jobs_arguments parsed;
    std::optional<std::string> store;
    std::vector<std::string> positional;
    bool options_ended = false;
    for (std::size_t i = 0; i < args.size(); ++i)
    {
        const std::string& arg = args[i];
        if (options_ended)
            positional.push_back(arg);
        else if (arg == "--")
            options_ended = true;  // an ID that starts with '-' follows
        else if (arg == "--help" || arg == "-h")
        {
            parsed.help = true;
            return parsed;
        }
        else if (arg == "--store")
        {
            if (i + 1 >= args.size())
                throw failure("option --store needs a value (sqlite:PATH)");
            store = args[++i];
        }
        else if (arg.starts_with("--store="))
            store = arg.substr(std::string_view("--store=").size());
        else if (arg == "--replace")
            parsed.replace = true;
        else if (arg.starts_with("-") && arg != "-")
            throw failure(
                "unknown option '" + arg +
                "' (known: --store, --replace, --help, and -- before an ID that starts with '-')"
            );
        else
            positional.push_back(arg);
    }
    if (positional.empty())
        throw failure(std::string("missing COMMAND (one of: ") + known_commands + "; see asched jobs --help)");
    parsed.command = positional[0];
    const auto spec = std::find_if(std::begin(commands), std::end(commands), [&](const command_spec& c) {
        return parsed.command == c.name;
    });
    if (spec == std::end(commands))
        throw failure(
            "unknown command '" + parsed.command + "' (known: " + known_commands + "; see asched jobs --help)"
        );
    const std::size_t wanted = spec->operand ? 1 : 0;
    if (positional.size() < 1 + wanted)
        throw failure(
            parsed.command + ": missing " + spec->operand + " (asched jobs --store URL " + parsed.command + " " +
            spec->operand + ")"
        );
    if (positional.size() > 1 + wanted)
        throw failure(parsed.command + ": unexpected argument '" + positional[1 + wanted] + "'");
    if (wanted)
        parsed.operand = positional[1];
    if (parsed.replace && parsed.command != "import")
        throw failure("option --replace is for import only");
    if (!store)
        throw failure("missing --store URL (e.g. --store sqlite:jobs.db)");
    if (store->empty())
        throw failure("option --store: the URL is empty (e.g. --store sqlite:jobs.db)");
    parsed.store_url = *store;
    return parsed;
}

// ---- the store -----------------------------------------------------------------------------------------------------

instant now_instant()
{
    return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

std::string plural(std::size_t n, const char* noun) { return std::to_string(n) + " " + noun + (n == 1 ? "" : "s"); }

/// Runs one asynchronous store operation to completion on `ctx` and returns its results. `start` gets the
/// completion handler and initiates the operation.
template <class... Results, class Start>
std::tuple<error_code, Results...> run_one(boost::asio::io_context& ctx, Start&& start)
{
    std::optional<std::tuple<error_code, Results...>> result;
    start([&result](error_code ec, Results... r) { result.emplace(ec, std::move(r)...); });
    ctx.restart();
    ctx.run();
    if (!result)
        throw failure("the job store did not complete an operation");
    return std::move(*result);
}

/// How a command opens the file.
enum class access
{
    /// Read only, refusing a file that fails PRAGMA quick_check: list, quarantined, show, export.
    read,
    /// Read only, opening a damaged file too: check.
    read_damaged,
    /// For writing; a missing file is an error: pause, resume, remove, run-now.
    write,
    /// For writing, creating a missing file: import.
    write_or_create,
};

/// An open store and the io_context its operations complete on.
class session
{
public:
    session(const std::string& url, access how) : url_(url)
    {
        if (!url.starts_with("sqlite:"))
            throw failure(
                "option --store '" + url + "': " +
                (url == "memory:" ? "a memory store lives inside one process, so there is nothing to inspect"
                                  : "not a SQLite job store URL") +
                "; use sqlite:PATH (relative or absolute) or sqlite:///ABSOLUTE/PATH"
            );
        try
        {
            // No scheduler lock: the command works beside a running scheduler
            const bool read_only = how == access::read || how == access::read_damaged;
            store_ = open_job_store(
                ctx_.get_executor(),
                url,
                {
                    .scheduler_lock = false,
                    .create = how == access::write_or_create,
                    .read_only = read_only,
                    .verify_at_open = how != access::read_damaged,
                }
            );
        }
        catch (const std::invalid_argument& e)
        {
            throw failure(std::string("option --store: ") + e.what());
        }
        catch (const std::system_error& e)
        {
            throw failure(e.what());  // names the file and why
        }
        sqlite_ = dynamic_cast<sqlite_job_store*>(store_.get());
        if (!sqlite_)
            throw failure("option --store '" + url + "': not a SQLite job store");
    }

    ~session()
    {
        if (store_)
            store_->close();
    }

    session(const session&) = delete;
    session& operator=(const session&) = delete;

    const std::string& url() const noexcept { return url_; }

    job_listing all_jobs()
    {
        auto [ec, listing] = run_one<job_listing>(ctx_, [&](auto handler) { store_->async_all_jobs(handler); });
        check(ec, "cannot list the jobs");
        return std::move(listing);
    }

    /// The job of that id; fails naming the id when there is none (saying so when it is quarantined).
    job_description existing(const std::string& id)
    {
        auto [ec, found] = run_one<std::optional<job_description>>(ctx_, [&](auto handler) {
            store_->async_find(id, handler);
        });
        check(ec, "cannot read job '" + id + "'");
        if (!found)
            no_such_job(id);
        return std::move(*found);
    }

    /// The job of that id, for reading: a row that cannot be loaded is named with the reason (a read-only file
    /// leaves it in place, so it is in neither the jobs found nor the quarantine).
    job_description readable(const std::string& id)
    {
        auto [ec, found] = run_one<std::optional<job_description>>(ctx_, [&](auto handler) {
            store_->async_find(id, handler);
        });
        check(ec, "cannot read job '" + id + "'");
        if (found)
            return std::move(*found);
        for (const auto& bad : all_jobs().quarantined)
            if (bad.id == id)
                throw failure(
                    "job '" + id + "' in " + url_ + " cannot be loaded: " + bad.reason + " (asched jobs --store " +
                    url_ + " check reports on the file)"
                );
        no_such_job(id);
    }

    void update(const job_description& job)
    {
        auto [ec] = run_one<>(ctx_, [&](auto handler) { store_->async_update(job, handler); });
        if (ec == errc::job_not_found)
            no_such_job(job.id);  // removed by someone else meanwhile
        check(ec, "cannot write job '" + job.id + "'");
    }

    void remove(const std::string& id)
    {
        auto [ec] = run_one<>(ctx_, [&](auto handler) { store_->async_remove(id, handler); });
        if (ec == errc::job_not_found)
            no_such_job(id);
        check(ec, "cannot remove job '" + id + "'");
    }

    /// Adds the jobs in one transaction, all or none; returns each one's result, in order (all zero: written).
    std::vector<error_code> add_all(const std::vector<job_description>& jobs, bool replace)
    {
        return sqlite_->add_all(jobs, replace);  // std::system_error: the transaction failed, nothing written
    }

    sqlite_check_report check_file()
    {
        try
        {
            return sqlite_->check();
        }
        catch (const std::system_error& e)
        {
            throw failure(e.what());
        }
    }

    std::vector<quarantined_job> quarantined()
    {
        try
        {
            return sqlite_->quarantined();
        }
        catch (const std::system_error& e)
        {
            throw failure(e.what());
        }
    }

    /// The store's own words for a failed operation.
    std::string describe(const error_code& ec) const
    {
        const std::string detail = sqlite_->last_error_message();
        return detail.empty() ? ec.message() : detail;
    }

private:
    void check(const error_code& ec, const std::string& doing) const
    {
        if (ec)
            throw failure(url_ + ": " + doing + ": " + describe(ec));
    }

    [[noreturn]] void no_such_job(const std::string& id)
    {
        for (const auto& q : quarantined())
            if (q.id == id)
                throw failure(
                    "job '" + id + "' is quarantined in " + url_ + " (it cannot be loaded: " + q.reason +
                    "); see asched jobs --store " + url_ + " quarantined"
                );
        throw failure("no job '" + id + "' in " + url_ + " (asched jobs --store " + url_ + " list shows the jobs)");
    }

    std::string url_;
    boost::asio::io_context ctx_;  // before the store, which closes first
    std::unique_ptr<job_store> store_;
    sqlite_job_store* sqlite_ = nullptr;
};

// ---- formatting ----------------------------------------------------------------------------------------------------

/// An instant in the trigger's zone (UTC when it names none).
std::string time_text(instant t, const trigger& when) { return format_datetime(t, when.zone()); }

std::string next_run_text(const job_description& job)
{
    if (job.paused)
        return "-";
    if (!job.next_run_time)
        return "(not computed yet)";  // a scheduler computes it when it loads the job
    return time_text(*job.next_run_time, job.trigger);
}

std::string quarantine_note(std::size_t count, const std::string& url)
{
    return plural(count, "quarantined job") + " (cannot be loaded): see asched jobs --store " + url + " quarantined";
}

/// A row a read-only command met and could not load: reported, left in place (a scheduler quarantines it).
std::string unreadable_note(const quarantined_job& bad)
{
    return "job '" + single_line(bad.id) +
           "' cannot be loaded (a scheduler on the file quarantines it): " + single_line(bad.reason);
}

/// The first fire time of a job resumed at `now`, as the scheduler computes it: a date trigger answers its run date
/// even when it is past (a misfire for the scheduler to handle, never silently dropped).
std::optional<instant> first_fire_time(const trigger& when, instant now)
{
    if (when.kind() == "date")
        return when.next_fire_time(std::nullopt, instant::min());
    return when.next_fire_time(std::nullopt, now);
}

// ---- import input --------------------------------------------------------------------------------------------------

std::string read_input(const std::string& file, std::istream& in)
{
    if (file == "-")
    {
        std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        if (in.bad())
            throw failure("import stdin: cannot read");
        return text;
    }
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(file.c_str(), "rb"), &std::fclose);
    if (!f)
        throw failure("import " + file + ": cannot open: " + std::strerror(errno));
    std::string text;
    char buf[65536];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f.get())) > 0;)
        text.append(buf, n);
    if (std::ferror(f.get()))
        throw failure("import " + file + ": cannot read: " + std::strerror(errno));
    return text;
}

boost::json::value parse_input(const std::string& text, const std::string& source)
{
    boost::json::stream_parser parser;
    error_code ec;
    const std::size_t consumed = parser.write(text.data(), text.size(), ec);
    if (!ec)
        parser.finish(ec);
    if (ec)
    {
        // Where the parser stopped, as a line and column
        std::size_t line = 1;
        std::size_t column = 1;
        for (std::size_t i = 0; i < std::min(consumed, text.size()); ++i)
        {
            if (text[i] == '\n')
            {
                ++line;
                column = 1;
            }
            else
                ++column;
        }
        if (text.find_first_not_of(" \t\r\n") == std::string::npos)
            throw failure("import " + source + ": the input is empty (expected an export document)");
        throw failure(
            "import " + source + ": not valid JSON at line " + std::to_string(line) + ", column " +
            std::to_string(column) + ": " + ec.message()
        );
    }
    return parser.release();
}

// ---- commands ------------------------------------------------------------------------------------------------------

void list_jobs(session& s, std::ostream& out)
{
    const job_listing listing = s.all_jobs();
    if (listing.jobs.empty())
        out << "no jobs in " << s.url() << '\n';
    else
    {
        std::vector<table_row> rows{{"ID", "NAME", "TRIGGER", "NEXT RUN TIME", "STATE"}};
        for (const auto& job : listing.jobs)
            rows.push_back(
                {single_line(job.id),
                 single_line(job.name),
                 single_line(job.trigger.describe()),
                 next_run_text(job),
                 job.paused ? "paused" : "scheduled"}
            );
        print_table(out, rows);
    }
    // Read only: the rows the listing could not load are still among the jobs, so they are named here
    for (const auto& bad : listing.quarantined)
        out << unreadable_note(bad) << '\n';
    if (const std::size_t count = s.quarantined().size())
        out << quarantine_note(count, s.url()) << '\n';
}

void list_quarantined(session& s, std::ostream& out)
{
    const auto jobs = s.quarantined();
    if (jobs.empty())
    {
        out << "no quarantined jobs in " << s.url() << '\n';
        return;
    }
    std::vector<table_row> rows{{"ID", "REASON"}};
    for (const auto& q : jobs)
        rows.push_back({single_line(q.id), single_line(q.reason)});
    print_table(out, rows);
}

void show_job(session& s, const std::string& id, std::ostream& out)
{
    const job_description job = s.readable(id);
    out << pretty_json(to_document(job)) << '\n';
    out << "trigger: " << single_line(job.trigger.describe())
        << "; next run time: " << (job.paused ? "none (paused)" : next_run_text(job)) << '\n';
}

void pause_job(session& s, const std::string& id, std::ostream& out)
{
    job_description job = s.existing(id);
    if (job.paused)
    {
        out << "job '" << id << "' is already paused\n";
        return;
    }
    job.paused = true;
    job.next_run_time.reset();
    s.update(job);
    out << "paused job '" << id << "'\n";
}

void resume_job(session& s, const std::string& id, std::ostream& out)
{
    job_description job = s.existing(id);
    const auto next = first_fire_time(job.trigger, now_instant());
    if (!next)
        throw failure(
            "cannot resume job '" + id + "': its trigger " + single_line(job.trigger.describe()) +
            " has no fire time left (remove it with asched jobs --store " + s.url() + " remove " + id + ")"
        );
    job.paused = false;
    job.next_run_time = next;
    s.update(job);
    out << "resumed job '" << id << "': next run time " << time_text(*next, job.trigger) << '\n';
}

void remove_job(session& s, const std::string& id, std::ostream& out)
{
    s.remove(id);
    out << "removed job '" << id << "'\n";
}

void run_job_now(session& s, const std::string& id, std::ostream& out)
{
    job_description job = s.existing(id);
    const instant now = now_instant();
    job.paused = false;
    job.next_run_time = now;
    s.update(job);
    out << "job '" << id << "' is due now: next run time " << time_text(now, job.trigger) << '\n';
}

void export_jobs(session& s, std::ostream& out, std::ostream& notes)
{
    const job_listing listing = s.all_jobs();
    out << pretty_json(export_document(listing.jobs)) << '\n';
    // stdout holds the document alone; the jobs that cannot be loaded are not in it, which stderr says
    for (const auto& bad : listing.quarantined)
        notes << "asched jobs: note: not exported: " << unreadable_note(bad) << '\n';
    if (const std::size_t count = s.quarantined().size())
        notes << "asched jobs: note: not exported: " << quarantine_note(count, s.url()) << '\n';
}

void import_jobs(const jobs_arguments& a, std::istream& in, std::ostream& out)
{
    const std::string source = a.operand == "-" ? std::string("stdin") : a.operand;
    // The whole document is checked before the store's file is opened (and perhaps created)
    const boost::json::value document = parse_input(read_input(a.operand, in), source);
    std::vector<job_description> jobs;
    try
    {
        jobs = import_document(document);
    }
    catch (const std::invalid_argument& e)
    {
        throw failure("import " + source + ": " + e.what());
    }
    std::map<std::string, std::size_t> positions;
    for (std::size_t i = 0; i < jobs.size(); ++i)
        if (const auto [it, fresh] = positions.emplace(jobs[i].id, i); !fresh)
            throw failure(
                "import " + source + ": jobs[" + std::to_string(i) + "]: id '" + jobs[i].id +
                "' appears twice (also jobs[" + std::to_string(it->second) + "])"
            );

    session s(a.store_url, access::write_or_create);
    std::size_t replaced = 0;
    if (a.replace)
        for (const auto& job : s.all_jobs().jobs)
            replaced += positions.contains(job.id) ? 1 : 0;
    std::vector<error_code> results;
    try
    {
        results = s.add_all(jobs, a.replace);
    }
    catch (const std::system_error& e)
    {
        throw failure("import " + source + ": " + e.what() + "; nothing was written to " + s.url());
    }
    std::vector<std::string> refused;
    for (std::size_t i = 0; i < results.size(); ++i)
        if (results[i])
        {
            const std::string why = results[i] == errc::conflicting_job_id
                                        ? "the id is already in " + s.url() + " (--replace replaces it)"
                                        : results[i].message();
            refused.push_back(
                "import " + source + ": job '" + single_line(jobs[i].id) + "' (jobs[" + std::to_string(i) + "]): " + why
            );
        }
    if (!refused.empty())
    {
        const std::size_t count = refused.size();
        throw failure(
            std::move(refused),
            "import " + source + ": nothing was written to " + s.url() + " (" + std::to_string(count) + " of " +
                plural(jobs.size(), "job") + " refused; the import is all or nothing)"
        );
    }
    out << "imported " << plural(jobs.size(), "job") << " into " << s.url();
    if (replaced != 0)
        out << " (" << replaced << " replaced)";
    out << '\n';
}

/// `check`: returns the exit status, 0 when the file is sound, 1 when the report lists problems.
int check_store(session& s, std::ostream& out)
{
    const sqlite_check_report report = s.check_file();
    std::size_t problems = 0;
    if (report.integrity == "ok")
        out << s.url() << ": integrity_check: ok\n";
    else
    {
        // SQLite's list, one problem a line
        std::istringstream lines(report.integrity);
        for (std::string line; std::getline(lines, line);)
        {
            if (line.starts_with("*** in database"))
                continue;  // SQLite's heading, not a problem
            ++problems;
            out << s.url() << ": integrity_check: " << single_line(line) << '\n';
        }
    }
    if (!report.read_error.empty())
    {
        ++problems;
        out << s.url() << ": cannot read the jobs: " << single_line(report.read_error) << '\n';
    }
    else
    {
        for (const auto& bad : report.unreadable)
            out << s.url() << ": " << unreadable_note(bad) << '\n';
        problems += report.unreadable.size();
        out << s.url() << ": " << plural(report.jobs, "job") << " read, " << (report.jobs - report.unreadable.size())
            << " loadable";
        if (report.quarantined != 0)
            out << "; " << quarantine_note(report.quarantined, s.url());
        out << '\n';
    }
    if (report.ok())
    {
        out << s.url() << ": sound\n";
        return 0;
    }
    out << s.url() << ": " << plural(problems, "problem") << " found\n";
    return 1;
}

}  // namespace

int run_jobs_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err)
{
    std::ostringstream text;  // written out only on success, so a failure prints nothing on stdout
    std::ostringstream notes;
    int status = 0;
    try
    {
        const jobs_arguments a = parse_arguments(args);
        if (a.help)
        {
            out << jobs_usage;
            out.flush();
            return 0;
        }
        if (a.command == "import")
            import_jobs(a, in, text);
        else if (a.command == "check")
        {
            session s(a.store_url, access::read_damaged);
            status = check_store(s, text);
        }
        else
        {
            // A missing file is an error, never a new empty store; reading commands open it read only
            const bool reads = a.command == "list" || a.command == "quarantined" || a.command == "show" ||
                               a.command == "export";
            session s(a.store_url, reads ? access::read : access::write);
            if (a.command == "list")
                list_jobs(s, text);
            else if (a.command == "quarantined")
                list_quarantined(s, text);
            else if (a.command == "show")
                show_job(s, a.operand, text);
            else if (a.command == "pause")
                pause_job(s, a.operand, text);
            else if (a.command == "resume")
                resume_job(s, a.operand, text);
            else if (a.command == "remove")
                remove_job(s, a.operand, text);
            else if (a.command == "run-now")
                run_job_now(s, a.operand, text);
            else if (a.command == "export")
                export_jobs(s, text, notes);
        }
    }
    catch (const failure& e)
    {
        for (const auto& line : e.details)
            err << "asched jobs: " << single_line(line) << '\n';
        err << "asched jobs: " << single_line(e.what()) << '\n';
        return 2;
    }
    catch (const std::exception& e)
    {
        err << "asched jobs: " << single_line(e.what()) << '\n';
        return 2;
    }
    out << text.str();
    out.flush();
    err << notes.str();
    return status;
}

}  // namespace asched::tools
