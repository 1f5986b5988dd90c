#include "master/placements.h"

#include <gtest/gtest.h>

namespace fog::master {
namespace {

using Workers = std::vector<std::string>;

TEST(PlacementsTest, TracksHoldersBothWays) {
  Placements p(100);
  p.Add({"v", 1}, "w2");
  p.Add({"v", 1}, "w1");
  p.Add({"v", 2}, "w1");
  p.Add({"v", 1}, "w1");  // again: no second copy
  EXPECT_EQ(p.Holders({"v", 1}), (Workers{"w1", "w2"}));
  EXPECT_EQ(p.HeldBy("w1"), (std::vector<PacketKey>{{"v", 1}, {"v", 2}}));
  p.Remove({"v", 1}, "w1");
  EXPECT_EQ(p.Holders({"v", 1}), (Workers{"w2"}));
  EXPECT_EQ(p.HeldBy("w1"), (std::vector<PacketKey>{{"v", 2}}));
  p.Remove({"v", 2}, "w1");
  EXPECT_TRUE(p.HeldBy("w1").empty());
  p.Remove({"v", 9}, "w1");  // unknown: nothing happens
  EXPECT_TRUE(p.Holders({"v", 9}).empty());
}

TEST(PlacementsTest, ForgetsTheOldestBeyondCapacity) {
  Placements p(3);
  for (int64_t n = 1; n <= 5; ++n) p.Add({"v", n}, "w");
  EXPECT_EQ(p.size(), 3u);
  EXPECT_TRUE(p.Holders({"v", 1}).empty());
  EXPECT_TRUE(p.Holders({"v", 2}).empty());
  EXPECT_EQ(p.Holders({"v", 5}), (Workers{"w"}));
  EXPECT_EQ(p.HeldBy("w").size(), 3u);
  // A removed and re-added key does not take a second place in the order.
  p.Remove({"v", 3}, "w");
  p.Add({"v", 3}, "x");
  p.Add({"v", 6}, "w");
  EXPECT_TRUE(p.Holders({"v", 3}).empty());
  EXPECT_TRUE(p.HeldBy("x").empty());
  EXPECT_EQ(p.size(), 3u);
}

}  // namespace
}  // namespace fog::master
