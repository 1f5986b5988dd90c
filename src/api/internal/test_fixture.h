// A running ApiServer on a wiped test database, with an HTTP client, for
// the API's tests (test-only, internal to fog_api). Every test runs once per
// database in FOG_TEST_DB_URLS (registry/testing_db.h).

#ifndef FOG_API_INTERNAL_TEST_FIXTURE_H_
#define FOG_API_INTERNAL_TEST_FIXTURE_H_

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/api_server.h"
#include "registry/registry.h"
#include "registry/testing_db.h"

namespace fog::api::fixture {

using nlohmann::json;

inline constexpr char kToken[] = "s3cret-token";

class ApiServerTest
    : public ::testing::TestWithParam<registry::test_db::TestDatabase> {
 protected:
  // The options of the server under test; a suite may change them.
  virtual ApiOptions Options() const {
    ApiOptions options;
    options.port = 0;
    options.token = kToken;
    return options;
  }

  void SetUp() override {
    url_ = GetParam().url;
    Status wiped = registry::test_db::Wipe(url_);
    ASSERT_TRUE(wiped.ok()) << wiped.ToString();
    auto opened = registry::Registry::Open(url_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    registry_ = std::move(opened).value();
    server_ = std::make_unique<ApiServer>(Options(), *registry_);
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

// Instantiates a suite deriving from ApiServerTest over the test databases.
#define FOG_API_INSTANTIATE_OVER_DATABASES(Suite)                             \
  INSTANTIATE_TEST_SUITE_P(                                                   \
      Databases, Suite,                                                       \
      ::testing::ValuesIn(::fog::registry::test_db::TestDatabases()),         \
      [](const ::testing::TestParamInfo<                                      \
          ::fog::registry::test_db::TestDatabase>& param) {                   \
        return ::fog::registry::test_db::ParamName(param.param, param.index); \
      })

}  // namespace fog::api::fixture

#endif  // FOG_API_INTERNAL_TEST_FIXTURE_H_
