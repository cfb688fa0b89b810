// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_LIB_ERROR_TEXT_HPP
#define ASCHED_LIB_ERROR_TEXT_HPP

#include <cstddef>
#include <string>
#include <string_view>

namespace asched::detail {

/// The most bytes of a user's input, as shown, an error message quotes; longer input is cut with "...".
inline constexpr std::size_t quoted_input_limit = 60;

/**
 * User input as an error message may show it: control characters escaped (`\n`, `\t`, `\x1b`), bytes that are not
 * UTF-8 as `\xHH`, and cut with "..." before the shown text would pass `limit` bytes (never inside a character or an
 * escape). Escapes count at their shown width, so input made only of escaped bytes cannot make a message four times
 * longer than plain input. Without quotes: the caller adds the quotes its message uses.
 */
std::string quote_input(std::string_view text, std::size_t limit = quoted_input_limit);

/// The same text in single quotes: `'*/61'`.
inline std::string quoted(std::string_view text, std::size_t limit = quoted_input_limit)
{
    return "'" + quote_input(text, limit) + "'";
}

/// `line` with control characters and bytes that are not UTF-8 escaped as @ref quote_input does, never cut: a log
/// line that may carry text from a store or another process. Plain printable text is returned as it is.
std::string printable_line(std::string_view line);

/// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

/// Whether valid UTF-8 `text` holds a control character (U+0000-U+001F, U+007F-U+009F).
bool has_control_character(std::string_view text) noexcept;

}  // namespace asched::detail

#endif
