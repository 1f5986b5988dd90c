// POST /videos/{id}/pin: the administration token, the body, and the
// federation's answer carried as the HTTP status.

#include <gtest/gtest.h>

#include <mutex>

#include "api/internal/test_fixture.h"

namespace fog::api {
namespace {

using fixture::ApiServerTest;
using fixture::json;
using fixture::kToken;

class PinRoutesTest : public ApiServerTest {
 protected:
  // Records the last call; answers with `outcome_`.
  void InstallProvider() {
    server_->SetPinProvider(
        [this](const std::string& id,
               const std::string& to) -> Result<PinOutcome> {
          std::lock_guard<std::mutex> lock(mu_);
          last_ = id + "->" + to;
          return outcome_;
        });
  }
  void SetOutcome(Result<PinOutcome> outcome) {
    std::lock_guard<std::mutex> lock(mu_);
    outcome_ = std::move(outcome);
  }
  httplib::Result Pin(const std::string& id, const std::string& body) {
    return client_->Post("/videos/" + id + "/pin", Auth(), body,
                         "application/json");
  }
  std::mutex mu_;
  std::string last_;
  Result<PinOutcome> outcome_ = PinOutcome{};
};
FOG_API_INSTANTIATE_OVER_DATABASES(PinRoutesTest);

TEST_P(PinRoutesTest, AcceptedPinIs200AndReachesTheFederation) {
  InstallProvider();
  auto res = Pin("cam", R"({"to":"b"})");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  json body = json::parse(res->body, nullptr, false);
  EXPECT_EQ(body["result"], "accepted");
  EXPECT_EQ(body["to"], "b");
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_EQ(last_, "cam->b");
}

TEST_P(PinRoutesTest, RefusalsCarryTheFederationsStatusAndReason) {
  InstallProvider();
  SetOutcome(PinOutcome{.status = 404, .reason = "unknown fog 'x'"});
  auto res = Pin("cam", R"({"to":"x"})");
  ExpectError(res, 404, "unknown fog");
  EXPECT_NE(res->body.find("unknown fog"), std::string::npos);
  SetOutcome(PinOutcome{.status = 429, .reason = "too many pins"});
  ExpectError(Pin("cam", R"({"to":"b"})"), 429, "too many pins");
  SetOutcome(Status::Unavailable("no answer from this fog's federation"));
  ExpectError(Pin("cam", R"({"to":"b"})"), 503, "federation away");
}

TEST_P(PinRoutesTest, BadRequestsAreRefusedBeforeTheFederation) {
  InstallProvider();
  ExpectError(
      client_->Post("/videos/cam/pin", R"({"to":"b"})", "application/json"),
      401, "no token");
  ExpectError(Pin("cam", "not json"), 400, "not json");
  ExpectError(Pin("cam", R"({"to":7})"), 400, "to not a string");
  ExpectError(Pin("cam", R"({})"), 400, "no to");
  ExpectError(Pin("..", R"({"to":"b"})"), 400, "bad id");
  ExpectError(client_->Get("/videos/cam/pin"), 405, "GET");
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_EQ(last_, "");
}

TEST_P(PinRoutesTest, WithoutAFederationIs503) {
  ExpectError(Pin("cam", R"({"to":"b"})"), 503, "no provider");
}

}  // namespace
}  // namespace fog::api
