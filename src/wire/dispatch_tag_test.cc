#include "wire/dispatch_tag.h"

#include <gtest/gtest.h>

namespace fog::wire {
namespace {

TEST(DispatchTagTest, ParsesWhatItFormats) {
  const DispatchTag sent{.dispatch_id = "s1-42",
                         .dispatched_at_us = 1733500000123456,
                         .video_id = "cam 7: north gate"};
  const std::string text = FormatDispatchTag(sent);
  EXPECT_EQ(text, "s1-42 1733500000123456 cam 7: north gate");
  Result<DispatchTag> back = ParseDispatchTag(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->dispatch_id, sent.dispatch_id);
  EXPECT_EQ(back->dispatched_at_us, sent.dispatched_at_us);
  EXPECT_EQ(back->video_id, sent.video_id);
}

TEST(DispatchTagTest, AnUnknownTimeIsZero) {
  Result<DispatchTag> back = ParseDispatchTag(
      FormatDispatchTag({.dispatch_id = "d", .video_id = "v"}));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->dispatched_at_us, 0);
}

TEST(DispatchTagTest, RefusesWhatItCannotRead) {
  for (const char* text : {
           "",                             // no property at all
           "d1",                           // one field
           "d1 17",                        // no video id
           "d1 17 ",                       // an empty video id
           " 17 cam",                      // an empty dispatch id
           "d1  cam",                      // an empty time
           "d1 -5 cam",                    // a negative time
           "d1 17x cam",                   // not a number
           "d1 99999999999999999999 cam",  // past int64
       }) {
    Result<DispatchTag> tag = ParseDispatchTag(text);
    ASSERT_FALSE(tag.ok()) << "'" << text << "'";
    EXPECT_EQ(tag.status().code(), Status::Code::kCorruption) << text;
  }
}

}  // namespace
}  // namespace fog::wire
