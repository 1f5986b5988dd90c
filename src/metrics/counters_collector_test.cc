#include "metrics/counters_collector.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

namespace fog::metrics {
namespace {

const prometheus::MetricFamily* Find(
    const std::vector<prometheus::MetricFamily>& families,
    const std::string& name) {
  for (const auto& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

TEST(SanitizeNameTest, KeepsThePrometheusCharsetOnly) {
  EXPECT_EQ(SanitizeName("packets_stored"), "packets_stored");
  EXPECT_EQ(SanitizeName("store-full"), "store_full");
  EXPECT_EQ(SanitizeName("a.b c/d:e"), "a_b_c_d:e");
  EXPECT_EQ(SanitizeName("9lives"), "_9lives");
  EXPECT_EQ(SanitizeName("\xc3\xa9t\xc3\xa9"), "__t__");
  EXPECT_EQ(SanitizeName(""), "_");
}

TEST(LabelForTest, NamesTheValuesOfKnownFamilies) {
  EXPECT_EQ(LabelFor("rejected"), "reason");
  EXPECT_EQ(LabelFor("dispatched"), "worker");
  EXPECT_EQ(LabelFor("acks"), "result");
  EXPECT_EQ(LabelFor("redispatched"), "reason");
  EXPECT_EQ(LabelFor("other"), "kind");
}

TEST(CountersCollectorTest, PlainCountersBecomeTotals) {
  Counters c;
  c.Add("packets_stored", 7);
  c.Add("bytes-stored", 4096);
  CountersCollector collector("worker", c);
  auto families = collector.Collect();
  ASSERT_EQ(families.size(), 2u);
  const auto* stored = Find(families, "fog_worker_packets_stored_total");
  ASSERT_NE(stored, nullptr);
  EXPECT_EQ(stored->type, prometheus::MetricType::Counter);
  ASSERT_EQ(stored->metric.size(), 1u);
  EXPECT_TRUE(stored->metric[0].label.empty());
  EXPECT_EQ(stored->metric[0].counter.value, 7);
  const auto* bytes = Find(families, "fog_worker_bytes_stored_total");
  ASSERT_NE(bytes, nullptr);
  EXPECT_EQ(bytes->metric[0].counter.value, 4096);
}

TEST(CountersCollectorTest, RejectionsBecomeOneFamilyWithReasons) {
  Counters c;
  RejectLog log;
  log.Reject(c, "bad-signature", "v", "detail");
  log.Reject(c, "bad-signature", "v", "detail");
  log.Reject(c, "store-full", "v", "detail");
  CountersCollector collector("worker", c);
  auto families = collector.Collect();
  const auto* rejected = Find(families, "fog_worker_rejected_total");
  ASSERT_NE(rejected, nullptr);
  ASSERT_EQ(rejected->metric.size(), 2u);
  std::map<std::string, double> by_reason;
  for (const auto& m : rejected->metric) {
    ASSERT_EQ(m.label.size(), 1u);
    EXPECT_EQ(m.label[0].name, "reason");
    by_reason[m.label[0].value] = m.counter.value;
  }
  EXPECT_EQ(by_reason["bad-signature"], 2);
  EXPECT_EQ(by_reason["store-full"], 1);
}

TEST(CountersCollectorTest, AScrapeSeesTheLatestValues) {
  Counters c;
  c.Add("dispatched.worker-1");
  CountersCollector collector("master", c);
  EXPECT_EQ(collector.Collect()[0].metric[0].counter.value, 1);
  c.Add("dispatched.worker-1", 4);
  c.Add("dispatched.worker-2");
  auto families = collector.Collect();
  const auto* d = Find(families, "fog_master_dispatched_total");
  ASSERT_NE(d, nullptr);
  ASSERT_EQ(d->metric.size(), 2u);
  EXPECT_EQ(d->metric[0].label[0].name, "worker");
  EXPECT_EQ(d->metric[0].label[0].value, "worker-1");
  EXPECT_EQ(d->metric[0].counter.value, 5);
  EXPECT_EQ(d->metric[1].label[0].value, "worker-2");
}

TEST(CountersCollectorTest, PlainAndDottedWithOneNameShareAFamily) {
  Counters c;
  c.Add("acks", 3);
  c.Add("acks.stored", 2);
  CountersCollector collector("master", c);
  auto families = collector.Collect();
  ASSERT_EQ(families.size(), 1u);
  EXPECT_EQ(families[0].name, "fog_master_acks_total");
  EXPECT_EQ(families[0].metric.size(), 2u);
}

TEST(CountersCollectorTest, SerializesToTheTextFormat) {
  Counters c;
  c.Add("rejected.bad\"quote");
  c.Add("packets_received", 2);
  CountersCollector collector("master", c);
  std::string text =
      prometheus::TextSerializer().Serialize(collector.Collect());
  EXPECT_NE(text.find("# TYPE fog_master_packets_received_total counter"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("fog_master_packets_received_total 2"), std::string::npos)
      << text;
  EXPECT_NE(text.find("fog_master_rejected_total{reason=\"bad\\\"quote\"} 1"),
            std::string::npos)
      << text;
}

TEST(CountersCollectorTest, EmptyCountersGiveNothing) {
  Counters c;
  EXPECT_TRUE(CountersCollector("api", c).Collect().empty());
}

}  // namespace
}  // namespace fog::metrics
