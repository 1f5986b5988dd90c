// The fog's own routes: /health and /metrics.

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

class ApiStatusRoutesTest : public fixture::ApiServerTest {};
FOG_API_INSTANTIATE_OVER_DATABASES(ApiStatusRoutesTest);

TEST_P(ApiStatusRoutesTest, HealthUsesTheProvider) {
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

TEST_P(ApiStatusRoutesTest, MetricsUseTheProvider) {
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

}  // namespace
}  // namespace fog::api
