// Test support for the registry's and the API's tests (library
// fog_registry_testing, never linked into fog): which databases the tests
// run on, and access to them behind the registry's back.
//
// FOG_TEST_DB_URLS lists registry URLs separated by spaces; the tests run
// once per URL (value-parameterized). Unset or empty: one SQLite file in a
// directory private to the process, removed at exit. Every URL names a
// scratch database: each test starts by wiping it (WipeDatabase), so tests
// never see each other's rows, and two test processes must not share one
// URL at the same time. tests/db/with_databases.sh starts private MariaDB
// and PostgreSQL servers and sets the variable.
//
// Thread-safety: none (tests call these from the test thread).

#ifndef FOG_REGISTRY_TESTING_DB_H_
#define FOG_REGISTRY_TESTING_DB_H_

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "common/status.h"

namespace fog::registry::test_db {

// A test parameter. gtest prints it (failure messages, ctest's test list)
// with the password redacted.
struct TestDatabase {
  std::string url;
};
void PrintTo(const TestDatabase& db, std::ostream* os);

std::vector<TestDatabase> TestDatabases();

// A gtest parameter name: the backend ("sqlite3", "mysql", "postgresql")
// and the URL's position in the list, e.g. "mysql_1".
std::string ParamName(const TestDatabase& db, size_t index);

bool IsSqlite(const std::string& url);

// Removes everything: SQLite deletes the file and its -wal, -shm and
// -journal companions; the servers drop every table in the URL's database
// (PostgreSQL: in its current schema).
Status Wipe(const std::string& url);

// Runs `sql` on a connection of its own and returns the first column of
// the first row as text ("" when there is no row or it is NULL).
Result<std::string> QueryScalar(const std::string& url, const std::string& sql);

// Runs `sql`, which returns no rows, on a connection of its own.
Status Execute(const std::string& url, const std::string& sql);

// Servers only: ends every other connection of this user to the database
// (as a server restart or a network cut would) and waits until they are
// gone. InvalidArgument for SQLite.
Status KillOtherConnections(const std::string& url);

// PostgreSQL only: whether new connections to the URL's database are
// refused (ALTER DATABASE ... ALLOW_CONNECTIONS, run from the "postgres"
// database as the owner). InvalidArgument for other backends.
Status RefuseConnections(const std::string& url, bool refuse);

}  // namespace fog::registry::test_db

#endif  // FOG_REGISTRY_TESTING_DB_H_
