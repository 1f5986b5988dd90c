#include "metrics/latency.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace fog::metrics {
namespace {

TEST(LatencyTest, BucketsIncreaseAndSpanFsyncToTimeout) {
  const auto& b = LatencyBuckets();
  ASSERT_GE(b.size(), 10u);
  EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
  EXPECT_EQ(std::adjacent_find(b.begin(), b.end()), b.end());
  EXPECT_LE(b.front(), 0.001);
  EXPECT_GE(b.back(), 10.0);  // the master's default ack timeout
}

TEST(LatencyTest, ObservationsLandInTheirBuckets) {
  prometheus::Registry registry;
  prometheus::Histogram& h =
      AddLatencyHistogram(registry, "fog_test_latency_seconds", "latency");
  auto observe = Observer(h);
  observe(0.0002);  // first bucket
  observe(0.003);   // <= 0.005
  observe(42);      // only +Inf
  observe(-1);      // counted as 0
  auto families = registry.Collect();
  ASSERT_EQ(families.size(), 1u);
  EXPECT_EQ(families[0].name, "fog_test_latency_seconds");
  EXPECT_EQ(families[0].type, prometheus::MetricType::Histogram);
  const auto& hist = families[0].metric[0].histogram;
  EXPECT_EQ(hist.sample_count, 4u);
  EXPECT_DOUBLE_EQ(hist.sample_sum, 0.0002 + 0.003 + 42);
  auto count_le = [&](double bound) -> uint64_t {
    for (const auto& bucket : hist.bucket) {
      if (bucket.upper_bound == bound) return bucket.cumulative_count;
    }
    ADD_FAILURE() << "no bucket " << bound;
    return 0;
  };
  EXPECT_EQ(count_le(0.00025), 2u);  // 0.0002 and the clamped -1
  EXPECT_EQ(count_le(0.0025), 2u);
  EXPECT_EQ(count_le(0.005), 3u);
  EXPECT_EQ(count_le(30), 3u);
  EXPECT_EQ(hist.bucket.back().cumulative_count, 4u);  // +Inf
}

}  // namespace
}  // namespace fog::metrics
