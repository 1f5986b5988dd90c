// Versioned schema migrations for the registry (internal to fog_registry).
//
// Each migration has a version, a name and DDL statements. ApplyMigrations
// creates schema_migrations if needed, then applies, in order and each in its
// own transaction, every migration whose version is not recorded there yet.
// Reopening an up-to-date database therefore changes nothing.
//
// The DDL differs between SQL dialects only in the few type spellings kept in
// Dialect; everything else is written once. MySQL does not run DDL inside
// transactions, so a failure there can leave a migration half applied.
// Two processes migrating the same database at the same moment are not
// coordinated: start one registry first (fog api is the only one).
//
// Thread-safety: callers serialise access to the session.

#ifndef FOG_REGISTRY_MIGRATIONS_H_
#define FOG_REGISTRY_MIGRATIONS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace fog::registry {

struct Dialect {
  const char* name;
  const char* id_column;  // autoincrementing primary key column definition
  const char* key_text;   // video ids: case-sensitive, byte-ordered, indexable
  const char* name_text;  // worker names: the same, up to 128 bytes
};

const Dialect& SqliteDialect();
const Dialect& MysqlDialect();
const Dialect& PostgresqlDialect();

struct Migration {
  int version;
  std::string name;
  std::vector<std::string> statements;
};

// The full list for `dialect`, ordered by version.
std::vector<Migration> Migrations(const Dialect& dialect);

// Applies the pending migrations. Throws soci::soci_error (the caller, the
// adapter in registry.cc, converts it to a Status).
void ApplyMigrations(soci::session& sql, const Dialect& dialect,
                     int64_t now_ms);

// Highest applied version, 0 if none. Throws like ApplyMigrations.
int CurrentSchemaVersion(soci::session& sql);

}  // namespace fog::registry

#endif  // FOG_REGISTRY_MIGRATIONS_H_
