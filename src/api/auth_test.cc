// The bearer token on every registry write.

#include "api/internal/auth.h"

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

class ApiAuthTest : public fixture::ApiServerTest {};
FOG_API_INSTANTIATE_OVER_DATABASES(ApiAuthTest);

TEST_P(ApiAuthTest, WritesRequireTheBearerToken) {
  ASSERT_TRUE(client_->Get("/create?video_id=keep", Auth()));
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

TEST_P(ApiAuthTest, EmptyConfiguredTokenFailsClosed) {
  ApiOptions options;
  options.port = 0;
  ApiServer open_server(options, *registry_);
  ASSERT_TRUE(open_server.Start().ok());
  httplib::Client cli("127.0.0.1", open_server.port());
  ExpectError(cli.Post("/videos", {{"Authorization", "Bearer "}},
                       Holding("cam", "w", 1).dump(), "application/json"),
              401, "empty token configured");
  ExpectError(cli.Get("/create?video_id=cam", {{"Authorization", "Bearer "}}),
              401, "create, empty token configured");
  open_server.Stop();
}

// Every request that writes the registry, one per write route and method.
struct Write {
  const char* method;
  const char* path;
  const char* body;
};

const Write kWrites[] = {
    {"POST", "/videos",
     R"({"video_id":"new","worker":"w1","packets":1,"bytes":1})"},
    {"DELETE", "/videos/keep", ""},
    {"GET", "/create?video_id=new", ""},
    {"HEAD", "/create?video_id=new", ""},
};

httplib::Request MakeRequest(const Write& w, const httplib::Headers& headers) {
  httplib::Request req;
  req.method = w.method;
  req.path = w.path;
  req.headers = headers;
  req.body = w.body;
  if (!req.body.empty()) req.set_header("Content-Type", "application/json");
  return req;
}

// Without a token, with a wrong one, or a malformed header: 401 with a JSON
// error, counted, and the registry unchanged. With the token each write
// goes through, so the refusals are the token's doing.
TEST_P(ApiAuthTest, EveryRegistryWriteNeedsTheToken) {
  ASSERT_EQ(Report(Holding("keep", "w1", 1))->status, 200);
  const std::string before = Snapshot();
  const httplib::Headers kBadHeaders[] = {
      {},
      {{"Authorization", "Bearer wrong-token"}},
      {{"Authorization", std::string("Bearer ") + kToken + "x"}},
      {{"Authorization", kToken}},
      {{"Authorization", std::string("bearer ") + kToken}},
  };
  uint64_t refused = 0;
  for (const Write& w : kWrites) {
    for (const httplib::Headers& headers : kBadHeaders) {
      const std::string what = std::string(w.method) + " " + w.path + " " +
                               (headers.empty() ? "anonymous" : "bad token");
      auto res = client_->send(MakeRequest(w, headers));
      ++refused;
      if (std::string(w.method) == "HEAD") {  // no body to look at
        ASSERT_TRUE(res) << what;
        EXPECT_EQ(res->status, 401) << what;
        continue;
      }
      ExpectError(res, 401, what);
      ASSERT_TRUE(res);
      EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Bearer") << what;
    }
  }
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(server_->rejections(Rejection::kUnauthorized), refused);
  EXPECT_EQ(server_->RejectionCounts().at("unauthorized"), refused);

  for (const Write& w : kWrites) {
    auto res = client_->send(MakeRequest(w, Auth()));
    ASSERT_TRUE(res);
    EXPECT_LT(res->status, 300)
        << w.method << " " << w.path << ": " << res->body;
  }
  EXPECT_NE(Snapshot(), before);
}

// A missing token and a wrong one say different things.
TEST_P(ApiAuthTest, TheErrorSaysWhatIsMissing) {
  auto anonymous = client_->Get("/create?video_id=cam");
  ASSERT_TRUE(anonymous);
  EXPECT_NE(json::parse(anonymous->body)["error"].get<std::string>().find(
                "Authorization: Bearer"),
            std::string::npos);
  auto wrong =
      client_->Get("/create?video_id=cam", {{"Authorization", "Bearer nope"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(json::parse(wrong->body)["error"], "invalid bearer token");
}

// --open-create: the seed's workers create videos without a token; every
// other write still needs it.
class ApiOpenCreateTest : public fixture::ApiServerTest {
 protected:
  ApiOptions Options() const override {
    ApiOptions options = ApiServerTest::Options();
    options.open_create = true;
    return options;
  }
};
FOG_API_INSTANTIATE_OVER_DATABASES(ApiOpenCreateTest);

TEST_P(ApiOpenCreateTest, OnlyCreateIsOpen) {
  auto created = client_->Get("/create?video_id=seed-cam");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 200) << created->body;
  EXPECT_EQ(json::parse(created->body)["VideoID"], "seed-cam");
  const std::string before = Snapshot();
  for (const Write& w : kWrites) {
    if (std::string(w.path).starts_with("/create")) continue;
    ExpectError(client_->send(MakeRequest(w, {})), 401,
                std::string(w.method) + " " + w.path);
  }
  EXPECT_EQ(Snapshot(), before);
}

// Split scopes: the reporting token reports and creates; deleting needs the
// administration token, which may report too.
class ApiTokenScopeTest : public fixture::ApiServerTest {
 protected:
  static constexpr char kAdmin[] = "admin-token";
  ApiOptions Options() const override {
    ApiOptions options = ApiServerTest::Options();
    options.admin_token = kAdmin;
    return options;
  }
  httplib::Headers AdminAuth() const {
    return {{"Authorization", std::string("Bearer ") + kAdmin}};
  }
};
FOG_API_INSTANTIATE_OVER_DATABASES(ApiTokenScopeTest);

TEST_P(ApiTokenScopeTest, TheReportingTokenCannotDelete) {
  auto created = client_->Get("/create?video_id=cam", Auth());
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 200) << created->body;
  auto reported = Report(Holding("cam", "w1", 1));
  ASSERT_TRUE(reported);
  EXPECT_EQ(reported->status, 200) << reported->body;
  const std::string before = Snapshot();
  ExpectError(client_->Delete("/videos/cam", Auth()), 403,
              "delete with the reporting token");
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(server_->rejections(Rejection::kForbidden), 1u);
  ExpectError(client_->Delete("/videos/cam"), 401, "delete without a token");
  auto deleted = client_->Delete("/videos/cam", AdminAuth());
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 204) << deleted->body;
}

TEST_P(ApiTokenScopeTest, TheAdministrationTokenReportsToo) {
  auto created = client_->Get("/create?video_id=cam", AdminAuth());
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 200) << created->body;
  ExpectError(client_->Get("/create?video_id=cam2"), 401,
              "create without a token");
}

TEST(ApiCheckBearerToken, AcceptsOnlyTheExactToken) {
  EXPECT_EQ(CheckBearerToken("Bearer abc", "abc"), TokenCheck::kOk);
  EXPECT_EQ(CheckBearerToken("", "abc"), TokenCheck::kMissing);
  for (const char* header :
       {"Bearer abd", "Bearer ab", "Bearer abcd", "bearer abc", "abc",
        "Bearer ", "Bearer  abc", "Basic abc", "Bearerabc"}) {
    EXPECT_EQ(CheckBearerToken(header, "abc"), TokenCheck::kInvalid) << header;
  }
  // No configured token matches nothing, not even an empty one.
  EXPECT_EQ(CheckBearerToken("Bearer ", ""), TokenCheck::kInvalid);
  EXPECT_EQ(CheckBearerToken("Bearer x", ""), TokenCheck::kInvalid);
}

TEST(ApiConstantTimeEquals, ComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("token", "token"));
  EXPECT_FALSE(ConstantTimeEquals("token", "tokeN"));
  EXPECT_FALSE(ConstantTimeEquals("token", "token2"));
}

}  // namespace
}  // namespace fog::api
