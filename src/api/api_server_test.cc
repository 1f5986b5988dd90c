// The server's lifecycle, its limits and its failures.

#include "api/api_server.h"

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

class ApiServerLifecycleTest : public fixture::ApiServerTest {};
FOG_API_INSTANTIATE_OVER_DATABASES(ApiServerLifecycleTest);

TEST_P(ApiServerLifecycleTest, StartFailsWhenThePortIsTaken) {
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

TEST_P(ApiServerLifecycleTest, StopIsIdempotentAndStartStopIsQuick) {
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

TEST_P(ApiServerLifecycleTest, OversizedBodyIs413) {
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

TEST_P(ApiServerLifecycleTest, DatabaseFailureIs500WithoutDetails) {
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

}  // namespace
}  // namespace fog::api
