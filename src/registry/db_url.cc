#include "registry/db_url.h"

#include <fmt/core.h>

#include <optional>

namespace fog::registry {
namespace {

struct Scheme {
  std::string_view name;
  Backend backend;
};
constexpr Scheme kSchemes[] = {
    {"sqlite3", Backend::kSqlite3},     {"mysql", Backend::kMysql},
    {"mariadb", Backend::kMysql},       {"postgresql", Backend::kPostgresql},
    {"postgres", Backend::kPostgresql},
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes ('+' stays '+'). The error names `field`, never the
// text, which may be a password.
Result<std::string> PercentDecode(std::string_view text, const char* field) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      int hi = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return Status::InvalidArgument(
            fmt::format("registry URL: bad percent-encoding in the {}", field));
      }
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0') {
      return Status::InvalidArgument(
          fmt::format("registry URL: the {} must not contain NUL", field));
    }
    out.push_back(c);
  }
  return out;
}

// Encodes everything but unreserved characters and `keep`.
std::string PercentEncode(std::string_view text, std::string_view keep = "") {
  std::string out;
  for (char c : text) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                 c == '~' || keep.find(c) != std::string_view::npos;
    if (plain) {
      out.push_back(c);
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

Status ParseHostPort(std::string_view text, DatabaseUrl* url) {
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("registry URL: unclosed '[' in the host");
    }
    std::string_view host = text.substr(1, close - 1);
    for (char c : host) {
      if (HexValue(c) < 0 && c != ':' && c != '.') {
        return Status::InvalidArgument("registry URL: bad IPv6 address");
      }
    }
    if (host.empty()) {
      return Status::InvalidArgument("registry URL: empty IPv6 address");
    }
    url->host = std::string(host);
    text.remove_prefix(close + 1);
    if (!text.empty() && text.front() != ':') {
      return Status::InvalidArgument("registry URL: junk after the IPv6 host");
    }
    // Keep the ':' so that "[::1]:" (an empty port) is refused below.
    port = text;
  } else {
    size_t colon = text.find(':');
    std::string_view host = text.substr(0, colon);
    for (char c : host) {
      if (!IsHostChar(c)) {
        return Status::InvalidArgument(
            "registry URL: the host may hold only letters, digits, '-', '.' "
            "and '_' (or be a bracketed IPv6 address)");
      }
    }
    url->host = std::string(host);
    if (colon != std::string_view::npos) port = text.substr(colon);
  }
  if (port.empty()) return Status::OK();
  port.remove_prefix(1);  // the ':'
  int value = 0;
  bool ok = !port.empty() && port.size() <= 5;
  for (char c : port) {
    ok = ok && c >= '0' && c <= '9';
    if (ok) value = value * 10 + (c - '0');
  }
  if (!ok || value < 1 || value > 65535) {
    return Status::InvalidArgument("registry URL: port must be 1..65535");
  }
  url->port = value;
  return Status::OK();
}

Status ParseQuery(std::string_view query, DatabaseUrl* url) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view()
                                          : query.substr(amp + 1);
    size_t eq = param.find('=');
    std::string_view key = param.substr(0, eq);
    if (key != "socket" || eq == std::string_view::npos) {
      return Status::InvalidArgument(
          "registry URL: the only query parameter is socket=PATH");
    }
    if (!url->socket.empty()) {
      return Status::InvalidArgument("registry URL: socket given twice");
    }
    Result<std::string> path = PercentDecode(param.substr(eq + 1), "socket");
    if (!path.ok()) return path.status();
    if (path->empty() || path->front() != '/') {
      return Status::InvalidArgument(
          "registry URL: socket must be an absolute path");
    }
    url->socket = std::move(path).value();
  }
  return Status::OK();
}

// SOCI 4.0's PostgreSQL backend splits its connect string at whitespace
// and joins the pieces with single spaces before libpq sees it, so inside
// a quoted value only lone spaces survive.
bool SurvivesSociPostgresql(std::string_view value) {
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      return false;
    }
    if (c == ' ' && i + 1 < value.size() && value[i + 1] == ' ') return false;
  }
  return true;
}

Status ParseServerUrl(std::string_view rest, DatabaseUrl* url) {
  if (rest.find('#') != std::string_view::npos) {
    return Status::InvalidArgument(
        "registry URL: '#' must be percent-encoded (%23)");
  }
  std::string_view query;
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) {
    return Status::InvalidArgument(
        "registry URL: missing /DATABASE after the host");
  }
  std::string_view authority = rest.substr(0, slash);
  std::string_view database = rest.substr(slash + 1);
  // The last '@' ends the user info, so an unencoded '@' in a password
  // still parses.
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    size_t colon = userinfo.find(':');
    Result<std::string> user = PercentDecode(userinfo.substr(0, colon), "user");
    if (!user.ok()) return user.status();
    url->user = std::move(user).value();
    if (colon != std::string_view::npos) {
      Result<std::string> password =
          PercentDecode(userinfo.substr(colon + 1), "password");
      if (!password.ok()) return password.status();
      url->password = std::move(password).value();
      url->has_password = true;
    }
  }
  Status s = ParseHostPort(authority, url);
  if (!s.ok()) return s;
  if (database.find('/') != std::string_view::npos) {
    return Status::InvalidArgument(
        "registry URL: '/' in the database name must be percent-encoded");
  }
  Result<std::string> db = PercentDecode(database, "database name");
  if (!db.ok()) return db.status();
  if (db->empty()) {
    return Status::InvalidArgument("registry URL: missing the database name");
  }
  url->database = std::move(db).value();
  s = ParseQuery(query, url);
  if (!s.ok()) return s;
  if (url->socket.empty() && url->host.empty()) {
    return Status::InvalidArgument(
        "registry URL: a host (or ?socket=PATH) is required");
  }
  if (!url->socket.empty() && !url->host.empty()) {
    return Status::InvalidArgument(
        "registry URL: give either a host or ?socket=PATH, not both");
  }
  if (url->backend == Backend::kPostgresql &&
      !(SurvivesSociPostgresql(url->user) &&
        SurvivesSociPostgresql(url->password) &&
        SurvivesSociPostgresql(url->database) &&
        SurvivesSociPostgresql(url->socket))) {
    return Status::InvalidArgument(
        "registry URL: for PostgreSQL the user, password, database and "
        "socket may not hold tabs, line breaks or two spaces in a row "
        "(SOCI 4.0 would alter them)");
  }
  return Status::OK();
}

// A value in single quotes with '\' and '\'' backslash-escaped: the syntax
// of both SOCI's MySQL connect string and libpq's conninfo.
std::string Quoted(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string MysqlConnectString(const DatabaseUrl& u, int connect_timeout_s) {
  std::string s = "db=" + Quoted(u.database);
  if (!u.user.empty()) s += " user=" + Quoted(u.user);
  if (u.has_password) s += " password=" + Quoted(u.password);
  if (!u.host.empty()) s += " host=" + Quoted(u.host);
  if (u.port != 0) s += fmt::format(" port={}", u.port);
  if (!u.socket.empty()) s += " unix_socket=" + Quoted(u.socket);
  // utf8mb4 so that mysql_real_escape_string, which SOCI's MySQL backend
  // uses to put bound values into the statement, knows the real charset.
  s += " charset=utf8mb4 read_timeout=60 write_timeout=60";
  if (connect_timeout_s > 0) {
    s += fmt::format(" connect_timeout={}", connect_timeout_s);
  }
  return s;
}

std::string PostgresqlConnectString(const DatabaseUrl& u,
                                    int connect_timeout_s) {
  std::string s = "dbname=" + Quoted(u.database);
  if (!u.user.empty()) s += " user=" + Quoted(u.user);
  if (u.has_password) s += " password=" + Quoted(u.password);
  if (!u.host.empty()) s += " host=" + Quoted(u.host);
  if (!u.socket.empty()) s += " host=" + Quoted(u.socket);
  if (u.port != 0) s += fmt::format(" port={}", u.port);
  s += " client_encoding=UTF8 application_name=fog";
  if (connect_timeout_s > 0) {
    s += fmt::format(" connect_timeout={}", connect_timeout_s);
  }
  return s;
}

}  // namespace

std::string_view BackendName(Backend backend) {
  switch (backend) {
    case Backend::kSqlite3:
      return "sqlite3";
    case Backend::kMysql:
      return "mysql";
    case Backend::kPostgresql:
      return "postgresql";
  }
  return "unknown";
}

std::string DatabaseUrl::Redacted() const {
  if (backend == Backend::kSqlite3) return "sqlite3://" + path;
  std::string out = fmt::format("{}://", BackendName(backend));
  if (!user.empty() || has_password) {
    out += PercentEncode(user);
    if (has_password) out += ":***";
    out += "@";
  }
  out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != 0) out += fmt::format(":{}", port);
  out += '/';
  out += PercentEncode(database);
  if (!socket.empty()) {
    out += "?socket=";
    out += PercentEncode(socket, "/");
  }
  return out;
}

Result<DatabaseUrl> ParseDatabaseUrl(std::string_view text) {
  size_t sep = text.find("://");
  std::optional<Backend> backend;
  if (sep != std::string_view::npos) {
    for (const Scheme& s : kSchemes) {
      if (text.substr(0, sep) == s.name) backend = s.backend;
    }
  }
  if (!backend) {
    // The text is not echoed: it may hold a password.
    return Status::InvalidArgument(
        "registry URL must start with sqlite3://, mysql://, mariadb://, "
        "postgresql:// or postgres://");
  }
  DatabaseUrl url;
  url.backend = *backend;
  std::string_view rest = text.substr(sep + 3);
  if (url.backend == Backend::kSqlite3) {
    // SOCI's sqlite3 backend reads a connect string holding '=' as
    // key=value options, so such a path would be misread.
    if (rest.empty() || rest.find('=') != std::string_view::npos ||
        rest.find('\0') != std::string_view::npos) {
      return Status::InvalidArgument(
          "sqlite3 path must be non-empty and must not contain '='");
    }
    url.path = std::string(rest);
    return url;
  }
  Status s = ParseServerUrl(rest, &url);
  if (!s.ok()) return s;
  return url;
}

std::string SociConnectString(const DatabaseUrl& url, int connect_timeout_s) {
  switch (url.backend) {
    case Backend::kSqlite3:
      return url.path;
    case Backend::kMysql:
      return MysqlConnectString(url, connect_timeout_s);
    case Backend::kPostgresql:
      return PostgresqlConnectString(url, connect_timeout_s);
  }
  return "";
}

}  // namespace fog::registry
