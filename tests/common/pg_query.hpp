// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// One SQL statement run to completion on a connection of its own, for tests and benchmarks that look at a database
// from outside the store (a final look at the jobs table, pg_stat_statements).
#ifndef ASCHED_TESTS_COMMON_PG_QUERY_HPP
#define ASCHED_TESTS_COMMON_PG_QUERY_HPP

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace asched::test {

/// Rows of a result: each column's text, none for NULL.
using pg_rows = std::vector<std::vector<std::optional<std::string>>>;

/// Connects to `conninfo` (within 5 s), runs `sql` and returns its rows, waiting at most `timeout` in all. Throws
/// std::runtime_error with the server's message and the statement when the connection or the statement fails.
pg_rows query_rows(const std::string& conninfo, const std::string& sql, std::chrono::seconds timeout);

}  // namespace asched::test

#endif
