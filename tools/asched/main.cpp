// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
// The `asched` command: previews triggers, and shows and edits the jobs in a job store.
#include <asched/version.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "jobs_command.hpp"
#include "next_command.hpp"

namespace {

constexpr const char* usage =
    "usage: asched next TRIGGER [--from DATETIME] [--count N] [--tz ZONE]\n"
    "\n"
    "  TRIGGER    a trigger's JSON form ('{\"type\": \"cron\", \"hour\": 9}') or a crontab string ('0 9 * * mon-fri')\n"
    "  --from     the first 'now' (ISO 8601; without an offset: local time in the trigger's zone). Default: now\n"
    "  --count    how many fire times to print. Default: 10\n"
    "  --tz       the zone for a trigger that names none. Default: UTC\n"
    "\n"
    "usage: asched jobs --store sqlite:PATH <list | quarantined | show ID | pause ID | resume ID | remove ID |\n"
    "                                        run-now ID | export | import FILE [--replace] | check>\n"
    "\n"
    "  shows and edits the jobs in a SQLite job store, also beside a running scheduler (see asched jobs --help)\n";

}  // namespace

int main(int argc, char** argv)
{
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help")
    {
        (args.empty() ? std::cerr : std::cout) << usage;
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version")
    {
        std::cout << "asched " << asched::version() << '\n';
        return 0;
    }
    if (args[0] == "next")
        return asched::tools::run_next_command({args.begin() + 1, args.end()}, std::cout, std::cerr);
    if (args[0] == "jobs")
        return asched::tools::run_jobs_command({args.begin() + 1, args.end()}, std::cin, std::cout, std::cerr);
    std::cerr << "asched: unknown command '" << args[0] << "' (known: next, jobs; see asched --help)\n";
    return 2;
}
