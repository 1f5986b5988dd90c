// The master's conflict path against a real broker: a repeat is not sent
// again, a different payload for a placed number is sent to its holder for
// a verdict and counted, and a holder's `conflict` refusal keeps the first
// copy where it is. The worker is a scripted MQTT client here, so that the
// test decides each verdict; tests/e2e/conflicts_test.sh runs real workers.

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "master/master.h"
#include "mqtt/client.h"
#include "testing/test_broker.h"
#include "wire/ack.h"
#include "wire/dispatch_tag.h"
#include "wire/topics.h"
#include "wire/video_packet.h"

namespace fog::master {
namespace {

using namespace std::chrono_literals;
namespace topics = wire::topics;

// Polls `done` (a condition the code under test sets) until a deadline.
template <typename F>
bool WaitUntil(F done) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

Bytes Packet(uint8_t fill) {
  return wire::EncodeVideoPacket({.video_id = "cam",
                                  .packet_number = 1,
                                  .total_packets = 0,
                                  .data = Bytes(2000, fill)});
}

class ConflictsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(broker_.Start().ok());
    worker_ = std::make_unique<mqtt::Client>(
        mqtt::ConnectOptions{.uri = broker_.uri(), .client_id = "w1"});
    worker_->OnMessage([this](const mqtt::Message& m) {
      std::lock_guard<std::mutex> lock(mu_);
      dispatches_.push_back(m);
    });
    ASSERT_TRUE(worker_->Connect(10s).ok());
    ASSERT_TRUE(worker_->Subscribe(topics::Dispatch("w1"), 1).ok());
    const std::string online = R"({"worker":"w1","state":"online"})";
    ASSERT_TRUE(worker_
                    ->Publish({.topic = topics::WorkerStatus("w1"),
                               .payload = Bytes(online.begin(), online.end()),
                               .retained = true})
                    .ok());
    ASSERT_TRUE(
        worker_->Publish({.topic = topics::Heartbeat("w1"), .payload = {1}})
            .ok());
    master_client_ = std::make_unique<mqtt::Client>(
        mqtt::ConnectOptions{.uri = broker_.uri(), .client_id = "master"});
    master_ = std::make_unique<Master>(
        MasterOptions{.worker_timeout = 600s, .replicas = 1}, *master_client_);
    ASSERT_TRUE(master_->Open().ok());
    ASSERT_TRUE(master_client_->Connect(10s).ok());
    ASSERT_TRUE(master_->Start().ok());
    // The retained status arrives on subscribing; the heartbeat is sent
    // again until the master has seen one.
    ASSERT_TRUE(WaitUntil([&] {
      (void)worker_->Publish(
          {.topic = topics::Heartbeat("w1"), .payload = {1}, .qos = 0});
      return master_->live_workers().size() == 1;
    }));
  }

  void TearDown() override {
    master_.reset();
    master_client_.reset();
    worker_.reset();
  }

  void Stream(const Bytes& payload) {
    ASSERT_TRUE(
        worker_->Publish({.topic = "video/stream/cam", .payload = payload})
            .ok());
  }
  size_t Dispatches() {
    std::lock_guard<std::mutex> lock(mu_);
    return dispatches_.size();
  }
  mqtt::Message Dispatch(size_t i) {
    std::lock_guard<std::mutex> lock(mu_);
    return dispatches_.at(i);
  }
  void Ack(const mqtt::Message& dispatch, const std::string& result,
           const std::string& reason) {
    Result<wire::DispatchTag> tag = wire::ParseDispatchTag(
        dispatch.UserProperty(wire::kDispatchTagProperty));
    ASSERT_TRUE(tag.ok()) << tag.status().ToString();
    const wire::WorkerAck ack{.worker = "w1",
                              .dispatch_id = tag->dispatch_id,
                              .video_id = "cam",
                              .packet_number = 1,
                              .result = result,
                              .reason = reason};
    ASSERT_TRUE(worker_
                    ->Publish({.topic = topics::Ack("w1"),
                               .payload = wire::EncodeAcks({&ack, 1})})
                    .ok());
  }
  uint64_t Count(const std::string& name) {
    return master_->counters().Get(name);
  }

  fog::testing::TestBroker broker_;
  std::unique_ptr<mqtt::Client> worker_;
  std::unique_ptr<mqtt::Client> master_client_;
  std::unique_ptr<Master> master_;
  std::mutex mu_;
  std::vector<mqtt::Message> dispatches_;
};

TEST_F(ConflictsTest, ADifferentPayloadGoesToItsHolderAndIsCounted) {
  const Bytes first = Packet(1), second = Packet(2);
  Stream(first);
  ASSERT_TRUE(WaitUntil([&] { return Dispatches() == 1; }));
  Ack(Dispatch(0), "stored", "");
  ASSERT_TRUE(WaitUntil([&] { return master_->in_flight() == 0; }));

  // A repeat of the same bytes goes nowhere.
  Stream(first);
  ASSERT_TRUE(WaitUntil([&] { return Count("packets_already_placed") == 1; }));
  EXPECT_EQ(Count("packets_dispatched"), 1u);
  EXPECT_EQ(Count("packets_conflicting"), 0u);

  // Different bytes for the same number: a conflict, judged by the holder.
  Stream(second);
  ASSERT_TRUE(WaitUntil([&] { return Dispatches() == 2; }));
  EXPECT_EQ(Count("packets_conflicting"), 1u);
  EXPECT_EQ(Dispatch(1).payload, second);
  EXPECT_EQ(Dispatch(1).topic, topics::Dispatch("w1"));

  // The holder keeps its copy and refuses the second as a conflict.
  Ack(Dispatch(1), "rejected", "conflict");
  // The refusal is counted twice (as a refused conflict, then as a
  // rejection by reason) and then the copy leaves the in-flight table: wait
  // for all three, since a reader may run between them.
  ASSERT_TRUE(WaitUntil([&] {
    return Count("conflicts_refused") == 1 &&
           Count("rejected.conflict-refused") == 1 && master_->in_flight() == 0;
  }));

  // The first copy is still placed: its repeat goes nowhere.
  Stream(first);
  ASSERT_TRUE(WaitUntil([&] { return Count("packets_already_placed") == 2; }));
  EXPECT_EQ(Count("packets_dispatched"), 2u);
}

TEST_F(ConflictsTest, ASecondPayloadReplacesAFirstTheHolderRefused) {
  const Bytes forged = Packet(1), genuine = Packet(2);
  Stream(forged);
  ASSERT_TRUE(WaitUntil([&] { return Dispatches() == 1; }));
  // The genuine one arrives while the forged copy is in flight.
  Stream(genuine);
  ASSERT_TRUE(WaitUntil([&] { return Dispatches() == 2; }));
  EXPECT_EQ(Count("packets_conflicting"), 1u);
  // The worker refuses the forgery (its signature) and stores the genuine.
  Ack(Dispatch(0), "rejected", "digest-mismatch");
  Ack(Dispatch(1), "stored", "");
  ASSERT_TRUE(WaitUntil([&] {
    return Count("conflicts_replaced") == 1 &&
           Count("rejected.worker-refused") == 1;
  }));
  // The genuine payload is the packet now: its repeat is no conflict.
  Stream(genuine);
  ASSERT_TRUE(WaitUntil([&] { return Count("packets_already_placed") == 1; }));
  EXPECT_EQ(Count("packets_conflicting"), 1u);
}

}  // namespace
}  // namespace fog::master
