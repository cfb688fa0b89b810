// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_LIB_COMPACT_STRING_HPP
#define ASCHED_LIB_COMPACT_STRING_HPP

// A job record's id (lib/scheduler_core.hpp) in 16 bytes instead of std::string's 32.

#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace asched::detail {

/// An immutable string in 16 bytes: up to 15 characters in place (generated job ids have 11), longer ones in a
/// std::string on the heap. Half of std::string's 32 bytes: with the record's other savings, a job record is 256
/// bytes, four whole cache lines (see record_pool for why whole lines matter).
///
/// In place, byte 15 holds 15 minus the length, so that a string of 15 characters ends in the zero that terminates
/// it. On the heap, bytes 0-7 hold the std::string's address and byte 15 the value 0x80, which no length in place
/// gives. A heap std::string, rather than a bare character block, lets a run's job_context refer to a long id
/// without a copy (see as_string).
class compact_string
{
public:
    static constexpr std::size_t max_in_place = 15;

    compact_string() noexcept { set_in_place_size(0); }

    /// A copy of `text`. @throws std::bad_alloc
    explicit compact_string(std::string_view text)
    {
        if (text.size() <= max_in_place)
        {
            if (!text.empty())  // (an empty view's data may be null, which memcpy must not get)
                std::memcpy(bytes_, text.data(), text.size());
            set_in_place_size(text.size());
            return;
        }
        auto* copy = new std::string(text);
        std::memcpy(bytes_, &copy, sizeof copy);
        bytes_[15] = static_cast<char>(heap_tag);
    }

    compact_string(const compact_string&) = delete;
    compact_string& operator=(const compact_string&) = delete;

    ~compact_string() { delete heap_string(); }

    /// Whether the characters live in a std::string on the heap (more than 15 of them).
    bool on_heap() const noexcept { return static_cast<unsigned char>(bytes_[15]) == heap_tag; }

    const char* data() const noexcept { return on_heap() ? heap_string()->data() : bytes_; }

    std::size_t size() const noexcept
    {
        return on_heap() ? heap_string()->size() : max_in_place - static_cast<unsigned char>(bytes_[15]);
    }

    bool empty() const noexcept { return size() == 0; }

    std::string_view view() const noexcept { return {data(), size()}; }

    /// The string as a std::string: the one on the heap, or else one built in `scratch` (no allocation: 15
    /// characters fit std::string's own buffer). Building it costs a third of assigning to an existing string.
    const std::string& as_string(std::optional<std::string>& scratch) const
    {
        if (const std::string* s = heap_string())
            return *s;
        return scratch.emplace(bytes_, max_in_place - static_cast<unsigned char>(bytes_[15]));
    }

    // Converts as std::string's own id did, so that the scheduler's code reads the same
    operator std::string_view() const noexcept { return view(); }  // NOLINT(google-explicit-constructor)
    operator std::string() const { return std::string(view()); }   // NOLINT(google-explicit-constructor)

    friend bool operator==(const compact_string& a, const compact_string& b) noexcept { return a.view() == b.view(); }
    friend bool operator==(const compact_string& a, std::string_view b) noexcept { return a.view() == b; }
    friend auto operator<=>(const compact_string& a, const compact_string& b) noexcept { return a.view() <=> b.view(); }
    friend auto operator<=>(const compact_string& a, std::string_view b) noexcept { return a.view() <=> b; }

    // For messages: "job '" + id + "'"
    friend std::string operator+(const char* a, const compact_string& b) { return std::string(a).append(b.view()); }
    friend std::string operator+(std::string&& a, const compact_string& b) { return std::move(a.append(b.view())); }
    friend std::string operator+(const std::string& a, const compact_string& b) { return std::string(a) + b; }

private:
    static constexpr unsigned char heap_tag = 0x80;

    void set_in_place_size(std::size_t n) noexcept
    {
        bytes_[n] = '\0';  // for n < 15; at 15 the size byte below is the zero
        bytes_[15] = static_cast<char>(max_in_place - n);
    }

    /// The std::string on the heap, or null when the characters are in place.
    std::string* heap_string() const noexcept
    {
        if (!on_heap())
            return nullptr;
        std::string* s = nullptr;
        std::memcpy(&s, bytes_, sizeof s);
        return s;
    }

    alignas(8) char bytes_[16];
};

static_assert(sizeof(compact_string) == 16);

}  // namespace asched::detail

#endif
