#include "registry/testing_db.h"

#include <fmt/core.h>
#include <soci/soci.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <exception>
#include <filesystem>
#include <memory>
#include <sstream>
#include <thread>

#include "registry/db_url.h"
#include "registry/registry.h"
#include "registry/session.h"

namespace fog::registry::test_db {
namespace {

// The default database: a SQLite file in a directory of this process,
// removed when the process exits.
class DefaultSqlite {
 public:
  DefaultSqlite() {
    const char* tmp = getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") +
                       fmt::format("/fog_registry_test_{}_XXXXXX", getpid());
    if (mkdtemp(tmpl.data()) != nullptr) dir_ = tmpl;
  }
  ~DefaultSqlite() {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  // A space in the path on purpose: it must survive the URL.
  std::string url() const { return "sqlite3://" + dir_ + "/fog registry.db"; }

 private:
  std::string dir_;
};

Result<DatabaseUrl> Parse(const std::string& url) {
  Result<DatabaseUrl> parsed = ParseDatabaseUrl(url);
  if (!parsed.ok()) {
    return Status::InvalidArgument("FOG_TEST_DB_URLS: " +
                                   parsed.status().ToString());
  }
  return parsed;
}

// Runs fn(session) on a fresh connection, turning exceptions into IoError.
template <typename Fn>
Status WithSession(const DatabaseUrl& url, Fn&& fn) {
  try {
    std::unique_ptr<soci::session> sql = OpenSession(url, SessionOptions());
    return fn(*sql);
  } catch (const std::exception& e) {
    return Status::IoError(fmt::format("{}: {}", url.Redacted(), e.what()));
  }
}

std::string QuoteIdentifier(const std::string& name, char quote) {
  std::string out(1, quote);
  for (char c : name) {
    if (c == quote) out.push_back(quote);
    out.push_back(c);
  }
  out.push_back(quote);
  return out;
}

std::vector<std::string> Column(soci::session& sql, const std::string& query) {
  std::vector<std::string> out;
  soci::rowset<std::string> rows = sql.prepare << query;
  for (const std::string& value : rows) out.push_back(value);
  return out;
}

// Test code only: the names come from the server's catalogue, the SQL is
// built with quoted identifiers because DDL takes no bound parameters.
Status DropAllTables(soci::session& sql, Backend backend) {
  if (backend == Backend::kMysql) {
    for (const std::string& t :
         Column(sql,
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = DATABASE()")) {
      sql << "DROP TABLE IF EXISTS " + QuoteIdentifier(t, '`');
    }
  } else {
    for (const std::string& t :
         Column(sql,
                "SELECT tablename FROM pg_tables"
                " WHERE schemaname = current_schema()")) {
      sql << "DROP TABLE IF EXISTS " + QuoteIdentifier(t, '"') + " CASCADE";
    }
  }
  return Status::OK();
}

// Ids of the other connections of this user to this database.
std::vector<std::string> OtherConnections(soci::session& sql, Backend backend) {
  if (backend == Backend::kMysql) {
    return Column(sql,
                  "SELECT CAST(id AS CHAR) FROM information_schema.processlist"
                  " WHERE user = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)"
                  " AND db = DATABASE() AND id <> CONNECTION_ID()");
  }
  return Column(sql,
                "SELECT CAST(pid AS TEXT) FROM pg_stat_activity"
                " WHERE datname = current_database()"
                " AND usename = current_user AND pid <> pg_backend_pid()");
}

}  // namespace

void PrintTo(const TestDatabase& db, std::ostream* os) {
  *os << RedactDatabaseUrl(db.url);
}

std::vector<TestDatabase> TestDatabases() {
  static const DefaultSqlite default_sqlite;  // its directory goes at exit
  std::vector<TestDatabase> dbs;
  const char* env = getenv("FOG_TEST_DB_URLS");
  std::istringstream words(env != nullptr ? env : "");
  for (std::string url; words >> url;) dbs.push_back({url});
  if (dbs.empty()) dbs.push_back({default_sqlite.url()});
  return dbs;
}

std::string ParamName(const TestDatabase& db, size_t index) {
  Result<DatabaseUrl> parsed = ParseDatabaseUrl(db.url);
  std::string backend =
      parsed.ok() ? std::string(BackendName(parsed->backend)) : "invalid";
  return fmt::format("{}_{}", backend, index);
}

bool IsSqlite(const std::string& url) {
  Result<DatabaseUrl> parsed = ParseDatabaseUrl(url);
  return parsed.ok() && parsed->backend == Backend::kSqlite3;
}

Status Wipe(const std::string& url) {
  Result<DatabaseUrl> parsed = Parse(url);
  if (!parsed.ok()) return parsed.status();
  if (parsed->backend == Backend::kSqlite3) {
    if (parsed->path == ":memory:") return Status::OK();
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(parsed->path + suffix, ec);
      if (ec) return Status::IoError("cannot remove " + parsed->path + suffix);
    }
    return Status::OK();
  }
  return WithSession(*parsed, [&](soci::session& sql) {
    return DropAllTables(sql, parsed->backend);
  });
}

Result<std::string> QueryScalar(const std::string& url,
                                const std::string& query) {
  Result<DatabaseUrl> parsed = Parse(url);
  if (!parsed.ok()) return parsed.status();
  std::string value;
  Status s = WithSession(*parsed, [&](soci::session& sql) {
    soci::indicator ind = soci::i_null;
    sql << query, soci::into(value, ind);
    if (ind != soci::i_ok) value.clear();
    return Status::OK();
  });
  if (!s.ok()) return s;
  return value;
}

Status Execute(const std::string& url, const std::string& query) {
  Result<DatabaseUrl> parsed = Parse(url);
  if (!parsed.ok()) return parsed.status();
  return WithSession(*parsed, [&](soci::session& sql) {
    sql << query;
    return Status::OK();
  });
}

Status KillOtherConnections(const std::string& url) {
  Result<DatabaseUrl> parsed = Parse(url);
  if (!parsed.ok()) return parsed.status();
  if (parsed->backend == Backend::kSqlite3) {
    return Status::InvalidArgument("SQLite has no connections to kill");
  }
  return WithSession(*parsed, [&](soci::session& sql) -> Status {
    for (const std::string& id : OtherConnections(sql, parsed->backend)) {
      // The id is a number from the server's own catalogue. A connection
      // may end between the listing and its kill (MySQL then answers
      // "Unknown thread id"): the loop below checks that all are gone.
      try {
        if (parsed->backend == Backend::kMysql) {
          sql << "KILL CONNECTION " + id;
        } else {
          std::string pid = id;
          sql << "SELECT pg_terminate_backend(CAST(:p AS INTEGER))",
              soci::use(pid);
        }
      } catch (const soci::soci_error&) {
      }
    }
    for (int i = 0; i < 100; ++i) {
      if (OtherConnections(sql, parsed->backend).empty()) return Status::OK();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return Status::IoError("other connections did not end within 5 s");
  });
}

Status RefuseConnections(const std::string& url, bool refuse) {
  Result<DatabaseUrl> parsed = Parse(url);
  if (!parsed.ok()) return parsed.status();
  if (parsed->backend != Backend::kPostgresql) {
    return Status::InvalidArgument("only PostgreSQL can refuse connections");
  }
  DatabaseUrl admin = *parsed;
  admin.database = "postgres";
  return WithSession(admin, [&](soci::session& sql) {
    sql << fmt::format("ALTER DATABASE {} ALLOW_CONNECTIONS {}",
                       QuoteIdentifier(parsed->database, '"'),
                       refuse ? "false" : "true");
    return Status::OK();
  });
}

}  // namespace fog::registry::test_db
