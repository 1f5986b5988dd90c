#include "api/media_path.h"

#include <gtest/gtest.h>

namespace fog::api {
namespace {

TEST(MediaPathTest, ParsesTheThreeFiles) {
  Result<MediaPath> p = ParseMediaPath("cam-1/index.m3u8");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->video_id, "cam-1");
  EXPECT_EQ(p->kind, MediaKind::kPlaylist);

  p = ParseMediaPath("cam-1/init.mp4");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->kind, MediaKind::kInit);
  EXPECT_EQ(p->packet, 1);

  p = ParseMediaPath("cam-1/23.m4s");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->kind, MediaKind::kSegment);
  EXPECT_EQ(p->packet, 23);
  EXPECT_STREQ(MediaContentType(p->kind), "video/iso.segment");
}

TEST(MediaPathTest, BadSegmentNumbersAreInvalid) {
  for (const char* bad :
       {"v/1.m4s", "v/0.m4s", "v/-2.m4s", "v/+2.m4s", "v/02.m4s", "v/2x.m4s",
        "v/x.m4s", "v/ 2.m4s", "v/99999999999999999999.m4s",
        "v/9007199254740993.m4s"}) {
    Result<MediaPath> p = ParseMediaPath(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status().code(), Status::Code::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(ParseMediaPath("v/9007199254740992.m4s").ok());
}

TEST(MediaPathTest, TraversalAndUnknownFilesAreInvalid) {
  for (const char* bad : {"v/../../etc/passwd", "v/a/index.m3u8", "v/.m4s",
                          "v/index.m3u", "v/", "v/init.mp4/"}) {
    Result<MediaPath> p = ParseMediaPath(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status().code(), Status::Code::kInvalidArgument) << bad;
  }
}

TEST(MediaPathTest, BadVideoIdsAreInvalid) {
  for (const char* bad : {"../index.m3u8", "./init.mp4", "/index.m3u8"}) {
    Result<MediaPath> p = ParseMediaPath(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status().code(), Status::Code::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace fog::api
