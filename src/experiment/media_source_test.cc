#include "experiment/media_source.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "worker/store/store_test_util.h"

namespace fog::experiment {
namespace {

TEST(ShellQuote, QuotesEverything) {
  EXPECT_EQ(ShellQuote("a b"), "'a b'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote("$(rm -rf /)"), "'$(rm -rf /)'");
}

// With the real ffmpeg: the pattern comes out at about the declared rate
// and cuts into the init segment and one fragment per GOP.
TEST(Pattern, RendersAndCutsOneFragmentPerGop) {
  worker::testing::TempDir dir;
  const std::string path = dir.path() + "/p it's.mp4";  // a name to quote
  ASSERT_TRUE(RenderPattern("ffmpeg", path, 1000, 1, 4).ok());
  Result<std::vector<Bytes>> packets = CutVideo("ffmpeg", path, 1 << 30);
  ASSERT_TRUE(packets.ok()) << packets.status().ToString();
  ASSERT_EQ(packets->size(), 5u);  // init + 4 one-second fragments
  EXPECT_LT((*packets)[0].size(), 4096u);
  for (size_t i = 1; i < packets->size(); ++i) {
    // 1000 kbit/s x 1 s = 125 KB, within the encoder's rate control.
    EXPECT_GT((*packets)[i].size(), 80000u) << i;
    EXPECT_LT((*packets)[i].size(), 170000u) << i;
  }
  // The bound on what a run holds.
  Result<std::vector<Bytes>> bounded = CutVideo("ffmpeg", path, 100000);
  ASSERT_FALSE(bounded.ok());
  EXPECT_NE(bounded.status().message().find("more than"), std::string::npos);
}

TEST(CutVideo, RefusesWhatFfmpegCannotRead) {
  worker::testing::TempDir dir;
  Result<std::vector<Bytes>> missing =
      CutVideo("ffmpeg", dir.path() + "/none.mp4", 1 << 30);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("none.mp4: ffmpeg cannot read it"),
            std::string::npos)
      << missing.status().message();
}

}  // namespace
}  // namespace fog::experiment
