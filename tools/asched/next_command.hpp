// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_TOOLS_NEXT_COMMAND_HPP
#define ASCHED_TOOLS_NEXT_COMMAND_HPP

#include <iosfwd>
#include <string>
#include <vector>

namespace asched::tools {

/// `asched next TRIGGER [--from DATETIME] [--count N] [--tz ZONE]`: prints the trigger's next fire times.
/// Returns the exit status: 0, or 2 after one line on `err` for bad input.
int run_next_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace asched::tools

#endif
