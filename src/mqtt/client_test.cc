#include "mqtt/client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "testing/test_broker.h"

namespace fog::mqtt {
namespace {

using namespace std::chrono_literals;

class Inbox {
 public:
  void Push(const Message& m) {
    std::lock_guard<std::mutex> lock(mu_);
    messages_.push_back(m);
    cv_.notify_all();
  }
  // Waits until at least `n` messages arrived.
  std::vector<Message> WaitFor(size_t n,
                               std::chrono::milliseconds timeout = 5s) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return messages_.size() >= n; });
    return messages_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Message> messages_;
};

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(broker_.Start(true).ok()); }
  fog::testing::TestBroker broker_;
};

TEST_F(ClientTest, PublishesAndReceivesWithV5Properties) {
  Inbox inbox;
  Client sub({.uri = broker_.uri(), .client_id = "sub"});
  sub.OnMessage([&](const Message& m) { inbox.Push(m); });
  ASSERT_TRUE(sub.Connect(5s).ok());
  Status sub_status = sub.Subscribe("t/#", 1);
  ASSERT_TRUE(sub_status.ok()) << sub_status.ToString();

  Client pub({.uri = broker_.uri(), .client_id = "pub"});
  ASSERT_TRUE(pub.Connect(5s).ok());
  Message m{.topic = "t/1", .payload = Bytes(100000, 7), .qos = 1};
  m.response_topic = "reply/here";
  m.correlation_data = {1, 2, 0, 3};
  m.user_properties = {{"video-id", "v1"}, {"dispatch-id", "42"}};
  ASSERT_TRUE(pub.Publish(m).ok());

  auto got = inbox.WaitFor(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, m.payload);
  EXPECT_EQ(got[0].response_topic, "reply/here");
  EXPECT_EQ(got[0].correlation_data, m.correlation_data);
  EXPECT_EQ(got[0].UserProperty("dispatch-id"), "42");
  EXPECT_EQ(got[0].UserProperty("missing"), "");
}

TEST_F(ClientTest, PersistentSessionKeepsQos1MessagesWhileAway) {
  ConnectOptions opts{.uri = broker_.uri(),
                      .client_id = "durable",
                      .clean_start = false,
                      .session_expiry_seconds = 3600};
  {
    Client first(opts);
    ASSERT_TRUE(first.Connect(5s).ok());
    ASSERT_TRUE(first.Subscribe("q/#", 1).ok());
    first.Disconnect();
  }
  Client pub({.uri = broker_.uri(), .client_id = "pub2"});
  ASSERT_TRUE(pub.Connect(5s).ok());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        pub.Publish({.topic = "q/x", .payload = {uint8_t(i)}, .qos = 1}).ok());
  }
  Inbox inbox;
  Client second(opts);
  second.OnMessage([&](const Message& m) { inbox.Push(m); });
  ASSERT_TRUE(second.Connect(5s).ok());
  EXPECT_EQ(inbox.WaitFor(5).size(), 5u);
}

TEST_F(ClientTest, ReconnectsAndResubscribesAfterBrokerRestart) {
  Inbox inbox;
  Client sub({.uri = broker_.uri(), .client_id = "resub"});
  sub.OnMessage([&](const Message& m) { inbox.Push(m); });
  ASSERT_TRUE(sub.Connect(5s).ok());
  ASSERT_TRUE(sub.Subscribe("r/#", 1).ok());
  ASSERT_TRUE(broker_.Restart().ok());
  for (int i = 0; i < 100 && (!sub.connected() || sub.reconnects() == 0); ++i) {
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(sub.connected());
  EXPECT_GE(sub.reconnects(), 1u);
  Client pub({.uri = broker_.uri(), .client_id = "pub3"});
  ASSERT_TRUE(pub.Connect(5s).ok());
  // The subscription is sent again on reconnecting, not waited for there:
  // until the broker has it, a publish reaches no one. Publish until one
  // arrives (the resubscription is the signal), for at most 10 s.
  size_t got = 0;
  for (int i = 0; i < 20 && got == 0; ++i) {
    ASSERT_TRUE(pub.Publish({.topic = "r/1", .payload = {9}, .qos = 1}).ok());
    got = inbox.WaitFor(1, 500ms).size();
  }
  EXPECT_EQ(got, 1u);
}

// Publishes that the broker did not acknowledge before it went away are
// sent again once it is back, even by a clean-start client: Flush() means
// every message reached the broker.
TEST_F(ClientTest, PublishesSurviveBrokerRestarts) {
  constexpr int kMessages = 600;
  std::mutex mu;
  std::set<int> received;
  ConnectOptions sub_opts{.uri = broker_.uri(),
                          .client_id = "restart-sub",
                          .clean_start = false,
                          .session_expiry_seconds = 3600};
  Client sub(sub_opts);
  sub.OnMessage([&](const Message& m) {
    std::lock_guard<std::mutex> lock(mu);
    received.insert(m.payload[0] | m.payload[1] << 8);
  });
  ASSERT_TRUE(sub.Connect(5s).ok());
  ASSERT_TRUE(sub.Subscribe("s/#", 1).ok());

  Client pub({.uri = broker_.uri(), .client_id = "restart-pub"});
  ASSERT_TRUE(pub.Connect(5s).ok());
  // Each restart hits publishes in flight: the broker is paused until the
  // publisher has some it cannot have had acknowledged, then restarted.
  std::thread restarter([&] {
    for (int i = 0; i < 3; ++i) {
      std::this_thread::sleep_for(300ms);  // spreads the restarts out
      broker_.Pause();
      const auto deadline = std::chrono::steady_clock::now() + 5s;
      while (pub.publish_queue().inflight_bytes == 0 &&
             std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(1ms);
      }
      EXPECT_GT(pub.publish_queue().inflight_bytes, 0u);
      EXPECT_TRUE(broker_.Restart().ok());
    }
  });
  for (int i = 0; i < kMessages; ++i) {
    Bytes payload(32 * 1024, 0);
    payload[0] = i & 0xFF;
    payload[1] = i >> 8;
    Status published = pub.Publish(
        {.topic = "s/x", .payload = payload, .qos = 1}, /*wait=*/false);
    if (!published.ok()) {
      ADD_FAILURE() << "message " << i << ": " << published.ToString();
      break;  // and still join the restarter
    }
    std::this_thread::sleep_for(2ms);
  }
  restarter.join();
  Status flushed = pub.Flush(30s);
  ASSERT_TRUE(flushed.ok()) << flushed.ToString();
  for (int i = 0; i < 100; ++i) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (received.size() == kMessages) break;
    }
    std::this_thread::sleep_for(100ms);
  }
  std::lock_guard<std::mutex> lock(mu);
  std::vector<int> missing;
  for (int i = 0; i < kMessages; ++i) {
    if (!received.contains(i)) missing.push_back(i);
  }
  EXPECT_TRUE(missing.empty()) << missing.size() << " missing, first "
                               << (missing.empty() ? -1 : missing[0]);
  // The restarts hit the publisher with publishes in flight, and none was
  // given up on. Who sent them again depends on whether the broker had
  // saved the publisher's session before it went down (it saves every
  // second): Paho resumes the session's in-flight publishes itself, and a
  // fresh session fails them back to us (PublishQueue::sent_again). Either
  // way every message arrived (above).
  const Client::PublishQueue queue = pub.publish_queue();
  EXPECT_GE(pub.reconnects(), 1u);
  EXPECT_EQ(queue.failed, 0u);
}

// A publish nobody waited for that fails is reported by the next Flush(),
// and only by that one. Mosquitto closes the connection over a wildcard in a
// publish's topic, so this one is sent again until its attempts run out.
TEST_F(ClientTest, FlushReportsFailedPublishesOnce) {
  Client pub({.uri = broker_.uri(), .client_id = "flush-pub"});
  ASSERT_TRUE(pub.Connect(5s).ok());
  (void)pub.Publish({.topic = "bad/#", .payload = {1}, .qos = 1},
                    /*wait=*/false);
  Status flushed = pub.Flush(60s);
  EXPECT_FALSE(flushed.ok());
  EXPECT_NE(flushed.message().find("1 publishes failed"), std::string::npos)
      << flushed.ToString();
  EXPECT_NE(flushed.message().find("in flight 5 times"), std::string::npos)
      << flushed.ToString();
  EXPECT_EQ(pub.publish_queue().sent_again, 4u);
  EXPECT_EQ(pub.publish_queue().failed, 1u);
  ASSERT_TRUE(
      pub.Publish({.topic = "good", .payload = {2}, .qos = 1}, false).ok());
  EXPECT_TRUE(pub.Flush(5s).ok());
}

// A burst far over the in-flight budget, published from a message handler
// (Paho's callback thread, as the master does), arrives whole and in order;
// a message larger than the budget still goes.
TEST_F(ClientTest, BudgetedBurstFromHandlerArrivesInOrder) {
  constexpr int kMessages = 300;
  Inbox inbox;
  Client sink({.uri = broker_.uri(), .client_id = "sink"});
  sink.OnMessage([&](const Message& m) { inbox.Push(m); });
  ASSERT_TRUE(sink.Connect(5s).ok());
  ASSERT_TRUE(sink.Subscribe("out/#", 1).ok());

  Client relay({.uri = broker_.uri(),
                .client_id = "relay",
                .max_inflight_bytes = 200 << 10});
  std::atomic<int> refused{0};
  relay.OnMessage([&](const Message& m) {
    Message copy = m;
    copy.topic = "out/" + m.topic.substr(3);
    for (int i = 0; i < 2; ++i) {
      if (!relay.Publish(copy, /*wait=*/false).ok()) ++refused;
    }
  });
  ASSERT_TRUE(relay.Connect(5s).ok());
  ASSERT_TRUE(relay.Subscribe("in/#", 1).ok());

  Client pub({.uri = broker_.uri(),
              .client_id = "burst",
              .max_inflight_bytes = 128 << 10});
  ASSERT_TRUE(pub.Connect(5s).ok());
  for (int i = 0; i < kMessages; ++i) {
    Bytes payload(64 << 10, uint8_t(i));
    payload[0] = uint8_t(i >> 8);
    ASSERT_TRUE(
        pub.Publish({.topic = "in/x", .payload = payload, .qos = 1}, false)
            .ok());
  }
  const Bytes big(1 << 20, 0xAB);
  ASSERT_TRUE(pub.Publish({.topic = "in/big", .payload = big, .qos = 1}).ok());
  ASSERT_TRUE(pub.Flush(30s).ok());

  auto got = inbox.WaitFor(2 * kMessages + 2, 30s);
  ASSERT_EQ(got.size(), size_t{2 * kMessages + 2});
  EXPECT_EQ(refused.load(), 0);
  for (int i = 0; i < 2 * kMessages; ++i) {
    const int n = i / 2;
    ASSERT_EQ(got[i].topic, "out/x");
    ASSERT_EQ(got[i].payload.size(), size_t{64 << 10});
    EXPECT_EQ(got[i].payload[0], uint8_t(n >> 8)) << "message " << i;
    EXPECT_EQ(got[i].payload[1], uint8_t(n)) << "message " << i;
  }
  EXPECT_EQ(got[2 * kMessages].payload, big);
  EXPECT_EQ(got[2 * kMessages + 1].payload, big);
  EXPECT_TRUE(relay.Flush(10s).ok());
}

// QoS 0 publishes settle once written: a long run of them never fills the
// budget (heartbeats are QoS 0).
TEST_F(ClientTest, Qos0PublishesSettleAndFreeTheBudget) {
  Client pub(
      {.uri = broker_.uri(), .client_id = "qos0", .max_inflight_bytes = 1024});
  ASSERT_TRUE(pub.Connect(5s).ok());
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(
        pub.Publish({.topic = "hb/x", .payload = Bytes(200, 1), .qos = 0},
                    /*wait=*/false)
            .ok());
  }
  EXPECT_TRUE(pub.Flush(10s).ok());
  EXPECT_TRUE(pub.Publish({.topic = "hb/x", .payload = {2}, .qos = 1}).ok());
}

TEST_F(ClientTest, SharedPayloadsByReferenceUnderAReceiveMaximum) {
  // The subscriber lets the broker send one unacknowledged message at a
  // time and takes payloads by reference; the publisher sends one buffer
  // by reference five times.
  Inbox inbox;
  Client sub({.uri = broker_.uri(),
              .client_id = "sub",
              .receive_maximum = 1,
              .shared_payloads = true});
  sub.OnMessage([&](const Message& m) {
    std::this_thread::sleep_for(20ms);  // the broker holds the rest
    inbox.Push(m);
  });
  ASSERT_TRUE(sub.Connect(5s).ok());
  ASSERT_TRUE(sub.Subscribe("t/#", 1).ok());
  Client pub({.uri = broker_.uri(), .client_id = "pub"});
  ASSERT_TRUE(pub.Connect(5s).ok());
  auto buffer = std::make_shared<const std::string>(300000, 'x');
  for (int i = 0; i < 5; ++i) {
    Message m{.topic = "t/" + std::to_string(i), .qos = 1};
    m.shared_payload = buffer;
    ASSERT_TRUE(pub.Publish(m, /*wait=*/false).ok());
  }
  ASSERT_TRUE(pub.Flush(10s).ok());
  // Acknowledged publishes let go of the buffer (Paho drops its token
  // right after the callback that settled the publish).
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (buffer.use_count() > 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(buffer.use_count(), 1);
  std::vector<Message> got = inbox.WaitFor(5, 10s);
  ASSERT_EQ(got.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(got[i].topic, "t/" + std::to_string(i));
    EXPECT_TRUE(got[i].payload.empty());
    ASSERT_NE(got[i].shared_payload, nullptr);
    EXPECT_EQ(*got[i].shared_payload, *buffer);
    EXPECT_EQ(got[i].payload_view().size(), buffer->size());
  }
}

TEST(InflightBudgetTest, ThreeQuartersOfTheSendBufferWithinItsBounds) {
  std::ifstream wmem("/proc/sys/net/ipv4/tcp_wmem");
  size_t min = 0, initial = 0, max = 0;
  ASSERT_TRUE(wmem >> min >> initial >> max);
  const size_t want =
      std::clamp(max / 4 * 3, size_t{1} << 20, size_t{64} << 20);
  EXPECT_EQ(InflightBytesUnderSendBuffer(size_t{64} << 20), want);
  EXPECT_EQ(InflightBytesUnderSendBuffer(size_t{1} << 20), size_t{1} << 20);
  EXPECT_EQ(InflightBytesUnderSendBuffer(0), size_t{1} << 20);
}

TEST(ClientNoBrokerTest, ConnectFailsClearly) {
  Client c(
      {.uri = "tcp://127.0.0.1:" + std::to_string(fog::testing::FreePort())});
  Status s = c.Connect(2s);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kUnavailable);
}

}  // namespace
}  // namespace fog::mqtt
