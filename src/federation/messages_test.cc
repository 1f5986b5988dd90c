#include "federation/messages.h"

#include <gtest/gtest.h>

namespace fog::federation {
namespace {

TEST(PeerTopic, RoundTrips) {
  Result<PeerTopicParts> p = ParsePeerTopic(PeerTopic("b", "a", "request"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->to, "b");
  EXPECT_EQ(p->from, "a");
  EXPECT_EQ(p->kind, "request");
  Result<PeerTopicParts> h = ParsePeerTopic(HelloTopic("a"));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->to, "");
  EXPECT_EQ(h->kind, "hello");
}

TEST(PeerTopic, RefusesOtherTopics) {
  EXPECT_FALSE(ParsePeerTopic("fog/get/x").ok());
  EXPECT_FALSE(ParsePeerTopic("fog/peer/a/b").ok());
  EXPECT_FALSE(ParsePeerTopic("fog/peer/a/b/c/d").ok());
  EXPECT_FALSE(ParsePeerTopic("fog/peer/a/b c/hello").ok());
  EXPECT_FALSE(ValidateFogName("_hello").ok());
  EXPECT_FALSE(ValidateFogName("").ok());
  EXPECT_TRUE(ValidateFogName("site-1.eu").ok());
}

TEST(Request, RoundTrips) {
  PeerRequest r{.id = "abc",
                .video_id = "v1",
                .first = 3,
                .last = 9,
                .page_bytes = 100,
                .hops = 2,
                .visited = {"a", "b"}};
  Result<PeerRequest> d = DecodeRequest(AsBytes(EncodeRequest(r)));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->id, "abc");
  EXPECT_EQ(d->first, 3);
  EXPECT_EQ(d->last, 9);
  EXPECT_EQ(d->hops, 2);
  EXPECT_EQ(d->visited, r.visited);
}

TEST(Request, RefusesBadInput) {
  EXPECT_FALSE(DecodeRequest(AsBytes(std::string("[1]"))).ok());
  EXPECT_FALSE(DecodeRequest(AsBytes(std::string("not json"))).ok());
  EXPECT_FALSE(DecodeRequest(AsBytes(std::string(
                                 R"({"id":"x","video_id":"v","hops":99})")))
                   .ok());
  EXPECT_FALSE(
      DecodeRequest(AsBytes(std::string(
                        R"({"id":"x","video_id":"v","first":5,"last":2})")))
          .ok());
  EXPECT_FALSE(
      DecodeRequest(AsBytes(std::string(
                        R"({"id":"x","video_id":"v","visited":["a/b"]})")))
          .ok());
  EXPECT_FALSE(
      DecodeRequest(AsBytes(std::string(R"({"id":"","video_id":"v"})"))).ok());
}

TEST(Catalog, RoundTrips) {
  Catalog c{.fog = "a",
            .seq = 7,
            .videos = {{.video_id = "v1",
                        .status = "complete",
                        .packets = 10,
                        .total_packets = 10,
                        .ranges = "1-10",
                        .publisher_key = "k",
                        .chain_head = "h"}}};
  Result<Catalog> d = DecodeCatalog(AsBytes(EncodeCatalog(c)));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->fog, "a");
  EXPECT_EQ(d->seq, 7);
  ASSERT_EQ(d->videos.size(), 1u);
  EXPECT_EQ(d->videos[0], c.videos[0]);
}

TEST(Catalog, RefusesBadInput) {
  EXPECT_FALSE(DecodeCatalog(AsBytes(std::string(R"({"fog":"a"})"))).ok());
  EXPECT_FALSE(DecodeCatalog(AsBytes(std::string(
                                 R"({"fog":"a","videos":[{"video_id":5}]})")))
                   .ok());
  EXPECT_FALSE(
      DecodeCatalog(AsBytes(std::string(R"({"fog":"a/b","videos":[]})"))).ok());
}

TEST(Hello, RoundTrips) {
  Result<Hello> h = DecodeHello(AsBytes(EncodeHello({42, true})));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->t_ms, 42);
  EXPECT_TRUE(h->pong);
  EXPECT_FALSE(DecodeHello(AsBytes(std::string(R"({"t":"x"})"))).ok());
}

TEST(EndResult, Names) {
  EXPECT_EQ(ParseEndResult("not-found"), EndResult::kNotFound);
  EXPECT_FALSE(ParseEndResult("maybe").has_value());
  EXPECT_EQ(ParseEndResult("unreachable"), EndResult::kUnreachable);
  EXPECT_STREQ(EndResultName(EndResult::kUnreachable), "unreachable");
}

TEST(FogList, RoundTripsAndDropsBadNames) {
  EXPECT_EQ(EncodeFogList({"c", "b"}), "b,c");
  EXPECT_EQ(DecodeFogList("b,c"), (std::set<std::string>{"b", "c"}));
  EXPECT_EQ(DecodeFogList(""), std::set<std::string>{});
  EXPECT_EQ(DecodeFogList("c,,_bad,a/b,d"), (std::set<std::string>{"c", "d"}));
  std::string many;
  for (int i = 0; i < 100; ++i) many += "f" + std::to_string(i) + ",";
  EXPECT_EQ(DecodeFogList(many).size(), kMaxVisited);
}

}  // namespace
}  // namespace fog::federation
