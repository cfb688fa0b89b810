// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include "job_checksum.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstring>
#include <utility>
#include <vector>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#define ASCHED_CRC32C_SSE42 1
#endif

namespace asched::detail {

namespace {

constexpr std::uint32_t castagnoli_reflected = 0x82F63B78;

constexpr std::array<std::uint32_t, 256> make_crc32c_table()
{
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i)
    {
        std::uint32_t c = i;
        for (int bit = 0; bit < 8; ++bit)
            c = (c & 1) ? (c >> 1) ^ castagnoli_reflected : c >> 1;
        table[i] = c;
    }
    return table;
}

constexpr auto crc32c_table = make_crc32c_table();

#ifdef ASCHED_CRC32C_SSE42
__attribute__((target("sse4.2"))) std::uint32_t crc32c_sse42(std::string_view bytes, std::uint32_t crc) noexcept
{
    std::uint64_t c = ~crc;
    const char* p = bytes.data();
    std::size_t n = bytes.size();
    for (; n >= 8; n -= 8, p += 8)
    {
        std::uint64_t word;
        std::memcpy(&word, p, sizeof word);  // unaligned, and no aliasing of the text's bytes
        c = _mm_crc32_u64(c, word);
    }
    auto c32 = static_cast<std::uint32_t>(c);
    for (; n > 0; --n, ++p)
        c32 = _mm_crc32_u8(c32, static_cast<unsigned char>(*p));
    return ~c32;
}

bool cpu_has_sse42() noexcept
{
    static const bool has = __builtin_cpu_supports("sse4.2");
    return has;
}
#endif

/// A JSON number's exact value, written as sign, significant digits and exponent ("d-15e-1;" for -1.50): every
/// spelling of one value gives the same text, and no floating-point rounding is involved.
std::string canonical_number(std::string_view text)
{
    std::size_t i = 0;
    const bool negative = i < text.size() && text[i] == '-';
    if (negative)
        ++i;
    std::string digits;
    std::int64_t exponent = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
        digits += text[i];
    if (i < text.size() && text[i] == '.')
        for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, --exponent)
            digits += text[i];
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E'))
    {
        ++i;
        const bool negative_exponent = i < text.size() && text[i] == '-';
        if (i < text.size() && (text[i] == '-' || text[i] == '+'))
            ++i;
        // Saturates far beyond any value a store keeps (PostgreSQL's numeric ends near 1e131072)
        std::int64_t written = 0;
        for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
            written = std::min<std::int64_t>(written * 10 + (text[i] - '0'), std::int64_t{1} << 40);
        exponent += negative_exponent ? -written : written;
    }
    const auto first = digits.find_first_not_of('0');
    if (first == std::string::npos)
        return "d0;";  // -0 and 0.0e5 too: jsonb has no negative zero
    digits.erase(0, first);
    while (digits.back() == '0')
    {
        digits.pop_back();
        ++exponent;
    }
    return std::string("d") + (negative ? "-" : "") + digits + "e" + std::to_string(exponent) + ";";
}

/// Length-prefixed, so no escaping is needed: "s3:abc".
void append_string(std::string& out, std::string_view bytes)
{
    out += 's';
    out += std::to_string(bytes.size());
    out += ':';
    out += bytes;
}

/// Boost.JSON's SAX interface: builds canonical_json's text bottom-up, one frame per open array or object.
class canonical_handler
{
public:
    static constexpr std::size_t max_object_size = std::size_t(-1);
    static constexpr std::size_t max_array_size = std::size_t(-1);
    static constexpr std::size_t max_key_size = std::size_t(-1);
    static constexpr std::size_t max_string_size = std::size_t(-1);

    std::string result;

    bool on_document_begin(boost::json::error_code&) { return true; }
    bool on_document_end(boost::json::error_code&) { return true; }
    bool on_array_begin(boost::json::error_code&)
    {
        frames_.push_back({false, "[", {}, {}});
        return true;
    }
    bool on_array_end(std::size_t, boost::json::error_code&)
    {
        std::string text = std::move(frames_.back().text);
        frames_.pop_back();
        emit(std::move(text) + "]");
        return true;
    }
    bool on_object_begin(boost::json::error_code&)
    {
        frames_.push_back({true, {}, {}, {}});
        return true;
    }
    bool on_object_end(std::size_t, boost::json::error_code&)
    {
        auto members = std::move(frames_.back().members);
        frames_.pop_back();
        emit(object_text(std::move(members)));
        return true;
    }
    bool on_string_part(boost::json::string_view s, std::size_t, boost::json::error_code&)
    {
        part_.append(s.data(), s.size());
        return true;
    }
    bool on_string(boost::json::string_view s, std::size_t, boost::json::error_code&)
    {
        part_.append(s.data(), s.size());
        std::string text;
        append_string(text, part_);
        part_.clear();
        emit(std::move(text));
        return true;
    }
    bool on_key_part(boost::json::string_view s, std::size_t, boost::json::error_code&)
    {
        part_.append(s.data(), s.size());
        return true;
    }
    bool on_key(boost::json::string_view s, std::size_t, boost::json::error_code&)
    {
        part_.append(s.data(), s.size());
        frames_.back().key = std::move(part_);
        part_.clear();
        return true;
    }
    bool on_number_part(boost::json::string_view s, boost::json::error_code&)
    {
        part_.append(s.data(), s.size());
        return true;
    }
    bool on_int64(std::int64_t, boost::json::string_view s, boost::json::error_code&) { return number(s); }
    bool on_uint64(std::uint64_t, boost::json::string_view s, boost::json::error_code&) { return number(s); }
    bool on_double(double, boost::json::string_view s, boost::json::error_code&) { return number(s); }
    bool on_bool(bool b, boost::json::error_code&)
    {
        emit(b ? "t" : "f");
        return true;
    }
    bool on_null(boost::json::error_code&)
    {
        emit("n");
        return true;
    }
    bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
    bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }

private:
    struct frame
    {
        bool object;
        std::string text;                                          // an array's elements so far
        std::vector<std::pair<std::string, std::string>> members;  // an object's (key, value) pairs so far
        std::string key;                                           // the key whose value comes next
    };

    bool number(boost::json::string_view last)
    {
        part_.append(last.data(), last.size());
        std::string text = canonical_number(part_);
        part_.clear();
        emit(std::move(text));
        return true;
    }

    void emit(std::string value)
    {
        if (frames_.empty())
            result = std::move(value);
        else if (frame& top = frames_.back(); top.object)
            top.members.emplace_back(std::move(top.key), std::move(value));
        else
            top.text += value;
    }

    static std::string object_text(std::vector<std::pair<std::string, std::string>> members)
    {
        std::stable_sort(members.begin(), members.end(), [](const auto& a, const auto& b) {
            return a.first < b.first;
        });
        std::string text = "{";
        for (std::size_t i = 0; i < members.size(); ++i)
        {
            // Of equal keys the last one counts, as jsonb keeps it
            if (i + 1 < members.size() && members[i + 1].first == members[i].first)
                continue;
            append_string(text, members[i].first);
            text += members[i].second;
        }
        return text + "}";
    }

    std::vector<frame> frames_;
    std::string part_;  // the string, key or number being read
};

}  // namespace

std::uint32_t crc32c_portable(std::string_view bytes, std::uint32_t crc) noexcept
{
    std::uint32_t c = ~crc;
    for (const char byte : bytes)
        c = crc32c_table[(c ^ static_cast<unsigned char>(byte)) & 0xff] ^ (c >> 8);
    return ~c;
}

std::uint32_t crc32c(std::string_view bytes, std::uint32_t crc) noexcept
{
#ifdef ASCHED_CRC32C_SSE42
    if (cpu_has_sse42())
        return crc32c_sse42(bytes, crc);
#endif
    return crc32c_portable(bytes, crc);
}

std::uint32_t row_checksum(
    std::string_view id,
    std::optional<std::int64_t> next_run_time_us,
    std::string_view document
) noexcept
{
    // CRC-32C continues: this is crc32c(id '\0' next '\0' document) in one pass over each part
    const std::uint32_t crc = crc32c(std::string_view("\0", 1), next_run_time_checksum(id, next_run_time_us));
    return crc32c(document, crc);
}

std::optional<std::string> canonical_json(std::string_view text)
{
    boost::json::basic_parser<canonical_handler> parser(boost::json::parse_options{});
    boost::json::error_code ec;
    const std::size_t read = parser.write_some(false, text.data(), text.size(), ec);
    // The parser stops at the end of the first value: anything but white space after it is not JSON either
    const bool only_space_after = text.find_first_not_of(" \t\n\r", read) == std::string_view::npos;
    if (ec || !parser.done() || !only_space_after)
        return std::nullopt;
    return std::move(parser.handler().result);
}

std::optional<std::uint32_t> document_checksum(std::string_view id, std::string_view document)
{
    const auto canonical = canonical_json(document);
    if (!canonical)
        return std::nullopt;
    std::uint32_t crc = crc32c(id);
    crc = crc32c(std::string_view("\0", 1), crc);
    return crc32c(*canonical, crc);
}

std::uint32_t next_run_time_checksum(std::string_view id, std::optional<std::int64_t> next_run_time_us) noexcept
{
    std::uint32_t crc = crc32c(id);
    crc = crc32c(std::string_view("\0", 1), crc);
    char digits[24];
    std::string_view next = "null";
    if (next_run_time_us)
        next = std::string_view(digits, std::to_chars(digits, digits + sizeof digits, *next_run_time_us).ptr);
    return crc32c(next, crc);
}

}  // namespace asched::detail
