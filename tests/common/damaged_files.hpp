// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// Files a job store must not change: a damaged database, and their bytes to compare before and after.

#ifndef ASCHED_TESTS_COMMON_DAMAGED_FILES_HPP
#define ASCHED_TESTS_COMMON_DAMAGED_FILES_HPP

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sqlite3.h>
#include <string>

namespace asched::test {

/// A file's bytes, to compare before and after.
inline std::string file_bytes(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/**
 * Damages the b-tree root page of table `table` in the closed database `db` (a closed store has no -wal file: its
 * last connection checkpointed and removed it): its header says it holds 9 cells, and each points past the page's
 * end. The file still opens (its first page is intact), but `PRAGMA quick_check` fails, and so does reading the table.
 */
inline void damage_table(const std::filesystem::path& db, const std::string& table = "jobs")
{
    BOOST_REQUIRE(!std::filesystem::exists(db.string() + "-wal"));
    // Writable, so that closing removes the -wal and -shm files it made (a read-only connection leaves them)
    sqlite3* raw = nullptr;
    BOOST_REQUIRE(sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    std::int64_t page_size = 0;
    std::int64_t root = 0;
    sqlite3_stmt* stmt = nullptr;
    BOOST_REQUIRE(sqlite3_prepare_v2(raw, "PRAGMA page_size", -1, &stmt, nullptr) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
    page_size = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    BOOST_REQUIRE(
        sqlite3_prepare_v2(raw, "SELECT rootpage FROM sqlite_schema WHERE name = ?1", -1, &stmt, nullptr) == SQLITE_OK
    );
    sqlite3_bind_text(stmt, 1, table.c_str(), -1, SQLITE_TRANSIENT);
    BOOST_REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
    root = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(raw);
    BOOST_REQUIRE(!std::filesystem::exists(db.string() + "-wal"));  // everything is in the file itself

    std::fstream file(db, std::ios::binary | std::ios::in | std::ios::out);
    file.seekp((root - 1) * page_size);
    // A leaf table page (0x0d) with 9 cells, its cell content at 0x0f00; then a cell pointer array of 0xffff
    const std::string header{'\x0d', '\x00', '\x00', '\x00', '\x09', '\x0f', '\x00'};
    file << header << std::string(300, '\xff');
    BOOST_REQUIRE(file.good());
}

}  // namespace asched::test

#endif
