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
#include "mqtt/client.h"
#include "testing/test_broker.h"
#include "wire/ack.h"
#include "wire/payload_format.h"
#include "wire/topics.h"
#include "wire/video_packet.h"

namespace fog::master {
namespace {

using namespace std::chrono_literals;
namespace topics = wire::topics;

// Polls a condition fed by MQTT acks and dispatches; fails after 30 s.
template <typename F>
bool WaitUntil(F done) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

constexpr int kPackets = 20;

Bytes Packet(int64_t number) {
  wire::VideoPacket p{.video_id = "cam", .packet_number = number};
  p.data = Bytes(4096, static_cast<uint8_t>(number));
  return wire::EncodeVideoPacket(p);
}

// A scripted worker: announces itself online, acknowledges every copy
// "stored", and counts the copies it got by packet number.
class FakeWorker {
 public:
  FakeWorker(const std::string& uri, const std::string& name)
      : name_(name),
        client_(mqtt::ConnectOptions{.uri = uri, .client_id = name}) {
    client_.OnMessage([this](const mqtt::Message& m) { OnDispatch(m); });
  }
  Status Start() {
    if (Status s = client_.Connect(10s); !s.ok()) return s;
    if (Status s = client_.Subscribe(topics::Dispatch(name_), 1); !s.ok())
      return s;
    const std::string online =
        R"({"worker":")" + name_ + R"(","state":"online"})";
    return client_.Publish({.topic = topics::WorkerStatus(name_),
                            .payload = Bytes(online.begin(), online.end()),
                            .retained = true});
  }
  std::map<int64_t, int> got() const {
    std::lock_guard<std::mutex> lock(mu_);
    return got_;
  }

 private:
  void OnDispatch(const mqtt::Message& m) {
    Result<int64_t> number = wire::PeekPacketNumber(m.payload);
    ASSERT_TRUE(number.ok());
    EXPECT_EQ(m.payload, Packet(*number)) << name_ << " packet " << *number;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++got_[*number];
    }
    const wire::WorkerAck ack{.worker = name_,
                              .dispatch_id = m.UserProperty("dispatch-id"),
                              .video_id = "cam",
                              .packet_number = *number,
                              .result = "stored"};
    (void)client_.Publish(
        {.topic = topics::kAck, .payload = wire::EncodeAcks({&ack, 1})},
        /*wait=*/false);
  }

  const std::string name_;
  mqtt::Client client_;
  mutable std::mutex mu_;
  std::map<int64_t, int> got_;
};

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

  FakeWorker& StartWorker(const std::string& name) {
    workers_.push_back(std::make_unique<FakeWorker>(broker_.uri(), name));
    EXPECT_TRUE(workers_.back()->Start().ok());
    return *workers_.back();
  }

  fog::testing::TestBroker broker_;
  std::string dir_;
  std::unique_ptr<mqtt::Client> master_client_;
  std::unique_ptr<Master> master_;
  std::vector<std::unique_ptr<FakeWorker>> workers_;
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
  FakeWorker& w1 = StartWorker("w1");
  ASSERT_TRUE(WaitUntil([&] {
    return w1.got().size() == kPackets && master_->in_flight() == 0;
  })) << "w1 got "
      << w1.got().size() << ", in flight " << master_->in_flight();
  // One copy each is all one worker can hold: not settled yet.
  EXPECT_EQ(master_->backlog().packets, kPackets);

  // The second worker comes online: every packet gets its second copy.
  FakeWorker& w2 = StartWorker("w2");
  ASSERT_TRUE(WaitUntil([&] {
    return w2.got().size() == kPackets && master_->in_flight() == 0 &&
           master_->backlog().packets == 0;
  })) << "w2 got "
      << w2.got().size() << ", in flight " << master_->in_flight()
      << ", backlog " << master_->backlog().packets;
  for (FakeWorker* w : {&w1, &w2}) {
    for (const auto& [n, copies] : w->got()) {
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
