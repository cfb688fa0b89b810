// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_TOOLS_JOBS_COMMAND_HPP
#define ASCHED_TOOLS_JOBS_COMMAND_HPP

#include <iosfwd>
#include <string>
#include <vector>

namespace asched::tools {

/// The text of `asched jobs --help`.
extern const char* const jobs_usage;

/// `asched jobs --store sqlite:PATH COMMAND [ARGUMENTS]`: lists, shows, pauses, resumes, removes, runs now, exports,
/// imports and checks the jobs of a SQLite job store, also while a scheduler runs on the file. `in` is read by
/// `import -`. Returns the exit status: 0; 1 when `check` found problems (its report on `out`); or 2 after one line
/// on `err` (bad arguments, a store that cannot be opened, an unknown id, a bad import document; import first
/// prints one line per job it could not write), and nothing is written to `out` then.
int run_jobs_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace asched::tools

#endif
