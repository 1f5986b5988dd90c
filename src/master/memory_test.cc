// The master's durable intake and memory budget against a real broker:
// every stream packet is synced to the journal before its handler returns
// (that is before the PUBACK), and with a budget of a few packets the
// master keeps at most that many payload bytes in memory (its own buffers
// and the MQTT library's copies of its publishes) while every packet still
// reaches both workers intact, the ones that did not fit read back from the
// journal. The workers are scripted MQTT clients that store nothing and
// acknowledge every copy.

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "master/master.h"
#include "master/scripted_worker_for_test.h"
#include "mqtt/client.h"
#include "testing/test_broker.h"
#include "wire/ack.h"
#include "wire/payload_format.h"
#include "wire/topics.h"
#include "wire/video_packet.h"

namespace fog::master {
namespace {

using namespace std::chrono_literals;
using testing::ScriptedWorker;

bool WaitUntil(auto done) { return testing::WaitUntil(done, 60s); }

constexpr size_t kPacketBytes = 256 << 10;

// A packet of exactly kPacketBytes, its data filled by its number.
Bytes Packet(int64_t number) {
  wire::VideoPacket p{.video_id = "cam", .packet_number = number};
  const size_t overhead = wire::EncodeVideoPacket(p).size() + 8;
  p.data = Bytes(kPacketBytes - overhead, static_cast<uint8_t>(number));
  Bytes out = wire::EncodeVideoPacket(p);
  EXPECT_LE(out.size(), kPacketBytes);
  return out;
}

class MasterMemoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/master_memory_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ASSERT_TRUE(broker_.Start().ok());
  }
  void TearDown() override {
    master_.reset();
    master_client_.reset();
    workers_.clear();
    std::filesystem::remove_all(dir_);
  }

  void StartMaster(size_t budget) {
    master_client_ = std::make_unique<mqtt::Client>(
        mqtt::ConnectOptions{.uri = broker_.uri(),
                             .client_id = "master",
                             .receive_maximum = 8,
                             .shared_payloads = true});
    master_ =
        std::make_unique<Master>(MasterOptions{.max_packet_bytes = kPacketBytes,
                                               .worker_timeout = 600s,
                                               .replicas = 2,
                                               .journal_dir = dir_ + "/journal",
                                               .memory_budget = budget},
                                 *master_client_);
    master_->ObserveTaken([this](const PacketKey&) {
      // The packet's record, and every one before it, is on disk now.
      const JournalStats stats = master_->journal_stats();
      const uint64_t n = ++taken_;
      if (stats.synced < n || stats.fsyncs == 0) ++taken_before_sync_;
    });
    ASSERT_TRUE(master_->Open().ok());
    ASSERT_TRUE(master_client_->Connect(10s).ok());
    ASSERT_TRUE(master_->Start().ok());
  }

  void StartWorkers() {
    for (const char* name : {"w1", "w2"}) {
      workers_.push_back(std::make_unique<ScriptedWorker>(broker_.uri(), name));
      ASSERT_TRUE(workers_.back()->Start().ok());
    }
    ASSERT_TRUE(WaitUntil([&] {
      for (auto& w : workers_) w->Heartbeat();
      return master_->live_workers().size() == 2;
    }));
  }

  fog::testing::TestBroker broker_;
  std::string dir_;
  std::unique_ptr<mqtt::Client> master_client_;
  std::unique_ptr<Master> master_;
  std::vector<std::unique_ptr<ScriptedWorker>> workers_;
  std::atomic<uint64_t> taken_{0};
  std::atomic<uint64_t> taken_before_sync_{0};
};

TEST_F(MasterMemoryTest, ASmallBudgetHoldsWhileEveryPacketIsDispatchedIntact) {
  constexpr size_t kBudget = 1 << 20;  // four packets
  constexpr int kPackets = 50;
  StartMaster(kBudget);
  StartWorkers();
  mqtt::Client publisher(
      mqtt::ConnectOptions{.uri = broker_.uri(), .client_id = "camera"});
  ASSERT_TRUE(publisher.Connect(10s).ok());
  for (int64_t n = 1; n <= kPackets; ++n) {
    ASSERT_TRUE(
        publisher
            .Publish({.topic = "video/stream/cam", .payload = Packet(n)},
                     /*wait=*/false)
            .ok());
  }
  ASSERT_TRUE(publisher.Flush(60s).ok());
  ASSERT_TRUE(WaitUntil([&] {
    return workers_[0]->payloads().size() == kPackets &&
           workers_[1]->payloads().size() == kPackets &&
           master_->backlog().packets == 0;
  })) << "w1 "
      << workers_[0]->payloads().size() << ", w2 "
      << workers_[1]->payloads().size() << ", backlog "
      << master_->backlog().packets;
  for (auto& w : workers_) {
    for (const auto& [n, payload] : w->payloads()) {
      EXPECT_EQ(payload, Packet(n)) << "packet " << n;
    }
  }
  EXPECT_LE(master_->memory().high_water(), kBudget);
  EXPECT_GT(master_->memory().high_water(), 0u);
  // More arrived than fit: those waited in the journal and were read back.
  EXPECT_GT(master_->counters().Get("journal_readback"), 0u);
  EXPECT_EQ(master_->journal_stats().readbacks,
            master_->counters().Get("journal_readback"));
  // The master's part (the broker's, its retained messages, adds to it).
  EXPECT_EQ(master_->backlog().bytes - master_->backlog().broker_bytes, 0u);
  // Every packet was synced before its handler returned.
  EXPECT_EQ(taken_.load(), static_cast<uint64_t>(kPackets));
  EXPECT_EQ(taken_before_sync_.load(), 0u);
  // Everything dispatched has been acknowledged: nothing left in memory.
  ASSERT_TRUE(WaitUntil([&] { return master_->memory().used() == 0; }));
}

TEST_F(MasterMemoryTest, PacketsTakenWithoutWorkersWaitOnDiskNotInMemory) {
  StartMaster(size_t{1} << 20);
  mqtt::Client publisher(
      mqtt::ConnectOptions{.uri = broker_.uri(), .client_id = "camera"});
  ASSERT_TRUE(publisher.Connect(10s).ok());
  for (int64_t n = 1; n <= 10; ++n) {
    ASSERT_TRUE(
        publisher.Publish({.topic = "video/stream/cam", .payload = Packet(n)})
            .ok());
  }
  ASSERT_TRUE(WaitUntil([&] { return master_->pending() == 10; }));
  EXPECT_EQ(master_->backlog().packets, 10u);
  EXPECT_EQ(master_->backlog().bytes - master_->backlog().broker_bytes,
            10 * Packet(1).size());
  // Each arrival's buffer is freed once it is journaled.
  ASSERT_TRUE(WaitUntil([&] { return master_->memory().used() == 0; }));
  EXPECT_LE(master_->memory().high_water(), kPacketBytes);
  // The first worker seen may get every packet alone (the second one's
  // copies are then read back again: master_restart_test covers that):
  // each packet reaches at least one, read back from the journal.
  StartWorkers();
  auto reached = [&] {
    std::map<int64_t, Bytes> all = workers_[0]->payloads();
    all.merge(workers_[1]->payloads());
    return all;
  };
  ASSERT_TRUE(WaitUntil([&] { return reached().size() == 10; }))
      << "pending " << master_->pending() << " dispatched "
      << master_->counters().Get("packets_dispatched");
  for (const auto& [n, payload] : reached()) {
    EXPECT_EQ(payload, Packet(n)) << "packet " << n;
  }
  // Once each, and again for a second copy sent after a lone first one.
  EXPECT_GE(master_->counters().Get("journal_readback"), 10u);
  EXPECT_LE(master_->counters().Get("journal_readback"), 20u);
  ASSERT_TRUE(WaitUntil([&] { return master_->backlog().packets == 0; }));
}

}  // namespace
}  // namespace fog::master
