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

/// Appends a JSON number's exact value as sign, significant digits and exponent ("d-15e-1;" for -1.50): every
/// spelling of one value gives the same text, and no floating-point rounding is involved. `digits` is scratch space.
void append_canonical_number(std::string& out, std::string_view text, std::string& digits)
{
    std::size_t i = 0;
    const bool negative = i < text.size() && text[i] == '-';
    if (negative)
        ++i;
    digits.clear();
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
    {
        out += "d0;";  // -0 and 0.0e5 too: jsonb has no negative zero
        return;
    }
    auto last = digits.find_last_not_of('0');
    exponent += static_cast<std::int64_t>(digits.size() - 1 - last);
    out += 'd';
    if (negative)
        out += '-';
    out.append(digits, first, last + 1 - first);
    out += 'e';
    char text_of_exponent[24];
    out.append(text_of_exponent, std::to_chars(text_of_exponent, text_of_exponent + 24, exponent).ptr);
    out += ';';
}

/// Length-prefixed, so no escaping is needed: "s3:abc".
void append_string(std::string& out, std::string_view bytes)
{
    char length[24];
    out += 's';
    out.append(length, std::to_chars(length, length + 24, bytes.size()).ptr);
    out += ':';
    out += bytes;
}

/**
 * Boost.JSON's SAX interface: writes canonical_json's text into one buffer as the values come. An object's members
 * are written as they come too, each remembered as a range of the buffer; at the object's end they are put in key
 * order (ordered by their encoded keys, a fixed function of the key bytes), with no allocation per value.
 */
class canonical_handler
{
public:
    static constexpr std::size_t max_object_size = std::size_t(-1);
    static constexpr std::size_t max_array_size = std::size_t(-1);
    static constexpr std::size_t max_key_size = std::size_t(-1);
    static constexpr std::size_t max_string_size = std::size_t(-1);

    explicit canonical_handler(std::size_t text_size) { out_.reserve(text_size + 16); }

    std::string& result() { return out_; }

    bool on_document_begin(boost::json::error_code&) { return true; }
    bool on_document_end(boost::json::error_code&) { return true; }
    bool on_array_begin(boost::json::error_code&)
    {
        frames_.push_back({false, out_.size(), members_.size(), 0, 0});
        out_ += '[';
        return true;
    }
    bool on_array_end(std::size_t, boost::json::error_code&)
    {
        out_ += ']';
        frames_.pop_back();
        value_written();
        return true;
    }
    bool on_object_begin(boost::json::error_code&)
    {
        frames_.push_back({true, out_.size(), members_.size(), 0, 0});
        out_ += '{';
        return true;
    }
    bool on_object_end(std::size_t, boost::json::error_code&)
    {
        put_members_in_order(frames_.back());
        frames_.pop_back();
        value_written();
        return true;
    }
    bool on_string_part(boost::json::string_view s, std::size_t, boost::json::error_code&)
    {
        part_.append(s.data(), s.size());
        return true;
    }
    bool on_string(boost::json::string_view s, std::size_t, boost::json::error_code&)
    {
        append_string(out_, whole(s));
        part_.clear();
        value_written();
        return true;
    }
    bool on_key_part(boost::json::string_view s, std::size_t, boost::json::error_code&)
    {
        part_.append(s.data(), s.size());
        return true;
    }
    bool on_key(boost::json::string_view s, std::size_t, boost::json::error_code&)
    {
        frame& object = frames_.back();
        object.key_begin = out_.size();
        append_string(out_, whole(s));
        object.value_begin = out_.size();
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
        out_ += b ? 't' : 'f';
        value_written();
        return true;
    }
    bool on_null(boost::json::error_code&)
    {
        out_ += 'n';
        value_written();
        return true;
    }
    bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
    bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }

private:
    /// An open array or object: where it begins in the buffer; an object's first member in members_, and the
    /// ranges of the key and value being written.
    struct frame
    {
        bool object;
        std::size_t begin;
        std::size_t first_member;
        std::size_t key_begin;
        std::size_t value_begin;
    };
    /// One member of an open object: its encoded key is [key_begin, value_begin), its value [value_begin, end).
    struct member
    {
        std::size_t key_begin;
        std::size_t value_begin;
        std::size_t end;
    };

    /// The text of a string, key or number: its last part, after the earlier ones if it came in several.
    std::string_view whole(boost::json::string_view last)
    {
        if (part_.empty())
            return {last.data(), last.size()};
        part_.append(last.data(), last.size());
        return part_;
    }

    bool number(boost::json::string_view last)
    {
        append_canonical_number(out_, whole(last), scratch_);
        part_.clear();
        value_written();
        return true;
    }

    void value_written()
    {
        if (!frames_.empty() && frames_.back().object)
            members_.push_back({frames_.back().key_begin, frames_.back().value_begin, out_.size()});
    }

    std::string_view key_of(const member& m) const
    {
        return std::string_view(out_).substr(m.key_begin, m.value_begin - m.key_begin);
    }

    void put_members_in_order(const frame& object)
    {
        const auto first = members_.begin() + static_cast<std::ptrdiff_t>(object.first_member);
        std::stable_sort(first, members_.end(), [this](const member& a, const member& b) {
            return key_of(a) < key_of(b);
        });
        scratch_.assign(1, '{');
        for (auto m = first; m != members_.end(); ++m)
        {
            // Of equal keys the last one counts, as jsonb keeps it
            if (std::next(m) != members_.end() && key_of(*std::next(m)) == key_of(*m))
                continue;
            scratch_.append(out_, m->key_begin, m->end - m->key_begin);
        }
        scratch_ += '}';
        members_.erase(first, members_.end());
        out_.resize(object.begin);
        out_ += scratch_;
    }

    std::string out_;              // the canonical text of everything read so far
    std::vector<frame> frames_;    // the open arrays and objects, innermost last
    std::vector<member> members_;  // the members of every open object, innermost object's last
    std::string part_;             // the string, key or number read so far, when it comes in parts
    std::string scratch_;
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
    boost::json::basic_parser<canonical_handler> parser(boost::json::parse_options{}, text.size());
    boost::json::error_code ec;
    const std::size_t read = parser.write_some(false, text.data(), text.size(), ec);
    // The parser stops at the end of the first value: anything but white space after it is not JSON either
    const bool only_space_after = text.find_first_not_of(" \t\n\r", read) == std::string_view::npos;
    if (ec || !parser.done() || !only_space_after)
        return std::nullopt;
    return std::move(parser.handler().result());
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
