// Opening SOCI sessions for the registry (internal to fog_registry).
//
// OpenSession connects to the database a DatabaseUrl names, with the
// backend linked into fog_registry (no dynamic backend loading), and
// PrepareSession sets the per-connection options the registry relies on.
// It is also run again after a reconnect, since those options belong to the
// connection, not to the database.
//
// Thread-safety: callers serialise access to a session.

#ifndef FOG_REGISTRY_SESSION_H_
#define FOG_REGISTRY_SESSION_H_

#include <memory>

#include "registry/db_url.h"
#include "registry/migrations.h"

namespace soci {
class session;
}

namespace fog::registry {

struct SessionOptions {
  int busy_timeout_ms = 5000;  // sqlite3
  int connect_timeout_s = 10;  // mysql, postgresql
};

// Connects and prepares the session. Throws soci::soci_error (the message
// does not contain the password; the caller adds the redacted URL).
std::unique_ptr<soci::session> OpenSession(const DatabaseUrl& url,
                                           const SessionOptions& options);

// SQLite: the busy timeout, WAL (unless ":memory:") and synchronous=NORMAL.
// MySQL: strict SQL mode, so that a value that does not fit is an error and
// never silently truncated. PostgreSQL: nothing so far. Throws soci_error.
void PrepareSession(soci::session& sql, const DatabaseUrl& url,
                    const SessionOptions& options);

const Dialect& DialectFor(Backend backend);

}  // namespace fog::registry

#endif  // FOG_REGISTRY_SESSION_H_
