#include "registry/migrations.h"

#include <fmt/core.h>
#include <soci/soci.h>

namespace fog::registry {

// The ids and names are printable ASCII (validated before any query), so
// every dialect gets a byte-wise, case-sensitive collation: the same ids
// are equal and the same order comes back on all three.
const Dialect& SqliteDialect() {
  static const Dialect kDialect{"sqlite3",
                                "id INTEGER PRIMARY KEY AUTOINCREMENT",
                                "VARCHAR(255)", "VARCHAR(128)"};
  return kDialect;
}

const Dialect& MysqlDialect() {
  // ascii_bin: MySQL's default collations are case-insensitive, which would
  // make "Cam" and "cam" the same video.
  static const Dialect kDialect{
      "mysql", "id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
      "VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin",
      "VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin"};
  return kDialect;
}

const Dialect& PostgresqlDialect() {
  // COLLATE "C": the database's default may be a locale that orders "W1"
  // and "w1" differently from SQLite and MySQL.
  static const Dialect kDialect{"postgresql", "id BIGSERIAL PRIMARY KEY",
                                "VARCHAR(255) COLLATE \"C\"",
                                "VARCHAR(128) COLLATE \"C\""};
  return kDialect;
}

// Append new migrations at the end; never edit one that has shipped. Only
// DDL type spellings come from the dialect: no value is ever formatted into
// SQL. (Migration 1's MySQL and PostgreSQL spellings were settled when those
// backends were first accepted; until then their URLs were refused, so no
// server database holds an older form. Its SQLite text is unchanged.)
std::vector<Migration> Migrations(const Dialect& d) {
  return {
      {1,
       "videos and per-worker holdings",
       {
           fmt::format("CREATE TABLE videos ("
                       " {},"
                       " video_id {} NOT NULL,"
                       " created_at BIGINT NOT NULL,"
                       " updated_at BIGINT NOT NULL,"
                       " deleted_at BIGINT NULL,"
                       " publisher_key TEXT NULL,"
                       " total_packets BIGINT NOT NULL DEFAULT 0,"
                       " authenticated SMALLINT NOT NULL DEFAULT 0,"
                       " status VARCHAR(16) NOT NULL DEFAULT 'live',"
                       " CONSTRAINT videos_video_id_key UNIQUE (video_id),"
                       " CONSTRAINT videos_status_check"
                       "  CHECK (status IN ('live', 'complete')))",
                       d.id_column, d.key_text),
           fmt::format("CREATE TABLE video_holdings ("
                       " {},"
                       " video_id {} NOT NULL,"
                       " worker {} NOT NULL,"
                       " packets BIGINT NOT NULL,"
                       " bytes BIGINT NOT NULL,"
                       " authenticated SMALLINT NOT NULL DEFAULT 0,"
                       " updated_at BIGINT NOT NULL,"
                       " CONSTRAINT video_holdings_video_worker_key"
                       "  UNIQUE (video_id, worker))",
                       d.id_column, d.key_text, d.name_text),
       }},
      {2,
       "list index",
       {
           "CREATE INDEX videos_deleted_status_idx"
           " ON videos (deleted_at, status, id)",
       }},
      {3,
       "track timescales and per-worker track ends (duration)",
       {
           // Track ids and timescales are uint32 and end ticks at most 2^53:
           // BIGINT holds them all on every dialect.
           fmt::format("CREATE TABLE video_tracks ("
                       " video_id {} NOT NULL,"
                       " track_id BIGINT NOT NULL,"
                       " timescale BIGINT NOT NULL,"
                       " CONSTRAINT video_tracks_pkey"
                       "  PRIMARY KEY (video_id, track_id))",
                       d.key_text),
           fmt::format("CREATE TABLE holding_tracks ("
                       " video_id {} NOT NULL,"
                       " worker {} NOT NULL,"
                       " track_id BIGINT NOT NULL,"
                       " end_ticks BIGINT NOT NULL,"
                       " CONSTRAINT holding_tracks_pkey"
                       "  PRIMARY KEY (video_id, worker, track_id))",
                       d.key_text, d.name_text),
       }},
      {4,
       "which packets each worker holds (replicas)",
       {
           // "1-20,22": NULL for reports that did not say.
           "ALTER TABLE video_holdings ADD COLUMN ranges TEXT NULL",
       }},
  };
}

int CurrentSchemaVersion(soci::session& sql) {
  int version = 0;
  soci::indicator ind = soci::i_null;
  sql << "SELECT MAX(version) FROM schema_migrations", soci::into(version, ind);
  return ind == soci::i_ok ? version : 0;
}

void ApplyMigrations(soci::session& sql, const Dialect& dialect,
                     int64_t now_ms) {
  // Portable across the three dialects; IF NOT EXISTS makes reopening safe.
  sql << "CREATE TABLE IF NOT EXISTS schema_migrations ("
         " version INTEGER NOT NULL PRIMARY KEY,"
         " name VARCHAR(255) NOT NULL,"
         " applied_at BIGINT NOT NULL)";
  for (const Migration& m : Migrations(dialect)) {
    soci::transaction tr(sql);
    int applied = 0;
    sql << "SELECT COUNT(*) FROM schema_migrations WHERE version = :v",
        soci::into(applied), soci::use(m.version);
    if (applied > 0) {
      tr.commit();
      continue;
    }
    for (const std::string& statement : m.statements) sql << statement;
    long long applied_at = now_ms;
    sql << "INSERT INTO schema_migrations (version, name, applied_at)"
           " VALUES (:v, :n, :t)",
        soci::use(m.version), soci::use(m.name), soci::use(applied_at);
    tr.commit();
  }
}

}  // namespace fog::registry
