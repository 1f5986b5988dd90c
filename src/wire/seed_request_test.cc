#include "wire/seed_request.h"

#include <gtest/gtest.h>

namespace fog::wire {
namespace {

TEST(SeedRequestTest, ReadsTheSeedsThreeFields) {
  Result<SeedRequest> r = DecodeSeedRequest(AsBytes(
      R"({"video_id":"cam-1","packet_number":7,"channel_uuid":"stream-x"})"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->video_id, "cam-1");
  EXPECT_EQ(r->packet_number, 7);
  EXPECT_EQ(r->channel_uuid, "stream-x");
}

TEST(SeedRequestTest, RefusesMissingFieldsWrongTypesAndNonJson) {
  for (const char* body :
       {R"({"video_id":"a","packet_number":1})",
        R"({"video_id":"a","packet_number":"1","channel_uuid":"c"})",
        R"({"video_id":1,"packet_number":1,"channel_uuid":"c"})", "[]",
        "EOSTREAMING", ""}) {
    Result<SeedRequest> r = DecodeSeedRequest(AsBytes(body));
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().code(), Status::Code::kCorruption) << body;
    EXPECT_NE(r.status().message().find("packet-request"), std::string::npos);
  }
}

}  // namespace
}  // namespace fog::wire
