#include "api/video_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace fog::api {
namespace {

using nlohmann::json;

TEST(VideoJsonTest, FormatsRfc3339InUtcWithMillis) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(1700000000123), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999Z");
}

TEST(VideoJsonTest, VideoCarriesSeedAndNewFields) {
  registry::VideoRecord v;
  v.id = 7;
  v.video_id = "cam";
  v.created_at_ms = 1000;
  v.updated_at_ms = 2000;
  v.total_packets = 10;
  v.packets = 10;
  v.bytes = 123;
  v.status = registry::VideoStatus::kComplete;
  v.workers.push_back({"w1", 10, 123, true, 2000});
  json j = json::parse(VideoToJson(v));
  EXPECT_EQ(j["ID"], 7);
  EXPECT_EQ(j["VideoID"], "cam");
  EXPECT_EQ(j["CreatedAt"], "1970-01-01T00:00:01.000Z");
  EXPECT_EQ(j["UpdatedAt"], "1970-01-01T00:00:02.000Z");
  EXPECT_TRUE(j["DeletedAt"].is_null());
  EXPECT_TRUE(j["publisher_key"].is_null());
  EXPECT_EQ(j["status"], "complete");
  EXPECT_EQ(j["packets"], 10);
  EXPECT_EQ(j["bytes"], 123);
  EXPECT_EQ(j["total_packets"], 10);
  EXPECT_EQ(j["authenticated"], false);
  ASSERT_EQ(j["workers"].size(), 1u);
  EXPECT_EQ(j["workers"][0],
            (json{{"worker", "w1"}, {"packets", 10}, {"bytes", 123}}));
  EXPECT_TRUE(json::parse(VideosToJson({})).is_array());
}

TEST(VideoJsonTest, ErrorAndHealthShapes) {
  EXPECT_EQ(json::parse(ErrorJson(404, "no \"such\" video")),
            (json{{"error", "no \"such\" video"}, {"status", 404}}));
  HealthReport h{false, {{"mqtt", "down"}}};
  json j = json::parse(HealthToJson(h));
  EXPECT_EQ(j["status"], "unavailable");
  EXPECT_EQ(j["components"][0]["name"], "mqtt");
  EXPECT_EQ(j["components"][0]["state"], "down");
}

TEST(VideoJsonTest, ParsesAFullReport) {
  Result<registry::HoldingsReport> r = ParseHoldingsReport(
      R"({"video_id":"cam","worker":"w1","packets":3,"bytes":300,)"
      R"("total_packets":9,"publisher_key":"pk","authenticated":true})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->video_id, "cam");
  EXPECT_EQ(r->worker, "w1");
  EXPECT_EQ(r->packets, 3);
  EXPECT_EQ(r->bytes, 300);
  EXPECT_EQ(r->total_packets, 9);
  EXPECT_EQ(r->publisher_key, "pk");
  EXPECT_TRUE(r->authenticated);

  r = ParseHoldingsReport(
      R"({"video_id":"cam","worker":"w1","packets":0,"bytes":0,)"
      R"("publisher_key":null})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total_packets, 0);
  EXPECT_EQ(r->publisher_key, "");
  EXPECT_FALSE(r->authenticated);
}

TEST(VideoJsonTest, RejectsMalformedReports) {
  const char* bad[] = {
      "",
      "{",
      "null",
      "[]",
      R"("cam")",
      R"({"worker":"w","packets":1,"bytes":1})",
      R"({"video_id":"cam","packets":1,"bytes":1})",
      R"({"video_id":"cam","worker":"w","bytes":1})",
      R"({"video_id":7,"worker":"w","packets":1,"bytes":1})",
      R"({"video_id":"cam","worker":"w","packets":-1,"bytes":1})",
      R"({"video_id":"cam","worker":"w","packets":1.5,"bytes":1})",
      R"({"video_id":"cam","worker":"w","packets":"1","bytes":1})",
      R"({"video_id":"cam","worker":"w","packets":1,"bytes":1e3})",
      R"({"video_id":"cam","worker":"w","packets":1,"bytes":9007199254740993})",
      R"({"video_id":"cam","worker":"w","packets":1,"bytes":1,"authenticated":1})",
      R"({"video_id":"cam","worker":"w","packets":1,"bytes":1,"publisher_key":5})",
      R"({"video_id":"cam","worker":"w","packets":1,"bytes":1,"extra":true})",
      "{\"video_id\":\"c\xff\",\"worker\":\"w\",\"packets\":1,\"bytes\":1}",
      R"({"video_id":"cam","worker":"w","packets":1,"bytes":1} trailing)",
  };
  for (const char* body : bad) {
    Result<registry::HoldingsReport> r = ParseHoldingsReport(body);
    EXPECT_FALSE(r.ok()) << body;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << body;
    }
  }
}

TEST(VideoJsonTest, RejectsDeepNestingWithoutParsingIt) {
  std::string deep(100000, '[');
  EXPECT_FALSE(ParseHoldingsReport(deep).ok());
  // Brackets inside strings do not count.
  std::string in_string = R"({"video_id":"[[[[[[[[[[[[[[[[[[[[[[[[","worker":)"
                          R"("w","packets":1,"bytes":1})";
  EXPECT_TRUE(ParseHoldingsReport(in_string).ok());
}

}  // namespace
}  // namespace fog::api
