#include "federation/pins.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace fog::federation {
namespace {

ByteView View(const std::string& s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(PinMessages, CommandRoundTrips) {
  Result<PinCommand> c =
      DecodePinCommand(View(EncodePinCommand({"video-1", "fog-b"})));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->video_id, "video-1");
  EXPECT_EQ(c->to, "fog-b");
}

TEST(PinMessages, CommandRefusesBadInput) {
  for (const char* bad :
       {"", "[]", "{}", R"({"video_id":"v"})", R"({"to":"b"})",
        R"({"video_id":"v","to":"_hello"})", R"({"video_id":"v","to":"a/b"})",
        R"({"video_id":"../x","to":"b"})", R"({"video_id":7,"to":"b"})",
        R"({"video_id":"v","to":""})"}) {
    EXPECT_FALSE(DecodePinCommand(View(bad)).ok()) << bad;
  }
}

TEST(PinMessages, AskAndReplyRoundTrip) {
  Result<PinAsk> a = DecodePinAsk(View(EncodePinAsk({"id-1", "vid"})));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->id, "id-1");
  EXPECT_EQ(a->video_id, "vid");
  PinReply r{.id = "id-1",
             .video_id = "vid",
             .to = "b",
             .status = 429,
             .result = "refused",
             .reason = "too many pins"};
  Result<PinReply> back = DecodePinReply(View(EncodePinReply(r)));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->id, "id-1");
  EXPECT_EQ(back->status, 429);
  EXPECT_EQ(back->result, "refused");
  EXPECT_EQ(back->reason, "too many pins");
}

TEST(PinMessages, RefusalOfAnUnreadableCommandHasNoVideo) {
  Result<PinReply> r = DecodePinReply(View(EncodePinReply(
      {.status = 400, .result = "refused", .reason = "bad field to"})));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->video_id, "");
  EXPECT_EQ(r->status, 400);
  EXPECT_FALSE(
      DecodePinReply(View(R"({"video_id":"../x","result":"refused"})")).ok());
}

TEST(PinMessages, AskAndReplyRefuseBadInput) {
  EXPECT_FALSE(DecodePinAsk(View(R"({"id":"","video_id":"v"})")).ok());
  EXPECT_FALSE(DecodePinAsk(View(R"({"id":"x"})")).ok());
  EXPECT_FALSE(DecodePinAsk(View(R"({"id":")" + std::string(65, 'x') +
                                 R"(","video_id":"v"})"))
                   .ok());
  EXPECT_FALSE(
      DecodePinReply(View(R"({"video_id":"v","result":"maybe"})")).ok());
  EXPECT_FALSE(
      DecodePinReply(View(R"({"video_id":"v","result":"accepted","status":7})"))
          .ok());
  EXPECT_FALSE(DecodePinReply(
                   View(R"({"video_id":"v","result":"accepted","status":2.5})"))
                   .ok());
}

class PinsFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pins_test_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path() const { return (dir_ / "federation" / "pins.json"); }
  std::filesystem::path dir_;
};

TEST_F(PinsFile, MissingFileIsEmpty) {
  Result<std::vector<PinRecord>> pins = LoadPins(Path());
  ASSERT_TRUE(pins.ok());
  EXPECT_TRUE(pins->empty());
}

TEST_F(PinsFile, SaveThenLoadKeepsEveryField) {
  std::vector<PinRecord> pins = {
      {.video_id = "a", .asked_by = "fog-a", .next = 12, .pinned = 11},
      {.video_id = "b",
       .asked_by = "fog-c",
       .next = 31,
       .total = 30,
       .pinned = 30,
       .complete = true}};
  ASSERT_TRUE(SavePins(Path(), pins).ok());
  Result<std::vector<PinRecord>> back = LoadPins(Path());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, pins);
}

TEST_F(PinsFile, CorruptFileIsAnErrorNotAnEmptyList) {
  ASSERT_TRUE(SavePins(Path(), {}).ok());
  const std::string junk = R"({"pins":[{"video_id":"a","next":0}]})";
  ASSERT_TRUE(WriteFileAtomic(Path(), View(junk)).ok());
  Result<std::vector<PinRecord>> back = LoadPins(Path());
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().code(), Status::Code::kCorruption);
  EXPECT_FALSE(DecodePins(View("not json")).ok());
  EXPECT_FALSE(DecodePins(View(R"({"pins":[{"video_id":"../x"}]})")).ok());
  EXPECT_FALSE(
      DecodePins(View(R"({"pins":[{"video_id":"a","complete":1}]})")).ok());
}

}  // namespace
}  // namespace fog::federation
