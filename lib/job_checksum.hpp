// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_LIB_JOB_CHECKSUM_HPP
#define ASCHED_LIB_JOB_CHECKSUM_HPP

// The checksums the job stores keep beside each row, so that a row changed after it was written (a flipped digit in
// its document or in its next run time column) is quarantined instead of run with altered data.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace asched::detail {

/// The reason a row whose checksum does not match is quarantined with (`asched jobs check` reports it too).
inline constexpr std::string_view checksum_mismatch_reason =
    "checksum mismatch: the stored row (its id, next run time or document) changed after it was written";

/**
 * CRC-32C (the Castagnoli polynomial, as iSCSI, ext4 and SQLite's WAL do), reflected, with the usual pre- and
 * post-inversion: crc32c("123456789") == 0xE3069283. `crc` continues a checksum:
 * crc32c(b, crc32c(a)) == crc32c(a + b). Uses the SSE 4.2 instruction where the CPU has it.
 */
std::uint32_t crc32c(std::string_view bytes, std::uint32_t crc = 0) noexcept;

/// The same function, always computed with the lookup table (tests compare it with the instruction).
std::uint32_t crc32c_portable(std::string_view bytes, std::uint32_t crc = 0) noexcept;

/// The SQLite store's row checksum: CRC-32C of id, '\0', the next run time in microseconds as decimal or "null",
/// '\0', then the document's bytes exactly as stored (SQLite keeps text as it was written).
std::uint32_t row_checksum(
    std::string_view id,
    std::optional<std::int64_t> next_run_time_us,
    std::string_view document
) noexcept;

/**
 * A byte string that is the same for every JSON text of the same value, and differs for texts of different values:
 * object members sorted by key (of equal keys the last one kept, as jsonb does), strings as their decoded bytes,
 * numbers as their exact decimal value (1.5E0, 1.50 and 15e-1 alike), no white space. It is only hashed, never
 * parsed back. nullopt when `text` is not JSON.
 *
 * PostgreSQL's jsonb keeps the value of a document, not its text, so this is what the PostgreSQL store's checksum
 * covers: no floating point is involved, so it cannot differ by a rounding between the text asched sent and the
 * one the server returns.
 */
std::optional<std::string> canonical_json(std::string_view text);

/// The PostgreSQL store's document checksum: CRC-32C of id, '\0', then canonical_json(document); nullopt when the
/// document is not JSON.
std::optional<std::uint32_t> document_checksum(std::string_view id, std::string_view document);

/// The PostgreSQL store's next run time checksum: CRC-32C of id, '\0', then the next run time in microseconds as
/// decimal or "null". Kept apart from the document's, as a fire rewrites the column alone.
std::uint32_t next_run_time_checksum(std::string_view id, std::optional<std::int64_t> next_run_time_us) noexcept;

}  // namespace asched::detail

#endif
