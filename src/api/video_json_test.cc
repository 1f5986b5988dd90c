#include "api/internal/video_json.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
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
  EXPECT_TRUE(j.contains("duration"));
  EXPECT_TRUE(j["duration"].is_null());
  EXPECT_TRUE(json::parse(VideosToJson({})).is_array());

  v.duration_seconds = 20.04;
  j = json::parse(VideoToJson(v));
  ASSERT_TRUE(j["duration"].is_number());
  EXPECT_DOUBLE_EQ(j["duration"].get<double>(), 20.04);
  v.duration_seconds = 0;
  EXPECT_EQ(json::parse(VideoToJson(v))["duration"], 0);
}

TEST(VideoJsonTest, ParsesTrackTimescalesAndEnds) {
  Result<registry::HoldingsReport> r = ParseHoldingsReport(
      R"({"video_id":"cam","worker":"w1","packets":3,"bytes":300,)"
      R"("timescales":{"1":90000,"2":48000,"4294967295":4294967295},)"
      R"("track_end_ticks":{"1":1800000,"2":0,"3":9007199254740992}})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->timescales,
            (std::map<uint32_t, uint32_t>{
                {1, 90000}, {2, 48000}, {UINT32_MAX, UINT32_MAX}}));
  EXPECT_EQ(r->track_end_ticks,
            (std::map<uint32_t, uint64_t>{
                {1, 1800000}, {2, 0}, {3, uint64_t{1} << 53}}));

  r = ParseHoldingsReport(
      R"({"video_id":"cam","worker":"w1","packets":3,"bytes":300,)"
      R"("timescales":null,"track_end_ticks":{}})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->timescales.empty());
  EXPECT_TRUE(r->track_end_ticks.empty());

  std::string many = R"({"video_id":"cam","worker":"w","packets":1,)"
                     R"("bytes":1,"track_end_ticks":{)";
  for (int t = 1; t <= 64; ++t) {
    many += fmt::format("{}\"{}\":{}", t > 1 ? "," : "", t, t);
  }
  EXPECT_TRUE(ParseHoldingsReport(many + "}}").ok());
  EXPECT_FALSE(ParseHoldingsReport(many + R"(,"65":1}})").ok());
}

TEST(VideoJsonTest, RejectsBadTrackMaps) {
  const std::string head =
      R"({"video_id":"cam","worker":"w","packets":1,"bytes":1,)";
  for (const char* tail : {
           R"("timescales":[90000]})",
           R"("timescales":"1:90000"})",
           R"("timescales":5})",
           R"("timescales":{"0":90000}})",
           R"("timescales":{"01":90000}})",
           R"("timescales":{"-1":90000}})",
           R"("timescales":{"+1":90000}})",
           R"("timescales":{" 1":90000}})",
           R"("timescales":{"1.0":90000}})",
           R"("timescales":{"0x1":90000}})",
           R"("timescales":{"":90000}})",
           R"("timescales":{"4294967296":90000}})",
           R"("timescales":{"99999999999":90000}})",
           R"("timescales":{"video":90000}})",
           R"("timescales":{"1;DROP TABLE videos":90000}})",
           R"("timescales":{"1":4294967296}})",
           R"("timescales":{"1":-1}})",
           R"("timescales":{"1":1.5}})",
           R"("timescales":{"1":"90000"}})",
           R"("timescales":{"1":null}})",
           R"("timescales":{"1":{"2":3}}})",
           R"("track_end_ticks":{"1":9007199254740993}})",
           R"("track_end_ticks":{"1":-5}})",
           R"("track_end_ticks":{"1":1e3}})",
           R"("track_end_ticks":{"abc":1}})",
           R"("track_end_ticks":true})",
       }) {
    Result<registry::HoldingsReport> r = ParseHoldingsReport(head + tail);
    EXPECT_FALSE(r.ok()) << tail;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << tail;
    }
  }
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
      R"("total_packets":9,"publisher_key":"pk","authenticated":true,)"
      R"("ranges":"1-2,5"})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->video_id, "cam");
  EXPECT_EQ(r->worker, "w1");
  EXPECT_EQ(r->packets, 3);
  EXPECT_EQ(r->bytes, 300);
  EXPECT_EQ(r->total_packets, 9);
  EXPECT_EQ(r->publisher_key, "pk");
  EXPECT_TRUE(r->authenticated);
  EXPECT_EQ(r->ranges, (PacketRanges{{1, 2}, {5, 5}}));

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
      R"({"video_id":"cam","worker":"w","packets":1,"bytes":1,"ranges":1})",
      R"({"video_id":"cam","worker":"w","packets":1,"bytes":1,"ranges":"1-"})",
      R"({"video_id":"cam","worker":"w","packets":1,"bytes":1,"ranges":"1;2"})",
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
