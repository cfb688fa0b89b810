// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_LIB_JOB_IDS_HPP
#define ASCHED_LIB_JOB_IDS_HPP

// The ids a scheduler gives the jobs added without one, and the way back from such an id to its number.

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <random>
#include <string_view>

namespace asched::detail {

/// Ids of 11 base-62 characters (they fit std::string's small buffer), one per number 0, 1, 2, ...: a bijective
/// mix (splitmix64) of a per-scheduler random seed and the number, so ids never repeat within a scheduler and are
/// unlikely to meet across schedulers. The mix is inverted by number_of, which lets the scheduler's index keep the
/// jobs of generated ids in an array by number (lib/job_index.hpp) instead of at random places in a hash table.
class job_id_generator
{
    static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    // Every two-digit number in base 62, least significant digit first
    static constexpr auto digit_pairs = [] {
        std::array<char, 2 * 62 * 62> pairs{};
        for (std::size_t i = 0; i < 62 * 62; ++i)
        {
            pairs[2 * i] = digits[i % 62];
            pairs[2 * i + 1] = digits[i / 62];
        }
        return pairs;
    }();
    // The value of each character as a base-62 digit, or not_a_digit
    static constexpr std::uint8_t not_a_digit = 0x80;
    static constexpr auto digit_values = [] {
        std::array<std::uint8_t, 256> values{};
        values.fill(not_a_digit);
        for (std::uint8_t i = 0; i < 62; ++i)
            values[static_cast<unsigned char>(digits[i])] = i;
        return values;
    }();

    static constexpr std::uint64_t golden = 0x9E3779B97F4A7C15ULL;
    static constexpr std::uint64_t multiplier_1 = 0xBF58476D1CE4E5B9ULL;
    static constexpr std::uint64_t multiplier_2 = 0x94D049BB133111EBULL;

    /// The inverse of an odd number modulo 2^64 (Newton's iteration doubles the correct low bits each step).
    static constexpr std::uint64_t inverse(std::uint64_t odd)
    {
        std::uint64_t x = odd;  // correct to 3 bits: odd * odd = 1 (mod 8)
        for (int i = 0; i < 5; ++i)
            x *= 2 - odd * x;
        return x;
    }

public:
    /// Characters in every generated id.
    static constexpr std::size_t length = 11;

    /// A generator whose seed is drawn from std::random_device.
    job_id_generator() : seed_(std::random_device{}() ^ (std::uint64_t{std::random_device{}()} << 32)) {}

    /// A generator with a given seed (tests).
    explicit job_id_generator(std::uint64_t seed) noexcept : seed_(seed) {}

    /// The number the next id will have; the numbers given so far are those below it.
    std::uint64_t next_number() const noexcept { return next_; }

    /// Writes the next id into `text` and answers its number.
    std::uint64_t next(char (&text)[length]) noexcept
    {
        write(next_, text);
        return next_++;
    }

    /// The number of `id` if it has the shape of an id of this generator (given or not), else none.
    std::optional<std::uint64_t> number_of(std::string_view id) const noexcept
    {
        if (id.size() != length)
            return std::nullopt;
        // The ten low digits first, below 62^10 < 2^60: no overflow, and one test for a non-digit at the end
        std::uint64_t x = 0;
        unsigned seen = 0;
        for (std::size_t i = length - 1; i-- > 0;)
        {
            const unsigned digit = digit_values[static_cast<unsigned char>(id[i])];
            seen |= digit;
            x = x * 62 + digit;
        }
        const unsigned top = digit_values[static_cast<unsigned char>(id[length - 1])];
        constexpr std::uint64_t ten_digits = 839'299'365'868'340'224ULL;  // 62^10
        // 62^11 > 2^64: the largest ids of this shape are no mix's output
        if (((seen | top) & not_a_digit) != 0 || top > 21 || __builtin_add_overflow(x, top * ten_digits, &x))
            return std::nullopt;
        // splitmix64's finalizer, step by step backwards: x ^= x >> s is undone by x ^ x >> s ^ x >> 2s ...
        x ^= (x >> 31) ^ (x >> 62);
        x *= inverse(multiplier_2);
        x ^= (x >> 27) ^ (x >> 54);
        x *= inverse(multiplier_1);
        x ^= (x >> 30) ^ (x >> 60);
        return (x - seed_) * inverse(golden) - 1;
    }

private:
    /// The id of `number`: the base-62 digits of the mix, least significant first. Two groups of five digits
    /// (62^5 < 2^32, so 32-bit arithmetic), each written as two pairs of digits from a table and one digit, then
    /// the last digit.
    void write(std::uint64_t number, char (&text)[length]) const noexcept
    {
        std::uint64_t z = seed_ + (number + 1) * golden;  // splitmix64's state after number + 1 steps
        z = (z ^ (z >> 30)) * multiplier_1;
        z = (z ^ (z >> 27)) * multiplier_2;
        z ^= z >> 31;
        constexpr std::uint32_t pair = 62 * 62;
        constexpr std::uint64_t group = std::uint64_t{pair} * pair * 62;
        const std::uint64_t high = z / group;
        const auto write_group = [&text](char* at, std::uint32_t value) {
            for (int i = 0; i < 2; ++i, at += 2)
            {
                const std::uint32_t rest = value / pair;
                std::memcpy(at, &digit_pairs[2 * (value - rest * pair)], 2);
                value = rest;
            }
            *at = digits[value];
        };
        write_group(text, static_cast<std::uint32_t>(z - high * group));
        write_group(text + 5, static_cast<std::uint32_t>(high % group));
        text[10] = digits[high / group];  // (below 22)
    }

    std::uint64_t seed_;
    std::uint64_t next_{0};
};

}  // namespace asched::detail

#endif
