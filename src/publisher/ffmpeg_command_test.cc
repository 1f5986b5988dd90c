#include "publisher/ffmpeg_command.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace fog::publisher {
namespace {

bool Has(const std::vector<std::string>& args, const std::string& a,
         const std::string& b) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == a && args[i + 1] == b) return true;
  }
  return false;
}

TEST(FfmpegCommandTest, CopyModeWritesFragmentedMp4ToStdout) {
  auto args = FfmpegArgs({.input = "in.mkv"});
  EXPECT_EQ(args.front(), "ffmpeg");
  EXPECT_EQ(args.back(), "pipe:1");
  EXPECT_TRUE(Has(args, "-i", "file:in.mkv"));
  EXPECT_TRUE(Has(args, "-c", "copy"));
  EXPECT_TRUE(Has(args, "-map", "0"));
  EXPECT_TRUE(
      Has(args, "-movflags", "frag_keyframe+empty_moov+default_base_moof"));
  EXPECT_TRUE(Has(args, "-f", "mp4"));
  EXPECT_EQ(std::count(args.begin(), args.end(), "-re"), 0);
  EXPECT_EQ(std::count(args.begin(), args.end(), "-nostdin"), 1);
}

TEST(FfmpegCommandTest, TranscodeAndRealtime) {
  auto args = FfmpegArgs({.program = "/opt/ffmpeg",
                          .input = "-",
                          .transcode = true,
                          .realtime = true});
  EXPECT_EQ(args.front(), "/opt/ffmpeg");
  EXPECT_TRUE(Has(args, "-c:v", "libx264"));
  EXPECT_TRUE(Has(args, "-c:a", "aac"));
  EXPECT_TRUE(Has(args, "-force_key_frames", "expr:gte(t,n_forced*1)"));
  EXPECT_TRUE(Has(args, "-i", "pipe:0"));
  // -re is an input option: it must come before -i.
  auto re = std::find(args.begin(), args.end(), "-re");
  auto i = std::find(args.begin(), args.end(), "-i");
  EXPECT_LT(re, i);
}

TEST(FfmpegCommandTest, InputsAreNeverTakenForProtocolsByAccident) {
  EXPECT_EQ(FfmpegInput("-"), "pipe:0");
  EXPECT_EQ(FfmpegInput("rtsp://cam/1"), "rtsp://cam/1");
  EXPECT_EQ(FfmpegInput("https://x.org/v.mp4"), "https://x.org/v.mp4");
  EXPECT_EQ(FfmpegInput("concat:a.mp4|b.mp4"), "file:concat:a.mp4|b.mp4");
  EXPECT_EQ(FfmpegInput("-rf.mp4"), "file:-rf.mp4");
  EXPECT_EQ(FfmpegInput("/videos/a b;c.mp4"), "file:/videos/a b;c.mp4");
  EXPECT_FALSE(IsUrl("://x"));
  EXPECT_FALSE(IsUrl("dir/a://b"));
  EXPECT_TRUE(IsUrl("srt+udp://h:1"));
}

}  // namespace
}  // namespace fog::publisher
