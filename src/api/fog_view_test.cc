#include "api/fog_view.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace fog::api {
namespace {

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(FogViewTest, HealthNeedsMasterWorkersAndBalancerWhenExpected) {
  FogView view({.expected_workers = 2, .expect_balancer = true});
  EXPECT_FALSE(view.Health(true).ok);
  view.OnMessage("fog/status/master", Bytes(R"({"state":"online"})"));
  view.OnMessage("fog/status/worker/w1", Bytes(R"({"state":"online"})"));
  view.OnMessage("fog/status/worker/w2", Bytes(R"({"state":"online"})"));
  EXPECT_FALSE(view.Health(true).ok);  // no balancer yet
  view.OnMessage("fog/status/balancer", Bytes(R"({"state":"online"})"));
  EXPECT_TRUE(view.Health(true).ok);
  EXPECT_FALSE(view.Health(false).ok);  // MQTT down
  view.OnMessage("fog/status/worker/w2", Bytes(R"({"state":"offline"})"));
  EXPECT_FALSE(view.Health(true).ok);
  view.OnMessage("fog/status/worker/w2", Bytes("garbage"));  // = offline
  EXPECT_FALSE(view.Health(true).ok);
}

TEST(FogViewTest, FogJsonCarriesStatsAndPolicy) {
  FogView view({.expected_workers = 1});
  view.OnMessage("fog/status/master", Bytes(R"({"state":"online"})"));
  view.OnMessage("fog/status/worker/w1", Bytes(R"({"state":"online"})"));
  view.OnMessage("fog/status/worker/w2", Bytes(R"({"state":"offline"})"));
  view.OnMessage("fog/stats/w1", Bytes(R"({"seq":3,"cpu":12.5})"));
  view.OnMessage("fog/policy", Bytes(R"({"weights":{"w1":1}})"));
  nlohmann::json j = nlohmann::json::parse(view.FogJson(true));
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["workers"]["w1"]["state"], "online");
  EXPECT_EQ(j["workers"]["w1"]["stats"]["cpu"], 12.5);
  EXPECT_EQ(j["workers"]["w2"]["state"], "offline");
  EXPECT_TRUE(j["workers"]["w2"]["stats"].is_null());
  EXPECT_EQ(j["policy"]["weights"]["w1"], 1);

  // Garbage never replaces what is known, and is counted.
  view.OnMessage("fog/policy", Bytes("not json"));
  view.OnMessage("fog/stats/w1", Bytes("[1]"));
  EXPECT_EQ(view.rejected_payloads(), 2u);
  j = nlohmann::json::parse(view.FogJson(true));
  EXPECT_EQ(j["policy"]["weights"]["w1"], 1);
  EXPECT_EQ(j["workers"]["w1"]["stats"]["cpu"], 12.5);
}

TEST(FogViewTest, NoPolicyYetIsNull) {
  FogView view({});
  nlohmann::json j = nlohmann::json::parse(view.FogJson(false));
  EXPECT_EQ(j["status"], "unavailable");
  EXPECT_TRUE(j["policy"].is_null());
  EXPECT_TRUE(j["workers"].empty());
}

}  // namespace
}  // namespace fog::api
