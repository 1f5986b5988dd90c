// The worker's group commit against a real broker: a full batch is stored
// and answered without waiting out the linger, a partial one when the linger
// ends, each commit with one fog/ack/<worker> message, and Stop() stores and
// answers what is still queued. A redelivery that finds the stored copy
// damaged is stored in its place, counted and answered "stored".

#include <gtest/gtest.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "mqtt/client.h"
#include "testing/test_broker.h"
#include "trust/packet_signer.h"
#include "wire/ack.h"
#include "wire/dispatch_tag.h"
#include "wire/envelope.h"
#include "wire/topics.h"
#include "worker/store/record_format.h"
#include "worker/store/store_test_util.h"
#include "worker/worker.h"

namespace fog::worker {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Commit = std::vector<wire::WorkerAck>;  // the acks of one message

class AckInbox {
 public:
  void Push(const mqtt::Message& m) {
    Result<Commit> acks = wire::DecodeAcks(m.payload);
    std::lock_guard<std::mutex> lock(mu_);
    if (!acks.ok()) {
      ++malformed_;
    } else {
      commits_.push_back(std::move(*acks));
    }
    cv_.notify_all();
  }
  // Waits until `n` acks arrived in all; returns the messages so far.
  std::vector<Commit> WaitForAcks(size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return Count() >= n; });
    return commits_;
  }
  int malformed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return malformed_;
  }

 private:
  // REQUIRES: mu_ held.
  size_t Count() const {
    size_t n = 0;
    for (const Commit& c : commits_) n += c.size();
    return n;
  }
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Commit> commits_;
  int malformed_ = 0;
};

class GroupCommitTest : public ::testing::Test {
 protected:
  static constexpr int kPackets = 6;
  // Packet n's dispatch says it was sent at kDispatchedAt + n µs.
  static constexpr int64_t kDispatchedAt = 1'700'000'000'000'000;

  void SetUp() override {
    ASSERT_TRUE(broker_.Start().ok());
    ASSERT_FALSE(dir_.path().empty());
    trust::KeyPair pair =
        trust::GenerateKeyPair(mldsa::Alg::kMlDsa44, Bytes(32, 7)).value();
    trust_.Add(pair.pub);
    // Signed once, in order: each packet's chain link follows the last.
    trust::PacketSigner signer(pair.sec.Clone(), {});
    for (int n = 1; n <= kPackets; ++n) {
      const bool last = n == kPackets;
      Result<wire::Envelope> e =
          signer.Next({.video_id = "cam",
                       .packet_number = n,
                       .total_packets = last ? kPackets : 0,
                       .data = Bytes(4096, static_cast<uint8_t>(n))},
                      last);
      ASSERT_TRUE(e.ok()) << e.status().ToString();
      payloads_.push_back(wire::EncodeEnvelope(*e));
    }
    Result<std::unique_ptr<PacketStore>> store =
        PacketStore::Open(dir_.Sub("store"), {});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    master_ = std::make_unique<mqtt::Client>(
        mqtt::ConnectOptions{.uri = broker_.uri(), .client_id = "master"});
    master_->OnMessage([this](const mqtt::Message& m) { inbox_.Push(m); });
    ASSERT_TRUE(master_->Connect(10s).ok());
    ASSERT_TRUE(master_->Subscribe(wire::topics::kAckFilter, 1).ok());
  }

  void TearDown() override {
    worker_.reset();  // stops before its client goes
    worker_client_.reset();
    master_.reset();
  }

  void StartWorker(size_t max_batch_packets, Clock::duration linger) {
    // As `fog worker` connects: payloads by reference.
    worker_client_ = std::make_unique<mqtt::Client>(
        mqtt::ConnectOptions{.uri = broker_.uri(),
                             .client_id = "worker-1",
                             .shared_payloads = true});
    worker_ = std::make_unique<Worker>(
        WorkerOptions{
            .name = "worker-1",
            .max_batch_packets = max_batch_packets,
            .commit_linger =
                std::chrono::duration_cast<std::chrono::microseconds>(linger)},
        *worker_client_, *store_, trust_, nullptr);
    ASSERT_TRUE(worker_client_->Connect(10s).ok());
    ASSERT_TRUE(worker_->Start().ok());
  }

  static std::string DispatchId(int n) {
    std::string id = "d";  // appended: GCC 12 misreads "d" + ... (-Wrestrict)
    return id += std::to_string(n);
  }

  // Sends packets first..last to the worker as the master does.
  void Dispatch(int first, int last) {
    for (int n = first; n <= last; ++n) {
      mqtt::Message m{.topic = wire::topics::Dispatch("worker-1"),
                      .payload = payloads_[n - 1],
                      .qos = 1};
      m.user_properties = {
          {wire::kDispatchTagProperty,
           wire::FormatDispatchTag({.dispatch_id = DispatchId(n),
                                    .dispatched_at_us = kDispatchedAt + n,
                                    .video_id = "cam"})}};
      ASSERT_TRUE(master_->Publish(m).ok());
    }
  }

  // Every ack says "stored", for packets first..last in order.
  static void ExpectStored(const Commit& acks, int first, int last) {
    ASSERT_EQ(acks.size(), static_cast<size_t>(last - first + 1));
    for (int n = first; n <= last; ++n) {
      const wire::WorkerAck& a = acks[n - first];
      EXPECT_EQ(a.worker, "worker-1");
      EXPECT_EQ(a.dispatch_id, DispatchId(n));
      EXPECT_EQ(a.video_id, "cam");
      EXPECT_EQ(a.packet_number, n);
      EXPECT_EQ(a.result, "stored") << a.reason;
      EXPECT_EQ(a.dispatched_at_us, kDispatchedAt + n) << "echoed from the tag";
    }
  }

  testing::TempDir dir_;
  fog::testing::TestBroker broker_;
  trust::TrustStore trust_;
  std::vector<Bytes> payloads_;
  std::unique_ptr<PacketStore> store_;
  AckInbox inbox_;
  std::unique_ptr<mqtt::Client> master_;
  std::unique_ptr<mqtt::Client> worker_client_;
  std::unique_ptr<Worker> worker_;
};

TEST_F(GroupCommitTest, AFullBatchIsStoredWithoutWaitingOutTheLinger) {
  StartWorker(/*max_batch_packets=*/4, /*linger=*/60s);
  Dispatch(1, 4);
  // Far sooner than the linger: the fourth packet filled the batch.
  std::vector<Commit> commits = inbox_.WaitForAcks(4, 20s);
  ASSERT_EQ(commits.size(), 1u) << "one fog/ack/<worker> message for the batch";
  ExpectStored(commits[0], 1, 4);
  EXPECT_EQ(store_->PacketNumbers("cam"), (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(worker_->counters().Get("store_batches"), 1u);
  EXPECT_EQ(inbox_.malformed(), 0);
}

TEST_F(GroupCommitTest, APartialBatchIsStoredWhenTheLingerEnds) {
  const auto linger = 1500ms;
  StartWorker(/*max_batch_packets=*/64, linger);
  const Clock::time_point sent = Clock::now();
  Dispatch(1, 3);
  std::vector<Commit> commits = inbox_.WaitForAcks(3, 20s);
  // The first packet arrived after `sent`, and its linger ran out first.
  EXPECT_GE(Clock::now() - sent, linger);
  ASSERT_EQ(commits.size(), 1u) << "one fog/ack/<worker> message for the batch";
  ExpectStored(commits[0], 1, 3);
  EXPECT_EQ(worker_->counters().Get("store_batches"), 1u);
}

TEST_F(GroupCommitTest, StopStoresAndAnswersWhatIsQueued) {
  StartWorker(/*max_batch_packets=*/64, /*linger=*/60s);
  Dispatch(1, 2);
  // Both verified and queued (a packet is counted verified before it joins
  // the queue, and one stopped before it joins is answered "stopping").
  const Clock::time_point deadline = Clock::now() + 20s;
  while (worker_->commit_queue_packets() < 2 && Clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(worker_->commit_queue_packets(), 2u);
  ASSERT_EQ(worker_->counters().Get("packets_verified"), 2u);
  EXPECT_TRUE(inbox_.WaitForAcks(1, 0ms).empty()) << "still lingering";
  const Clock::time_point stop = Clock::now();
  worker_->Stop();
  EXPECT_LT(Clock::now() - stop, 20s) << "Stop() cut the linger short";
  std::vector<Commit> commits = inbox_.WaitForAcks(2, 20s);
  ASSERT_EQ(commits.size(), 1u);
  ExpectStored(commits[0], 1, 2);
  EXPECT_EQ(store_->PacketNumbers("cam"), (std::vector<int64_t>{1, 2}));
}

TEST_F(GroupCommitTest, ARedeliveryReplacesAStoredCopyFoundDamaged) {
  StartWorker(/*max_batch_packets=*/1, /*linger=*/0s);
  Dispatch(1, 1);
  ASSERT_EQ(inbox_.WaitForAcks(1, 20s).size(), 1u);
  // The segment holds this one record: its last payload byte sits just
  // before the trailer.
  const std::string segment = dir_.Sub("store") + "/000001.log";
  testing::FlipByte(segment,
                    testing::FileSize(segment) - format::kTrailerSize - 1);
  Dispatch(1, 1);
  std::vector<Commit> commits = inbox_.WaitForAcks(2, 20s);
  ASSERT_EQ(commits.size(), 2u);
  ExpectStored(commits[1], 1, 1);
  EXPECT_EQ(worker_->counters().Get("damaged_copies_replaced"), 1u);
  EXPECT_EQ(worker_->counters().Get("packets_duplicate"), 0u);
  Result<Bytes> stored = store_->Get("cam", 1);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(*stored, payloads_[0]);
}

TEST_F(GroupCommitTest, ADispatchWithoutAReadableTagIsRefused) {
  StartWorker(/*max_batch_packets=*/1, /*linger=*/0s);
  for (const char* tag : {"", "d1 not-a-time cam"}) {
    mqtt::Message m{.topic = wire::topics::Dispatch("worker-1"),
                    .payload = payloads_[0],
                    .qos = 1};
    if (*tag) m.user_properties = {{wire::kDispatchTagProperty, tag}};
    ASSERT_TRUE(master_->Publish(m).ok());
  }
  std::vector<Commit> commits = inbox_.WaitForAcks(2, 20s);
  ASSERT_EQ(commits.size(), 2u);
  for (const Commit& c : commits) {
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0].result, "rejected");
    EXPECT_EQ(c[0].reason, "bad-dispatch");
    EXPECT_EQ(c[0].packet_number, 1) << "as the payload claims it";
  }
  EXPECT_EQ(worker_->counters().Get("rejected.bad-dispatch"), 2u);
  EXPECT_TRUE(store_->PacketNumbers("cam").empty());
}

}  // namespace
}  // namespace fog::worker
