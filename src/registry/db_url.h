// Database connection URLs for the registry (internal to fog_registry and its
// tests).
//
//   sqlite3://PATH
//   mysql://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE      (also mariadb://)
//   mysql://[USER[:PASSWORD]@]/DATABASE?socket=/run/mysqld/mysqld.sock
//   postgresql://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE (also postgres://)
//   postgresql://[USER[:PASSWORD]@]/DATABASE?socket=/var/run/postgresql
//
// USER, PASSWORD, DATABASE and the socket path are percent-decoded ("%40" is
// '@'); '@', ':', '/', '?', '#' and '%' in them must be encoded. HOST is a
// name, an IPv4 address or a bracketed IPv6 address. PORT defaults to the
// client library's (3306, 5432). `socket` is the only query parameter: for
// MySQL the socket file, for PostgreSQL the directory holding
// ".s.PGSQL.PORT" (libpq's convention); with a socket, HOST must be empty.
// Note that libmariadb treats the host "localhost" as "use the default unix
// socket": write 127.0.0.1 for TCP. For PostgreSQL the decoded values may
// not hold tabs, line breaks or runs of spaces: SOCI 4.0's backend would
// collapse them before libpq sees them.
//
// Passwords never appear in messages: errors name the field, and Redacted()
// replaces the password with "***".
//
// Thread-safety: pure functions.

#ifndef FOG_REGISTRY_DB_URL_H_
#define FOG_REGISTRY_DB_URL_H_

#include <string>
#include <string_view>

#include "common/status.h"

namespace fog::registry {

enum class Backend { kSqlite3, kMysql, kPostgresql };

struct DatabaseUrl {
  Backend backend = Backend::kSqlite3;
  std::string path;  // sqlite3: the file (or ":memory:")
  // mysql and postgresql; empty = not given (the library's default).
  std::string user;
  std::string password;
  bool has_password = false;  // "user:@host" is an empty password
  std::string host;
  int port = 0;  // 0 = not given
  std::string database;
  std::string socket;

  // The URL without its password, for logs and error messages.
  std::string Redacted() const;
};

// Parses and validates a URL of the forms above. Errors: InvalidArgument
// with a message that never contains the password.
Result<DatabaseUrl> ParseDatabaseUrl(std::string_view url);

// The connect string SOCI's backend takes for `url` (contains the password:
// never log it). For sqlite3 the path; for mysql SOCI's "key='value'" list;
// for postgresql a libpq conninfo string. `connect_timeout_s` > 0 bounds the
// connection attempt; for mysql each read and write is bounded by 60 s.
std::string SociConnectString(const DatabaseUrl& url, int connect_timeout_s);

// "sqlite3", "mysql" or "postgresql".
std::string_view BackendName(Backend backend);

}  // namespace fog::registry

#endif  // FOG_REGISTRY_DB_URL_H_
