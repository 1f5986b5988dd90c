#include "wire/topics.h"

#include <gtest/gtest.h>

#include "common/bytes.h"

namespace fog::wire::topics {
namespace {

TEST(TopicsTest, StreamTopicsRoundTrip) {
  EXPECT_EQ(Stream("cam-1"), "video/stream/cam-1");
  EXPECT_EQ(VideoIdOfStream("video/stream/cam-1"), "cam-1");
  EXPECT_FALSE(VideoIdOfStream("video/stream/").has_value());
  EXPECT_FALSE(VideoIdOfStream("video/stream/a/b").has_value());
  EXPECT_FALSE(VideoIdOfStream("video/other/a").has_value());
  EXPECT_EQ(LastLevel("fog/status/worker/w1"), "w1");
  EXPECT_EQ(Dispatch("w1"), "fog/dispatch/w1");
}

TEST(TopicsTest, OnlineStatusIsParsedNotGuessed) {
  EXPECT_TRUE(IsOnlineStatus(AsBytes(R"({"worker":"w","state":"online"})")));
  EXPECT_FALSE(IsOnlineStatus(AsBytes(R"({"state":"offline"})")));
  EXPECT_FALSE(
      IsOnlineStatus(AsBytes(R"({"state":"offline","note":"online"})")));
  EXPECT_FALSE(IsOnlineStatus(AsBytes("online")));
  EXPECT_FALSE(IsOnlineStatus(AsBytes("{")));
  EXPECT_FALSE(IsOnlineStatus(AsBytes(R"(["online"])")));
}

}  // namespace
}  // namespace fog::wire::topics
