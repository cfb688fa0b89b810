// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_TOOLS_TEXT_FORMAT_HPP
#define ASCHED_TOOLS_TEXT_FORMAT_HPP

#include <boost/json/value.hpp>

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace asched::tools {

/// One row of a table, one string a column.
using table_row = std::vector<std::string>;

/// Prints `rows` (the first is the header) as columns separated by two spaces, each padded to its widest cell
/// (counted in UTF-8 code points); the last column is not padded, so no line ends in spaces.
void print_table(std::ostream& out, const std::vector<table_row>& rows);

/// `text` with each control character (newline, tab, ...) replaced by a space: safe in a table cell or one line.
std::string single_line(std::string_view text);

/// `value` as JSON with a 2-space indent, one member or element a line (`{}` and `[]` when empty); no final newline.
std::string pretty_json(const boost::json::value& value);

}  // namespace asched::tools

#endif
