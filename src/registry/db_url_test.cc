#include "registry/db_url.h"

#include <gtest/gtest.h>

#include <string>

namespace fog::registry {
namespace {

DatabaseUrl Parsed(const std::string& text) {
  Result<DatabaseUrl> url = ParseDatabaseUrl(text);
  EXPECT_TRUE(url.ok()) << text << ": " << url.status().ToString();
  return url.ok() ? *url : DatabaseUrl();
}

TEST(DbUrlTest, SqliteKeepsThePathAsIs) {
  DatabaseUrl u = Parsed("sqlite3:///var/lib/fog/a b%20c.db");
  EXPECT_EQ(u.backend, Backend::kSqlite3);
  EXPECT_EQ(u.path, "/var/lib/fog/a b%20c.db");
  EXPECT_EQ(Parsed("sqlite3://:memory:").path, ":memory:");
  EXPECT_EQ(Parsed("sqlite3://rel/x.db").path, "rel/x.db");
  EXPECT_EQ(SociConnectString(u, 10), "/var/lib/fog/a b%20c.db");
}

TEST(DbUrlTest, ServerUrlsAreSplitAndDecoded) {
  DatabaseUrl m = Parsed(
      "mysql://fog%40ops:p%40ss%3Aw%2Frd%3F%23%25%27%5C@db.example:3307/"
      "fog%5Freg");
  EXPECT_EQ(m.backend, Backend::kMysql);
  EXPECT_EQ(m.user, "fog@ops");
  EXPECT_EQ(m.password, "p@ss:w/rd?#%'\\");
  EXPECT_TRUE(m.has_password);
  EXPECT_EQ(m.host, "db.example");
  EXPECT_EQ(m.port, 3307);
  EXPECT_EQ(m.database, "fog_reg");
  EXPECT_TRUE(m.socket.empty());

  EXPECT_EQ(Parsed("mariadb://u@h/d").backend, Backend::kMysql);
  DatabaseUrl p = Parsed("postgres://u:@[::1]:5433/d");
  EXPECT_EQ(p.backend, Backend::kPostgresql);
  EXPECT_EQ(p.user, "u");
  EXPECT_TRUE(p.has_password);
  EXPECT_EQ(p.password, "");
  EXPECT_EQ(p.host, "::1");
  EXPECT_EQ(p.port, 5433);
  DatabaseUrl bare = Parsed("postgresql://localhost/fog");
  EXPECT_TRUE(bare.user.empty());
  EXPECT_FALSE(bare.has_password);
  EXPECT_EQ(bare.port, 0);
  // An unencoded '@' in the password: the last '@' ends the user info.
  EXPECT_EQ(Parsed("mysql://u:a@b@h/d").password, "a@b");
  EXPECT_EQ(Parsed("mysql://u:a:b@h/d").password, "a:b");
  // Lone spaces pass everywhere; runs of whitespace only on MySQL (SOCI's
  // PostgreSQL backend would collapse them).
  EXPECT_EQ(Parsed("postgresql://u:%20a%20b%20@h/d").password, " a b ");
  EXPECT_EQ(Parsed("mysql://u:a%20%20%09b@h/d").password, "a  \tb");
}

TEST(DbUrlTest, SocketForms) {
  DatabaseUrl m = Parsed("mysql://fog:pw@/fog?socket=/run/mysqld/mysqld.sock");
  EXPECT_TRUE(m.host.empty());
  EXPECT_EQ(m.socket, "/run/mysqld/mysqld.sock");
  DatabaseUrl p =
      Parsed("postgresql://fog@:5433/fog?socket=%2Fvar%2Frun%2Fpostgresql");
  EXPECT_EQ(p.socket, "/var/run/postgresql");
  EXPECT_EQ(p.port, 5433);
  EXPECT_EQ(SociConnectString(p, 0),
            "dbname='fog' user='fog' host='/var/run/postgresql' port=5433"
            " client_encoding=UTF8 application_name=fog");
}

TEST(DbUrlTest, ConnectStringsQuoteEveryValue) {
  DatabaseUrl m = Parsed("mysql://u%27x:p%27%5C%20q@127.0.0.1:3306/d");
  EXPECT_EQ(SociConnectString(m, 5),
            "db='d' user='u\\'x' password='p\\'\\\\ q' host='127.0.0.1'"
            " port=3306 charset=utf8mb4 read_timeout=60 write_timeout=60"
            " connect_timeout=5");
  DatabaseUrl p = Parsed("postgresql://u:p%27%5C%20q@h/d");
  EXPECT_EQ(SociConnectString(p, 7),
            "dbname='d' user='u' password='p\\'\\\\ q' host='h'"
            " client_encoding=UTF8 application_name=fog connect_timeout=7");
  DatabaseUrl s = Parsed("mysql://u@/d?socket=/tmp/my%20sock");
  EXPECT_EQ(SociConnectString(s, 0),
            "db='d' user='u' unix_socket='/tmp/my sock' charset=utf8mb4"
            " read_timeout=60 write_timeout=60");
}

TEST(DbUrlTest, RedactedHidesOnlyThePassword) {
  EXPECT_EQ(Parsed("mysql://fog:s3cret@db:3306/fog").Redacted(),
            "mysql://fog:***@db:3306/fog");
  EXPECT_EQ(Parsed("mariadb://fog:s3cret@db/fog").Redacted(),
            "mysql://fog:***@db/fog");
  EXPECT_EQ(Parsed("postgres://a%20b@[::1]:1/x%2Fy").Redacted(),
            "postgresql://a%20b@[::1]:1/x%2Fy");
  EXPECT_EQ(Parsed("postgresql://u:@/d?socket=/run/pg").Redacted(),
            "postgresql://u:***@/d?socket=/run/pg");
  EXPECT_EQ(Parsed("sqlite3:///a/b.db").Redacted(), "sqlite3:///a/b.db");
}

TEST(DbUrlTest, BadUrlsAreRefusedWithoutEchoingThePassword) {
  for (const char* text : {
           "",
           "mysql:/h/d",
           "http://h/d",
           "mysql://h",
           "mysql://h/",
           "mysql://:1/d",
           "mysql://h:/d",
           "mysql://h:0/d",
           "mysql://h:65536/d",
           "mysql://h:12a/d",
           "mysql://h:123456/d",
           "mysql://h h/d",
           "mysql://h/d/e",
           "mysql://[::1/d",
           "mysql://[]/d",
           "mysql://[::1]x/d",
           "mysql://[::1]:/d",
           "mysql://u:secret%2@h/d",
           "mysql://u:secret%zz@h/d",
           "mysql://u:secret%00@h/d",
           "mysql://u:secret@h/d#frag",
           "mysql://u:secret@h/d?socket=/s",
           "mysql://u:secret@/d?socket=relative",
           "mysql://u:secret@/d?socket=",
           "mysql://u:secret@/d?socket=/a&socket=/b",
           "mysql://u:secret@h/d?sslmode=require",
           "mysql://u:secret@h/d?socket",
           "postgresql://u:secret@h/%",
           "postgresql://u:secret%20%20x@h/d",
           "postgres://u:secret%09x@h/d",
           "postgresql://u:secret%0Ax@h/d",
           "postgresql://u:secret@h/d%20%20e",
           "sqlite3://",
           "sqlite3://a=b",
       }) {
    Result<DatabaseUrl> url = ParseDatabaseUrl(text);
    ASSERT_FALSE(url.ok()) << text;
    EXPECT_EQ(url.status().code(), Status::Code::kInvalidArgument) << text;
    EXPECT_EQ(url.status().ToString().find("secret"), std::string::npos)
        << url.status().ToString();
  }
}

TEST(DbUrlTest, BackendNames) {
  EXPECT_EQ(BackendName(Backend::kSqlite3), "sqlite3");
  EXPECT_EQ(BackendName(Backend::kMysql), "mysql");
  EXPECT_EQ(BackendName(Backend::kPostgresql), "postgresql");
}

}  // namespace
}  // namespace fog::registry
