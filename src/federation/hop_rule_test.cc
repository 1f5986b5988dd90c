#include "federation/hop_rule.h"

#include <gtest/gtest.h>

namespace fog::federation {
namespace {

using Names = std::vector<std::string>;

TEST(NextHop, NoCatalogKnowsTheVideoAsksEveryPeerNotVisited) {
  PeerRequest r{.id = "x", .video_id = "v", .hops = 2, .visited = {"c"}};
  HopDecision d = NextHop(r, "a", {"b", "c", "d"}, {});
  EXPECT_EQ(d.targets, (Names{"b", "d"}));
  EXPECT_EQ(d.visited, (Names{"a", "b", "c", "d"}));
}

TEST(NextHop, AsksOnlyTheHolders) {
  PeerRequest r{.id = "x", .video_id = "v", .hops = 2};
  HopDecision d = NextHop(r, "a", {"b", "c", "d"}, {"c"});
  EXPECT_EQ(d.targets, (Names{"c"}));
}

TEST(NextHop, HoldersAllVisitedMeansNowhere) {
  PeerRequest r{.id = "x", .video_id = "v", .hops = 2, .visited = {"c"}};
  EXPECT_TRUE(NextHop(r, "a", {"b", "c"}, {"c"}).targets.empty());
}

TEST(NextHop, NoHopLeftMeansNowhere) {
  PeerRequest r{.id = "x", .video_id = "v", .hops = 0};
  EXPECT_TRUE(NextHop(r, "a", {"b", "c"}, {}).targets.empty());
}

TEST(NextHop, NeverBackToSelf) {
  PeerRequest r{.id = "x", .video_id = "v", .hops = 3};
  EXPECT_EQ(NextHop(r, "a", {"a", "b"}, {}).targets, (Names{"b"}));
}

// In a ring a-b-c with no holder, a asks b and c naming both as visited:
// neither forwards again, so the request costs two requests and two ends.
TEST(NextHop, RingOfThreeEndsAfterOneRound) {
  PeerRequest start{.id = "x", .video_id = "v", .hops = 3};
  HopDecision at_a = NextHop(start, "a", {"b", "c"}, {});
  ASSERT_EQ(at_a.targets, (Names{"b", "c"}));
  PeerRequest fwd = start;
  fwd.hops = 2;
  fwd.visited = at_a.visited;
  EXPECT_TRUE(NextHop(fwd, "b", {"a", "c"}, {}).targets.empty());
  EXPECT_TRUE(NextHop(fwd, "c", {"a", "b"}, {}).targets.empty());
}

// A chain a-b-c: b passes a's request on to c, and c goes nowhere.
TEST(NextHop, ChainForwardsOnce) {
  PeerRequest start{.id = "x", .video_id = "v", .hops = 3};
  HopDecision at_a = NextHop(start, "a", {"b"}, {});
  PeerRequest fwd = start;
  fwd.hops = 2;
  fwd.visited = at_a.visited;
  HopDecision at_b = NextHop(fwd, "b", {"a", "c"}, {});
  EXPECT_EQ(at_b.targets, (Names{"c"}));
  fwd.hops = 1;
  fwd.visited = at_b.visited;
  EXPECT_TRUE(NextHop(fwd, "c", {"b"}, {}).targets.empty());
}

TEST(RequestDedup, DropsRepeatsAndForgetsTheOldest) {
  RequestDedup d(2);
  EXPECT_TRUE(d.FirstSeen("1"));
  EXPECT_FALSE(d.FirstSeen("1"));
  EXPECT_TRUE(d.FirstSeen("2"));
  EXPECT_TRUE(d.FirstSeen("3"));  // forgets "1"
  EXPECT_EQ(d.size(), 2u);
  EXPECT_FALSE(d.FirstSeen("3"));
  EXPECT_TRUE(d.FirstSeen("1"));
}

}  // namespace
}  // namespace fog::federation
