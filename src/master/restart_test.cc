// A restarted master and its replayed packets against a real broker: the
// journal holds packets no worker has acknowledged, the master starts again
// from it, one worker comes online first and gets one copy of each (the
// only copy possible then), then a second one comes online. Every packet
// must end with R = 2 copies on distinct workers, each worker getting each
// packet once, and settle in the journal only then. The workers are
// scripted MQTT clients that acknowledge every copy and serve nothing, so
// the second copies can only come from the master's journal.

#include <gtest/gtest.h>
#include <unistd.h>

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

bool WaitUntil(auto done) { return testing::WaitUntil(done, 30s); }

constexpr int kPackets = 20;

Bytes Packet(int64_t number) {
  wire::VideoPacket p{.video_id = "cam", .packet_number = number};
  p.data = Bytes(4096, static_cast<uint8_t>(number));
  return wire::EncodeVideoPacket(p);
}

class MasterRestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/master_restart_test_XXXXXX";
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

  // A master on the journal in dir_, under its own client id each time (a
  // fresh session: what it must send comes from the journal alone).
  void StartMaster(const std::string& client_id) {
    master_.reset();
    master_client_ = std::make_unique<mqtt::Client>(mqtt::ConnectOptions{
        .uri = broker_.uri(), .client_id = client_id, .clean_start = true});
    master_ = std::make_unique<Master>(
        MasterOptions{.worker_timeout = 600s,
                      .replicas = 2,
                      .journal_dir = dir_ + "/journal"},
        *master_client_);
    ASSERT_TRUE(master_->Open().ok());
    ASSERT_TRUE(master_client_->Connect(10s).ok());
    ASSERT_TRUE(master_->Start().ok());
  }

  ScriptedWorker& StartWorker(const std::string& name) {
    workers_.push_back(std::make_unique<ScriptedWorker>(
        broker_.uri(), name, [name](const mqtt::Message& m, int64_t n) {
          EXPECT_EQ(m.payload, Packet(n)) << name << " packet " << n;
        }));
    EXPECT_TRUE(workers_.back()->Start().ok());
    return *workers_.back();
  }

  fog::testing::TestBroker broker_;
  std::string dir_;
  std::unique_ptr<mqtt::Client> master_client_;
  std::unique_ptr<Master> master_;
  std::vector<std::unique_ptr<ScriptedWorker>> workers_;
};

TEST_F(MasterRestartTest, ReplayedPacketsGetTheirSecondCopyWhenAWorkerJoins) {
  // A master takes the packets while no worker is live: they wait in its
  // journal, unsettled.
  StartMaster("master-before");
  mqtt::Client publisher(
      mqtt::ConnectOptions{.uri = broker_.uri(), .client_id = "camera"});
  ASSERT_TRUE(publisher.Connect(10s).ok());
  for (int64_t n = 1; n <= kPackets; ++n) {
    ASSERT_TRUE(
        publisher.Publish({.topic = "video/stream/cam", .payload = Packet(n)})
            .ok());
  }
  ASSERT_TRUE(WaitUntil([&] { return master_->pending() == kPackets; }));
  ASSERT_EQ(master_->backlog().packets, kPackets);

  // It restarts from the journal; one worker comes online first.
  StartMaster("master-after");
  EXPECT_EQ(master_->counters().Get("journal_replayed"), kPackets);
  ScriptedWorker& w1 = StartWorker("w1");
  ASSERT_TRUE(WaitUntil([&] {
    return w1.copies().size() == kPackets && master_->in_flight() == 0;
  })) << "w1 got "
      << w1.copies().size() << ", in flight " << master_->in_flight();
  // One copy each is all one worker can hold: not settled yet.
  EXPECT_EQ(master_->backlog().packets, kPackets);

  // The second worker comes online: every packet gets its second copy.
  ScriptedWorker& w2 = StartWorker("w2");
  ASSERT_TRUE(WaitUntil([&] {
    return w2.copies().size() == kPackets && master_->in_flight() == 0 &&
           master_->backlog().packets == 0;
  })) << "w2 got "
      << w2.copies().size() << ", in flight " << master_->in_flight()
      << ", backlog " << master_->backlog().packets;
  for (ScriptedWorker* w : {&w1, &w2}) {
    for (const auto& [n, copies] : w->copies()) {
      EXPECT_EQ(copies, 1) << "packet " << n << " sent twice to one worker";
    }
  }
  // The journal settled each packet once it had both copies.
  master_.reset();
  JournalReplay replay;
  ASSERT_TRUE(Journal::Open(dir_ + "/journal", {}, &replay).ok());
  EXPECT_TRUE(replay.unsettled.empty());
  std::map<int64_t, std::vector<std::string>> holders;
  for (const JournalReplay::Settled& s : replay.settled) {
    holders[s.key.second] = s.holders;
  }
  ASSERT_EQ(holders.size(), static_cast<size_t>(kPackets));
  for (const auto& [n, h] : holders) {
    EXPECT_EQ(h, (std::vector<std::string>{"w1", "w2"})) << "packet " << n;
  }
}

}  // namespace
}  // namespace fog::master
