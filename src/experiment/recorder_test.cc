#include "experiment/recorder.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "wire/ack.h"

namespace fog::experiment {
namespace {

wire::WorkerAck Ack(const std::string& worker, int64_t packet,
                    const std::string& result = "stored") {
  return {.worker = worker,
          .dispatch_id = worker + "-" + std::to_string(packet),
          .video_id = "v1",
          .packet_number = packet,
          .result = result};
}

Bytes Payload(const std::vector<wire::WorkerAck>& acks) {
  return wire::EncodeAcks(acks);
}

TEST(Recorder, APacketIsCompleteWithItsReplicasDistinctHolders) {
  Recorder rec(2);
  rec.Expect("v1", "a");
  rec.set_start(Recorder::Clock::now());
  rec.OnAck(Payload({Ack("w1", 1), Ack("w1", 1, "duplicate")}));
  EXPECT_EQ(rec.complete(), 0);
  std::mt19937_64 rng(1);
  std::string video;
  int64_t n = 0;
  EXPECT_FALSE(rec.PickComplete(rng, "a", &video, &n));
  rec.OnAck(Payload({Ack("w2", 1, "duplicate"), Ack("w3", 1)}));
  EXPECT_EQ(rec.complete(), 1);
  ASSERT_TRUE(rec.PickComplete(rng, "a", &video, &n));
  EXPECT_EQ(video, "v1");
  EXPECT_EQ(n, 1);
  EXPECT_TRUE(rec.PickHeldBy("w2", &video, &n));
  EXPECT_TRUE(rec.PickHeldBy("w3", &video, &n));  // a third holder too
  EXPECT_FALSE(rec.PickHeldBy("w4", &video, &n));
  // Another fog's video is not recorded.
  rec.OnAck(Payload({{.worker = "w1",
                      .video_id = "v2",
                      .packet_number = 1,
                      .result = "stored"}}));
  EXPECT_EQ(rec.Take().copies.size(), 4u);
}

// A fog sending acks again and again: a burst from many threads past the
// bound keeps exactly the bound, counts the rest, and says so once.
TEST(Recorder, KeepsItsBoundUnderABurstAndCountsTheRest) {
  Recorder rec(2);
  rec.Expect("v1", "a");
  rec.set_bounds(/*copies=*/10, /*views=*/5);
  rec.set_start(Recorder::Clock::now());
  testing::internal::CaptureStderr();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&rec, t] {
      for (int i = 0; i < 50; ++i) {
        rec.OnAck(Payload({Ack("w" + std::to_string(t), 1),
                           Ack("w" + std::to_string(t), 2)}));
        rec.AddView({.video = "v1", .packet = 1, .kind = "packet"});
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const std::string err = testing::internal::GetCapturedStderr();
  Events events = rec.Take();
  EXPECT_EQ(events.copies.size(), 10u);
  EXPECT_EQ(events.copies_dropped, 8 * 50 * 2 - 10);
  EXPECT_EQ(events.views.size(), 5u);
  EXPECT_EQ(events.views_dropped, 8 * 50 - 5);
  // What was dropped is a record, not a fact: both packets are complete.
  EXPECT_EQ(rec.complete(), 2);
  EXPECT_NE(err.find("more than 10 worker acks"), std::string::npos) << err;
  EXPECT_NE(err.find("more than 5 viewer requests"), std::string::npos);
  EXPECT_EQ(err.find("worker acks"), err.rfind("worker acks")) << err;
}

TEST(Recorder, CountsAnAckPayloadThatDoesNotDecode) {
  Recorder rec(2);
  rec.Expect("v1", "a");
  rec.set_start(Recorder::Clock::now());
  testing::internal::CaptureStderr();
  rec.OnAck(AsBytes("not json"));
  rec.OnAck(AsBytes("[{\"worker\": 1}]"));
  const std::string err = testing::internal::GetCapturedStderr();
  Events events = rec.Take();
  EXPECT_EQ(events.acks_unreadable, 2);
  EXPECT_TRUE(events.copies.empty());
  EXPECT_NE(err.find("an ack payload does not decode"), std::string::npos);
}

// The acks' wall-clock times land on the run's clock, in order with the
// arrival.
TEST(Recorder, PutsTheAcksTimesOnTheRunsClock) {
  Recorder rec(1);
  rec.Expect("v1", "a");
  rec.set_start(Recorder::Clock::now() - std::chrono::seconds(10));
  wire::WorkerAck a = Ack("w1", 1);
  const int64_t now_us = wire::UnixMicrosNow();
  a.dispatched_at_us = now_us - 3000;
  a.received_at_us = now_us - 2000;
  a.stored_at_us = now_us - 1000;
  rec.OnAck(Payload({a}));
  Events events = rec.Take();
  ASSERT_EQ(events.copies.size(), 1u);
  const CopyEvent& c = events.copies[0];
  EXPECT_NEAR(c.stored_ms, 10000, 1000);
  EXPECT_NEAR(c.stored_ms - c.dispatched_ms, 3, 2);
  EXPECT_NEAR(c.durable_ms - c.received_ms, 1, 0.01);
  EXPECT_LT(c.durable_ms, c.stored_ms);
  wire::WorkerAck unknown = Ack("w1", 2);  // no times: -1, "never"
  rec.OnAck(Payload({unknown}));
  EXPECT_EQ(rec.Take().copies[0].dispatched_ms, -1);
}

}  // namespace
}  // namespace fog::experiment
