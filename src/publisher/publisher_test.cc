#include "publisher/publisher.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <fstream>
#include <mutex>

#include "media/box.h"
#include "media/test_video.h"
#include "mqtt/client.h"
#include "testing/test_broker.h"
#include "trust/packet_verifier.h"
#include "trust/trust_store.h"
#include "wire/envelope.h"
#include "wire/legacy_payload.h"
#include "wire/topics.h"

namespace fog::publisher {
namespace {

using namespace std::chrono_literals;

class Inbox {
 public:
  void Push(const mqtt::Message& m) {
    std::lock_guard<std::mutex> lock(mu_);
    messages_.push_back(m);
    cv_.notify_all();
  }
  // Waits until `n` messages arrived on `topic`; returns those, in order.
  std::vector<mqtt::Message> WaitFor(const std::string& topic, size_t n,
                                     std::chrono::milliseconds timeout = 10s) {
    std::unique_lock<std::mutex> lock(mu_);
    std::vector<mqtt::Message> got;
    cv_.wait_for(lock, timeout, [&] {
      got.clear();
      for (const auto& m : messages_) {
        if (m.topic == topic) got.push_back(m);
      }
      return got.size() >= n;
    });
    return got;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<mqtt::Message> messages_;
};

class CountingSink : public ProgressSink {
 public:
  void OnPacket(const StreamStats& stats) override {
    last = stats;
    ++calls;
  }
  void OnDone(const StreamSummary&) override { done = true; }
  StreamStats last;
  int calls = 0;
  bool done = false;
};

// One broker, video and key for the whole suite (starting mosquitto and
// connecting clients dominates the run time otherwise); each test uses its
// own video id, hence its own topic.
class PublisherTest : public ::testing::Test {
 protected:
  static mqtt::ConnectOptions ClientOptions(const std::string& id) {
    mqtt::ConnectOptions o;
    o.uri = broker_->uri();
    o.client_id = id;
    return o;
  }

  static void SetUpTestSuite() {
    dir_ = new media::testing::TempDir();
    video_ = dir_->path() + "/source.mp4";
    ASSERT_TRUE(media::testing::MakeTestVideo(video_, 4).ok());
    auto keys = trust::GenerateKeyPair(mldsa::Alg::kMlDsa44, Bytes(32, 7));
    ASSERT_TRUE(keys.ok());
    keys_ = new trust::KeyPair(std::move(*keys));
    broker_ = new fog::testing::TestBroker();
    ASSERT_TRUE(broker_->Start().ok());
    inbox_ = new Inbox();
    subscriber_ = new mqtt::Client(ClientOptions("sub"));
    subscriber_->OnMessage([](const mqtt::Message& m) { inbox_->Push(m); });
    ASSERT_TRUE(subscriber_->Connect(5s).ok());
    Status sub = subscriber_->Subscribe(wire::topics::kStreamFilter, 1);
    ASSERT_TRUE(sub.ok()) << sub.ToString();
    publisher_ = new mqtt::Client(ClientOptions("pub"));
    ASSERT_TRUE(publisher_->Connect(5s).ok());
  }
  static void TearDownTestSuite() {
    delete publisher_;
    delete subscriber_;
    delete inbox_;
    delete broker_;
    delete keys_;
    delete dir_;
  }

  StreamOptions Options(const std::string& id) {
    StreamOptions o;
    o.input = video_;
    o.video_id = id;
    o.key = keys_->sec.Clone();
    return o;
  }

  // Decodes the envelopes received for `id`, checking numbers and totals.
  std::vector<wire::Envelope> Envelopes(const std::string& id, int64_t n) {
    std::vector<wire::Envelope> out;
    for (const mqtt::Message& m :
         inbox_->WaitFor(wire::topics::Stream(id), static_cast<size_t>(n))) {
      EXPECT_EQ(m.qos, 1);
      auto e = wire::DecodeEnvelope(m.payload);
      EXPECT_TRUE(e.ok()) << e.status().ToString();
      if (e.ok()) out.push_back(std::move(*e));
    }
    EXPECT_EQ(out.size(), static_cast<size_t>(n));
    for (size_t i = 0; i < out.size(); ++i) {
      EXPECT_EQ(out[i].packet.packet_number, static_cast<int64_t>(i + 1));
      EXPECT_EQ(out[i].packet.total_packets, i + 1 == out.size() ? n : 0);
    }
    return out;
  }

  void ExpectAllValid(std::vector<wire::Envelope> envelopes, int64_t n) {
    trust::TrustStore trust;
    trust.Add(keys_->pub);
    auto reports = trust::VerifyStream(std::move(envelopes), trust);
    ASSERT_FALSE(reports.empty());
    EXPECT_EQ(reports.back().last, n);
    for (const auto& r : reports) {
      EXPECT_EQ(r.status, trust::PacketStatus::kValid)
          << "packet " << r.number << ": " << r.reason;
    }
  }

  // Nothing arrives on the topic of `id` for a short while.
  static bool NothingPublished(const std::string& id) {
    return inbox_->WaitFor(wire::topics::Stream(id), 1, 300ms).empty();
  }

  static media::testing::TempDir* dir_;
  static std::string video_;
  static trust::KeyPair* keys_;
  static fog::testing::TestBroker* broker_;
  static Inbox* inbox_;
  static mqtt::Client* subscriber_;
  static mqtt::Client* publisher_;
};
media::testing::TempDir* PublisherTest::dir_ = nullptr;
std::string PublisherTest::video_;
trust::KeyPair* PublisherTest::keys_ = nullptr;
fog::testing::TestBroker* PublisherTest::broker_ = nullptr;
Inbox* PublisherTest::inbox_ = nullptr;
mqtt::Client* PublisherTest::subscriber_ = nullptr;
mqtt::Client* PublisherTest::publisher_ = nullptr;

TEST_F(PublisherTest, PublishesSignedPacketsThatVerify) {
  CountingSink sink;
  auto summary = StreamVideo(Options("vid-1"), *publisher_, &sink);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  const int64_t n = summary->stats.packets;
  EXPECT_GE(n, 5);  // init + a fragment per second of video
  EXPECT_EQ(sink.calls, n);
  EXPECT_TRUE(sink.done);
  EXPECT_NEAR(summary->stats.media_seconds, 4.0, 0.1);
  EXPECT_GT(summary->dropped_bytes, 0u);  // the mfra
  auto envelopes = Envelopes("vid-1", n);
  ASSERT_EQ(envelopes.size(), static_cast<size_t>(n));
  EXPECT_EQ(media::FourCcName(((envelopes[0].packet.data[4] << 24) |
                               (envelopes[0].packet.data[5] << 16) |
                               (envelopes[0].packet.data[6] << 8) |
                               envelopes[0].packet.data[7])),
            "ftyp");
  uint64_t media_bytes = 0;
  for (const auto& e : envelopes) {
    EXPECT_TRUE(e.signature.has_value());
    media_bytes += e.packet.data.size();
  }
  EXPECT_EQ(media_bytes, summary->stats.media_bytes);
  ExpectAllValid(std::move(envelopes), n);
}

TEST_F(PublisherTest, AmortizedSigningSignsEveryKthAndTheLast) {
  StreamOptions o = Options("vid-amortized");
  o.sign_every = 2;
  o.window_packets = 1;  // also exercise waiting for each PUBACK
  auto summary = StreamVideo(o, *publisher_, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  const int64_t n = summary->stats.packets;
  auto envelopes = Envelopes("vid-amortized", n);
  ASSERT_EQ(envelopes.size(), static_cast<size_t>(n));
  for (const auto& e : envelopes) {
    int64_t k = e.packet.packet_number;
    EXPECT_EQ(e.signature.has_value(), k % 2 == 0 || k == n) << k;
  }
  ExpectAllValid(std::move(envelopes), n);
}

TEST_F(PublisherTest, LegacyPayloadsPassTheSeedCheck) {
  StreamOptions o = Options("vid-legacy");
  o.format = PayloadFormat::kLegacy;
  o.key.reset();
  auto summary = StreamVideo(o, *publisher_, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  const int64_t n = summary->stats.packets;
  auto messages = inbox_->WaitFor(wire::topics::Stream("vid-legacy"),
                                  static_cast<size_t>(n));
  ASSERT_EQ(messages.size(), static_cast<size_t>(n));
  for (size_t i = 0; i < messages.size(); ++i) {
    auto r = wire::VerifyLegacyPayload(messages[i].payload);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->valid) << r->reason;
    EXPECT_EQ(r->packet.video_id, "vid-legacy");
    EXPECT_EQ(r->packet.packet_number, static_cast<int64_t>(i + 1));
    EXPECT_EQ(r->packet.total_packets, i + 1 == messages.size() ? n : 0);
    EXPECT_LE(messages[i].payload.size(),
              r->packet.data.size() + PayloadReserve(PayloadFormat::kLegacy));
  }
}

TEST_F(PublisherTest, TranscodeCutsOneSecondFragments) {
  StreamOptions o = Options("vid-transcode");
  o.transcode = true;
  auto summary = StreamVideo(o, *publisher_, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->stats.packets, 5);  // init + 4 one-second fragments
  ExpectAllValid(Envelopes("vid-transcode", summary->stats.packets), 5);
}

TEST_F(PublisherTest, MissingInputIsAClearErrorAndPublishesNothing) {
  StreamOptions o = Options("vid-missing");
  o.input = dir_->path() + "/no-such-video.mp4";
  auto summary = StreamVideo(o, *publisher_, nullptr);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), Status::Code::kNotFound);
  EXPECT_NE(summary.status().message().find("no-such-video.mp4: no such file"),
            std::string::npos);
  EXPECT_TRUE(NothingPublished("vid-missing"));
}

TEST_F(PublisherTest, FfmpegFailureCarriesItsStderrAndNoPacketClaimsAnEnd) {
  std::string junk = dir_->path() + "/junk.mp4";
  std::ofstream(junk) << "this is not a video";
  StreamOptions o = Options("vid-junk");
  o.input = junk;
  auto summary = StreamVideo(o, *publisher_, nullptr);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), Status::Code::kIoError);
  EXPECT_NE(summary.status().message().find("ffmpeg failed on"),
            std::string::npos);
  EXPECT_NE(summary.status().message().find("Invalid data"), std::string::npos)
      << summary.status().message();
  EXPECT_TRUE(NothingPublished("vid-junk"));
}

TEST_F(PublisherTest, OversizedFragmentFailsNamingThePacket) {
  StreamOptions o = Options("vid-big");
  o.max_payload_bytes = PayloadReserve(PayloadFormat::kSigned) + 30000;
  auto summary = StreamVideo(o, *publisher_, nullptr);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(summary.status().message().find("packet 2 (fragment)"),
            std::string::npos)
      << summary.status().message();
  // Packet 1 was held back by the lookahead and never published.
  EXPECT_TRUE(NothingPublished("vid-big"));
}

TEST_F(PublisherTest, RejectsBadOptions) {
  StreamOptions o = Options("bad/id");
  EXPECT_EQ(StreamVideo(o, *publisher_, nullptr).status().code(),
            Status::Code::kInvalidArgument);
  o = Options("ok");
  o.key.reset();
  EXPECT_FALSE(StreamVideo(o, *publisher_, nullptr).ok());
  o = Options("ok");
  o.max_payload_bytes = 1000;
  EXPECT_FALSE(StreamVideo(o, *publisher_, nullptr).ok());
}

TEST(RandomVideoIdTest, IsAVersion4UuidAndAValidVideoId) {
  std::string a = RandomVideoId(), b = RandomVideoId();
  EXPECT_NE(a, b);
  ASSERT_EQ(a.size(), 36u);
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos);
  EXPECT_TRUE(wire::ValidateVideoId(a).ok());
}

}  // namespace
}  // namespace fog::publisher
