#include "registry/session.h"

#include <soci/mysql/soci-mysql.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <string>

namespace fog::registry {

const Dialect& DialectFor(Backend backend) {
  switch (backend) {
    case Backend::kSqlite3:
      return SqliteDialect();
    case Backend::kMysql:
      return MysqlDialect();
    case Backend::kPostgresql:
      return PostgresqlDialect();
  }
  return SqliteDialect();
}

void PrepareSession(soci::session& sql, const DatabaseUrl& url,
                    const SessionOptions& options) {
  switch (url.backend) {
    case Backend::kSqlite3: {
      auto* backend =
          static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
      // Set through the C API: PRAGMA statements take no bound parameters.
      if (sqlite_api::sqlite3_busy_timeout(backend->conn_,
                                           options.busy_timeout_ms) != 0) {
        throw soci::soci_error("cannot set the SQLite busy timeout");
      }
      std::string mode;
      sql << "PRAGMA journal_mode=WAL", soci::into(mode);
      if (mode != "wal" && url.path != ":memory:") {
        throw soci::soci_error("cannot switch SQLite to WAL mode: " + mode);
      }
      sql << "PRAGMA synchronous=NORMAL";  // durable enough with WAL
      return;
    }
    case Backend::kMysql:
      // TRADITIONAL is the strict modes plus the zero-date checks; stated
      // here rather than trusted to the server's configuration.
      sql << "SET SESSION sql_mode = 'TRADITIONAL'";
      return;
    case Backend::kPostgresql:
      return;
  }
}

std::unique_ptr<soci::session> OpenSession(const DatabaseUrl& url,
                                           const SessionOptions& options) {
  std::string connect = SociConnectString(url, options.connect_timeout_s);
  std::unique_ptr<soci::session> sql;
  switch (url.backend) {
    case Backend::kSqlite3:
      sql = std::make_unique<soci::session>(soci::sqlite3, connect);
      break;
    case Backend::kMysql:
      sql = std::make_unique<soci::session>(soci::mysql, connect);
      break;
    case Backend::kPostgresql:
      sql = std::make_unique<soci::session>(soci::postgresql, connect);
      break;
  }
  PrepareSession(*sql, url, options);
  return sql;
}

}  // namespace fog::registry
