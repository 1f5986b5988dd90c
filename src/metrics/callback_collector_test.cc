#include "metrics/callback_collector.h"

#include <gtest/gtest.h>

#include <atomic>

namespace fog::metrics {
namespace {

TEST(CallbackCollectorTest, ReadsAtEveryCollect) {
  std::atomic<int> reads{0};
  double bytes = 10;
  CallbackCollector c("fog_worker_store_bytes", "bytes", Kind::kGauge, [&] {
    ++reads;
    return std::vector<Sample>{{{}, bytes}};
  });
  EXPECT_EQ(c.Collect()[0].metric[0].gauge.value, 10);
  bytes = 25;
  auto families = c.Collect();
  ASSERT_EQ(families.size(), 1u);
  EXPECT_EQ(families[0].name, "fog_worker_store_bytes");
  EXPECT_EQ(families[0].type, prometheus::MetricType::Gauge);
  EXPECT_EQ(families[0].metric[0].gauge.value, 25);
  EXPECT_EQ(reads, 2);
}

TEST(CallbackCollectorTest, LabelsAndCountersAndSanitizedNames) {
  CallbackCollector c("fog.master-policy weight", "w", Kind::kCounter, [] {
    return std::vector<Sample>{{{{"worker", "worker-1"}}, 0.25},
                               {{{"bad-label", "worker-2"}}, 0.75}};
  });
  auto families = c.Collect();
  ASSERT_EQ(families.size(), 1u);
  EXPECT_EQ(families[0].name, "fog_master_policy_weight");
  EXPECT_EQ(families[0].type, prometheus::MetricType::Counter);
  ASSERT_EQ(families[0].metric.size(), 2u);
  EXPECT_EQ(families[0].metric[0].label[0].name, "worker");
  EXPECT_EQ(families[0].metric[0].label[0].value, "worker-1");
  EXPECT_EQ(families[0].metric[0].counter.value, 0.25);
  EXPECT_EQ(families[0].metric[1].label[0].name, "bad_label");
}

TEST(CallbackCollectorTest, NoSamplesNoFamily) {
  CallbackCollector c("fog_x", "x", Kind::kGauge,
                      [] { return std::vector<Sample>{}; });
  EXPECT_TRUE(c.Collect().empty());
}

}  // namespace
}  // namespace fog::metrics
