#include "master/backlog.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <vector>

#include "wire/topics.h"

namespace fog::master {
namespace {

using namespace std::chrono_literals;

// Collects the published reports; waits on them, never on time.
class Reports {
 public:
  Backlog::Publish Sink() {
    return [this](const mqtt::Message& m) {
      Result<wire::BacklogReport> r = wire::DecodeBacklog(m.payload);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ(m.topic, wire::topics::kBacklog);
      EXPECT_TRUE(m.retained);
      EXPECT_EQ(m.qos, 1);
      std::lock_guard<std::mutex> lock(mu_);
      if (r.ok()) got_.push_back(*r);
      cv_.notify_all();
      return Status::OK();
    };
  }
  // The n-th report (1-based), once it came; fails the test after 10 s.
  wire::BacklogReport Wait(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    EXPECT_TRUE(cv_.wait_for(lock, 10s, [&] { return got_.size() >= n; }))
        << "report " << n << " never came";
    return got_.size() >= n ? got_[n - 1] : wire::BacklogReport{};
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu_);
    return got_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<wire::BacklogReport> got_;
};

PacketKey Key(int64_t n) { return {"v", n}; }

TEST(BacklogTest, CountsPacketsOnceAndSettlesThem) {
  Reports reports;
  Backlog b({.limit_bytes = 1000}, reports.Sink());
  b.Taken(Key(1), 100);
  b.Taken(Key(1), 100);  // a repeat is one packet
  b.Taken(Key(2), 50);
  EXPECT_EQ(b.snapshot().packets, 2u);
  EXPECT_EQ(b.snapshot().bytes, 150u);
  b.Settled(Key(1));
  b.Settled(Key(1));
  b.Settled(Key(9));  // never taken
  EXPECT_EQ(b.snapshot().packets, 1u);
  EXPECT_EQ(b.snapshot().bytes, 50u);
  EXPECT_EQ(b.snapshot().limit_bytes, 1000u);
  EXPECT_EQ(b.snapshot().resume_bytes, 750u);
}

TEST(BacklogTest, PublishesCrossingsAtOnceWithHysteresis) {
  Reports reports;
  // An interval no test outlives: only the first report and crossings go out.
  Backlog b({.limit_bytes = 1000, .interval = 1h}, reports.Sink());
  b.Taken(Key(1), 400);
  b.Start();
  wire::BacklogReport first = reports.Wait(1);
  EXPECT_FALSE(first.over);
  EXPECT_EQ(first.bytes, 400u);

  b.Taken(Key(2), 599);  // 999: under
  b.Taken(Key(3), 1);    // 1000: over
  wire::BacklogReport over = reports.Wait(2);
  EXPECT_TRUE(over.over);
  EXPECT_EQ(over.bytes, 1000u);
  EXPECT_EQ(over.packets, 3u);
  EXPECT_GT(over.seq, first.seq);

  b.Settled(Key(1));  // 600: below the resume mark (750)
  wire::BacklogReport under = reports.Wait(3);
  EXPECT_FALSE(under.over);
  EXPECT_EQ(under.bytes, 600u);
  b.Stop();
}

TEST(BacklogTest, OverAgainOnlyAtTheLimit) {
  Reports reports;
  Backlog b({.limit_bytes = 1000, .interval = 1h}, reports.Sink());
  b.Start();
  reports.Wait(1);
  b.Taken(Key(1), 1000);
  EXPECT_TRUE(reports.Wait(2).over);
  b.Taken(Key(2), 10);
  b.Settled(Key(1));  // 10 bytes left: under
  EXPECT_FALSE(reports.Wait(3).over);
  b.Taken(Key(3), 800);  // 810: above the resume mark, below the limit
  EXPECT_FALSE(b.snapshot().over);
  b.Stop();
  EXPECT_EQ(reports.count(), 3u);
}

TEST(BacklogTest, HoldsOverBetweenResumeMarkAndLimit) {
  Reports reports;
  Backlog b({.limit_bytes = 1000, .interval = 1h}, reports.Sink());
  b.Start();
  reports.Wait(1);
  b.Taken(Key(1), 900);
  b.Taken(Key(2), 200);  // 1100: over
  EXPECT_TRUE(reports.Wait(2).over);
  b.Settled(Key(2));  // 900: between 750 and 1000, still over
  EXPECT_TRUE(b.snapshot().over);
  b.Settled(Key(1));  // 0: under
  EXPECT_FALSE(reports.Wait(3).over);
  b.Stop();
}

TEST(BacklogTest, ReportsOtherChangesAfterTheInterval) {
  Reports reports;
  Backlog b({.limit_bytes = 1000, .interval = 1ms}, reports.Sink());
  b.Start();
  reports.Wait(1);
  b.Taken(Key(1), 10);
  wire::BacklogReport r = reports.Wait(2);
  EXPECT_FALSE(r.over);
  EXPECT_EQ(r.bytes, 10u);
  b.Republish();
  EXPECT_EQ(reports.Wait(3).bytes, 10u);
  b.Stop();
}

TEST(BacklogTest, WhatTheBrokerHoldsCountsAndStopsPublishersEarly) {
  Backlog b({.limit_bytes = 1000, .broker_limit_bytes = 400},
            [](auto&) { return Status::OK(); });
  b.Taken(Key(1), 100);
  b.BrokerHeld(300);
  EXPECT_EQ(b.snapshot().bytes, 400u);  // the master's and the broker's
  EXPECT_EQ(b.snapshot().broker_bytes, 300u);
  EXPECT_FALSE(b.snapshot().over);
  // The broker's bytes alone reach their limit long before the total
  // does: the broker drops past its own bound, whatever the master took.
  b.BrokerHeld(400);
  EXPECT_TRUE(b.snapshot().over);
  b.BrokerHeld(301);  // 3/4 of the broker's limit is the resume mark
  EXPECT_TRUE(b.snapshot().over);
  b.BrokerHeld(299);
  EXPECT_FALSE(b.snapshot().over);
  // The total counts against the backlog limit as before.
  b.Taken(Key(2), 650);
  EXPECT_TRUE(b.snapshot().over);  // 100 + 650 + 299 >= 1000
  b.BrokerHeld(0);
  EXPECT_TRUE(b.snapshot().over);  // 750 is not below 750
  b.Settled(Key(1));
  EXPECT_FALSE(b.snapshot().over);
}

}  // namespace
}  // namespace fog::master
