// The registry's routes: /videos, /videos/{id}, /create.

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "api/internal/test_fixture.h"

namespace fog::api {
namespace {

using fixture::json;
using fixture::kToken;

class ApiRegistryRoutesTest : public fixture::ApiServerTest {};
FOG_API_INSTANTIATE_OVER_DATABASES(ApiRegistryRoutesTest);

TEST_P(ApiRegistryRoutesTest, SeedCreateAndListStayCompatible) {
  auto empty = client_->Get("/videos");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 200);
  EXPECT_EQ(empty->body, "[]");

  auto created = client_->Get("/create?video_id=cam-1", Auth());
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 200);
  json video = json::parse(created->body);
  EXPECT_EQ(video["VideoID"], "cam-1");
  auto again = client_->Get("/create?video_id=cam-1", Auth());  // idempotent
  ASSERT_TRUE(again);
  EXPECT_EQ(json::parse(again->body)["ID"], video["ID"]);

  auto list = client_->Get("/videos");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
  EXPECT_EQ(list->get_header_value("Content-Type"), "application/json");
  json array = json::parse(list->body);
  ASSERT_TRUE(array.is_array());
  ASSERT_EQ(array.size(), 1u);
  const json& v = array[0];
  for (const char* key :
       {"ID", "VideoID", "CreatedAt", "UpdatedAt", "DeletedAt", "packets",
        "bytes", "total_packets", "status", "publisher_key", "authenticated",
        "workers", "duration"}) {
    EXPECT_TRUE(v.contains(key)) << key;
  }
  EXPECT_TRUE(v["ID"].is_number_integer());
  EXPECT_TRUE(v["DeletedAt"].is_null());
  EXPECT_EQ(v["CreatedAt"].get<std::string>().size(), 24u);  // RFC 3339
  EXPECT_EQ(v["status"], "live");
  EXPECT_TRUE(v["workers"].is_array());
  EXPECT_TRUE(v["duration"].is_null());

  ExpectError(client_->Get("/create", Auth()), 400, "create without id");
  ExpectError(client_->Get("/create?video_id=a&video_id=b", Auth()), 400,
              "create with two ids");
}

TEST_P(ApiRegistryRoutesTest, ReportsFromTwoWorkersCompleteTheVideo) {
  auto first = Report(Holding("cam", "w1", 6, 10));
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  EXPECT_EQ(json::parse(first->body)["status"], "live");

  json second = Holding("cam", "w2", 4);
  second["publisher_key"] = "mldsa44:00ff";
  second["authenticated"] = true;
  auto res = Report(second);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  json v = json::parse(res->body);
  EXPECT_EQ(v["status"], "complete");
  EXPECT_EQ(v["packets"], 10);
  EXPECT_EQ(v["bytes"], 1000);
  EXPECT_EQ(v["total_packets"], 10);
  EXPECT_EQ(v["publisher_key"], "mldsa44:00ff");
  EXPECT_EQ(v["authenticated"], false);  // w1 did not verify
  ASSERT_EQ(v["workers"].size(), 2u);
  EXPECT_EQ(v["workers"][1],
            (json{{"worker", "w2"}, {"packets", 4}, {"bytes", 400}}));

  auto got = client_->Get("/videos/cam");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(json::parse(got->body), v);

  auto complete = client_->Get("/videos?status=complete");
  ASSERT_TRUE(complete);
  EXPECT_EQ(json::parse(complete->body).size(), 1u);
  auto live = client_->Get("/videos?status=live");
  ASSERT_TRUE(live);
  EXPECT_EQ(live->body, "[]");
}

TEST_P(ApiRegistryRoutesTest, DeleteIsSoftAndThenNotFound) {
  ASSERT_EQ(Report(Holding("cam", "w1", 1))->status, 200);
  ASSERT_EQ(Report(Holding("other", "w1", 1))->status, 200);
  auto deleted = client_->Delete("/videos/cam", Auth());
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 204);
  EXPECT_TRUE(deleted->body.empty());
  ExpectError(client_->Get("/videos/cam"), 404, "get deleted");
  ExpectError(client_->Delete("/videos/cam", Auth()), 404, "delete twice");
  ExpectError(client_->Delete("/videos/never", Auth()), 404, "delete unknown");
  ExpectError(Report(Holding("cam", "w2", 1)), 404, "report on deleted");
  json list = json::parse(Snapshot());
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["VideoID"], "other");
}

TEST_P(ApiRegistryRoutesTest, UnknownIdsAre404) {
  ExpectError(client_->Get("/videos/nope"), 404, "unknown id");
  EXPECT_EQ(server_->rejections(Rejection::kNotFound), 1u);
}

TEST_P(ApiRegistryRoutesTest, ListQueryParametersAreValidated) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(Report(Holding(fmt::format("v{}", i), "w", 1, 1))->status, 200);
  }
  auto page = client_->Get("/videos?limit=2&offset=3");
  ASSERT_TRUE(page);
  json array = json::parse(page->body);
  ASSERT_EQ(array.size(), 2u);
  EXPECT_EQ(array[0]["VideoID"], "v3");
  EXPECT_EQ(array[1]["VideoID"], "v4");
  EXPECT_EQ(json::parse(client_->Get("/videos?limit=1000")->body).size(), 5u);
  EXPECT_EQ(client_->Get("/videos?unrelated=1")->status, 200);

  for (const char* query :
       {"limit=0", "limit=1001", "limit=abc", "limit=-1", "limit=%2B5",
        "limit=1.5", "limit=", "limit=99999999999999999999", "offset=-1",
        "offset=x", "status=bogus", "status=LIVE", "limit=1&limit=2",
        "limit=1%3BDROP%20TABLE%20videos"}) {
    ExpectError(client_->Get(std::string("/videos?") + query), 400, query);
  }
  EXPECT_GE(server_->rejections(Rejection::kBadRequest), 14u);
}

TEST_P(ApiRegistryRoutesTest, MalformedReportsAre400AndStoreNothing) {
  ASSERT_EQ(Report(Holding("keep", "w1", 2, 2))->status, 200);
  const std::string before = Snapshot();
  for (
      const char* body :
      {"", "{", "not json", "[]", "null", R"({"video_id":"cam"})",
       R"({"video_id":"cam","worker":"w","packets":-1,"bytes":0})",
       R"({"video_id":"cam","worker":"w","packets":"1","bytes":0})",
       R"({"video_id":"cam","worker":"w","packets":1,"bytes":0,"x":1})",
       R"({"video_id":"cam","worker":"w","packets":5,"bytes":0,"total_packets":4})",
       R"({"video_id":"a b","worker":"w","packets":1,"bytes":0})",
       R"({"video_id":"../etc","worker":"w","packets":1,"bytes":0})",
       R"({"video_id":"cam","worker":"has space","packets":1,"bytes":0})"}) {
    ExpectError(client_->Post("/videos", Auth(), body, "application/json"), 400,
                body);
  }
  std::string deep(5000, '[');
  ExpectError(client_->Post("/videos", Auth(), deep, "application/json"), 400,
              "deep nesting");
  json mismatch = Holding("keep", "w2", 1);
  mismatch["publisher_key"] = "someone-else";
  ASSERT_EQ(Report(Holding("keep", "w1", 2, 2))->status, 200);
  json first_key = Holding("keep", "w1", 2, 2);
  first_key["publisher_key"] = "owner";
  ASSERT_EQ(Report(first_key)->status, 200);
  const std::string with_key = Snapshot();
  ExpectError(Report(mismatch), 400, "publisher key mismatch");
  EXPECT_EQ(Snapshot(), with_key);
  EXPECT_NE(before, with_key);  // the key was added by the valid report
}

TEST_P(ApiRegistryRoutesTest, DurationFromTrackTimescalesAndEnds) {
  json first = Holding("cam", "w1", 4, 10);
  first["timescales"] = {{"1", 90000}, {"2", 48000}};
  first["track_end_ticks"] = {{"1", 4 * 90000}, {"2", 4 * 48000}};
  auto res = Report(first);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body)["duration"], 4.0);

  // A replica of the same fragments does not lengthen the video; a worker
  // holding later fragments does.
  json replica = Holding("cam", "w2", 4);
  replica["track_end_ticks"] = {{"1", 4 * 90000}, {"2", 4 * 48000}};
  res = Report(replica);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body)["duration"], 4.0);
  json later = Holding("cam", "w3", 6);
  later["track_end_ticks"] = {{"1", 10 * 90000}};
  res = Report(later);
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["duration"], 10.0);

  json listed = json::parse(Snapshot());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["duration"], 10.0);
  auto got = client_->Get("/videos/cam");
  ASSERT_TRUE(got);
  EXPECT_EQ(json::parse(got->body)["duration"], 10.0);

  // Removing the worker removes its ends.
  res = Report(Holding("cam", "w3", 0));
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["duration"], 4.0);

  // Ends without any known timescale: no duration.
  json unknown = Holding("other", "w1", 2);
  unknown["track_end_ticks"] = {{"1", 900000}};
  res = Report(unknown);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_TRUE(json::parse(res->body)["duration"].is_null());
}

TEST_P(ApiRegistryRoutesTest, BadTrackMapsAre400AndStoreNothing) {
  ASSERT_EQ(Report(Holding("keep", "w1", 2, 2))->status, 200);
  const std::string before = Snapshot();
  std::vector<json> bad;
  for (const char* key : {"0", "01", "-1", "4294967296", "x", "1 OR 1=1",
                          "1'; DROP TABLE video_tracks; --", ""}) {
    json j = Holding("keep", "w2", 1);
    j["timescales"] = {{key, 90000}};
    bad.push_back(j);
    j = Holding("keep", "w2", 1);
    j["track_end_ticks"] = {{key, 1}};
    bad.push_back(j);
  }
  json j = Holding("keep", "w2", 1);
  j["timescales"] = {{"1", 0}};  // the registry refuses a zero timescale
  bad.push_back(j);
  j = Holding("keep", "w2", 1);
  j["timescales"] = {{"1", 4294967296}};
  bad.push_back(j);
  j = Holding("keep", "w2", 1);
  j["track_end_ticks"] = {{"1", 9007199254740993u}};
  bad.push_back(j);
  j = Holding("keep", "w2", 0);
  j["track_end_ticks"] = {{"1", 5}};  // ends without packets
  bad.push_back(j);
  j = Holding("keep", "w2", 1);
  for (int t = 1; t <= 65; ++t) j["track_end_ticks"][std::to_string(t)] = t;
  bad.push_back(j);
  for (const json& body : bad) {
    ExpectError(Report(body), 400, body.dump());
  }
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ApiRegistryRoutesTest, InjectionStringsAreRejectedOrStoredLiterally) {
  ASSERT_EQ(Report(Holding("keep", "w1", 3, 3))->status, 200);
  const std::string before = Snapshot();
  const std::string drop = "%27%3B%20DROP%20TABLE%20videos%3B%20--";
  ExpectError(client_->Get("/videos/" + drop), 400, "get drop");
  ExpectError(client_->Delete("/videos/" + drop, Auth()), 400, "delete drop");
  ExpectError(client_->Get("/create?video_id=" + drop, Auth()), 400,
              "create drop");
  ExpectError(client_->Get("/videos?status=" + drop), 400, "status drop");
  ExpectError(client_->Get("/videos?limit=" + drop), 400, "limit drop");
  ExpectError(client_->Get("/videos?offset=0%20OR%201%3D1"), 400, "offset or");
  ExpectError(Report(Holding("'; DROP TABLE videos; --", "w1", 1)), 400,
              "report drop");
  ExpectError(Report(Holding("keep", "w1'; DELETE FROM videos; --", 1)), 400,
              "worker drop");
  EXPECT_EQ(Snapshot(), before);
  EXPECT_GE(server_->rejections(Rejection::kInvalidId), 4u);

  // Without spaces the id is valid: it is data, stored and returned as is.
  const std::string literal = "x'OR'1'='1;--";
  ExpectError(client_->Get("/videos/x%27OR%271%27%3D%271%3B--"), 404,
              "literal unknown");
  auto created =
      client_->Get("/create?video_id=x%27OR%271%27%3D%271%3B--", Auth());
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 200) << created->body;
  EXPECT_EQ(json::parse(created->body)["VideoID"], literal);
  auto got = client_->Get("/videos/x%27OR%271%27%3D%271%3B--");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  json list = json::parse(Snapshot());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["VideoID"], "keep");
  EXPECT_EQ(list[0]["packets"], 3);
  EXPECT_EQ(list[1]["VideoID"], literal);

  // Quotes and backslashes in a worker name, a publisher key and track ids
  // are data too (backslashes matter to MySQL's escaping).
  const std::string worker = "w\\';DELETE_FROM_videos;--";
  json tricky = Holding(literal, worker, 1);
  tricky["publisher_key"] = "k\\'\"),(1);--";
  tricky["timescales"] = {{"7", 1000}};
  tricky["track_end_ticks"] = {{"7", 2500}};
  auto stored = Report(tricky);
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->status, 200) << stored->body;
  json v = json::parse(stored->body);
  EXPECT_EQ(v["workers"][0]["worker"], worker);
  EXPECT_EQ(v["publisher_key"], tricky["publisher_key"]);
  EXPECT_EQ(v["duration"], 2.5);
  ExpectError(client_->Get("/videos?status=live%27%20OR%20%271%27%3D%271"), 400,
              "status or");
  ExpectError(client_->Get("/videos?limit=1%20UNION%20SELECT%201"), 400,
              "limit union");
  list = json::parse(Snapshot());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["packets"], 3);
  EXPECT_EQ(list[1]["workers"][0]["worker"], worker);
}

TEST_P(ApiRegistryRoutesTest, PathTraversalIsRejected) {
  ASSERT_EQ(Report(Holding("keep", "w1", 1))->status, 200);
  const std::string before = Snapshot();
  for (const char* path :
       {"/videos/..%2F..%2Fetc%2Fpasswd", "/videos/../../etc/passwd",
        "/videos/..", "/videos/%2e%2e", "/videos/.", "/videos/",
        "/videos/a%2Fb", "/videos/a%5Cb", "/videos/%00", "/videos/a%20b"}) {
    ExpectError(client_->Get(path), 400, path);
    ExpectError(client_->Delete(path, Auth()), 400, path);
  }
  ExpectError(client_->Get("/create?video_id=..%2F..%2Fetc%2Fpasswd", Auth()),
              400, "create traversal");
  EXPECT_EQ(Snapshot(), before);
}

}  // namespace
}  // namespace fog::api
