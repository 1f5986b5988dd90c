#include "master/dispatcher.h"

#include <gtest/gtest.h>

namespace fog::master {
namespace {

TEST(DispatcherTest, RoundRobinWithoutPolicy) {
  Dispatcher d;
  std::vector<std::string> live = {"a", "b", "c"};
  std::map<std::string, int> counts;
  for (int i = 0; i < 300; ++i) counts[*d.Choose(live)]++;
  EXPECT_EQ(counts["a"], 100);
  EXPECT_EQ(counts["b"], 100);
  EXPECT_EQ(counts["c"], 100);
  EXPECT_FALSE(d.Choose({}).has_value());
}

TEST(DispatcherTest, WeightedByPolicyAmongLiveWorkers) {
  Dispatcher d;
  ASSERT_TRUE(d.SetPolicy(R"({"weights":{"a":3,"b":1,"gone":100}})").ok());
  std::map<std::string, int> counts;
  for (int i = 0; i < 4000; ++i) counts[*d.Choose({"a", "b"})]++;
  EXPECT_NEAR(counts["a"] / 4000.0, 0.75, 0.05);
  EXPECT_EQ(counts.count("gone"), 0u);
  // A worker with weight 0 receives nothing while others have weight.
  ASSERT_TRUE(d.SetPolicy(R"({"weights":{"a":0,"b":1}})").ok());
  for (int i = 0; i < 100; ++i) EXPECT_EQ(*d.Choose({"a", "b"}), "b");
  // A policy naming no live worker falls back to round-robin.
  EXPECT_TRUE(d.Choose({"c"}).has_value());
}

TEST(DispatcherTest, RejectsBadPolicies) {
  Dispatcher d;
  EXPECT_FALSE(d.SetPolicy("not json").ok());
  EXPECT_FALSE(d.SetPolicy(R"({"weights":{"a":-1}})").ok());
  EXPECT_FALSE(d.SetPolicy(R"({"weights":{"a":"x"}})").ok());
  EXPECT_FALSE(d.SetPolicy(R"({"nope":1})").ok());
}

}  // namespace
}  // namespace fog::master
