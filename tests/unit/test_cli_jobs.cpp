// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// `asched jobs`, end to end (spec: "asched jobs"): each test builds a SQLite job store in a temporary directory with
// sqlite_job_store, runs the command as a child process (the compile definition ASCHED_CLI_PATH), and checks its
// stdout, stderr and exit status, then what the file holds.

#include <asched/errors.hpp>
#include <asched/job.hpp>
#include <asched/job_document.hpp>
#include <asched/job_store.hpp>
#include <asched/sqlite_job_store.hpp>
#include <asched/time.hpp>
#include <asched/trigger.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <date/date.h>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sqlite3.h>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <tuple>
#include <unistd.h>
#include <utility>
#include <vector>

#include "common/cli_runner.hpp"
#include "common/damaged_files.hpp"
#include "common/temp_dir.hpp"
#include "common/trigger_helpers.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using asched::instant;
using asched::job_description;
using asched::test::at;
using asched::test::contains;
using strings = std::vector<std::string>;

// ---- running the command -------------------------------------------------------------------------------------------

using run_result = asched::test::cli_result;
using asched::test::run_asched;

// Runs `asched jobs ARGS...`.
run_result run_jobs(strings args, const std::string& input = "/dev/null")
{
    args.insert(args.begin(), "jobs");
    return run_asched(args, input);
}

// A successful run: status 0, nothing on stderr.
void check_ok(const run_result& r)
{
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(r.err.empty(), r.err);
}

// A rejected run: status 2, nothing on stdout, exactly one line on stderr, `asched jobs: ` then text with `needle`.
void check_rejected(const run_result& r, const std::string& needle)
{
    BOOST_TEST(r.status == 2);
    BOOST_TEST(r.out.empty(), r.out);
    BOOST_TEST(r.err.starts_with("asched jobs: "), r.err);
    BOOST_TEST(r.err.size() > std::string("asched jobs: \n").size(), r.err);
    BOOST_TEST((!r.err.empty() && r.err.back() == '\n'), r.err);
    BOOST_TEST(r.err.find('\n') == r.err.size() - 1, "more than one line: " << r.err);
    BOOST_TEST(contains(r.err, needle), "'" << needle << "' not in: " << r.err);
}

// A rejected run that names each failure on a line of its own: status 2, nothing on stdout, one line on stderr for
// each needle, in order, each starting with `asched jobs: `.
void check_rejected_lines(const run_result& r, const strings& needles)
{
    BOOST_TEST(r.status == 2);
    BOOST_TEST(r.out.empty(), r.out);
    std::vector<std::string> lines;
    std::istringstream in(r.err);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    BOOST_TEST_REQUIRE(lines.size() == needles.size(), r.err);
    for (std::size_t i = 0; i < lines.size(); ++i)
    {
        BOOST_TEST(lines[i].starts_with("asched jobs: "), lines[i]);
        BOOST_TEST(contains(lines[i], needles[i]), "'" << needles[i] << "' not in: " << lines[i]);
    }
}

// ---- the store, through the library --------------------------------------------------------------------------------

/// Starts a store operation with a callback, runs `ctx` until it completed, and returns the completion's arguments.
template <class... Results, class Start>
std::tuple<boost::system::error_code, Results...> complete(boost::asio::io_context& ctx, Start&& start)
{
    std::optional<std::tuple<boost::system::error_code, Results...>> result;
    start([&result](boost::system::error_code ec, Results... r) { result.emplace(ec, std::move(r)...); });
    ctx.restart();
    ctx.run();
    BOOST_REQUIRE(result.has_value());
    return std::move(*result);
}

/// A SQLite store on `db` for the test's own reads and writes: no lock (the command runs beside it), no polling.
struct test_store
{
    boost::asio::io_context ctx;
    asched::sqlite_job_store store;

    explicit test_store(const fs::path& db)
        : store(ctx.get_executor(), {.path = db, .scheduler_lock = false, .change_poll = 0ms})
    {
        store.wait_open();
    }

    void add(const job_description& job)
    {
        auto [ec] = complete<>(ctx, [&](auto h) { store.async_add(job, false, h); });
        BOOST_REQUIRE_MESSAGE(!ec, ec.message());
    }

    std::vector<job_description> all()
    {
        auto [ec, listing] = complete<asched::job_listing>(ctx, [&](auto h) { store.async_all_jobs(h); });
        BOOST_REQUIRE_MESSAGE(!ec, ec.message());
        return std::move(listing.jobs);
    }

    std::optional<job_description> find(const std::string& id)
    {
        auto [ec, found] = complete<std::optional<job_description>>(ctx, [&](auto h) { store.async_find(id, h); });
        BOOST_REQUIRE_MESSAGE(!ec, ec.message());
        return std::move(found);
    }

    void quarantine(const std::string& id, const std::string& reason)
    {
        auto [ec] = complete<>(ctx, [&](auto h) { store.async_quarantine(id, reason, h); });
        BOOST_REQUIRE_MESSAGE(!ec, ec.message());
    }
};

/// Writes a row the library cannot read back, as a damaged file or a newer program would hold.
void insert_raw_row(const fs::path& db, const std::string& id, const std::string& document)
{
    sqlite3* raw = nullptr;
    BOOST_REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    BOOST_REQUIRE(
        sqlite3_prepare_v2(
            raw,
            "INSERT INTO jobs(id, next_run_time, document) VALUES(?1, NULL, ?2)",
            -1,
            &stmt,
            nullptr
        ) == SQLITE_OK
    );
    sqlite3_bind_text(stmt, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, document.c_str(), -1, SQLITE_TRANSIENT);
    BOOST_TEST(sqlite3_step(stmt) == SQLITE_DONE);
    sqlite3_finalize(stmt);
    sqlite3_close(raw);
}

/// Runs `sql` on the file through a plain connection, as damage (a flipped digit) would change a row.
void change_raw_row(const fs::path& db, const std::string& sql)
{
    sqlite3* raw = nullptr;
    BOOST_REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
    BOOST_TEST(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK, sqlite3_errmsg(raw));
    BOOST_TEST(sqlite3_changes(raw) == 1);
    sqlite3_close(raw);
}

job_description make_job(
    const std::string& id,
    const std::string& name,
    const std::string& trigger_json,
    std::optional<instant> next,
    bool paused = false
)
{
    return {
        .id = id,
        .name = name,
        .task_name = "send_report",
        .trigger = asched::trigger::parse(trigger_json),
        .next_run_time = next,
        .paused = paused,
    };
}

instant now_us() { return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()); }

/// UTC text with the offset written +00:00, as the command shows instants of a trigger without a zone.
std::string utc_text(std::chrono::sys_seconds t) { return date::format("%FT%T+00:00", t); }

std::string read_text(const fs::path& file)
{
    std::ifstream in(file);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_text(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }

/// A fresh directory with a store path in it (the file does not exist until a test creates it).
struct fixture : asched::test::temp_dir
{
    std::string url = "sqlite:" + db.string();
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(cli_jobs, fixture)

// list: one row a job, by next run time (paused and not yet computed last, by id), each time in its trigger's zone.
BOOST_AUTO_TEST_CASE(list_prints_a_table)
{
    {
        test_store s(db);
        // 13:00Z in November is 14:00 in Paris (CET, +01:00)
        s.add(make_job(
            "nightly",
            "Nightly report",
            R"({"type":"cron","hour":14,"timezone":"Europe/Paris"})",
            at("2026-11-21T13:00:00Z")
        ));
        // 07:30Z in July is 09:30 in Paris (CEST, +02:00)
        s.add(make_job(
            "summer",
            "Summer sync",
            R"({"type":"cron","hour":9,"minute":30,"timezone":"Europe/Paris"})",
            at("2026-07-01T07:30:00Z")
        ));
        // No zone: UTC
        s.add(make_job("tick", "Tick", R"({"type":"interval","hours":1})", at("2026-07-01T12:00:00Z")));
        // 02:30 is in New York's spring-forward gap: 03:30 EDT (-04:00), 07:30Z
        s.add(make_job(
            "ny",
            "New York",
            R"({"type":"date","run_date":"2026-03-08T02:30:00","timezone":"America/New_York"})",
            at("2026-03-08T07:30:00Z")
        ));
        s.add(make_job("held", "Held", R"({"type":"cron","hour":3})", std::nullopt, true));
        s.add(make_job("pending", "Pending", R"({"type":"interval","minutes":5})", std::nullopt));
    }
    const auto r = run_jobs({"--store", url, "list"});
    check_ok(r);
    BOOST_TEST(
        r.lines() ==
            (strings{
                "ID       NAME            TRIGGER                          NEXT RUN TIME              STATE",
                "ny       New York        date[2026-03-08T03:30:00-04:00]  2026-03-08T03:30:00-04:00  scheduled",
                "summer   Summer sync     cron[hour='9', minute='30']      2026-07-01T09:30:00+02:00  scheduled",
                "tick     Tick            interval[1:00:00]                2026-07-01T12:00:00+00:00  scheduled",
                "nightly  Nightly report  cron[hour='14']                  2026-11-21T14:00:00+01:00  scheduled",
                "held     Held            cron[hour='3']                   -                          paused",
                "pending  Pending         interval[0:05:00]                (not computed yet)         scheduled",
            }),
        boost::test_tools::per_element()
    );
}

// list on an empty store says so; the --store=URL form works too.
BOOST_AUTO_TEST_CASE(list_of_an_empty_store)
{
    {
        test_store s(db);
    }
    const auto r = run_jobs({"--store=" + url, "list"});
    check_ok(r);
    BOOST_TEST(r.out == "no jobs in " + url + "\n");
}

// list ends with the number of quarantined jobs, including rows it could not read itself; quarantined lists them.
BOOST_AUTO_TEST_CASE(quarantined_jobs_are_counted_and_listed)
{
    {
        test_store s(db);
        s.add(make_job("good", "Good", R"({"type":"interval","hours":1})", at("2026-07-01T12:00:00Z")));
        s.add(make_job("gone", "Gone", R"({"type":"interval","hours":1})", at("2026-07-01T13:00:00Z")));
        s.quarantine("gone", "task 'old_task' is not registered");
    }
    // One quarantined by a scheduler before
    auto r = run_jobs({"--store", url, "list"});
    check_ok(r);
    BOOST_TEST(
        r.lines() == (strings{
                         "ID    NAME  TRIGGER            NEXT RUN TIME              STATE",
                         "good  Good  interval[1:00:00]  2026-07-01T12:00:00+00:00  scheduled",
                         "1 quarantined job (cannot be loaded): see asched jobs --store " + url + " quarantined",
                     }),
        boost::test_tools::per_element()
    );

    // A row that is not JSON: the listing names it, and leaves it where it is (reading never writes)
    insert_raw_row(db, "broken", "not json");
    for (int pass = 0; pass < 2; ++pass)
    {
        r = run_jobs({"--store", url, "list"});
        check_ok(r);
        BOOST_TEST_REQUIRE(r.lines().size() == 4u, r.out);
        BOOST_TEST(r.lines()[1].starts_with("good "));
        BOOST_TEST(
            r.lines()[2] ==
            "job 'broken' cannot be loaded (a scheduler on the file quarantines it): the stored job document is not "
            "JSON: syntax error"
        );
        BOOST_TEST(
            r.lines()[3] == "1 quarantined job (cannot be loaded): see asched jobs --store " + url + " quarantined"
        );
    }
    check_rejected(
        run_jobs({"--store", url, "show", "broken"}),
        "job 'broken' in " + url + " cannot be loaded: the stored job document is not JSON"
    );
    r = run_jobs({"--store", url, "export"});
    BOOST_TEST(r.status == 0);
    BOOST_TEST(
        r.err ==
        "asched jobs: note: not exported: job 'broken' cannot be loaded (a scheduler on the file quarantines "
        "it): the stored job document is not JSON: syntax error\n"
        "asched jobs: note: not exported: 1 quarantined job (cannot be loaded): see asched jobs --store " +
            url + " quarantined\n"
    );
    r = run_jobs({"--store", url, "quarantined"});
    check_ok(r);
    BOOST_TEST(r.lines().size() == 2u, r.out);

    // A command that writes opens the file for writing, like a scheduler: its read moves the row aside
    check_rejected(run_jobs({"--store", url, "pause", "broken"}), "job 'broken' is quarantined");

    r = run_jobs({"--store", url, "quarantined"});
    check_ok(r);
    const auto lines = r.lines();
    BOOST_TEST_REQUIRE(lines.size() == 3u, r.out);
    BOOST_TEST(lines[0] == "ID      REASON");
    BOOST_TEST(lines[1] == "gone    task 'old_task' is not registered");
    BOOST_TEST(lines[2].starts_with("broken  "));
    BOOST_TEST(contains(lines[2], "not JSON"), lines[2]);

    // A quarantined id is named as such, not as unknown
    check_rejected(run_jobs({"--store", url, "show", "broken"}), "job 'broken' is quarantined");
    check_rejected(
        run_jobs({"--store", url, "pause", "gone"}),
        "it cannot be loaded: task 'old_task' is not registered"
    );
}

// quarantined on a store without any.
BOOST_AUTO_TEST_CASE(no_quarantined_jobs)
{
    {
        test_store s(db);
        s.add(make_job("good", "Good", R"({"type":"interval","hours":1})", at("2026-07-01T12:00:00Z")));
    }
    const auto r = run_jobs({"--store", url, "quarantined"});
    check_ok(r);
    BOOST_TEST(r.out == "no quarantined jobs in " + url + "\n");
}

// show: the document with a 2-space indent, then the trigger and the next run time in the trigger's zone.
BOOST_AUTO_TEST_CASE(show_prints_the_document)
{
    auto job = make_job(
        "nightly",
        "Nightly \"report\"",
        R"({"type":"cron","hour":14,"timezone":"Europe/Paris"})",
        at("2026-11-21T13:00:00Z")
    );
    job.args = boost::json::array{1, "x", boost::json::array{}, boost::json::array{2, nullptr}};
    job.kwargs = boost::json::object{{"to", "ops"}, {"empty", boost::json::object{}}};
    job.misfire_grace_time = 2500ms;
    job.max_instances = 3;
    {
        test_store s(db);
        s.add(job);
    }
    const auto r = run_jobs({"--store", url, "show", "nightly"});
    check_ok(r);
    const std::string expected_document = R"({
  "version": 1,
  "id": "nightly",
  "name": "Nightly \"report\"",
  "task": "send_report",
  "args": [
    1,
    "x",
    [],
    [
      2,
      null
    ]
  ],
  "kwargs": {
    "to": "ops",
    "empty": {}
  },
  "trigger": {
    "type": "cron",
    "hour": "14",
    "timezone": "Europe/Paris"
  },
  "executor": "default",
  "misfire_grace_time": 2.5,
  "coalesce": true,
  "max_instances": 3,
  "next_run_time": "2026-11-21T14:00:00+01:00"
}
)";
    BOOST_TEST(r.out == expected_document + "trigger: cron[hour='14']; next run time: 2026-11-21T14:00:00+01:00\n");
    // The printed document is the job's document
    const std::string printed = r.out.substr(0, r.out.rfind("trigger: "));
    BOOST_TEST(boost::json::parse(printed) == boost::json::value(asched::to_document(job)));
}

// show of a paused job.
BOOST_AUTO_TEST_CASE(show_paused_job)
{
    {
        test_store s(db);
        s.add(make_job("held", "Held", R"({"type":"cron","hour":3})", std::nullopt, true));
    }
    const auto r = run_jobs({"--store", url, "show", "held"});
    check_ok(r);
    BOOST_TEST(contains(r.out, "\n  \"next_run_time\": null\n}\n"), r.out);
    BOOST_TEST(r.lines().back() == "trigger: cron[hour='3']; next run time: none (paused)");
}

// pause: the stored job is paused with no next run time; list shows it paused; pausing again changes nothing.
BOOST_AUTO_TEST_CASE(pause_then_list_shows_paused)
{
    {
        test_store s(db);
        s.add(make_job(
            "nightly",
            "Nightly",
            R"({"type":"cron","hour":14,"timezone":"Europe/Paris"})",
            at("2026-11-21T13:00:00Z")
        ));
    }
    auto r = run_jobs({"--store", url, "pause", "nightly"});
    check_ok(r);
    BOOST_TEST(r.out == "paused job 'nightly'\n");
    {
        test_store s(db);
        const auto stored = s.find("nightly");
        BOOST_TEST_REQUIRE(stored.has_value());
        BOOST_TEST(stored->paused);
        BOOST_TEST(!stored->next_run_time.has_value());
    }
    r = run_jobs({"--store", url, "list"});
    check_ok(r);
    BOOST_TEST(
        r.lines() == (strings{
                         "ID       NAME     TRIGGER          NEXT RUN TIME  STATE",
                         "nightly  Nightly  cron[hour='14']  -              paused",
                     }),
        boost::test_tools::per_element()
    );
    r = run_jobs({"--store", url, "pause", "nightly"});
    check_ok(r);
    BOOST_TEST(r.out == "job 'nightly' is already paused\n");
}

// resume: the trigger's first fire time from now. A 1-hour interval anchored 5 h 20 min ago fires next 6 h after
// its anchor (40 minutes from now).
BOOST_AUTO_TEST_CASE(resume_computes_the_next_run_time_from_now)
{
    const auto start = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) - 5h - 20min;
    const std::string start_text = date::format("%FT%TZ", start);
    {
        test_store s(db);
        s.add(make_job(
            "hourly",
            "Hourly",
            R"({"type":"interval","hours":1,"start_date":")" + start_text + R"("})",
            std::nullopt,
            true
        ));
    }
    const auto r = run_jobs({"--store", url, "resume", "hourly"});
    check_ok(r);
    const auto expected = start + 6h;
    BOOST_TEST(r.out == "resumed job 'hourly': next run time " + utc_text(expected) + "\n");
    test_store s(db);
    const auto stored = s.find("hourly");
    BOOST_TEST_REQUIRE(stored.has_value());
    BOOST_TEST(!stored->paused);
    BOOST_TEST_REQUIRE(stored->next_run_time.has_value());
    BOOST_TEST(asched::test::str(*stored->next_run_time) == asched::test::str(instant{expected}));
}

// resume of a cron job in a zone: the first 14:00 Paris time after now.
BOOST_AUTO_TEST_CASE(resume_cron_job)
{
    {
        test_store s(db);
        s.add(make_job("daily", "Daily", R"({"type":"cron","hour":14,"timezone":"Europe/Paris"})", std::nullopt, true));
    }
    const instant before = now_us();
    const auto r = run_jobs({"--store", url, "resume", "daily"});
    const instant after = now_us();
    check_ok(r);
    test_store s(db);
    const auto stored = s.find("daily");
    BOOST_TEST_REQUIRE(stored.has_value());
    BOOST_TEST_REQUIRE(stored->next_run_time.has_value());
    const instant next = *stored->next_run_time;
    // Strictly within a day after the run, at 14:00:00 local time
    BOOST_TEST((next >= before && next <= after + 24h));
    const auto paris = asched::time_zone::locate("Europe/Paris");
    const auto local = paris.to_local(next);
    const auto time_of_day = local - std::chrono::floor<date::days>(local);
    BOOST_TEST((time_of_day == std::chrono::microseconds{14h}));
    BOOST_TEST(r.out == "resumed job 'daily': next run time " + asched::format_datetime(next, paris) + "\n");
    BOOST_TEST(contains(r.out, "T14:00:00+0"), r.out);
}

// resume of a date job whose date has passed keeps the date: the running scheduler treats that run as a misfire.
BOOST_AUTO_TEST_CASE(resume_past_date_job_keeps_its_date)
{
    {
        test_store s(db);
        s.add(make_job(
            "once",
            "Once",
            R"({"type":"date","run_date":"2020-03-01T09:00:00","timezone":"Europe/Paris"})",
            std::nullopt,
            true
        ));
    }
    const auto r = run_jobs({"--store", url, "resume", "once"});
    check_ok(r);
    BOOST_TEST(r.out == "resumed job 'once': next run time 2020-03-01T09:00:00+01:00\n");
    test_store s(db);
    const auto stored = s.find("once");
    BOOST_TEST_REQUIRE(stored.has_value());
    BOOST_TEST(!stored->paused);
    BOOST_TEST(asched::test::str(stored->next_run_time) == asched::test::str(at("2020-03-01T08:00:00Z")));
}

// resume of a job whose trigger is finished is refused, and the job stays as it was.
BOOST_AUTO_TEST_CASE(resume_finished_trigger_is_refused)
{
    {
        test_store s(db);
        s.add(make_job(
            "over",
            "Over",
            R"({"type":"interval","hours":1,"start_date":"2020-01-01T00:00:00Z","end_date":"2020-02-01T00:00:00Z"})",
            std::nullopt,
            true
        ));
    }
    check_rejected(run_jobs({"--store", url, "resume", "over"}), "cannot resume job 'over'");
    test_store s(db);
    const auto stored = s.find("over");
    BOOST_TEST_REQUIRE(stored.has_value());
    BOOST_TEST(stored->paused);
}

// remove: the job is gone from the file and from list; removing it again is an unknown id.
BOOST_AUTO_TEST_CASE(remove_deletes_the_job)
{
    {
        test_store s(db);
        s.add(make_job("a", "A", R"({"type":"interval","hours":1})", at("2026-07-01T12:00:00Z")));
        s.add(make_job("b", "B", R"({"type":"interval","hours":2})", at("2026-07-01T13:00:00Z")));
    }
    auto r = run_jobs({"--store", url, "remove", "a"});
    check_ok(r);
    BOOST_TEST(r.out == "removed job 'a'\n");
    {
        test_store s(db);
        BOOST_TEST(!s.find("a").has_value());
        BOOST_TEST(s.find("b").has_value());
    }
    r = run_jobs({"--store", url, "list"});
    check_ok(r);
    BOOST_TEST_REQUIRE(r.lines().size() == 2u, r.out);
    BOOST_TEST(r.lines()[1].starts_with("b  "));
    check_rejected(run_jobs({"--store", url, "remove", "a"}), "no job 'a' in " + url);
}

// run-now: the next run time becomes now (a paused job is resumed).
BOOST_AUTO_TEST_CASE(run_now_makes_the_job_due)
{
    {
        test_store s(db);
        s.add(make_job("held", "Held", R"({"type":"cron","hour":3,"timezone":"Asia/Tokyo"})", std::nullopt, true));
    }
    const instant before = now_us();
    const auto r = run_jobs({"--store", url, "run-now", "held"});
    const instant after = now_us();
    check_ok(r);
    test_store s(db);
    const auto stored = s.find("held");
    BOOST_TEST_REQUIRE(stored.has_value());
    BOOST_TEST(!stored->paused);
    BOOST_TEST_REQUIRE(stored->next_run_time.has_value());
    BOOST_TEST((*stored->next_run_time >= before && *stored->next_run_time <= after));
    BOOST_TEST((after - before < 5s));
    const auto zone = asched::time_zone::locate("Asia/Tokyo");
    BOOST_TEST(
        r.out == "job 'held' is due now: next run time " + asched::format_datetime(*stored->next_run_time, zone) + "\n"
    );
    BOOST_TEST(contains(r.out, "+09:00"), r.out);
}

// export, then import into a new file: the same jobs, and the same export document.
BOOST_AUTO_TEST_CASE(export_import_round_trip)
{
    auto rich = make_job(
        "nightly",
        "Nightly report",
        R"({"type":"cron","hour":14,"timezone":"Europe/Paris"})",
        at("2026-11-21T13:00:00Z")
    );
    rich.args = boost::json::array{1, "x", 2.5};
    rich.kwargs = boost::json::object{{"to", "ops"}};
    rich.misfire_grace_time = asched::unlimited_grace;
    rich.coalesce = false;
    rich.executor = "pool";
    {
        test_store s(db);
        s.add(rich);
        s.add(make_job("tick", "Tick", R"({"type":"interval","seconds":90.5})", at("2026-07-01T12:00:00.25Z")));
        s.add(make_job("held", "Held", R"({"type":"cron","hour":3})", std::nullopt, true));
        s.add(make_job("pending", "Pending", R"({"type":"calendarinterval","months":1,"hour":9})", std::nullopt));
    }
    const auto exported = run_jobs({"--store", url, "export"});
    check_ok(exported);
    const auto document = boost::json::parse(exported.out);
    BOOST_TEST(document.at("version") == 1);
    BOOST_TEST(document.at("jobs").as_array().size() == 4u);
    const fs::path file = dir / "export.json";
    write_text(file, exported.out);

    // Into a file that does not exist yet
    const fs::path second = dir / "second.db";
    const std::string second_url = "sqlite:" + second.string();
    auto r = run_jobs({"--store", second_url, "import", file.string()});
    check_ok(r);
    BOOST_TEST(r.out == "imported 4 jobs into " + second_url + "\n");
    std::vector<job_description> first_jobs;
    std::vector<job_description> second_jobs;
    {
        test_store s(db);
        first_jobs = s.all();
    }
    {
        test_store s(second);
        second_jobs = s.all();
    }
    BOOST_TEST_REQUIRE(second_jobs.size() == 4u);
    BOOST_TEST((second_jobs == first_jobs));
    const auto exported_again = run_jobs({"--store", second_url, "export"});
    check_ok(exported_again);
    BOOST_TEST(exported_again.out == exported.out);

    // From stdin
    const fs::path third = dir / "third.db";
    r = run_jobs({"--store", "sqlite:" + third.string(), "import", "-"}, file.string());
    check_ok(r);
    BOOST_TEST(r.out == "imported 4 jobs into sqlite:" + third.string() + "\n");
    test_store s(third);
    BOOST_TEST((s.all() == first_jobs));
}

// import of a file whose job id breaks the rule (a newline): refused naming the id, escaped, each line of the error
// one line; nothing is written.
BOOST_AUTO_TEST_CASE(import_of_a_job_id_with_a_newline)
{
    {
        test_store s(db);
        s.add(make_job("kept", "Kept", R"({"type":"interval","hours":1})", at("2026-07-01T12:00:00Z")));
    }
    boost::json::object doc = asched::export_document(std::vector<job_description>{
        make_job("good", "Good", R"({"type":"interval","hours":1})", at("2026-07-01T12:00:00Z")),
        make_job("bad", "Bad", R"({"type":"interval","hours":2})", at("2026-07-01T13:00:00Z")),
    });
    doc.at("jobs").as_array()[1].as_object()["id"] = "line\nbreak";  // as another program might write it
    const fs::path file = dir / "bad-id.json";
    write_text(file, boost::json::serialize(doc));
    const auto r = run_jobs({"--store", url, "import", file.string()});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(r.out.empty(), r.out);
    BOOST_TEST(contains(r.err, "line\\nbreak"), r.err);
    std::istringstream in(r.err);
    for (std::string line; std::getline(in, line);)
        BOOST_TEST(line.starts_with("asched jobs: "), line);
    test_store s(db);
    BOOST_TEST(!s.find("good").has_value());
    BOOST_TEST(s.find("kept").has_value());
}

// import of ids that exist: nothing is imported without --replace; with it, they are replaced.
BOOST_AUTO_TEST_CASE(import_existing_ids)
{
    {
        test_store s(db);
        s.add(make_job("a", "Old A", R"({"type":"interval","hours":1})", at("2026-07-01T12:00:00Z")));
    }
    const fs::path file = dir / "import.json";
    write_text(
        file,
        boost::json::serialize(asched::export_document(std::vector<job_description>{
            make_job("a", "New A", R"({"type":"interval","hours":1})", at("2026-07-01T12:00:00Z")),
            make_job("b", "B", R"({"type":"interval","hours":2})", at("2026-07-01T13:00:00Z")),
        }))
    );
    check_rejected_lines(
        run_jobs({"--store", url, "import", file.string()}),
        {"import " + file.string() + ": job 'a' (jobs[0]): the id is already in " + url + " (--replace replaces it)",
         "import " + file.string() + ": nothing was written to " + url +
             " (1 of 2 jobs refused; the import is all or nothing)"}
    );
    {
        test_store s(db);
        BOOST_TEST(s.find("a")->name == "Old A");
        BOOST_TEST(!s.find("b").has_value());  // nothing imported
    }
    const auto r = run_jobs({"--store", url, "import", "--replace", file.string()});
    check_ok(r);
    BOOST_TEST(r.out == "imported 2 jobs into " + url + " (1 replaced)\n");
    test_store s(db);
    BOOST_TEST(s.find("a")->name == "New A");
    BOOST_TEST(s.find("b").has_value());
}

// --help prints the usage, exit 0; the command's own usage mentions jobs.
BOOST_AUTO_TEST_CASE(help)
{
    for (const strings& args : {strings{"--help"}, strings{"-h"}, strings{"list", "--help"}})
    {
        const auto r = run_jobs(args);
        check_ok(r);
        BOOST_TEST(r.out.starts_with("usage: asched jobs --store sqlite:PATH COMMAND"), r.out);
        for (const char* word :
             {"list",
              "quarantined",
              "show ID",
              "pause ID",
              "resume ID",
              "remove ID",
              "run-now ID",
              "export",
              "import FILE",
              "--replace",
              "check",
              "all or nothing",
              "read only",
              "1: problems found",
              "misfire grace time"})
            BOOST_TEST(contains(r.out, word), word);
    }
    const auto r = run_asched({"--help"});
    check_ok(r);
    BOOST_TEST(contains(r.out, "asched jobs --store sqlite:PATH"), r.out);
}

// Bad arguments and bad store URLs: one line, status 2, and no file is created.
BOOST_AUTO_TEST_CASE(bad_arguments)
{
    {
        test_store s(db);
    }
    const std::string missing_url = "sqlite:" + (dir / "missing.db").string();
    const std::vector<std::pair<strings, std::string>> cases = {
        {{}, "missing COMMAND"},
        {{"list"}, "missing --store URL"},
        {{"--store"}, "option --store needs a value"},
        {{"--store", "", "list"}, "option --store: the URL is empty"},
        {{"--store", "memory:", "list"}, "'memory:': a memory store lives inside one process"},
        {{"--store", "postgresql://db/jobs", "list"}, "'postgresql://db/jobs': not a SQLite job store URL"},
        {{"--store", "sqlite:", "list"}, "the file's path is missing"},
        {{"--store", "sqlite://host/jobs.db", "list"}, "a SQLite file has no host"},
        {{"--store", url, "frobnicate"}, "unknown command 'frobnicate'"},
        {{"--store", url, "list", "--frob"}, "unknown option '--frob'"},
        {{"--store", url, "list", "extra"}, "list: unexpected argument 'extra'"},
        {{"--store", url, "show", "a", "b"}, "show: unexpected argument 'b'"},
        {{"--store", url, "list", "--replace"}, "option --replace is for import only"},
        {{"--store", url, "show"}, "show: missing ID"},
        {{"--store", url, "pause"}, "pause: missing ID"},
        {{"--store", url, "resume"}, "resume: missing ID"},
        {{"--store", url, "remove"}, "remove: missing ID"},
        {{"--store", url, "run-now"}, "run-now: missing ID"},
        {{"--store", url, "import"}, "import: missing FILE"},
    };
    for (const auto& [args, needle] : cases)
    {
        std::string joined;
        for (const auto& a : args)
            joined += " '" + a + "'";
        BOOST_TEST_CONTEXT("asched jobs" << joined)
        check_rejected(run_jobs(args), needle);
    }
    BOOST_TEST(!fs::exists(dir / "missing.db"));
}

// A missing file is an error for every command but import, and is not created; so is a file that is not a store.
BOOST_AUTO_TEST_CASE(store_that_cannot_be_opened)
{
    const fs::path missing = dir / "missing.db";
    const std::string missing_url = "sqlite:" + missing.string();
    for (const strings& command :
         {strings{"list"},
          strings{"quarantined"},
          strings{"show", "a"},
          strings{"pause", "a"},
          strings{"resume", "a"},
          strings{"remove", "a"},
          strings{"run-now", "a"},
          strings{"export"},
          strings{"check"}})
    {
        strings args{"--store", missing_url};
        args.insert(args.end(), command.begin(), command.end());
        BOOST_TEST_CONTEXT(command[0])
        check_rejected(run_jobs(args), missing.string() + ": cannot open: no such file");
    }
    BOOST_TEST(!fs::exists(missing));

    const fs::path text = dir / "notes.txt";
    write_text(text, "these are not jobs\n");
    check_rejected(run_jobs({"--store", "sqlite:" + text.string(), "list"}), "not a SQLite database");
    BOOST_TEST(read_text(text) == "these are not jobs\n");
}

// Unknown ids name the id and the store.
BOOST_AUTO_TEST_CASE(unknown_ids)
{
    {
        test_store s(db);
        s.add(make_job("a", "A", R"({"type":"interval","hours":1})", at("2026-07-01T12:00:00Z")));
    }
    for (const char* command : {"show", "pause", "resume", "remove", "run-now"})
    {
        BOOST_TEST_CONTEXT(command)
        check_rejected(run_jobs({"--store", url, command, "nosuch"}), "no job 'nosuch' in " + url);
    }
    test_store s(db);
    BOOST_TEST(s.all().size() == 1u);
}

// An id that starts with '-' follows `--`.
BOOST_AUTO_TEST_CASE(id_after_end_of_options)
{
    {
        test_store s(db);
        s.add(make_job("-odd", "Odd", R"({"type":"interval","hours":1})", at("2026-07-01T12:00:00Z")));
    }
    check_rejected(run_jobs({"--store", url, "pause", "-odd"}), "unknown option '-odd'");
    const auto r = run_jobs({"--store", url, "pause", "--", "-odd"});
    check_ok(r);
    BOOST_TEST(r.out == "paused job '-odd'\n");
}

// Bad import input: the file, the position or the field is named; nothing is imported and no file is created.
BOOST_AUTO_TEST_CASE(bad_import_documents)
{
    const fs::path target = dir / "target.db";
    const std::string target_url = "sqlite:" + target.string();
    const auto import_text = [&](const std::string& text, const std::string& needle) {
        const fs::path file = dir / "input.json";
        write_text(file, text);
        BOOST_TEST_CONTEXT(text)
        {
            const auto r = run_jobs({"--store", target_url, "import", file.string()});
            check_rejected(r, needle);
            BOOST_TEST(r.err.starts_with("asched jobs: import " + file.string() + ": "), r.err);
        }
    };
    import_text("{\n  \"version\": 1,\n  \"jobs\": [x]\n}\n", "not valid JSON at line 3, column 12");
    import_text("", "the input is empty");
    import_text("{\"version\": 1, \"jobs\": []} trailing", "not valid JSON at line 1");
    import_text("[1, 2]", "job export document");
    import_text("{\"version\": 1}", "field \"jobs\": missing");
    import_text("{\"version\": 99, \"jobs\": []}", "field \"version\": 99 is newer");
    const std::string good_job = boost::json::serialize(
        asched::to_document(make_job("a", "A", R"({"type":"interval","hours":1})", at("2026-07-01T12:00:00Z")))
    );
    auto bad_job = asched::to_document(make_job("b", "B", R"({"type":"interval","hours":1})", std::nullopt));
    bad_job["max_instances"] = 0;
    import_text(
        "{\"version\": 1, \"jobs\": [" + good_job + ", " + boost::json::serialize(bad_job) + "]}",
        "jobs[1]: job document \"b\": field \"max_instances\""
    );
    import_text(
        "{\"version\": 1, \"jobs\": [" + good_job + ", " + good_job + "]}",
        "jobs[1]: id 'a' appears twice (also jobs[0])"
    );
    check_rejected(
        run_jobs({"--store", target_url, "import", (dir / "nosuch.json").string()}),
        "nosuch.json: cannot open: No such file or directory"
    );
    check_rejected(run_jobs({"--store", target_url, "import", "-"}), "import stdin: the input is empty");
    BOOST_TEST(!fs::exists(target));
}

// ---- issue 15: reading never writes, check, import all or nothing, unwritable stores --------------------------------

/// The files the reading commands must leave byte for byte: a zero-byte file, a text file, a damaged database.
struct untouchable_files
{
    fs::path empty;
    fs::path text;
    fs::path damaged;

    explicit untouchable_files(const fs::path& dir)
        : empty(dir / "empty.db"), text(dir / "notes.txt"), damaged(dir / "damaged.db")
    {
        std::ofstream{empty};
        write_text(text, "these are not jobs\n");
        {
            test_store s(damaged);
            s.add(make_job("a", "A", R"({"type":"interval","hours":1})", at("2026-07-01T12:00:00Z")));
        }
        asched::test::damage_table(damaged);
    }
};

// list, quarantined, show and export refuse a zero-byte file, a text file and a damaged database, one line naming
// the file and the reason, and leave each byte for byte as it was (without journal files beside the first two);
// so do the commands that write, and check, which reports instead.
BOOST_AUTO_TEST_CASE(reading_commands_leave_empty_text_and_damaged_files_unchanged)
{
    const untouchable_files files(dir);
    const std::vector<std::pair<fs::path, std::string>> cases = {
        {files.empty, "the file is empty (0 bytes), not a SQLite database"},
        {files.text, "the file is not a SQLite database"},
        {files.damaged, "the file is damaged (PRAGMA quick_check: "},
    };
    for (const auto& [file, reason] : cases)
    {
        const std::string before = asched::test::file_bytes(file);
        const std::string file_url = "sqlite:" + file.string();
        for (const strings& command :
             {strings{"list"},
              strings{"quarantined"},
              strings{"show", "a"},
              strings{"export"},
              strings{"pause", "a"},
              strings{"remove", "a"},
              strings{"run-now", "a"}})
        {
            strings args{"--store", file_url};
            args.insert(args.end(), command.begin(), command.end());
            const auto r = run_jobs(args);
            BOOST_TEST_CONTEXT(file.filename() << " " << command[0])
            {
                check_rejected(r, reason);
                BOOST_TEST(r.err.starts_with("asched jobs: sqlite store " + file.string() + ": "), r.err);
            }
        }
        const auto checked = run_jobs({"--store", file_url, "check"});
        BOOST_TEST(checked.status == (file == files.damaged ? 1 : 2), file);
        BOOST_TEST((asched::test::file_bytes(file) == before), file);
    }
    for (const auto& file : {files.empty, files.text})
        for (const char* suffix : {"-wal", "-shm", "-journal"})
            BOOST_TEST(!fs::exists(file.string() + suffix), file << suffix);
    // import, which may create a file, writes into none of them either
    const fs::path input = dir / "import.json";
    write_text(
        input,
        boost::json::serialize(asched::export_document(std::vector<job_description>{
            make_job("b", "B", R"({"type":"interval","hours":2})", std::nullopt),
        }))
    );
    for (const auto& [file, reason] : cases)
    {
        if (file == files.empty)
            continue;  // SQLite takes a zero-byte file for an empty database, which import may fill
        const std::string before = asched::test::file_bytes(file);
        check_rejected(run_jobs({"--store", "sqlite:" + file.string(), "import", input.string()}), reason);
        BOOST_TEST((asched::test::file_bytes(file) == before), file);
    }
}

// check: 0 and "sound" for a good file; 1 with one line per problem for unloadable rows and a damaged file; 2 for a
// file that cannot be opened. The report goes to stdout, and the file is left as it was.
BOOST_AUTO_TEST_CASE(check_reports_and_says_so_in_its_exit_status)
{
    {
        test_store s(db);
        s.add(make_job("good", "Good", R"({"type":"interval","hours":1})", at("2026-07-01T12:00:00Z")));
        s.add(make_job("gone", "Gone", R"({"type":"interval","hours":1})", at("2026-07-01T13:00:00Z")));
        s.quarantine("gone", "task 'old_task' is not registered");
    }
    auto r = run_jobs({"--store", url, "check"});
    check_ok(r);
    BOOST_TEST(
        r.lines() ==
            (strings{
                url + ": integrity_check: ok",
                url + ": 1 job read, 1 loadable; 1 quarantined job (cannot be loaded): see asched jobs --store " + url +
                    " quarantined",
                url + ": sound",
            }),
        boost::test_tools::per_element()
    );

    insert_raw_row(db, "broken", "not json");
    const std::string before = asched::test::file_bytes(db);
    r = run_jobs({"--store", url, "check"});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.err.empty(), r.err);
    BOOST_TEST(
        r.lines() ==
            (strings{
                url + ": integrity_check: ok",
                url + ": job 'broken' cannot be loaded (a scheduler on the file quarantines it): the stored job "
                      "document is not JSON: syntax error",
                url + ": 2 jobs read, 1 loadable; 1 quarantined job (cannot be loaded): see asched jobs --store " +
                    url + " quarantined",
                url + ": 1 problem found",
            }),
        boost::test_tools::per_element()
    );
    BOOST_TEST((asched::test::file_bytes(db) == before));

    const untouchable_files files(dir);
    const std::string damaged_url = "sqlite:" + files.damaged.string();
    r = run_jobs({"--store", damaged_url, "check"});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.err.empty(), r.err);
    BOOST_TEST_REQUIRE(!r.lines().empty());
    BOOST_TEST(r.lines().front().starts_with(damaged_url + ": integrity_check: "), r.out);
    BOOST_TEST(r.lines().front() != damaged_url + ": integrity_check: ok", r.out);
    BOOST_TEST(r.lines().back().ends_with(" found"), r.out);

    check_rejected(run_jobs({"--store", "sqlite:" + files.text.string(), "check"}), "not a SQLite database");
    check_rejected(run_jobs({"--store", "sqlite:" + files.empty.string(), "check"}), "the file is empty");
    check_rejected(run_jobs({"--store", url, "check", "extra"}), "check: unexpected argument 'extra'");
}

// Issue 15: a row changed after it was written (a digit flipped in its document) is reported by the reading
// commands and left as it is, byte for byte; check counts it as a problem; a writing command quarantines it.
BOOST_AUTO_TEST_CASE(a_changed_row_is_reported_left_in_place_and_a_problem_for_check)
{
    {
        test_store s(db);
        s.add(make_job("good", "Good", R"({"type":"interval","hours":1})", at("2027-07-01T12:00:00Z")));
        auto flipped = make_job("flipped", "Flipped", R"({"type":"interval","hours":1})", at("2027-07-01T13:00:00Z"));
        flipped.kwargs = {{"year", 2027}};
        s.add(flipped);
    }
    change_raw_row(
        db,
        R"(UPDATE jobs SET document = replace(document, '"year":2027', '"year":2127') WHERE id = 'flipped')"
    );
    const std::string before = asched::test::file_bytes(db);
    const std::string
        reason = "checksum mismatch: the stored row (its id, next run time or document) changed after it was written";
    const std::string note = "job 'flipped' cannot be loaded (a scheduler on the file quarantines it): " + reason;

    auto r = run_jobs({"--store", url, "list"});
    check_ok(r);
    BOOST_TEST_REQUIRE(r.lines().size() == 3u, r.out);
    BOOST_TEST(r.lines()[1].starts_with("good "));
    BOOST_TEST(r.lines()[2] == note);
    check_rejected(run_jobs({"--store", url, "show", "flipped"}), "cannot be loaded: checksum mismatch");
    r = run_jobs({"--store", url, "export"});
    BOOST_TEST(r.status == 0);
    BOOST_TEST(r.err == "asched jobs: note: not exported: " + note + "\n");
    BOOST_TEST(!contains(r.out, "2127"), r.out);

    r = run_jobs({"--store", url, "check"});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.err.empty(), r.err);
    BOOST_TEST(
        r.lines() == (strings{
                         url + ": integrity_check: ok",
                         url + ": " + note,
                         url + ": 2 jobs read, 1 loadable",
                         url + ": 1 problem found",
                     }),
        boost::test_tools::per_element()
    );
    // Reading never writes
    BOOST_TEST((asched::test::file_bytes(db) == before));

    // A command that writes opens the file as a scheduler does: its read moves the row aside, as it was found
    check_rejected(run_jobs({"--store", url, "pause", "flipped"}), "job 'flipped' is quarantined");
    r = run_jobs({"--store", url, "quarantined"});
    check_ok(r);
    BOOST_TEST_REQUIRE(r.lines().size() == 2u, r.out);
    BOOST_TEST(r.lines()[1] == "flipped  " + reason);
    r = run_jobs({"--store", url, "check"});
    BOOST_TEST(r.status == 0, r.out);
}

// import is all or nothing: a job refused in the middle leaves the store as it was, each refused job has its line,
// and running the same import again, once the cause is gone, imports everything.
BOOST_AUTO_TEST_CASE(import_is_all_or_nothing_and_a_rerun_does_the_rest)
{
    {
        test_store s(db);
        s.add(make_job("b", "Old B", R"({"type":"interval","hours":1})", at("2026-07-01T12:00:00Z")));
        s.add(make_job("d", "Old D", R"({"type":"interval","hours":1})", at("2026-07-01T12:00:00Z")));
    }
    const fs::path file = dir / "import.json";
    std::vector<job_description> jobs;
    for (const char* id : {"a", "b", "c", "d", "e"})
        jobs.push_back(make_job(id, std::string("New ") + id, R"({"type":"interval","hours":2})", std::nullopt));
    write_text(file, boost::json::serialize(asched::export_document(jobs)));
    const auto refused = [&](const std::string& id, int index) {
        return "import " + file.string() + ": job '" + id + "' (jobs[" + std::to_string(index) +
               "]): the id is already in " + url + " (--replace replaces it)";
    };
    check_rejected_lines(
        run_jobs({"--store", url, "import", file.string()}),
        {refused("b", 1),
         refused("d", 3),
         "import " + file.string() + ": nothing was written to " + url +
             " (2 of 5 jobs refused; the import is all or nothing)"}
    );
    {
        test_store s(db);
        const auto stored = s.all();
        BOOST_TEST_REQUIRE(stored.size() == 2u);
        BOOST_TEST(stored[0].name == "Old B");
        BOOST_TEST(stored[1].name == "Old D");
    }
    check_ok(run_jobs({"--store", url, "remove", "b"}));
    check_ok(run_jobs({"--store", url, "remove", "d"}));
    const auto r = run_jobs({"--store", url, "import", file.string()});
    check_ok(r);
    BOOST_TEST(r.out == "imported 5 jobs into " + url + "\n");
    test_store s(db);
    BOOST_TEST((s.all() == jobs));
}

/// A command prefix that runs the command as an unprivileged user: none when the tests are not root; setpriv to
/// user nobody when they are (root writes through permission bits); nullopt when that is not possible here.
std::optional<strings> unprivileged()
{
    if (::geteuid() != 0)
        return strings{};
    strings wrapper{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"};
    if (!fs::exists("/usr/bin/setpriv") && !fs::exists("/bin/setpriv"))
        return std::nullopt;
    // The command must be reachable by that user (the build tree may be private)
    if (run_asched({"--version"}, "/dev/null", wrapper).status != 0)
        return std::nullopt;
    return wrapper;
}

// A store that cannot be written is refused with the reason, by the commands that write; the reading ones still
// read it, on purpose read only. Permission bits, so as user nobody when the tests run as root.
BOOST_AUTO_TEST_CASE(unwritable_file_or_folder_is_refused_for_writing_and_read_read_only)
{
    const auto wrapper = unprivileged();
    if (!wrapper)
    {
        BOOST_TEST_MESSAGE("skipped: running as root without setpriv (or nobody cannot run the command)");
        return;
    }
    {
        test_store s(db);
        s.add(make_job("a", "A", R"({"type":"interval","hours":1})", at("2026-07-01T12:00:00Z")));
    }
    const auto run_unprivileged = [&](strings args) {
        args.insert(args.begin(), "jobs");
        return run_asched(args, "/dev/null", *wrapper);
    };
    using fs::perms;
    const perms readable = perms::owner_read | perms::group_read | perms::others_read;
    const perms everything = perms::owner_all | perms::group_all | perms::others_all;

    // A read-only file in a writable folder
    fs::permissions(dir, everything);
    fs::permissions(db, readable);
    std::string before = asched::test::file_bytes(db);
    check_rejected(
        run_unprivileged({"--store", url, "pause", "a"}),
        "sqlite store " + db.string() + ": cannot open for writing: the file is read-only"
    );
    auto r = run_unprivileged({"--store", url, "list"});
    check_ok(r);
    BOOST_TEST(r.lines().size() == 2u, r.out);
    BOOST_TEST((asched::test::file_bytes(db) == before));

    // A writable file in a read-only folder, where SQLite cannot make its -wal and -shm files
    fs::permissions(db, everything);
    fs::permissions(dir, readable | perms::owner_exec | perms::group_exec | perms::others_exec);
    check_rejected(
        run_unprivileged({"--store", url, "remove", "a"}),
        "cannot open for writing: the folder " + dir.string() + " is read-only"
    );
    r = run_unprivileged({"--store", url, "list"});
    check_ok(r);
    BOOST_TEST(r.lines().size() == 2u, r.out);
    r = run_unprivileged({"--store", url, "check"});
    check_ok(r);
    const fs::path input = dir.parent_path() / (dir.filename().string() + "-import.json");
    write_text(input, "{\"version\": 1, \"jobs\": []}");
    fs::permissions(input, readable);
    check_rejected(
        run_unprivileged({"--store", "sqlite:" + (dir / "new.db").string(), "import", input.string()}),
        "the folder " + dir.string() + " is read-only"
    );
    fs::remove(input);
    BOOST_TEST(!fs::exists(dir / "new.db"));
    BOOST_TEST((asched::test::file_bytes(db) == before));
    fs::permissions(dir, perms::owner_all);
}

#ifdef ASCHED_DEMO_PATH
// The demo reads the file before its scheduler starts and prints every quarantined row with its reason: the rows
// quarantined before, and those its read moved there.
BOOST_AUTO_TEST_CASE(the_demo_prints_every_quarantined_row_with_its_reason)
{
    {
        test_store s(db);
        s.add(make_job("gone", "Gone", R"({"type":"interval","hours":1})", at("2026-07-01T13:00:00Z")));
        s.quarantine("gone", "task 'old_task' is not registered");
    }
    insert_raw_row(db, "broken", "not json");
    const auto r = asched::test::run_program(ASCHED_DEMO_PATH, {"--store", db.string(), "--duration", "0"});
    BOOST_TEST(r.status == 0, r.err);
    const auto lines = r.lines();
    const auto has = [&](const std::string& line) { return std::ranges::find(lines, line) != lines.end(); };
    BOOST_TEST(has("Quarantined in " + db.string() + ": job 'gone': task 'old_task' is not registered"), r.out);
    BOOST_TEST(
        has("Quarantined in " + db.string() +
            " (just now, by this read): job 'broken': the stored job document is not JSON: syntax error"),
        r.out
    );
    // The scheduler never loads them: the quarantine still has both, and the jobs table neither
    test_store s(db);
    BOOST_TEST(s.store.quarantined().size() == 2u);
    BOOST_TEST(!s.find("broken").has_value());
}
#endif

BOOST_AUTO_TEST_SUITE_END()
