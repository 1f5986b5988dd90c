// The worker's answers to fog/get against a real broker: pages cut at the
// request's byte budget with "next", the default page for a request without
// one, and a refusal that says "busy" instead of silence.

#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <vector>

#include "mqtt/client.h"
#include "testing/test_broker.h"
#include "trust/packet_signer.h"
#include "wire/ack.h"
#include "wire/dispatch_tag.h"
#include "wire/envelope.h"
#include "wire/get_range.h"
#include "wire/legacy_payload.h"
#include "wire/topics.h"
#include "worker/store/store_test_util.h"
#include "worker/worker.h"

namespace fog::worker {
namespace {

using namespace std::chrono_literals;

constexpr int kPackets = 6;

// What one request got back: packet numbers, then the end marker.
struct Answer {
  std::vector<int64_t> numbers;
  std::vector<int64_t> conflicts;  // numbers whose reply carried the mark
  std::map<std::string, std::string> end;  // its user properties
};

class Inbox {
 public:
  void Push(const mqtt::Message& m) {
    std::lock_guard<std::mutex> lock(mu_);
    if (m.topic.starts_with("fog/ack/")) {
      Result<std::vector<wire::WorkerAck>> acks = wire::DecodeAcks(m.payload);
      if (acks.ok()) acks_ += acks->size();
    } else {
      Answer& a = answers_[std::string(m.correlation_data.begin(),
                                       m.correlation_data.end())];
      if (!m.UserProperty("end").empty()) {
        for (const auto& [k, v] : m.user_properties) a.end[k] = v;
      } else {
        a.numbers.push_back(std::stoll(m.UserProperty("packet-number")));
        if (m.UserProperty("conflict") == "1") {
          a.conflicts.push_back(a.numbers.back());
        }
      }
    }
    cv_.notify_all();
  }
  bool WaitForAcks(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, 20s, [&] { return acks_ >= n; });
  }
  std::optional<Answer> WaitForEnd(const std::string& key) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, 20s, [&] {
          return answers_.contains(key) && !answers_[key].end.empty();
        })) {
      return std::nullopt;
    }
    return answers_[key];
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  size_t acks_ = 0;
  std::map<std::string, Answer> answers_;  // by correlation data
};

class ViewerRequestsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(broker_.Start().ok());
    trust::KeyPair pair =
        trust::GenerateKeyPair(mldsa::Alg::kMlDsa44, Bytes(32, 9)).value();
    trust_.Add(pair.pub);
    trust::PacketSigner signer(std::move(pair.sec), {});
    for (int n = 1; n <= kPackets; ++n) {
      const bool last = n == kPackets;
      Result<wire::Envelope> e =
          signer.Next({.video_id = "cam",
                       .packet_number = n,
                       .total_packets = last ? kPackets : 0,
                       .data = Bytes(4096, static_cast<uint8_t>(n))},
                      last);
      ASSERT_TRUE(e.ok());
      payloads_.push_back(wire::EncodeEnvelope(*e));
    }
    Result<std::unique_ptr<PacketStore>> store =
        PacketStore::Open(dir_.Sub("store"), {});
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
    viewer_ = std::make_unique<mqtt::Client>(
        mqtt::ConnectOptions{.uri = broker_.uri(), .client_id = "viewer"});
    viewer_->OnMessage([this](const mqtt::Message& m) { inbox_.Push(m); });
    ASSERT_TRUE(viewer_->Connect(10s).ok());
    ASSERT_TRUE(viewer_->Subscribe(wire::topics::kAckFilter, 1).ok());
    ASSERT_TRUE(viewer_->Subscribe("reply/v", 1).ok());
    worker_client_ = std::make_unique<mqtt::Client>(
        mqtt::ConnectOptions{.uri = broker_.uri(), .client_id = "worker-1"});
    worker_ = std::make_unique<Worker>(
        WorkerOptions{.name = "worker-1", .intake = {.accept_legacy = true}},
        *worker_client_, *store_, trust_, nullptr);
    ASSERT_TRUE(worker_client_->Connect(10s).ok());
    ASSERT_TRUE(worker_->Start().ok());
    for (int n = 1; n <= kPackets; ++n) {
      mqtt::Message m{.topic = wire::topics::Dispatch("worker-1"),
                      .payload = payloads_[n - 1]};
      m.user_properties = {
          {wire::kDispatchTagProperty,
           wire::FormatDispatchTag(
               {.dispatch_id = "d" + std::to_string(n), .video_id = "cam"})}};
      ASSERT_TRUE(viewer_->Publish(m).ok());
    }
    ASSERT_TRUE(inbox_.WaitForAcks(kPackets));
  }

  void TearDown() override {
    worker_.reset();
    worker_client_.reset();
    viewer_.reset();
  }

  // Dispatches `payload` for `video_id` to the worker.
  void Dispatch(const std::string& video_id, const Bytes& payload,
                const std::string& dispatch_id) {
    mqtt::Message m{.topic = wire::topics::Dispatch("worker-1"),
                    .payload = payload};
    m.user_properties = {{wire::kDispatchTagProperty,
                          wire::FormatDispatchTag({.dispatch_id = dispatch_id,
                                                   .video_id = video_id})}};
    ASSERT_TRUE(viewer_->Publish(m).ok());
  }

  // Sends a get request with correlation data `key`.
  void Get(const std::string& key, const wire::GetRange& range,
           const std::string& video_id = "cam") {
    mqtt::Message m{.topic = wire::topics::Get(video_id),
                    .payload = wire::EncodeGetRange(range)};
    m.response_topic = "reply/v";
    m.correlation_data = Bytes(key.begin(), key.end());
    ASSERT_TRUE(viewer_->Publish(m).ok());
  }

  worker::testing::TempDir dir_;
  fog::testing::TestBroker broker_;
  trust::TrustStore trust_;
  std::vector<Bytes> payloads_;
  std::unique_ptr<PacketStore> store_;
  Inbox inbox_;
  std::unique_ptr<mqtt::Client> viewer_;
  std::unique_ptr<mqtt::Client> worker_client_;
  std::unique_ptr<Worker> worker_;
};

TEST_F(ViewerRequestsTest, APageEndsAtItsBudgetAndSaysWhereToGoOn) {
  // Two packets and a bit: the third would pass the budget.
  const int64_t budget = static_cast<int64_t>(payloads_[0].size()) * 2 + 100;
  Get("a", {.first = 2, .max_bytes = budget});
  std::optional<Answer> a = inbox_.WaitForEnd("a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->numbers, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(a->end["end"], "2");
  EXPECT_EQ(a->end["next"], "4");
  // The next page from there.
  Get("b", {.first = 4, .max_bytes = budget});
  std::optional<Answer> b = inbox_.WaitForEnd("b");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->numbers, (std::vector<int64_t>{4, 5}));
  EXPECT_EQ(b->end["next"], "6");
  EXPECT_EQ(worker_->counters().Get("get_pages_cut"), 2u);
}

TEST_F(ViewerRequestsTest, TwoPacketsAlwaysGoAndTheLastPageHasNoNext) {
  Get("a", {.first = 5, .max_bytes = 1});
  std::optional<Answer> a = inbox_.WaitForEnd("a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->numbers, (std::vector<int64_t>{5, 6}));
  EXPECT_FALSE(a->end.contains("next"));
}

TEST_F(ViewerRequestsTest, ARequestWithoutABudgetGetsTheDefaultPage) {
  Get("a", {});  // an empty body, as the first viewers sent
  std::optional<Answer> a = inbox_.WaitForEnd("a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->numbers.size(), static_cast<size_t>(kPackets));
  EXPECT_EQ(a->end["end"], std::to_string(kPackets));
  EXPECT_FALSE(a->end.contains("next"));
  EXPECT_FALSE(a->end.contains("busy"));
}

TEST_F(ViewerRequestsTest, AWorkerHoldingNoneOfTheVideoSaysSo) {
  Get("none", {}, "other-cam");
  std::optional<Answer> none = inbox_.WaitForEnd("none");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->numbers.empty());
  EXPECT_EQ(none->end["end"], "0");
  EXPECT_EQ(none->end["holds"], "0");
  // Holding some of the video but nothing in the range is not "none".
  Get("past", {.first = kPackets + 1});
  std::optional<Answer> past = inbox_.WaitForEnd("past");
  ASSERT_TRUE(past);
  EXPECT_EQ(past->end["end"], "0");
  EXPECT_FALSE(past->end.contains("holds"));
}

TEST_F(ViewerRequestsTest, ARefusedRequestIsAnsweredBusyAndCounted) {
  // A stopped worker's viewer queue takes nothing: the request is refused
  // on the MQTT thread with an end marker that says why.
  worker_->Stop();
  Get("a", {});
  std::optional<Answer> a = inbox_.WaitForEnd("a");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->numbers.empty());
  EXPECT_EQ(a->end["end"], "0");
  EXPECT_EQ(a->end["busy"], "stopping");
  EXPECT_EQ(worker_->counters().Get("rejected.viewer-busy"), 1u);
}

TEST_F(ViewerRequestsTest, ARefusedLegacyConflictMarksThePacketForReaders) {
  std::mt19937_64 rng(7);
  Dispatch("old", wire::MakeLegacyPayload({"old", 1, 2, Bytes(100, 1)}, rng),
           "l1");
  Dispatch("old", wire::MakeLegacyPayload({"old", 2, 2, Bytes(100, 2)}, rng),
           "l2");
  ASSERT_TRUE(inbox_.WaitForAcks(kPackets + 2));
  // A different payload for number 2: refused, the first copy kept.
  Dispatch("old", wire::MakeLegacyPayload({"old", 2, 2, Bytes(100, 9)}, rng),
           "l3");
  ASSERT_TRUE(inbox_.WaitForAcks(kPackets + 3));
  EXPECT_EQ(worker_->counters().Get("rejected.conflict"), 1u);
  EXPECT_EQ(worker_->counters().Get("legacy_conflicts_marked"), 1u);
  Get("a", {}, "old");
  std::optional<Answer> a = inbox_.WaitForEnd("a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->numbers.size(), 2u);
  EXPECT_EQ(a->conflicts, (std::vector<int64_t>{2}));
  // A native video's replies carry no mark.
  Get("b", {});
  std::optional<Answer> b = inbox_.WaitForEnd("b");
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->conflicts.empty());
}

}  // namespace
}  // namespace fog::worker
