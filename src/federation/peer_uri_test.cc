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

TEST(OtherEdges, ParsesAList) {
  Result<std::vector<PeerEndpoint>> l =
      ParseOtherEdges(R"(["mqtt://p:x@h:1","tcp://p:y@g:2"])");
  ASSERT_TRUE(l.ok());
  ASSERT_EQ(l->size(), 2u);
  EXPECT_EQ((*l)[1].uri, "tcp://g:2");
  EXPECT_FALSE(ParseOtherEdges("{}").ok());
  EXPECT_FALSE(ParseOtherEdges("[1]").ok());
  EXPECT_FALSE(ParseOtherEdges("[\"mqtt://h:1\"]").ok());
}

}  // namespace
}  // namespace fog::federation
