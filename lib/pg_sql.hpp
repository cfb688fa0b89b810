// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_LIB_PG_SQL_HPP
#define ASCHED_LIB_PG_SQL_HPP

// The PostgreSQL job store's statements, for one table prefix. Times cross the wire as microseconds since the
// epoch (bigint), never as timestamp text: exact, and free of the session's time zone and date style.

#include <optional>
#include <string>
#include <vector>

namespace asched::detail {

class pg_sql
{
public:
    /// The schema this asched writes; a database with a higher version was written by a newer one.
    /// 2 added the checksum columns (document_checksum, next_run_time_checksum: lib/job_checksum.hpp).
    static constexpr long schema_version = 2;

    explicit pg_sql(std::string prefix);

    const std::string& channel() const noexcept { return channel_; }

    std::string create_schema() const;
    std::string read_version() const;
    std::string listen() const;

    // Plain store operations. $1 id, $2 next run time (micros, NULL: paused), $3 document, $4 its document_checksum,
    // $5 its next_run_time_checksum. The reads return both checksums after the columns they had before
    std::string insert() const;
    std::string upsert() const;
    std::string update() const;
    std::string remove() const;
    std::string remove_all() const;
    std::string find() const;
    std::string all_jobs() const;
    std::string due_jobs() const;
    std::string earliest() const;
    std::string quarantine() const;

    // Leases. acquire: $1 holder, $2 lease micros, $3 until micros, $4 limit, $5 ids not to take
    std::string acquire() const;
    // $1 holder, $2 ids, $3 tokens, $4 next run times (micros or NULL: finished), $5 release flags, $6 lease micros,
    // $7 the next run times' checksums
    std::string write_leased() const;
    // $1 holder, $2 lease micros, $3 renew only leases ending within this (micros)
    std::string renew() const;
    std::string next_available() const;
    // $1 holder: every lease it still holds goes back, next run times unchanged
    std::string release_all() const;

    /// A text[] literal: every element quoted, so ids may hold any character.
    static std::string text_array(const std::vector<std::string>& values);
    /// An array literal of numbers or booleans, NULL for nullopt.
    static std::string array(const std::vector<std::optional<std::string>>& values);

private:
    std::string prefix_;
    std::string jobs_;
    std::string quarantined_;
    std::string version_;
    std::string channel_;
};

}  // namespace asched::detail

#endif
