#include "api/api_server.h"

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "registry/registry.h"
#include "registry/testing_db.h"

namespace fog::api {
namespace {

using nlohmann::json;

constexpr char kToken[] = "s3cret-token";

// Every test runs once per database in FOG_TEST_DB_URLS
// (registry/testing_db.h), each on a wiped database.
class ApiServerTest
    : public ::testing::TestWithParam<registry::test_db::TestDatabase> {
 protected:
  void SetUp() override {
    url_ = GetParam().url;
    Status wiped = registry::test_db::Wipe(url_);
    ASSERT_TRUE(wiped.ok()) << wiped.ToString();
    auto opened = registry::Registry::Open(url_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    registry_ = std::move(opened).value();
    ApiOptions options;
    options.port = 0;
    options.token = kToken;
    server_ = std::make_unique<ApiServer>(options, *registry_);
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_GT(server_->port(), 0);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_url_encode(false);  // tests send exact, pre-encoded paths
  }

  void TearDown() override {
    server_.reset();
    registry_.reset();
  }

  httplib::Headers Auth() const {
    return {{"Authorization", std::string("Bearer ") + kToken}};
  }

  httplib::Result Report(const json& body) {
    return client_->Post("/videos", Auth(), body.dump(), "application/json");
  }

  static json Holding(const std::string& video, const std::string& worker,
                      int packets, int total = 0) {
    return json{{"video_id", video},
                {"worker", worker},
                {"packets", packets},
                {"bytes", packets * 100},
                {"total_packets", total}};
  }

  // Everything the registry holds, as GET /videos returns it.
  std::string Snapshot() {
    auto res = client_->Get("/videos?limit=1000");
    EXPECT_TRUE(res);
    return res ? res->body : "";
  }

  // Asserts the response is the JSON error {"error": ..., "status": code}.
  static void ExpectError(const httplib::Result& res, int code,
                          const std::string& what) {
    ASSERT_TRUE(res) << what << ": " << httplib::to_string(res.error());
    EXPECT_EQ(res->status, code) << what << ": " << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json")
        << what;
    json body = json::parse(res->body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << what << ": " << res->body;
    EXPECT_EQ(body["status"], code) << what;
    EXPECT_TRUE(body["error"].is_string()) << what;
    EXPECT_FALSE(body["error"].get<std::string>().empty()) << what;
    EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "*")
        << what;
  }

  std::string url_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<ApiServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

INSTANTIATE_TEST_SUITE_P(
    Databases, ApiServerTest,
    ::testing::ValuesIn(registry::test_db::TestDatabases()),
    [](const ::testing::TestParamInfo<registry::test_db::TestDatabase>& param) {
      return registry::test_db::ParamName(param.param, param.index);
    });

// GET /openapi.json describes every route the server answers, with the
// methods it allows, and routes nothing it does not describe.
TEST_P(ApiServerTest, OpenApiDocumentMatchesTheRoutes) {
  auto res = client_->Get("/openapi.json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  json doc = json::parse(res->body, nullptr, false);
  ASSERT_TRUE(doc.is_object());
  EXPECT_TRUE(doc["openapi"].get<std::string>().starts_with("3."));
  std::map<std::string, std::string> concrete = {
      {"/videos", "/videos"},
      {"/videos/{id}", "/videos/cam"},
      {"/videos/{id}/index.m3u8", "/videos/cam/index.m3u8"},
      {"/videos/{id}/init.mp4", "/videos/cam/init.mp4"},
      {"/videos/{id}/{n}.m4s", "/videos/cam/2.m4s"},
      {"/create", "/create"},
      {"/health", "/health"},
      {"/fog", "/fog"},
      {"/openapi.json", "/openapi.json"},
      {"/metrics", "/metrics"}};
  ASSERT_EQ(doc["paths"].size(), concrete.size());
  for (const auto& [path, item] : doc["paths"].items()) {
    ASSERT_TRUE(concrete.count(path)) << "documented but unknown: " << path;
    auto options = client_->Options(concrete[path]);
    ASSERT_TRUE(options);
    ASSERT_EQ(options->status, 204) << path;
    std::string allowed = options->get_header_value("Allow");
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters") continue;
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(toupper(c));
      EXPECT_NE(allowed.find(upper), std::string::npos)
          << path << " documents " << upper << ", server allows " << allowed;
      EXPECT_TRUE(op.contains("responses")) << path << " " << method;
    }
    for (const char* m : {"POST", "DELETE"}) {
      if (allowed.find(m) == std::string::npos) continue;
      std::string lower = m;
      for (char& c : lower) c = static_cast<char>(tolower(c));
      EXPECT_TRUE(item.contains(lower))
          << path << " allows " << m << " but does not document it";
    }
  }
  // Every $ref points into the document.
  std::function<void(const json&)> check_refs = [&](const json& j) {
    if (j.is_object()) {
      for (const auto& [k, v] : j.items()) {
        if (k == "$ref") {
          std::string ref = v.get<std::string>();
          ASSERT_TRUE(ref.starts_with("#/")) << ref;
          EXPECT_FALSE(
              doc.value(json::json_pointer(ref.substr(1)), json()).is_null())
              << "dangling " << ref;
        } else {
          check_refs(v);
        }
      }
    } else if (j.is_array()) {
      for (const json& v : j) check_refs(v);
    }
  };
  check_refs(doc);
}

TEST_P(ApiServerTest, SeedCreateAndListStayCompatible) {
  auto empty = client_->Get("/videos");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 200);
  EXPECT_EQ(empty->body, "[]");

  auto created = client_->Get("/create?video_id=cam-1");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 200);
  json video = json::parse(created->body);
  EXPECT_EQ(video["VideoID"], "cam-1");
  auto again = client_->Get("/create?video_id=cam-1");  // idempotent
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

  ExpectError(client_->Get("/create"), 400, "create without id");
  ExpectError(client_->Get("/create?video_id=a&video_id=b"), 400,
              "create with two ids");
}

TEST_P(ApiServerTest, ReportsFromTwoWorkersCompleteTheVideo) {
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

TEST_P(ApiServerTest, WritesRequireTheBearerToken) {
  ASSERT_TRUE(client_->Get("/create?video_id=keep"));
  const std::string before = Snapshot();
  const std::string body = Holding("cam", "w1", 1).dump();
  ExpectError(client_->Post("/videos", body, "application/json"), 401,
              "no token");
  ExpectError(client_->Post("/videos", {{"Authorization", "Bearer wrong"}},
                            body, "application/json"),
              401, "wrong token");
  ExpectError(client_->Post("/videos", {{"Authorization", kToken}}, body,
                            "application/json"),
              401, "no Bearer prefix");
  ExpectError(client_->Post("/videos", {{"Authorization", "Bearer "}}, body,
                            "application/json"),
              401, "empty token");
  ExpectError(client_->Delete("/videos/keep"), 401, "delete without token");
  ExpectError(client_->Delete("/videos/keep",
                              {{"Authorization", "Basic dXNlcjpwdw=="}}),
              401, "basic auth");
  auto res = client_->Post("/videos", body, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(Snapshot(), before);
  EXPECT_GE(server_->rejections(Rejection::kUnauthorized), 7u);
}

TEST_P(ApiServerTest, EmptyConfiguredTokenFailsClosed) {
  ApiOptions options;
  options.port = 0;
  ApiServer open_server(options, *registry_);
  ASSERT_TRUE(open_server.Start().ok());
  httplib::Client cli("127.0.0.1", open_server.port());
  ExpectError(cli.Post("/videos", {{"Authorization", "Bearer "}},
                       Holding("cam", "w", 1).dump(), "application/json"),
              401, "empty token configured");
  open_server.Stop();
}

TEST_P(ApiServerTest, DeleteIsSoftAndThenNotFound) {
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

TEST_P(ApiServerTest, UnknownIdsAre404) {
  ExpectError(client_->Get("/videos/nope"), 404, "unknown id");
  EXPECT_EQ(server_->rejections(Rejection::kNotFound), 1u);
}

TEST_P(ApiServerTest, ListQueryParametersAreValidated) {
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

TEST_P(ApiServerTest, CorsHeadersAndPreflight) {
  auto get = client_->Get("/videos");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->get_header_value("Access-Control-Allow-Origin"), "*");

  auto preflight = client_->Options(
      "/videos", {{"Origin", "http://front.example"},
                  {"Access-Control-Request-Method", "POST"},
                  {"Access-Control-Request-Headers", "authorization"}});
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
  EXPECT_EQ(preflight->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_NE(
      preflight->get_header_value("Access-Control-Allow-Methods").find("POST"),
      std::string::npos);
  EXPECT_NE(preflight->get_header_value("Access-Control-Allow-Headers")
                .find("Authorization"),
            std::string::npos);
  auto item = client_->Options("/videos/cam");
  ASSERT_TRUE(item);
  EXPECT_EQ(item->status, 204);
  EXPECT_NE(
      item->get_header_value("Access-Control-Allow-Methods").find("DELETE"),
      std::string::npos);
  ExpectError(client_->Options("/nowhere"), 404, "preflight unknown path");

  ApiOptions options;
  options.port = 0;
  options.cors_origin = "https://fog.example";
  ApiServer other(options, *registry_);
  ASSERT_TRUE(other.Start().ok());
  httplib::Client cli("127.0.0.1", other.port());
  auto res = cli.Get("/nowhere");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"),
            "https://fog.example");
}

TEST_P(ApiServerTest, MalformedReportsAre400AndStoreNothing) {
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

TEST_P(ApiServerTest, DurationFromTrackTimescalesAndEnds) {
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

TEST_P(ApiServerTest, BadTrackMapsAre400AndStoreNothing) {
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

TEST_P(ApiServerTest, OversizedBodyIs413) {
  const std::string before = Snapshot();
  std::string huge(2 << 20, ' ');
  huge += Holding("big", "w1", 1).dump();
  ExpectError(client_->Post("/videos", Auth(), huge, "application/json"), 413,
              "2 MiB body");
  EXPECT_EQ(server_->rejections(Rejection::kBodyTooLarge), 1u);
  EXPECT_EQ(Snapshot(), before);
  // Just under the limit is read (and then judged on its content).
  std::string padded = Holding("fits", "w1", 1).dump();
  padded.append((1 << 20) - padded.size(), ' ');
  auto ok = client_->Post("/videos", Auth(), padded, "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
}

TEST_P(ApiServerTest, InjectionStringsAreRejectedOrStoredLiterally) {
  ASSERT_EQ(Report(Holding("keep", "w1", 3, 3))->status, 200);
  const std::string before = Snapshot();
  const std::string drop = "%27%3B%20DROP%20TABLE%20videos%3B%20--";
  ExpectError(client_->Get("/videos/" + drop), 400, "get drop");
  ExpectError(client_->Delete("/videos/" + drop, Auth()), 400, "delete drop");
  ExpectError(client_->Get("/create?video_id=" + drop), 400, "create drop");
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
  auto created = client_->Get("/create?video_id=x%27OR%271%27%3D%271%3B--");
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

TEST_P(ApiServerTest, PathTraversalIsRejected) {
  ASSERT_EQ(Report(Holding("keep", "w1", 1))->status, 200);
  const std::string before = Snapshot();
  for (const char* path :
       {"/videos/..%2F..%2Fetc%2Fpasswd", "/videos/../../etc/passwd",
        "/videos/..", "/videos/%2e%2e", "/videos/.", "/videos/",
        "/videos/a%2Fb", "/videos/a%5Cb", "/videos/%00", "/videos/a%20b"}) {
    ExpectError(client_->Get(path), 400, path);
    ExpectError(client_->Delete(path, Auth()), 400, path);
  }
  ExpectError(client_->Get("/create?video_id=..%2F..%2Fetc%2Fpasswd"), 400,
              "create traversal");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ApiServerTest, UnknownRoutesAre404AndWrongMethods405) {
  for (const char* path : {"/", "/nope", "/videosx", "/create/x", "/health/"}) {
    ExpectError(client_->Get(path), 404, path);
  }
  ExpectError(client_->Post("/nope", Auth(), "{}", "application/json"), 404,
              "post unknown");
  struct Case {
    const char* method;
    const char* path;
  };
  for (Case c : {Case{"PUT", "/videos"}, Case{"PATCH", "/videos"},
                 Case{"DELETE", "/videos"}, Case{"POST", "/videos/cam"},
                 Case{"PUT", "/videos/cam"}, Case{"POST", "/create"},
                 Case{"DELETE", "/health"}}) {
    httplib::Request req;
    req.method = c.method;
    req.path = c.path;
    req.headers = Auth();
    auto res = client_->send(req);
    ExpectError(res, 405, std::string(c.method) + " " + c.path);
    if (res) {
      EXPECT_FALSE(res->get_header_value("Allow").empty());
    }
  }
  EXPECT_EQ(server_->rejections(Rejection::kMethodNotAllowed), 7u);
  EXPECT_EQ(server_->RejectionCounts().at("method_not_allowed"), 7u);

  // Methods httplib knows but routes nowhere, and ones it does not know.
  httplib::Request trace;
  trace.method = "TRACE";
  trace.path = "/videos";
  ExpectError(client_->send(trace), 405, "TRACE");
  httplib::Request bogus;
  bogus.method = "BREW";
  bogus.path = "/videos";
  ExpectError(client_->send(bogus), 400, "BREW");
}

TEST_P(ApiServerTest, DatabaseFailureIs500WithoutDetails) {
  ASSERT_EQ(Report(Holding("cam", "w1", 1))->status, 200);
  // Break the schema behind the registry's back.
  Status dropped =
      registry::test_db::Execute(url_, "DROP TABLE video_holdings");
  ASSERT_TRUE(dropped.ok()) << dropped.ToString();
  auto res = client_->Get("/videos");
  ExpectError(res, 500, "list with a broken schema");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["error"], "internal error");
  EXPECT_EQ(server_->rejections(Rejection::kInternal), 1u);
}

TEST_P(ApiServerTest, HeadListsWithoutABody) {
  auto res = client_->Head("/videos");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_TRUE(res->body.empty());
}

TEST_P(ApiServerTest, HealthUsesTheProvider) {
  auto plain = client_->Get("/health");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 200);
  EXPECT_EQ(json::parse(plain->body), (json{{"status", "ok"}}));

  bool healthy = true;
  server_->SetHealthProvider([&healthy] {
    return HealthReport{
        healthy, {{"registry", "ok"}, {"mqtt", healthy ? "ok" : "down"}}};
  });
  auto ok = client_->Get("/health");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  json body = json::parse(ok->body);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["components"].size(), 2u);
  healthy = false;
  auto down = client_->Get("/health");
  ASSERT_TRUE(down);
  EXPECT_EQ(down->status, 503);
  json down_body = json::parse(down->body);
  EXPECT_EQ(down_body["status"], "unavailable");
  EXPECT_EQ(down_body["components"][1]["state"], "down");
}

TEST_P(ApiServerTest, MetricsUseTheProvider) {
  auto none = client_->Get("/metrics");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 404);
  EXPECT_EQ(json::parse(none->body)["status"], 404);

  int scrapes = 0;
  server_->SetMetricsProvider([&scrapes] {
    return "# TYPE fog_api_scrapes_total counter\nfog_api_scrapes_total " +
           std::to_string(++scrapes) + "\n";
  });
  auto res = client_->Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"),
            "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(res->body,
            "# TYPE fog_api_scrapes_total counter\nfog_api_scrapes_total 1\n");
  auto post = client_->Post("/metrics", "", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(server_->rejections(Rejection::kMethodNotAllowed), 1u);
}

TEST_P(ApiServerTest, StartFailsWhenThePortIsTaken) {
  ApiOptions options;
  options.port = server_->port();
  ApiServer second(options, *registry_);
  Status started = second.Start();
  EXPECT_EQ(started.code(), Status::Code::kUnavailable) << started.ToString();
  EXPECT_NE(started.message().find(std::to_string(server_->port())),
            std::string::npos);
  second.Stop();  // harmless when not started

  ApiOptions bad;
  bad.port = 70000;
  EXPECT_EQ(ApiServer(bad, *registry_).Start().code(),
            Status::Code::kInvalidArgument);
}

TEST_P(ApiServerTest, StopIsIdempotentAndStartStopIsQuick) {
  ApiOptions options;
  options.port = 0;
  ApiServer s(options, *registry_);
  ASSERT_TRUE(s.Start().ok());
  EXPECT_EQ(s.Start().code(), Status::Code::kInternal);
  s.Stop();
  s.Stop();
  httplib::Client cli("127.0.0.1", s.port());
  cli.set_connection_timeout(1);
  EXPECT_FALSE(cli.Get("/videos"));
}

}  // namespace
}  // namespace fog::api
