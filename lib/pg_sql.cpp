// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include "pg_sql.hpp"

namespace asched::detail {

namespace {

// A timestamptz from microseconds since the epoch, and back: exact in both directions
std::string at(const std::string& micros)
{
    return "(timestamptz 'epoch' + (" + micros + ")::bigint * interval '1 microsecond')";
}

std::string micros_of(const std::string& column) { return "(extract(epoch from " + column + ") * 1000000)::bigint"; }

}  // namespace

pg_sql::pg_sql(std::string prefix)
    : prefix_(std::move(prefix)),
      jobs_(prefix_ + "_jobs"),
      quarantined_(prefix_ + "_quarantined_jobs"),
      version_(prefix_ + "_schema_version"),
      channel_(prefix_ + "_jobs")
{
}

std::string pg_sql::create_schema() const
{
    // One transaction under an advisory lock: schedulers starting together would otherwise race on CREATE TABLE
    return "BEGIN;"
           "SELECT pg_advisory_xact_lock(hashtext('asched schema " +
           prefix_ +
           "'));"
           "CREATE TABLE IF NOT EXISTS " +
           version_ +
           " (version integer NOT NULL);"
           "INSERT INTO " +
           version_ + " (version) SELECT " + std::to_string(schema_version) + " WHERE NOT EXISTS (SELECT 1 FROM " +
           version_ +
           ");"
           "CREATE TABLE IF NOT EXISTS " +
           jobs_ +
           " ("
           " id text PRIMARY KEY,"
           " next_run_time timestamptz,"
           " document jsonb NOT NULL,"
           " acquired_by text,"
           " acquired_until timestamptz,"
           " fencing_token bigint NOT NULL DEFAULT 0);"
           // Version 2: the checksums (lib/job_checksum.hpp). Rows of version 1 have none, and are read unchecked
           // until they are written again. The version goes up with the columns, so that an older asched, which
           // would write rows without them, refuses the tables
           "ALTER TABLE " +
           jobs_ +
           " ADD COLUMN IF NOT EXISTS document_checksum bigint,"
           " ADD COLUMN IF NOT EXISTS next_run_time_checksum bigint;"
           "UPDATE " +
           version_ + " SET version = " + std::to_string(schema_version) + " WHERE version < " +
           std::to_string(schema_version) +
           ";"
           "CREATE INDEX IF NOT EXISTS " +
           jobs_ + "_next_run_time ON " + jobs_ +
           " (next_run_time)"
           " WHERE next_run_time IS NOT NULL;"
           "CREATE INDEX IF NOT EXISTS " +
           jobs_ + "_acquired_by ON " + jobs_ +
           " (acquired_by)"
           " WHERE acquired_by IS NOT NULL;"
           "CREATE TABLE IF NOT EXISTS " +
           quarantined_ +
           " ("
           " id text PRIMARY KEY,"
           " document text NOT NULL,"
           " reason text NOT NULL,"
           " quarantined_at timestamptz NOT NULL DEFAULT now());"
           "COMMIT";
}

std::string pg_sql::read_version() const { return "SELECT max(version) FROM " + version_; }

std::string pg_sql::listen() const { return "LISTEN " + channel_; }

std::string pg_sql::insert() const
{
    return "INSERT INTO " + jobs_ +
           " (id, next_run_time, document, document_checksum, next_run_time_checksum) VALUES ($1, " + at("$2") +
           ", $3::jsonb, $4::bigint, $5::bigint) ON CONFLICT (id) DO NOTHING RETURNING id";
}

std::string pg_sql::upsert() const
{
    // The same document again (a scheduler registering its jobs at every start) changes nothing, so a job another
    // scheduler holds keeps its lease and its schedule
    return "INSERT INTO " + jobs_ +
           " AS j (id, next_run_time, document, document_checksum, next_run_time_checksum) VALUES ($1, " + at("$2") +
           ", $3::jsonb, $4::bigint, $5::bigint) ON CONFLICT (id) DO UPDATE SET next_run_time = EXCLUDED.next_run_time,"
           " document = EXCLUDED.document, document_checksum = EXCLUDED.document_checksum,"
           " next_run_time_checksum = EXCLUDED.next_run_time_checksum, acquired_by = NULL, acquired_until = NULL,"
           " fencing_token = j.fencing_token + 1 WHERE j.document IS DISTINCT FROM EXCLUDED.document RETURNING id";
}

std::string pg_sql::update() const
{
    // A change revokes the lease: the holder's next write fails, and the job is taken again as it is now
    return "UPDATE " + jobs_ + " SET next_run_time = " + at("$2") +
           ", document = $3::jsonb, document_checksum = $4::bigint, next_run_time_checksum = $5::bigint,"
           " acquired_by = NULL, acquired_until = NULL, fencing_token = fencing_token + 1"
           " WHERE id = $1 RETURNING id";
}

std::string pg_sql::remove() const { return "DELETE FROM " + jobs_ + " WHERE id = $1 RETURNING id"; }

std::string pg_sql::remove_all() const { return "DELETE FROM " + jobs_; }

std::string pg_sql::find() const
{
    return "SELECT document::text, " + micros_of("next_run_time") +
           ", document_checksum, next_run_time_checksum FROM " + jobs_ + " WHERE id = $1";
}

std::string pg_sql::all_jobs() const
{
    return "SELECT id, document::text, " + micros_of("next_run_time") +
           ", document_checksum, next_run_time_checksum FROM " + jobs_ + " ORDER BY next_run_time NULLS LAST, id";
}

std::string pg_sql::due_jobs() const
{
    return "SELECT id, document::text, " + micros_of("next_run_time") +
           ", document_checksum, next_run_time_checksum FROM " + jobs_ + " WHERE next_run_time <= " + at("$1") +
           " ORDER BY next_run_time, id";
}

std::string pg_sql::earliest() const { return "SELECT " + micros_of("min(next_run_time)") + " FROM " + jobs_; }

std::string pg_sql::quarantine() const
{
    return "WITH moved AS (DELETE FROM " + jobs_ + " WHERE id = $1 RETURNING id, document) INSERT INTO " +
           quarantined_ +
           " (id, document, reason) SELECT id, document::text, $2 FROM moved"
           " ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document, reason = EXCLUDED.reason,"
           " quarantined_at = now()";
}

std::string pg_sql::acquire() const
{
    // SKIP LOCKED: schedulers asking at once each get different jobs instead of waiting for one another
    return "UPDATE " + jobs_ +
           " j SET acquired_by = $1, acquired_until = now() + $2::bigint * interval '1 microsecond',"
           " fencing_token = j.fencing_token + 1"
           " FROM (SELECT id FROM " +
           jobs_ + " WHERE next_run_time <= " + at("$3") +
           " AND (acquired_until IS NULL OR acquired_until < now()) AND id <> ALL($5::text[])"
           " ORDER BY next_run_time LIMIT $4::bigint"
           " FOR UPDATE SKIP LOCKED) due WHERE j.id = due.id"
           " RETURNING j.id, j.document::text, " +
           micros_of("j.next_run_time") + ", j.fencing_token, j.document_checksum, j.next_run_time_checksum";
}

std::string pg_sql::write_leased() const
{
    // Only under the lease it was made under (holder and token): a scheduler whose lease expired writes nothing.
    // A finished trigger (no next run time) deletes the job
    return "WITH w AS (SELECT * FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::boolean[], $7::bigint[])"
           " AS w(id, token, next_micros, release, next_checksum)),"
           " gone AS (DELETE FROM " +
           jobs_ +
           " j USING w WHERE j.id = w.id AND w.next_micros IS NULL"
           " AND j.acquired_by = $1 AND j.fencing_token = w.token RETURNING j.id),"
           " kept AS (UPDATE " +
           jobs_ + " j SET next_run_time = " + at("w.next_micros") +
           ", next_run_time_checksum = w.next_checksum,"
           " acquired_by = CASE WHEN w.release THEN NULL ELSE j.acquired_by END,"
           " acquired_until = CASE WHEN w.release THEN NULL"
           " ELSE now() + $6::bigint * interval '1 microsecond' END"
           " FROM w WHERE j.id = w.id AND w.next_micros IS NOT NULL AND j.acquired_by = $1"
           " AND j.fencing_token = w.token RETURNING j.id)"
           " SELECT id FROM gone UNION ALL SELECT id FROM kept";
}

std::string pg_sql::renew() const
{
    return "UPDATE " + jobs_ +
           " SET acquired_until = now() + $2::bigint * interval '1 microsecond'"
           " WHERE acquired_by = $1 AND acquired_until < now() + $3::bigint * interval '1 microsecond'"
           " RETURNING id, fencing_token, " +
           micros_of("next_run_time");
}

std::string pg_sql::next_available() const
{
    // A held job is available when its lease expires (unless released sooner, which is announced)
    return "SELECT " +
           micros_of(
               "min(CASE WHEN acquired_until IS NULL OR acquired_until < now() THEN next_run_time"
               " ELSE greatest(next_run_time, acquired_until) END)"
           ) +
           " FROM " + jobs_ + " WHERE next_run_time IS NOT NULL";
}

std::string pg_sql::release_all() const
{
    return "UPDATE " + jobs_ + " SET acquired_by = NULL, acquired_until = NULL WHERE acquired_by = $1";
}

std::string pg_sql::text_array(const std::vector<std::string>& values)
{
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i)
    {
        if (i != 0)
            out += ',';
        out += '"';
        for (const char c : values[i])
        {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        out += '"';
    }
    out += '}';
    return out;
}

std::string pg_sql::array(const std::vector<std::optional<std::string>>& values)
{
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i)
    {
        if (i != 0)
            out += ',';
        out += values[i] ? *values[i] : std::string("NULL");
    }
    out += '}';
    return out;
}

}  // namespace asched::detail
