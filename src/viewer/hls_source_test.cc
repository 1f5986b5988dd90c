// HlsSource against a real Mosquitto and real fMP4 packets (ffmpeg), signed
// with a fresh ML-DSA-44 key. The workers are played by a client answering
// get requests by the protocol of docs/topics.md from packets the test
// controls, so missing, late and tampered packets can be arranged.

#include "viewer/hls_source.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "media/fmp4_splitter.h"
#include "media/test_video.h"
#include "mqtt/client.h"
#include "testing/test_broker.h"
#include "trust/keys.h"
#include "trust/packet_signer.h"
#include "wire/topics.h"

namespace fog::viewer {
namespace {

constexpr char kVideo[] = "cam-7";

// The signed packets of a 4 s test video: init + 4 one-second fragments.
class Packets {
 public:
  static const std::vector<wire::Envelope>& Signed(const trust::KeyPair& pair) {
    static std::vector<wire::Envelope>* envelopes = [&] {
      auto* out = new std::vector<wire::Envelope>;
      media::testing::TempDir dir;
      const std::string src = dir.path() + "/src.mp4";
      if (!media::testing::MakeTestVideo(src, 4).ok()) return out;
      Result<Bytes> fmp4 = media::testing::FragmentWithFfmpeg(src);
      if (!fmp4.ok()) return out;
      media::Fmp4Splitter splitter;
      std::vector<media::MediaPacket> packets;
      if (!splitter.Feed(*fmp4, &packets).ok() ||
          !splitter.Finish(&packets).ok()) {
        return out;
      }
      trust::PacketSigner signer(pair.sec.Clone(), {});
      const int64_t total = static_cast<int64_t>(packets.size());
      for (const media::MediaPacket& p : packets) {
        const bool last = p.number == total;
        Result<wire::Envelope> e =
            signer.Next({kVideo, p.number, last ? total : 0, p.data}, last);
        if (e.ok()) out->push_back(std::move(*e));
      }
      return out;
    }();
    return *envelopes;
  }
};

// Answers fog/get/# from `held`, counting requests.
class FakeWorkers {
 public:
  explicit FakeWorkers(const std::string& uri) : client_({.uri = uri}) {
    client_.OnMessage([this](const mqtt::Message& m) { Answer(m); });
  }
  ~FakeWorkers() {
    std::vector<std::thread> late;
    {
      std::lock_guard<std::mutex> lock(mu_);
      late.swap(late_);
    }
    for (std::thread& t : late) t.join();
  }
  Status Start() {
    Status s = client_.Connect(std::chrono::seconds(5));
    if (s.ok()) s = client_.Subscribe("fog/get/#", 1);
    return s;
  }
  void Hold(const wire::Envelope& e) {
    std::lock_guard<std::mutex> lock(mu_);
    held_[e.packet.packet_number] = wire::EncodeEnvelope(e);
  }
  // How a worker's packet replies travel: as the protocol says, lost on
  // the way (the end reply still counts them), or after the end reply (as
  // replies sent again after a reconnection may).
  enum class Replies { kInOrder, kLost, kAfterEnd };
  void SetReplies(Replies r) { replies_ = r; }
  int requests() const { return requests_; }
  int64_t last_first() const { return last_first_; }

 private:
  void Answer(const mqtt::Message& m) {
    ++requests_;
    int64_t first = 1, last = INT64_MAX, budget = INT64_MAX;
    if (!m.payload.empty()) {
      auto j = nlohmann::json::parse(m.payload.begin(), m.payload.end());
      first = j.value("first", int64_t{1});
      last = j.value("last", INT64_MAX);
      budget = j.value("max_bytes", INT64_MAX);
    }
    last_first_ = first;
    std::map<int64_t, Bytes> held;
    {
      std::lock_guard<std::mutex> lock(mu_);
      held = held_;
    }
    int64_t bytes = 0, sent = 0, next = 0;
    std::vector<mqtt::Message> replies;
    for (const auto& [n, payload] : held) {
      if (n < first || n > last) continue;
      const int64_t size = static_cast<int64_t>(payload.size());
      if (sent > 1 && bytes + size > budget) {
        next = n;  // paging, as the workers do
        break;
      }
      mqtt::Message reply{.topic = m.response_topic, .payload = payload};
      reply.correlation_data = m.correlation_data;
      reply.user_properties = {{"packet-number", std::to_string(n)}};
      replies.push_back(std::move(reply));
      bytes += size;
      ++sent;
    }
    mqtt::Message end{.topic = m.response_topic};
    end.correlation_data = m.correlation_data;
    end.user_properties = {{"end", std::to_string(sent)}};
    if (next > 0) end.user_properties.push_back({"next", std::to_string(next)});
    const Replies how = replies_;
    if (how == Replies::kAfterEnd) {
      (void)client_.Publish(end, false);
      // Late, but well within the fetch's quiet period; from another thread,
      // as the client sends what its callback publishes only on return.
      std::lock_guard<std::mutex> lock(mu_);
      late_.emplace_back([this, replies = std::move(replies)] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        for (const mqtt::Message& r : replies) (void)client_.Publish(r, false);
      });
      return;
    }
    if (how == Replies::kInOrder) {
      for (const mqtt::Message& r : replies) (void)client_.Publish(r, false);
    }
    (void)client_.Publish(end, false);
  }

  mqtt::Client client_;
  std::mutex mu_;
  std::map<int64_t, Bytes> held_;
  std::vector<std::thread> late_;  // replies sent after their end
  std::atomic<int> requests_{0};
  std::atomic<int64_t> last_first_{0};
  std::atomic<Replies> replies_{Replies::kInOrder};
};

class HlsSourceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<trust::KeyPair> pair = trust::GenerateKeyPair(mldsa::Alg::kMlDsa44);
    ASSERT_TRUE(pair.ok());
    pair_ = new trust::KeyPair(std::move(*pair));
  }

  void SetUp() override {
    ASSERT_TRUE(broker_.Start().ok());
    packets_ = Packets::Signed(*pair_);
    ASSERT_EQ(packets_.size(), 5u) << "ffmpeg test video";
    trust_.Add(pair_->pub);
    workers_ = std::make_unique<FakeWorkers>(broker_.uri());
    ASSERT_TRUE(workers_->Start().ok());
    auto fetcher =
        PacketFetcher::Connect({.uri = broker_.uri()}, std::chrono::seconds(5));
    ASSERT_TRUE(fetcher.ok()) << fetcher.status().ToString();
    fetcher_ = std::move(*fetcher);
  }

  std::unique_ptr<HlsSource> Source(size_t cache_bytes = 64 << 20,
                                    size_t request_bytes = 16 << 20,
                                    size_t max_videos = 4096) {
    return std::make_unique<HlsSource>(
        *fetcher_, trust_,
        HlsOptions{.cache_bytes = cache_bytes,
                   .fetch_timeout = std::chrono::seconds(5),
                   .max_videos = max_videos,
                   .request_bytes = request_bytes});
  }

  void HoldAll() {
    for (const wire::Envelope& e : packets_) workers_->Hold(e);
  }

  static int Count(const std::string& text, const std::string& what) {
    int n = 0;
    for (size_t at = text.find(what); at != std::string::npos;
         at = text.find(what, at + 1)) {
      ++n;
    }
    return n;
  }

  static trust::KeyPair* pair_;
  testing::TestBroker broker_;
  std::vector<wire::Envelope> packets_;
  trust::TrustStore trust_;
  std::unique_ptr<FakeWorkers> workers_;
  std::unique_ptr<PacketFetcher> fetcher_;
};

trust::KeyPair* HlsSourceTest::pair_ = nullptr;

TEST_F(HlsSourceTest, CompleteVideoIsAVodPlaylistAndPacketsComeFromTheCache) {
  HoldAll();
  auto source = Source();
  Result<HlsPlaylistReply> p = source->Playlist(kVideo, 1);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->complete);
  EXPECT_EQ(Count(p->text, "#EXTINF:"), 4);
  EXPECT_EQ(Count(p->text, "#EXTINF:1.000000,\n"), 4) << p->text;
  EXPECT_NE(p->text.find("#EXT-X-TARGETDURATION:1\n"), std::string::npos);
  EXPECT_NE(p->text.find("5.m4s\n#EXT-X-ENDLIST\n"), std::string::npos);
  const int requests = workers_->requests();

  for (int64_t n = 1; n <= 5; ++n) {
    Result<HlsPacketReply> r = source->Packet(kVideo, n, 1);
    ASSERT_TRUE(r.ok()) << n << ": " << r.status().ToString();
    EXPECT_EQ(r->packet->packet.data, packets_[n - 1].packet.data);
    EXPECT_TRUE(r->complete);
  }
  EXPECT_EQ(workers_->requests(), requests) << "hits must not fetch";
  EXPECT_EQ(source->Counters().at("cache_hits"), 5u);
  // A complete playlist is not fetched again either.
  ASSERT_TRUE(source->Playlist(kVideo, 1).ok());
  EXPECT_EQ(workers_->requests(), requests);
  Result<HlsPacketReply> beyond = source->Packet(kVideo, 6, 1);
  ASSERT_FALSE(beyond.ok());
  EXPECT_EQ(beyond.status().code(), Status::Code::kNotFound);
}

TEST_F(HlsSourceTest, LivePlaylistGrowsFromItsLastVerifiedPacket) {
  for (int i = 0; i < 3; ++i) workers_->Hold(packets_[i]);
  auto source = Source();
  Result<HlsPlaylistReply> p = source->Playlist(kVideo, 1);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_FALSE(p->complete);
  EXPECT_EQ(Count(p->text, "#EXTINF:"), 2);
  EXPECT_NE(p->text.find("#EXT-X-PLAYLIST-TYPE:EVENT\n"), std::string::npos);
  EXPECT_EQ(p->text.find("#EXT-X-ENDLIST"), std::string::npos);
  Result<HlsPacketReply> later = source->Packet(kVideo, 4, 1);
  ASSERT_FALSE(later.ok());
  EXPECT_EQ(later.status().code(), Status::Code::kNotFound);

  workers_->Hold(packets_[3]);
  workers_->Hold(packets_[4]);
  p = source->Playlist(kVideo, 1);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(workers_->last_first(), 3) << "re-fetches its anchor onward";
  EXPECT_TRUE(p->complete);
  EXPECT_EQ(Count(p->text, "#EXTINF:"), 4);
  EXPECT_NE(p->text.find("#EXT-X-ENDLIST"), std::string::npos);
}

TEST_F(HlsSourceTest, ATamperedPacketIsNeverServed) {
  HoldAll();
  wire::Envelope bad = packets_[2];  // packet 3
  bad.packet.data[bad.packet.data.size() / 2] ^= 0x01;
  workers_->Hold(bad);
  auto source = Source();
  Result<HlsPlaylistReply> p = source->Playlist(kVideo, 1);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Status::Code::kCorruption);
  EXPECT_NE(p.status().message().find("packet 3"), std::string::npos);
  Result<HlsPacketReply> r = source->Packet(kVideo, 3, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
  EXPECT_TRUE(source->Packet(kVideo, 2, 1).ok()) << "before it: verified";
  EXPECT_GE(source->Counters().at("unverified"), 1u);

  // Once the workers deliver the genuine packet, the video plays on.
  workers_->Hold(packets_[2]);
  p = source->Playlist(kVideo, 1);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->complete);
  r = source->Packet(kVideo, 3, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->packet->packet.data, packets_[2].packet.data);
}

TEST_F(HlsSourceTest, AnUntrustedPublisherIsNeverServed) {
  HoldAll();
  trust::TrustStore nobody;
  HlsSource source(*fetcher_, nobody, {});
  Result<HlsPlaylistReply> p = source.Playlist(kVideo, 1);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Status::Code::kCorruption);
  Result<HlsPacketReply> r = source.Packet(kVideo, 2, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
}

TEST_F(HlsSourceTest, AMissingPacketOfACompleteVideoIsUnavailable) {
  for (int i : {0, 1, 3, 4}) workers_->Hold(packets_[i]);  // no packet 3
  auto source = Source();
  Result<HlsPlaylistReply> p = source->Playlist(kVideo, 1);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Status::Code::kUnavailable);
  Result<HlsPacketReply> r = source->Packet(kVideo, 3, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnavailable);
}

TEST_F(HlsSourceTest, UncachedSegmentsAreFetchedWithTheirPredecessor) {
  HoldAll();
  auto source = Source(/*cache_bytes=*/1);  // keeps nothing
  ASSERT_TRUE(source->Playlist(kVideo, 1).ok());
  for (int round = 0; round < 2; ++round) {
    const int before = workers_->requests();
    Result<HlsPacketReply> r = source->Packet(kVideo, 4, 1);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->packet->packet.data, packets_[3].packet.data);
    EXPECT_EQ(workers_->requests(), before + 1);
    EXPECT_EQ(workers_->last_first(), 3);
  }
  EXPECT_EQ(source->Counters().at("cache_hits"), 0u);
}

TEST_F(HlsSourceTest, AnUnknownVideoIsNotFound) {
  auto source = Source();
  Result<HlsPlaylistReply> p = source->Playlist("nobody-streamed-this", 1);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Status::Code::kNotFound);
}

// The holder answered, but its packets did not arrive: the fog holds the
// video, so the viewer is asked to come again (503), never told 404.
TEST_F(HlsSourceTest, PacketsLostAfterTheirEndReplyAreUnavailableNotNotFound) {
  HoldAll();
  workers_->SetReplies(FakeWorkers::Replies::kLost);
  auto source = Source();
  Result<HlsPlaylistReply> p = source->Playlist(kVideo, 1);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Status::Code::kUnavailable)
      << p.status().ToString();
  Result<HlsPacketReply> r = source->Packet(kVideo, 2, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnavailable)
      << r.status().ToString();
  EXPECT_GE(source->Counters().at("lost"), 5u);

  // Once the replies arrive again, the video plays.
  workers_->SetReplies(FakeWorkers::Replies::kInOrder);
  p = source->Playlist(kVideo, 1);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->complete);
}

// Packets that come after their worker's end reply are waited for.
TEST_F(HlsSourceTest, PacketsArrivingAfterTheirEndReplyStillCount) {
  HoldAll();
  workers_->SetReplies(FakeWorkers::Replies::kAfterEnd);
  auto source = Source();
  Result<HlsPlaylistReply> p = source->Playlist(kVideo, 1);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->complete);
  EXPECT_EQ(Count(p->text, "#EXTINF:"), 4);
  EXPECT_EQ(source->Counters().at("lost"), 0u);
}

TEST_F(HlsSourceTest, AVideoLongerThanAPageIsBuiltPageByPage) {
  HoldAll();
  // A one-byte budget: every page is two packets (two always go: the
  // anchor and one more).
  auto source = Source(64 << 20, /*request_bytes=*/1);
  Result<HlsPlaylistReply> p = source->Playlist(kVideo, 1);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->complete);
  EXPECT_EQ(Count(p->text, "#EXTINF"), 4);
  // Pages 1..2, 2..3, 3..4, 4..5: each anchored on the last verified.
  EXPECT_EQ(source->Counters().at("pages"), 4u);
  EXPECT_EQ(workers_->requests(), 4);
}

TEST_F(HlsSourceTest, PlaybackStatesAreBoundedAndLeastRecentlyUsedGoFirst) {
  HoldAll();
  auto source = Source(64 << 20, 16 << 20, /*max_videos=*/2);
  ASSERT_TRUE(source->Playlist(kVideo, 1).ok());
  // Made-up ids fill the table; the one in use stays recently used.
  for (int i = 0; i < 5; ++i) {
    (void)source->Playlist("made-up-" + std::to_string(i), 1);
    ASSERT_TRUE(source->Playlist(kVideo, 1).ok());
    EXPECT_LE(source->Counters().at("videos"), 2u);
  }
  // The known video's state survived: its playlist needed no new fetch.
  const int before = workers_->requests();
  ASSERT_TRUE(source->Playlist(kVideo, 1).ok());
  EXPECT_EQ(workers_->requests(), before);
}

}  // namespace
}  // namespace fog::viewer
