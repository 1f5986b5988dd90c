// The publisher against a real broker: a retained fog/backlog report that
// says "over" holds the stream back before its first packet, one that says
// "under" lets it go on, and a backlog that never drains fails the stream
// with a clear error. The test plays the master by publishing the reports.

#include "publisher/backlog_gate.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "media/test_video.h"
#include "mqtt/client.h"
#include "publisher/publisher.h"
#include "testing/test_broker.h"
#include "trust/keys.h"
#include "wire/topics.h"

namespace fog::publisher {
namespace {

using namespace std::chrono_literals;

// Records what the stream reports; waits on it, never on time.
class Recorder : public ProgressSink {
 public:
  void OnPacket(const StreamStats&) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++packets_;
    cv_.notify_all();
  }
  void OnDone(const StreamSummary&) override {}
  void OnHeld(const wire::BacklogReport& b) override {
    std::lock_guard<std::mutex> lock(mu_);
    held_.push_back(b);
    cv_.notify_all();
  }
  void OnResumed(double seconds) override {
    std::lock_guard<std::mutex> lock(mu_);
    resumed_.push_back(seconds);
    cv_.notify_all();
  }
  bool WaitHeld() {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, 30s, [&] { return !held_.empty(); });
  }
  int packets() {
    std::lock_guard<std::mutex> lock(mu_);
    return packets_;
  }
  std::vector<wire::BacklogReport> held() {
    std::lock_guard<std::mutex> lock(mu_);
    return held_;
  }
  std::vector<double> resumed() {
    std::lock_guard<std::mutex> lock(mu_);
    return resumed_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int packets_ = 0;
  std::vector<wire::BacklogReport> held_;
  std::vector<double> resumed_;
};

class BacklogGateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new media::testing::TempDir();
    video_ = dir_->path() + "/source.mp4";
    ASSERT_TRUE(media::testing::MakeTestVideo(video_, 3).ok());
    auto keys = trust::GenerateKeyPair(mldsa::Alg::kMlDsa44, Bytes(32, 9));
    ASSERT_TRUE(keys.ok());
    keys_ = new trust::KeyPair(std::move(*keys));
  }
  static void TearDownTestSuite() {
    delete keys_;
    delete dir_;
  }

  // A broker of its own per test: retained reports do not leak between
  // tests.
  void SetUp() override {
    ASSERT_TRUE(broker_.Start().ok());
    master_ = std::make_unique<mqtt::Client>(Options("master"));
    ASSERT_TRUE(master_->Connect(5s).ok());
    publisher_ = std::make_unique<mqtt::Client>(Options("publisher"));
    gate_ = std::make_unique<BacklogGate>(*publisher_);
    ASSERT_TRUE(publisher_->Connect(5s).ok());
  }
  void TearDown() override {
    gate_.reset();
    publisher_.reset();
    master_.reset();
    broker_.Stop();
  }

  mqtt::ConnectOptions Options(const std::string& id) {
    mqtt::ConnectOptions o;
    o.uri = broker_.uri();
    o.client_id = id;
    return o;
  }

  // Publishes a retained report as the master would, and waits for the
  // broker's PUBACK (so it is retained before anyone subscribes).
  void Report(bool over, uint64_t bytes) {
    const wire::BacklogReport r{.packets = 3,
                                .bytes = bytes,
                                .limit_bytes = 100,
                                .resume_bytes = 75,
                                .over = over,
                                .seq = ++seq_};
    const std::string text = wire::EncodeBacklog(r);
    ASSERT_TRUE(master_
                    ->Publish({.topic = wire::topics::kBacklog,
                               .payload = Bytes(text.begin(), text.end()),
                               .qos = 1,
                               .retained = true})
                    .ok());
  }

  StreamOptions Stream(const std::string& id) {
    StreamOptions o;
    o.input = video_;
    o.video_id = id;
    o.key = keys_->sec.Clone();
    o.backlog = gate_.get();
    return o;
  }

  static media::testing::TempDir* dir_;
  static std::string video_;
  static trust::KeyPair* keys_;
  fog::testing::TestBroker broker_;
  std::unique_ptr<mqtt::Client> master_;
  std::unique_ptr<mqtt::Client> publisher_;
  std::unique_ptr<BacklogGate> gate_;
  uint64_t seq_ = 0;
};
media::testing::TempDir* BacklogGateTest::dir_ = nullptr;
std::string BacklogGateTest::video_;
trust::KeyPair* BacklogGateTest::keys_ = nullptr;

TEST_F(BacklogGateTest, HoldsWhileOverAndGoesOnWhenUnder) {
  Report(/*over=*/true, 150);
  ASSERT_TRUE(gate_->Subscribe().ok());
  // Subscribe() returns after the retained report was read.
  ASSERT_TRUE(gate_->last().has_value());
  EXPECT_TRUE(gate_->last()->over);

  Recorder recorder;
  auto run = std::async(std::launch::async, [&] {
    return StreamVideo(Stream("held-video"), *publisher_, &recorder);
  });
  ASSERT_TRUE(recorder.WaitHeld());
  // The stream waits inside the gate, before its first packet.
  EXPECT_EQ(recorder.packets(), 0);
  ASSERT_EQ(recorder.held().size(), 1u);
  EXPECT_EQ(recorder.held()[0].bytes, 150u);
  EXPECT_EQ(recorder.held()[0].limit_bytes, 100u);
  EXPECT_EQ(run.wait_for(0s), std::future_status::timeout);

  Report(/*over=*/false, 50);
  Result<StreamSummary> summary = run.get();
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_GE(summary->stats.packets, 4);
  EXPECT_EQ(recorder.packets(), summary->stats.packets);
  EXPECT_EQ(summary->stats.held_count, 1);
  EXPECT_GT(summary->stats.held_seconds, 0);
  ASSERT_EQ(recorder.resumed().size(), 1u);
  EXPECT_DOUBLE_EQ(recorder.resumed()[0], summary->stats.held_seconds);
}

TEST_F(BacklogGateTest, NeverDrainedFailsTheStreamClearly) {
  Report(/*over=*/true, 400);
  ASSERT_TRUE(gate_->Subscribe().ok());
  Recorder recorder;
  StreamOptions o = Stream("never-drained");
  o.backlog_wait_max = 200ms;
  Result<StreamSummary> summary = StreamVideo(o, *publisher_, &recorder);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(summary.status().message().find("backlog stayed over its limit"),
            std::string::npos)
      << summary.status().message();
  EXPECT_NE(summary.status().message().find("--backlog-wait-max"),
            std::string::npos);
  EXPECT_EQ(recorder.packets(), 0);
  EXPECT_EQ(recorder.held().size(), 1u);
}

TEST_F(BacklogGateTest, UnderOrNoReportDoesNotHold) {
  ASSERT_TRUE(gate_->Subscribe().ok());
  EXPECT_FALSE(gate_->last().has_value());  // no master has said anything
  Recorder recorder;
  auto summary = StreamVideo(Stream("no-report"), *publisher_, &recorder);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->stats.held_count, 0);
  EXPECT_TRUE(recorder.held().empty());
}

TEST_F(BacklogGateTest, AnUnreadableReportIsCountedAndIgnored) {
  const std::string junk = "not a report";
  ASSERT_TRUE(master_
                  ->Publish({.topic = wire::topics::kBacklog,
                             .payload = Bytes(junk.begin(), junk.end()),
                             .qos = 1,
                             .retained = true})
                  .ok());
  ASSERT_TRUE(gate_->Subscribe().ok());
  // Read before Subscribe() returned; the second SUBSCRIBE may bring the
  // retained message once more.
  EXPECT_GE(gate_->bad_reports(), 1u);
  EXPECT_FALSE(gate_->last().has_value());
  double held = -1;
  bool called = false;
  EXPECT_TRUE(
      gate_
          ->WaitWhileOver(
              1h, [&](const wire::BacklogReport&) { called = true; }, &held)
          .ok());
  EXPECT_FALSE(called);
  EXPECT_EQ(held, 0);
}

}  // namespace
}  // namespace fog::publisher
