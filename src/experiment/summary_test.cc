#include "experiment/summary.h"

#include <gtest/gtest.h>

namespace fog::experiment {
namespace {

TEST(Percentile, NearestRank) {
  EXPECT_EQ(Percentile({}, 50), 0);
  EXPECT_EQ(Percentile({5}, 99), 5);
  EXPECT_EQ(Percentile({4, 1, 3, 2}, 50), 2);
  EXPECT_EQ(Percentile({4, 1, 3, 2}, 75), 3);
  EXPECT_EQ(Percentile({4, 1, 3, 2}, 100), 4);
  std::vector<double> hundred;
  for (int i = 1; i <= 100; ++i) hundred.push_back(i);
  EXPECT_EQ(Percentile(hundred, 95), 95);
  EXPECT_EQ(Percentile(hundred, 99), 99);
}

Events Sample() {
  Events e;
  // Packet 1: two copies (complete at 150); 2: one copy; 3: none;
  // 4: never acknowledged by the broker.
  e.packets = {{"v", 1, 0, 10, 0},
               {"v", 2, 1000, 1010, 1000},
               {"v", 3, 2000, 2010, 2000},
               {"v", 4, 3000, -1, 3000}};
  e.copies = {{"v", 1, "w1", 100, "stored"},
              {"v", 1, "w2", 150, "stored"},
              {"v", 1, "w2", 160, "duplicate"},
              {"v", 1, "w1", 170, "stored"},  // stored twice by w1
              {"v", 2, "w1", 1100, "stored"},
              {"v", 2, "w2", 1100, "rejected", "bad-signature"},
              {"v", 3, "w2", 2100, "error", "store-full"},
              {"v", 3, "w1", 2100, "error", "store-full"}};
  e.views = {{"v", 1, "packet", 500, 12, 200},
             {"v", 1, "packet", 600, 5, 503},
             {"v", 1, "get", 700, 8, 200}};
  e.faults = {{1200, "kill", "w2", "ok"}};
  return e;
}

TEST(Summarize, CountsFromTheEvents) {
  const nlohmann::json s = Summarize(Sample(), 2, 4);
  EXPECT_EQ(s["packets_published"], 4);
  EXPECT_EQ(s["packets_complete"], 1);
  EXPECT_EQ(s["packets_under_replicated"], 1);
  EXPECT_EQ(s["packets_lost"], 1);
  EXPECT_EQ(s["packets_unacknowledged"], 1);
  EXPECT_EQ(s["packets_duplicated"], 1);
  EXPECT_EQ(s["packets_per_s"], 0.25);
  EXPECT_EQ(s["latency_ms"]["p50"], 150);
  EXPECT_EQ(s["latency_ms"]["count"], 1);
  EXPECT_EQ(s["verdicts"]["stored"], 4);
  EXPECT_EQ(s["verdicts"]["error"], 2);
  // Refusals by the ack's reason.
  EXPECT_EQ(s["refusals"]["store-full"], 2);
  EXPECT_EQ(s["refusals"]["bad-signature"], 1);
  EXPECT_EQ(s["refusals"].size(), 2u);
  EXPECT_EQ(s["verdicts"]["rejected"], 1);
  EXPECT_EQ(s["viewers"]["availability"], 0.667);
  // And by kind of viewer.
  EXPECT_EQ(s["viewers"]["by_kind"]["packet"]["requests"], 2);
  EXPECT_EQ(s["viewers"]["by_kind"]["packet"]["availability"], 0.5);
  EXPECT_EQ(s["viewers"]["by_kind"]["get"]["ok"], 1);
  EXPECT_EQ(s["viewers"]["by_kind"].size(), 2u);
  EXPECT_TRUE(s["r_copies_after_last_fault_ms"].is_null());
  EXPECT_EQ(s["events_dropped"]["copies"], 0);
}

TEST(Summarize, SaysWhatTheRunnerDidNotKeep) {
  Events events = Sample();
  events.copies_dropped = 3;
  events.views_dropped = 1;
  events.acks_unreadable = 2;
  const nlohmann::json s = Summarize(events, 2, 4);
  EXPECT_EQ(s["events_dropped"]["copies"], 3);
  EXPECT_EQ(s["events_dropped"]["views"], 1);
  EXPECT_EQ(s["events_dropped"]["acks_unreadable"], 2);
}

TEST(Summarize, RecoveryAfterTheLastFault) {
  Events e = Sample();
  e.packets.resize(1);
  e.faults = {{120, "kill", "w2", "ok"}};
  const nlohmann::json s = Summarize(e, 2, 1);
  EXPECT_EQ(s["r_copies_after_last_fault_ms"], 30);
}

TEST(MaxStreamsHeld, UpToTheFirstSecondThatFails) {
  Events e;
  // Stream a from 0 s, b from 1 s, c from 2 s; c's packet at 2 s is late.
  e.packets = {{"a", 1, 0, 1, 0},          {"a", 2, 1000, 1001, 1000},
               {"b", 1, 1000, 1001, 1000}, {"a", 3, 2000, 2001, 2000},
               {"b", 2, 2000, 2001, 2000}, {"c", 1, 2000, 2001, 2000}};
  for (const PacketEvent& p : e.packets) {
    const double t =
        p.video == "c" ? p.scheduled_ms + 1500 : p.published_ms + 50;
    e.copies.push_back({p.video, p.packet, "w1", t, "stored"});
  }
  EXPECT_EQ(MaxStreamsHeld(e, 1, 1000), 2);
  EXPECT_EQ(MaxStreamsHeld(e, 1, 2000), 3);
  EXPECT_EQ(MaxStreamsHeld(e, 2, 1000), 0);  // no packet has two copies
}

TEST(LookupNumber, DottedPaths) {
  const nlohmann::json doc = {{"a", {{"b", 2.5}}}, {"t", true}, {"s", "x"}};
  double v = 0;
  EXPECT_TRUE(LookupNumber(doc, "a.b", &v));
  EXPECT_EQ(v, 2.5);
  EXPECT_TRUE(LookupNumber(doc, "t", &v));
  EXPECT_EQ(v, 1);
  EXPECT_FALSE(LookupNumber(doc, "s", &v));
  EXPECT_FALSE(LookupNumber(doc, "a.c", &v));
  EXPECT_FALSE(LookupNumber(doc, "a.b.c", &v));
}

}  // namespace
}  // namespace fog::experiment
