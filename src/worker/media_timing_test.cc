#include "worker/media_timing.h"

#include <gtest/gtest.h>

#include "media/fmp4_splitter.h"
#include "media/test_video.h"
#include "wire/video_packet.h"
#include "worker/stored_packet.h"

namespace fog::worker {
namespace {

// The packets of a real 4 s fMP4 video (init + fragments), as the seed's
// VideoPackets.
std::vector<Bytes> VideoPackets(const std::string& dir, const std::string& id) {
  std::string source = dir + "/source.mp4";
  EXPECT_TRUE(media::testing::MakeTestVideo(source, 4).ok());
  Result<Bytes> fmp4 = media::testing::FragmentWithFfmpeg(source);
  EXPECT_TRUE(fmp4.ok());
  media::Fmp4Splitter splitter;
  std::vector<media::MediaPacket> parts;
  EXPECT_TRUE(splitter.Feed(*fmp4, &parts).ok());
  EXPECT_TRUE(splitter.Finish(&parts).ok());
  std::vector<Bytes> packets;
  for (size_t i = 0; i < parts.size(); ++i) {
    packets.push_back(wire::EncodeVideoPacket(
        {.video_id = id,
         .packet_number = static_cast<int64_t>(i + 1),
         .total_packets = static_cast<int64_t>(parts.size()),
         .data = parts[i].data}));
  }
  return packets;
}

std::unique_ptr<PacketStore> OpenStore(const std::string& dir) {
  auto store = PacketStore::Open(dir, {});
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return std::move(*store);
}

void Put(PacketStore& store, const std::string& id, int64_t n,
         const Bytes& payload) {
  ASSERT_TRUE(
      store.Put({.video_id = id, .packet_number = n, .format = "vp"}, payload)
          .ok());
}

TEST(MediaTimingTest, TwoWorkersTogetherKnowTheDuration) {
  media::testing::TempDir dir;
  std::vector<Bytes> packets = VideoPackets(dir.path(), "v1");
  ASSERT_GE(packets.size(), 4u);
  auto a = OpenStore(dir.path() + "/a"), b = OpenStore(dir.path() + "/b");
  // a holds the init and the first fragments, b the rest.
  const size_t split = packets.size() / 2;
  for (size_t i = 0; i < packets.size(); ++i) {
    Put(i < split ? *a : *b, "v1", static_cast<int64_t>(i + 1), packets[i]);
  }
  MediaTiming ta, tb;
  VideoTiming from_a = ta.Update(*a, "v1");
  VideoTiming from_b = tb.Update(*b, "v1");
  ASSERT_EQ(from_a.timescales.size(), 2u);  // video and audio
  EXPECT_TRUE(from_b.timescales.empty());   // only packet 1 has them
  ASSERT_EQ(from_b.track_end_ticks.size(), 2u);
  // What the registry computes: max end over workers / timescale.
  for (auto [track, scale] : from_a.timescales) {
    uint64_t end =
        std::max(from_a.track_end_ticks[track], from_b.track_end_ticks[track]);
    EXPECT_EQ(end, from_b.track_end_ticks[track]);  // b has the later part
    EXPECT_NEAR(static_cast<double>(end) / scale, 4.0, 0.1) << track;
  }
  // Inspected once: a second update reads nothing new and changes nothing.
  VideoTiming again = tb.Update(*b, "v1");
  EXPECT_EQ(again.track_end_ticks, from_b.track_end_ticks);
}

TEST(MediaTimingTest, PacketsInspectedAtIntakeAreNotReadBack) {
  media::testing::TempDir dir;
  std::vector<Bytes> packets = VideoPackets(dir.path(), "v1");
  auto reference = OpenStore(dir.path() + "/r"),
       store = OpenStore(dir.path() + "/s");
  MediaTiming from_intake, read_back;
  for (size_t i = 0; i < packets.size(); ++i) {
    const int64_t n = static_cast<int64_t>(i + 1);
    Put(*reference, "v1", n, packets[i]);
    Result<wire::VideoPacket> p = wire::DecodeVideoPacket(packets[i]);
    ASSERT_TRUE(p.ok());
    from_intake.Add("v1", n, InspectPacketTiming(n, p->data));
    // This store holds other bytes under the same numbers; read back, they
    // would add nothing.
    Put(*store, "v1", n,
        wire::EncodeVideoPacket(
            {.video_id = "v1", .packet_number = n, .data = Bytes(100, 7)}));
  }
  const VideoTiming expected = read_back.Update(*reference, "v1");
  ASSERT_EQ(expected.timescales.size(), 2u);
  const VideoTiming got = from_intake.Update(*store, "v1");
  EXPECT_EQ(got.timescales, expected.timescales);
  EXPECT_EQ(got.track_end_ticks, expected.track_end_ticks);
}

TEST(MediaTimingTest, TheStoreIsLookedThroughOnceAndAgainOnlyAfterUnread) {
  media::testing::TempDir dir;
  std::vector<Bytes> packets = VideoPackets(dir.path(), "v1");
  ASSERT_GE(packets.size(), 3u);
  auto store = OpenStore(dir.path() + "/s");
  const size_t half = packets.size() / 2;
  for (size_t i = 0; i < half; ++i) {
    Put(*store, "v1", static_cast<int64_t>(i + 1), packets[i]);
  }
  MediaTiming timing;
  const VideoTiming first = timing.Update(*store, "v1");
  ASSERT_FALSE(first.track_end_ticks.empty());
  // Stored without Add, as a repaired copy is: not looked for until Unread.
  for (size_t i = half; i < packets.size(); ++i) {
    Put(*store, "v1", static_cast<int64_t>(i + 1), packets[i]);
  }
  EXPECT_EQ(timing.Update(*store, "v1").track_end_ticks, first.track_end_ticks);
  timing.Unread("v1");
  const VideoTiming all = timing.Update(*store, "v1");
  MediaTiming fresh;
  const VideoTiming expected = fresh.Update(*store, "v1");
  EXPECT_NE(all.track_end_ticks, first.track_end_ticks);
  EXPECT_EQ(all.track_end_ticks, expected.track_end_ticks);
  EXPECT_EQ(all.timescales, expected.timescales);
}

TEST(MediaTimingTest, NonMediaPacketsAddNothing) {
  media::testing::TempDir dir;
  auto store = OpenStore(dir.path() + "/s");
  Put(*store, "x", 1,
      wire::EncodeVideoPacket(
          {.video_id = "x", .packet_number = 1, .data = Bytes(100, 7)}));
  Put(*store, "x", 2,
      wire::EncodeVideoPacket(
          {.video_id = "x", .packet_number = 2, .data = Bytes(100, 9)}));
  MediaTiming t;
  VideoTiming timing = t.Update(*store, "x");
  EXPECT_TRUE(timing.timescales.empty());
  EXPECT_TRUE(timing.track_end_ticks.empty());
  EXPECT_TRUE(t.Update(*store, "unknown").track_end_ticks.empty());
}

TEST(MediaTimingTest, StoredVideoPacketRefusesGarbage) {
  EXPECT_FALSE(StoredVideoPacket(Bytes{1, 2, 3}).ok());
  Result<wire::VideoPacket> d = StoredVideoPacket(wire::EncodeVideoPacket(
      {.video_id = "x", .packet_number = 1, .data = Bytes{4, 5}}));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->data, (Bytes{4, 5}));
}

}  // namespace
}  // namespace fog::worker
