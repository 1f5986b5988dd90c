#include "viewer/hls_playlist.h"

#include <gtest/gtest.h>

namespace fog::viewer {
namespace {

media::InitInfo AudioVideoInit() {
  media::InitInfo init;
  init.tracks.push_back({.track_id = 1, .timescale = 12800, .handler = "vide"});
  init.tracks.push_back({.track_id = 2, .timescale = 48000, .handler = "soun"});
  return init;
}

TEST(HlsPlaylistTest, FragmentDurationFollowsTheVideoTrack) {
  media::FragmentInfo f;
  // The audio run is longer (AAC frames overhang the cut) but video rules.
  f.tracks.push_back({.track_id = 2, .duration = 49152});  // 1.024 s
  f.tracks.push_back({.track_id = 1, .duration = 12800});  // 1 s
  Result<SegmentDuration> d = FragmentDuration(f, AudioVideoInit());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->ticks, 12800u);
  EXPECT_EQ(d->timescale, 12800u);
  EXPECT_DOUBLE_EQ(d->seconds(), 1.0);
}

TEST(HlsPlaylistTest, WithoutVideoTheLongestRunCounts) {
  media::InitInfo init;
  init.tracks.push_back({.track_id = 1, .timescale = 44100, .handler = "soun"});
  init.tracks.push_back({.track_id = 2, .timescale = 1000, .handler = "text"});
  media::FragmentInfo f;
  f.tracks.push_back({.track_id = 1, .duration = 44100 * 2});
  f.tracks.push_back({.track_id = 2, .duration = 2500});
  Result<SegmentDuration> d = FragmentDuration(f, init);
  ASSERT_TRUE(d.ok());
  EXPECT_DOUBLE_EQ(d->seconds(), 2.5);
}

TEST(HlsPlaylistTest, FragmentOfUnknownTracksIsAnError) {
  media::FragmentInfo f;
  f.tracks.push_back({.track_id = 7, .duration = 100});
  EXPECT_FALSE(FragmentDuration(f, AudioVideoInit()).ok());
  EXPECT_FALSE(FragmentDuration({}, AudioVideoInit()).ok());
}

TEST(HlsPlaylistTest, TargetDurationIsTheCeilingOfTheLongest) {
  std::vector<PlaylistSegment> s = {{"2.m4s", {12800, 12800}},
                                    {"3.m4s", {12801, 12800}},
                                    {"4.m4s", {6400, 12800}}};
  EXPECT_EQ(TargetDuration(s), 2u);
  s[1].duration = {25600, 12800};  // exactly 2 s stays 2
  EXPECT_EQ(TargetDuration(s), 2u);
  EXPECT_EQ(TargetDuration({}), 1u);
  EXPECT_EQ(TargetDuration({{"2.m4s", {1, 90000}}}), 1u);
}

TEST(HlsPlaylistTest, CompletePlaylistIsVodWithEndList) {
  Playlist p;
  p.complete = true;
  p.independent_segments = true;
  p.segments = {{"2.m4s", {12800, 12800}}, {"3.m4s", {19200, 12800}}};
  EXPECT_EQ(RenderPlaylist(p),
            "#EXTM3U\n"
            "#EXT-X-VERSION:7\n"
            "#EXT-X-TARGETDURATION:2\n"
            "#EXT-X-MEDIA-SEQUENCE:0\n"
            "#EXT-X-PLAYLIST-TYPE:VOD\n"
            "#EXT-X-INDEPENDENT-SEGMENTS\n"
            "#EXT-X-MAP:URI=\"init.mp4\"\n"
            "#EXTINF:1.000000,\n2.m4s\n"
            "#EXTINF:1.500000,\n3.m4s\n"
            "#EXT-X-ENDLIST\n");
}

TEST(HlsPlaylistTest, LivePlaylistIsAnEventWithoutEndList) {
  Playlist p;
  p.segments = {{"2.m4s", {1001, 30000}}};
  const std::string text = RenderPlaylist(p);
  EXPECT_NE(text.find("#EXT-X-PLAYLIST-TYPE:EVENT\n"), std::string::npos);
  EXPECT_EQ(text.find("#EXT-X-ENDLIST"), std::string::npos);
  EXPECT_EQ(text.find("#EXT-X-INDEPENDENT-SEGMENTS"), std::string::npos);
  EXPECT_NE(text.find("#EXTINF:0.033367,\n2.m4s\n"), std::string::npos);
}

}  // namespace
}  // namespace fog::viewer
