// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#include "error_text.hpp"

#include <asched/errors.hpp>

#include <cstdint>
#include <cstdio>

namespace asched {
namespace detail {
namespace {

// The length of the UTF-8 sequence starting at text[i], or 0 when the bytes there are not one
std::size_t utf8_sequence_length(std::string_view text, std::size_t i)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    std::size_t length = 0;
    std::uint32_t code = 0;
    if (lead < 0x80)
        return 1;
    if (lead >= 0xc2 && lead <= 0xdf)
        length = 2, code = lead & 0x1fu;
    else if (lead >= 0xe0 && lead <= 0xef)
        length = 3, code = lead & 0x0fu;
    else if (lead >= 0xf0 && lead <= 0xf4)
        length = 4, code = lead & 0x07u;
    else
        return 0;
    if (i + length > text.size())
        return 0;
    for (std::size_t k = 1; k < length; ++k)
    {
        if ((byte(i + k) & 0xc0u) != 0x80u)
            return 0;
        code = (code << 6) | (byte(i + k) & 0x3fu);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8
    if ((length == 3 && code < 0x800) || (length == 4 && (code < 0x10000 || code > 0x10ffff)) ||
        (code >= 0xd800 && code <= 0xdfff))
        return 0;
    return length;
}

// The code point of a valid sequence
std::uint32_t code_point(std::string_view text, std::size_t i, std::size_t length)
{
    const auto lead = static_cast<unsigned char>(text[i]);
    if (length == 1)
        return lead;
    std::uint32_t code = lead & (0x7fu >> length);
    for (std::size_t k = 1; k < length; ++k)
        code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3fu);
    return code;
}

std::string hex_escape(unsigned value)
{
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, value < 0x100 ? "\\x%02x" : "\\u%04x", value);
    return buffer;
}

// One character of text as a message shows it: itself, or an escape
std::string shown(std::string_view text, std::size_t i, std::size_t length)
{
    if (length == 0)
        return hex_escape(static_cast<unsigned char>(text[i]));
    const std::uint32_t c = code_point(text, i, length);
    switch (c)
    {
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default: break;
    }
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029)
        return hex_escape(c);
    return std::string(text.substr(i, length));
}

// Whether every byte is printable ASCII: the common case, which needs no escaping
bool is_printable_ascii(std::string_view text) noexcept
{
    for (const char c : text)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            return false;
    return true;
}

}  // namespace

std::string quote_input(std::string_view text, std::size_t limit)
{
    std::string out;
    for (std::size_t i = 0; i < text.size();)
    {
        const std::size_t length = utf8_sequence_length(text, i);
        const std::string piece = shown(text, i, length);
        if (out.size() + piece.size() > limit)
            return out + "...";
        out += piece;
        i += length == 0 ? 1 : length;
    }
    return out;
}

std::string printable_line(std::string_view line)
{
    if (is_printable_ascii(line))
        return std::string(line);
    return is_valid_utf8(line) && !has_control_character(line) ? std::string(line)
                                                               : quote_input(line, std::string_view::npos);
}

bool is_valid_utf8(std::string_view text) noexcept
{
    for (std::size_t i = 0; i < text.size();)
    {
        const std::size_t length = utf8_sequence_length(text, i);
        if (length == 0)
            return false;
        i += length;
    }
    return true;
}

bool has_control_character(std::string_view text) noexcept
{
    for (std::size_t i = 0; i < text.size();)
    {
        const std::size_t length = utf8_sequence_length(text, i);
        if (length == 0)
            return false;  // not a character at all: is_valid_utf8 reports it
        const std::uint32_t c = code_point(text, i, length);
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
            return true;
        i += length;
    }
    return false;
}

std::string one_line_message(std::string message)
{
    // The common case, plain ASCII without control characters and of a sane length, is kept as it is
    constexpr std::size_t message_limit = 1024;
    const bool plain = message.size() <= message_limit && is_printable_ascii(message);
    return plain ? message : quote_input(message, message_limit);
}

}  // namespace detail
void validate_job_id(std::string_view id)
{
    using detail::quoted;
    if (id.empty())
        throw invalid_job_id("job id: must not be empty");
    if (id.size() > max_job_id_length)
        throw invalid_job_id(
            "job id " + quoted(id) + ": " + std::to_string(id.size()) + " bytes is longer than the limit of " +
            std::to_string(max_job_id_length)
        );
    if (!detail::is_valid_utf8(id))
        throw invalid_job_id("job id " + quoted(id) + ": is not valid UTF-8");
    if (detail::has_control_character(id))
        throw invalid_job_id("job id " + quoted(id) + ": holds a control character (shown escaped)");
}

}  // namespace asched
