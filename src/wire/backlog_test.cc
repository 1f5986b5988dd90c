#include "wire/backlog.h"

#include <gtest/gtest.h>

#include <string>

namespace fog::wire {
namespace {

std::span<const uint8_t> Span(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(BacklogReportTest, RoundTrips) {
  BacklogReport r{.packets = 7,
                  .bytes = 9u << 20,
                  .limit_bytes = 8u << 20,
                  .resume_bytes = 6u << 20,
                  .over = true,
                  .seq = 42};
  const std::string text = EncodeBacklog(r);
  Result<BacklogReport> back = DecodeBacklog(Span(text));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->packets, 7u);
  EXPECT_EQ(back->bytes, 9u << 20);
  EXPECT_EQ(back->limit_bytes, 8u << 20);
  EXPECT_EQ(back->resume_bytes, 6u << 20);
  EXPECT_TRUE(back->over);
  EXPECT_EQ(back->seq, 42u);
}

TEST(BacklogReportTest, RefusesWhatIsNotAReport) {
  for (
      const std::string bad :
      {"", "garbage", "[]", "{}",
       R"({"packets":1,"bytes":2,"limit_bytes":3,"resume_bytes":2,"seq":1})",
       R"({"packets":-1,"bytes":2,"limit_bytes":3,"resume_bytes":2,"seq":1,"over":false})",
       R"({"packets":1,"bytes":"2","limit_bytes":3,"resume_bytes":2,"seq":1,"over":false})",
       R"({"packets":1,"bytes":2,"limit_bytes":3,"resume_bytes":2,"seq":1,"over":1})"}) {
    Result<BacklogReport> r = DecodeBacklog(Span(bad));
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << bad;
    }
  }
}

}  // namespace
TEST(BacklogReportTest, BrokerBytesAreOptionalButChecked) {
  const std::string old =
      R"({"packets":1,"bytes":2,"limit_bytes":3,"resume_bytes":2,"over":false,"seq":1})";
  Result<BacklogReport> r = DecodeBacklog(Span(old));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->broker_bytes, 0u);
  const std::string bad =
      R"({"packets":1,"bytes":2,"broker_bytes":"x","limit_bytes":3,"resume_bytes":2,"over":false,"seq":1})";
  r = DecodeBacklog(Span(bad));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("broker_bytes"), std::string::npos);
}

}  // namespace fog::wire
