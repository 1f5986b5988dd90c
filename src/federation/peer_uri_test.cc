#include "federation/peer_uri.h"

#include <gtest/gtest.h>

namespace fog::federation {
namespace {

TEST(PeerUri, Parses) {
  Result<PeerEndpoint> p = ParsePeerUri("mqtt://peer:s3:cr@t@127.0.0.1:1884");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->uri, "tcp://127.0.0.1:1884");
  EXPECT_EQ(p->username, "peer");
  EXPECT_EQ(p->password, "s3:cr@t");
  EXPECT_EQ(p->address, "127.0.0.1:1884");
}

TEST(PeerUri, RefusesWithoutLeakingThePassword) {
  for (const char* bad : {"http://a:b@h:1", "mqtt://h:1", "mqtt://a@h:1",
                          "mqtt://a:secret@h", "mqtt://a:secret@h:0",
                          "mqtt://a:secret@h:99999", "mqtt://:secret@h:1"}) {
    Result<PeerEndpoint> p = ParsePeerUri(bad);
    EXPECT_FALSE(p.ok()) << bad;
    if (!p.ok()) {
      EXPECT_EQ(p.status().message().find("secret"), std::string::npos);
    }
  }
}

TEST(PeerUri, ParsesTlsWithItsFiles) {
  Result<PeerEndpoint> p = ParsePeerUri(
      "mqtts://peer:pw?x@10.0.0.1:8883?ca=/a/tls/ca.crt&cert=/a/c%40t.crt"
      "&key=/a/k%26y.key");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->tls);
  EXPECT_EQ(p->uri, "mqtts://10.0.0.1:8883");
  EXPECT_EQ(p->address, "10.0.0.1:8883");
  EXPECT_EQ(p->password, "pw?x");
  EXPECT_EQ(p->ca_file, "/a/tls/ca.crt");
  EXPECT_EQ(p->cert_file, "/a/c@t.crt");
  EXPECT_EQ(p->key_file, "/a/k&y.key");
  // ssl:// likewise; without a CA the system's CAs check the broker.
  Result<PeerEndpoint> q = ParsePeerUri("ssl://u:p@h:1");
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->tls);
  EXPECT_EQ(q->uri, "mqtts://h:1");
  EXPECT_TRUE(q->ca_file.empty());
  EXPECT_FALSE(ParsePeerUri("mqtt://u:p@h:1").value().tls);
}

TEST(PeerUri, FormatReadsBack) {
  for (const char* uri :
       {"mqtt://u:p@h:1", "mqtts://u:s3@cr@h:2?ca=/x%20y/ca.crt",
        "mqtts://u:p@h:3?ca=/c&cert=/d%2Ce&key=/f"}) {
    Result<PeerEndpoint> p = ParsePeerUri(uri);
    ASSERT_TRUE(p.ok()) << uri;
    EXPECT_EQ(FormatPeerUri(*p), uri);
    Result<PeerEndpoint> again = ParsePeerUri(FormatPeerUri(*p));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->ca_file, p->ca_file);
    EXPECT_EQ(again->cert_file, p->cert_file);
  }
}

TEST(PeerUri, RefusesABadQueryWithoutLeakingThePassword) {
  for (const char* bad :
       {"mqtt://a:secret@h:1?ca=/c",  // a CA on a plaintext link
        "mqtts://a:secret@h:1?ca=", "mqtts://a:secret@h:1?ca",
        "mqtts://a:secret@h:1?ca=/c&ca=/d", "mqtts://a:secret@h:1?cafile=/c",
        "mqtts://a:secret@h:1?cert=/c",  // no key
        "mqtts://a:secret@h:1?ca=%zz", "mqtts://a:secret@h:1?ca=%4",
        "mqtts://a:secret@h?ca=/c"}) {
    Result<PeerEndpoint> p = ParsePeerUri(bad);
    EXPECT_FALSE(p.ok()) << bad;
    if (!p.ok()) {
      EXPECT_EQ(p.status().message().find("secret"), std::string::npos);
    }
  }
}

TEST(PeerUri, ChecksItsFiles) {
  Result<PeerEndpoint> p = ParsePeerUri("mqtts://u:p@h:1?ca=/nonexistent/ca");
  ASSERT_TRUE(p.ok());
  Status s = CheckPeerFiles(*p);
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  EXPECT_NE(s.message().find("/nonexistent/ca"), std::string::npos);
  EXPECT_TRUE(CheckPeerFiles(ParsePeerUri("mqtt://u:p@h:1").value()).ok());
}

TEST(OtherEdges, ParsesAList) {
  Result<std::vector<PeerEndpoint>> l =
      ParseOtherEdges(R"(["mqtt://p:x@h:1","tcp://p:y@g:2"])");
  ASSERT_TRUE(l.ok());
  ASSERT_EQ(l->size(), 2u);
  EXPECT_EQ((*l)[1].uri, "tcp://g:2");
  l = ParseOtherEdges(R"(["mqtts://p:x@h:1?ca=/ca.crt"])");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ((*l)[0].ca_file, "/ca.crt");
  EXPECT_FALSE(ParseOtherEdges("{}").ok());
  EXPECT_FALSE(ParseOtherEdges("[1]").ok());
  EXPECT_FALSE(ParseOtherEdges("[\"mqtt://h:1\"]").ok());
}

}  // namespace
}  // namespace fog::federation
