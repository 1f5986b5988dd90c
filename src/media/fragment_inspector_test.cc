#include "media/fragment_inspector.h"

#include <gtest/gtest.h>

#include <map>

#include "media/box_test_util.h"
#include "media/fmp4_splitter.h"
#include "media/test_video.h"

namespace fog::media {
namespace {

using testing::Concat;
using testing::MakeBox;
using testing::PutBe;

TEST(FragmentInspectorTest, TimescalesAndDurationsOfARealVideo) {
  testing::TempDir dir;
  std::string source = dir.path() + "/source.mp4";
  ASSERT_TRUE(testing::MakeTestVideo(source, 4).ok());
  Result<Bytes> fmp4 = testing::FragmentWithFfmpeg(source);
  ASSERT_TRUE(fmp4.ok()) << fmp4.status().ToString();
  Fmp4Splitter splitter;
  std::vector<MediaPacket> packets;
  ASSERT_TRUE(splitter.Feed(*fmp4, &packets).ok());
  ASSERT_TRUE(splitter.Finish(&packets).ok());

  Result<InitInfo> init = InspectInit(packets[0].data);
  ASSERT_TRUE(init.ok()) << init.status().ToString();
  ASSERT_EQ(init->tracks.size(), 2u);
  EXPECT_EQ(init->tracks[0].handler, "vide");
  EXPECT_EQ(init->tracks[1].handler, "soun");
  EXPECT_EQ(init->tracks[1].timescale, 48000u);

  std::map<uint32_t, uint64_t> total, next_start;
  for (size_t i = 1; i < packets.size(); ++i) {
    Result<FragmentInfo> frag = InspectFragment(packets[i].data, *init);
    ASSERT_TRUE(frag.ok()) << frag.status().ToString();
    for (const TrackFragmentInfo& t : frag->tracks) {
      EXPECT_TRUE(t.has_tfdt);
      // Fragments tile the timeline: each starts where the previous ended.
      EXPECT_EQ(t.base_media_decode_time, next_start[t.track_id]);
      next_start[t.track_id] = t.base_media_decode_time + t.duration;
      total[t.track_id] += t.duration;
    }
    // ffmpeg's fragments carry their own durations: a worker holding only
    // this fragment gets the same numbers.
    Result<FragmentInfo> alone = InspectFragmentAlone(packets[i].data);
    ASSERT_TRUE(alone.ok()) << alone.status().ToString();
    ASSERT_EQ(alone->tracks.size(), frag->tracks.size());
    for (size_t t = 0; t < frag->tracks.size(); ++t) {
      EXPECT_EQ(alone->tracks[t].duration, frag->tracks[t].duration);
      EXPECT_EQ(alone->tracks[t].base_media_decode_time,
                frag->tracks[t].base_media_decode_time);
    }
  }
  for (const TrackInfo& t : init->tracks) {
    // AAC adds a priming frame and pads the last one: ~80 ms more audio.
    EXPECT_NEAR(Seconds(total[t.track_id], &t), 4.0, 0.1) << t.handler;
  }
}

// A fragment with one traf: tfhd (optionally with a default duration), tfdt
// (version 1) and a trun with per-sample durations or none.
Bytes MakeFragment(uint32_t track, std::optional<uint32_t> tfhd_default,
                   std::vector<uint32_t> durations, uint32_t count) {
  Bytes tfhd;
  PutBe(&tfhd, tfhd_default ? 0x020008 : 0x020000, 4);
  PutBe(&tfhd, track, 4);
  if (tfhd_default) PutBe(&tfhd, *tfhd_default, 4);
  Bytes tfdt;
  PutBe(&tfdt, 0x01000000, 4);
  PutBe(&tfdt, uint64_t{1} << 33, 8);
  Bytes trun;
  PutBe(&trun, durations.empty() ? 0x000200 : 0x000300, 4);
  PutBe(&trun, count, 4);
  for (uint32_t i = 0; i < count; ++i) {
    if (!durations.empty()) PutBe(&trun, durations[i], 4);
    PutBe(&trun, 100, 4);  // sample size
  }
  Bytes traf =
      MakeBox("traf", Concat({MakeBox("tfhd", tfhd), MakeBox("tfdt", tfdt),
                              MakeBox("trun", trun)}));
  return Concat({MakeBox("moof", traf), MakeBox("mdat", Bytes(10, 0))});
}

TEST(FragmentInspectorTest, DurationFallsBackToTfhdThenTrex) {
  InitInfo init;
  init.tracks.push_back({1, 90000, "vide", 3000});
  auto explicit_durations =
      InspectFragment(MakeFragment(1, 1234, {10, 20, 30}, 3), init);
  ASSERT_TRUE(explicit_durations.ok());
  EXPECT_EQ(explicit_durations->tracks[0].duration, 60u);
  EXPECT_EQ(explicit_durations->tracks[0].base_media_decode_time,
            uint64_t{1} << 33);
  EXPECT_EQ(explicit_durations->tracks[0].sample_count, 3u);

  auto from_tfhd = InspectFragment(MakeFragment(1, 1234, {}, 3), init);
  ASSERT_TRUE(from_tfhd.ok());
  EXPECT_EQ(from_tfhd->tracks[0].duration, 3u * 1234);

  auto from_trex = InspectFragment(MakeFragment(1, std::nullopt, {}, 4), init);
  ASSERT_TRUE(from_trex.ok());
  EXPECT_EQ(from_trex->tracks[0].duration, 4u * 3000);
  EXPECT_DOUBLE_EQ(Seconds(from_trex->tracks[0].duration, &init.tracks[0]),
                   12000.0 / 90000);
}

TEST(FragmentInspectorTest, AloneNeedsDurationsInTheFragment) {
  auto explicit_durations =
      InspectFragmentAlone(MakeFragment(7, std::nullopt, {10, 20}, 2));
  ASSERT_TRUE(explicit_durations.ok());
  EXPECT_EQ(explicit_durations->tracks[0].track_id, 7u);
  EXPECT_EQ(explicit_durations->tracks[0].duration, 30u);
  auto from_tfhd = InspectFragmentAlone(MakeFragment(1, 1234, {}, 3));
  ASSERT_TRUE(from_tfhd.ok());
  EXPECT_EQ(from_tfhd->tracks[0].duration, 3u * 1234);
  // Only the trex (in the init segment) would know.
  EXPECT_FALSE(InspectFragmentAlone(MakeFragment(1, std::nullopt, {}, 3)).ok());
  EXPECT_FALSE(InspectFragmentAlone(MakeBox("mdat", {})).ok());
}

TEST(FragmentInspectorTest, RejectsUnknownTracksAndTruncatedRuns) {
  InitInfo init;
  init.tracks.push_back({1, 90000, "vide", 0});
  EXPECT_FALSE(InspectFragment(MakeFragment(2, 1, {}, 1), init).ok());
  Bytes frag = MakeFragment(1, std::nullopt, {5, 5}, 2);
  // Claim a billion samples in the same bytes: must fail, not spin.
  Bytes hostile = frag;
  size_t trun =
      std::search(hostile.begin(), hostile.end(), "trun", "trun" + 4) -
      hostile.begin();
  hostile[trun + 8] = 0x40;
  EXPECT_FALSE(InspectFragment(hostile, init).ok());
  EXPECT_FALSE(InspectFragment(MakeBox("mdat", {}), init).ok());
  EXPECT_FALSE(InspectInit(MakeBox("ftyp", {})).ok());
}

}  // namespace
}  // namespace fog::media
