// Routing: the documented routes, CORS, 404 and 405.

#include "api/internal/router.h"

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

class ApiRouterTest : public fixture::ApiServerTest {};
FOG_API_INSTANTIATE_OVER_DATABASES(ApiRouterTest);

// GET /openapi.json describes every route the server answers, with the
// methods it allows, and routes nothing it does not describe.
TEST_P(ApiRouterTest, OpenApiDocumentMatchesTheRoutes) {
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
      {"/metrics", "/metrics"},
      {"/metrics/{name}", "/metrics/master"},
      {"/videos/{id}/packets/{n}", "/videos/cam/packets/1"},
      {"/videos/{id}/poster.jpg", "/videos/cam/poster.jpg"},
      {"/videos/{id}/pin", "/videos/cam/pin"},
      {"/keys", "/keys"},
      {"/ui-config", "/ui-config"}};
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

TEST_P(ApiRouterTest, CorsHeadersAndPreflight) {
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

TEST_P(ApiRouterTest, UnknownRoutesAre404AndWrongMethods405) {
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

TEST_P(ApiRouterTest, HeadListsWithoutABody) {
  auto res = client_->Head("/videos");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_TRUE(res->body.empty());
}

TEST(ApiMatchRoute, NamesEveryRoute) {
  EXPECT_EQ(MatchRoute("/videos").route, Route::kVideos);
  RouteMatch video = MatchRoute("/videos/cam");
  EXPECT_EQ(video.route, Route::kVideo);
  EXPECT_EQ(video.id, "cam");
  RouteMatch media = MatchRoute("/videos/cam/index.m3u8");
  EXPECT_EQ(media.route, Route::kMedia);
  EXPECT_EQ(media.id, "cam/index.m3u8");
  EXPECT_EQ(MatchRoute("/create").route, Route::kCreate);
  EXPECT_EQ(MatchRoute("/health").route, Route::kHealth);
  EXPECT_EQ(MatchRoute("/fog").route, Route::kFog);
  EXPECT_EQ(MatchRoute("/openapi.json").route, Route::kOpenApi);
  EXPECT_EQ(MatchRoute("/metrics").route, Route::kMetrics);
  EXPECT_EQ(MatchRoute("/videos/cam/packets/7").route, Route::kPacket);
  EXPECT_EQ(MatchRoute("/videos/cam/poster.jpg").route, Route::kPoster);
  EXPECT_EQ(MatchRoute("/keys").route, Route::kKeys);
  EXPECT_EQ(MatchRoute("/ui-config").route, Route::kUiConfig);
  RouteMatch peer = MatchRoute("/metrics/worker-1");
  EXPECT_EQ(peer.route, Route::kPeerMetrics);
  EXPECT_EQ(peer.id, "worker-1");
  EXPECT_TRUE(IsApiPath("/videos/cam/index.m3u8"));
  EXPECT_TRUE(IsApiPath("/fog"));
  EXPECT_FALSE(IsApiPath("/fogs"));
  EXPECT_FALSE(IsApiPath("/watch/cam"));
  for (const char* path : {"/", "", "/videosx", "/create/", "/health/"}) {
    EXPECT_EQ(MatchRoute(path).route, Route::kNone) << path;
  }
}

// Exactly four (route, method) pairs write the registry; the router checks
// the token of each before any handler runs.
TEST(ApiWritesRegistry, ExactlyTheWriteRoutes) {
  const Route kRoutes[] = {Route::kVideos,  Route::kVideo,  Route::kMedia,
                           Route::kCreate,  Route::kHealth, Route::kFog,
                           Route::kOpenApi, Route::kMetrics};
  std::vector<std::string> writes;
  for (Route route : kRoutes) {
    for (const char* method :
         {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
      if (!MethodAllowed(route, method)) continue;
      if (WritesRegistry(route, method)) {
        writes.push_back(std::string(method) + " " +
                         std::to_string(static_cast<int>(route)));
      }
    }
  }
  EXPECT_EQ(writes, (std::vector<std::string>{
                        "POST " + std::to_string(int(Route::kVideos)),
                        "DELETE " + std::to_string(int(Route::kVideo)),
                        "GET " + std::to_string(int(Route::kCreate)),
                        "HEAD " + std::to_string(int(Route::kCreate))}));
}

}  // namespace
}  // namespace fog::api
