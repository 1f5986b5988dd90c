#include <gtest/gtest.h>

#include "master/master.h"

namespace fog::master {
namespace {

using V = std::vector<std::string>;

TEST(SeedRequestTargetsTest, FirstLiveHolderOnly) {
  EXPECT_EQ(SeedRequestTargets({"w1", "w2"}, {"w1", "w2", "w3"}), V{"w1"});
  EXPECT_EQ(SeedRequestTargets({"w1", "w2", "w3"}, {"w3", "w2"}), V{"w2"});
}

TEST(SeedRequestTargetsTest, AnotherHolderWhenTheFirstIsGone) {
  EXPECT_EQ(SeedRequestTargets({"w1", "w2"}, {"w2", "w3"}), V{"w2"});
}

TEST(SeedRequestTargetsTest, NoLiveHolderNoTarget) {
  EXPECT_TRUE(SeedRequestTargets({"w1", "w2"}, {"w3"}).empty());
  EXPECT_TRUE(SeedRequestTargets({"w1"}, {}).empty());
}

TEST(SeedRequestTargetsTest, UnknownPlacementGoesToEveryLiveWorker) {
  EXPECT_EQ(SeedRequestTargets({}, {"w1", "w2"}), (V{"w1", "w2"}));
}

}  // namespace
}  // namespace fog::master
