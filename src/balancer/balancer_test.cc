// The balancer against a real Mosquitto: workers are discovered by their
// answers, the policy follows their loads, and a silent worker leaves it.

#include "balancer/balancer.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <nlohmann/json.hpp>

#include "testing/test_broker.h"
#include "wire/topics.h"

namespace fog::balancer {
namespace {

using namespace std::chrono_literals;
namespace topics = wire::topics;

// A stand-in worker: answers every ping with a CPU load the test sets.
class PingAnswerer {
 public:
  PingAnswerer(const std::string& uri, std::string name, double cpu)
      : name_(std::move(name)),
        cpu_(cpu),
        client_({.uri = uri, .client_id = "answer-" + name_}) {}

  Status Start() {
    client_.OnMessage([this](const mqtt::Message& m) {
      if (silent_) return;
      nlohmann::json ping = nlohmann::json::parse(m.payload);
      std::string text = nlohmann::json{
          {"seq", ping["seq"]},
          {"cpu", cpu_.load()},
          {"free_storage",
           1e12}}.dump();
      (void)client_.Publish({.topic = topics::Stats(name_),
                             .payload = Bytes(text.begin(), text.end())},
                            /*wait=*/false);
    });
    Status s = client_.Connect(5s);
    if (s.ok()) s = client_.Subscribe(topics::kPing, 0);
    return s;
  }
  void set_cpu(double cpu) { cpu_ = cpu; }
  void set_silent(bool silent) { silent_ = silent; }

 private:
  const std::string name_;
  std::atomic<double> cpu_;
  std::atomic<bool> silent_{false};
  mqtt::Client client_;
};

class BalancerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(broker_.Start().ok()); }

  // Waits until the published policy satisfies `pred`; returns it.
  nlohmann::json WaitForPolicy(
      Balancer& b, const std::function<bool(const nlohmann::json&)>& pred,
      std::chrono::milliseconds timeout = 5s) {
    auto until = std::chrono::steady_clock::now() + timeout;
    nlohmann::json last;
    while (std::chrono::steady_clock::now() < until) {
      std::string text = b.policy();
      if (!text.empty()) {
        last = nlohmann::json::parse(text);
        if (pred(last)) return last;
      }
      std::this_thread::sleep_for(20ms);
    }
    ADD_FAILURE() << "policy never matched; last: " << last.dump();
    return last;
  }

  fog::testing::TestBroker broker_;
};

TEST_F(BalancerTest, FollowsLoadsAndDropsSilentWorkers) {
  PingAnswerer a(broker_.uri(), "wa", 10), b(broker_.uri(), "wb", 10);
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(b.Start().ok());
  mqtt::Client client({.uri = broker_.uri(), .client_id = "balancer"});
  ASSERT_TRUE(client.Connect(5s).ok());
  Instance round;
  round.packet_size = 1000;
  Balancer balancer({.period = 100ms, .missed_periods = 3, .round = round},
                    client);
  ASSERT_TRUE(balancer.Start().ok());

  auto weight = [](const nlohmann::json& p, const char* w) {
    return p["weights"].value(w, -1.0);
  };
  nlohmann::json p = WaitForPolicy(balancer, [&](const nlohmann::json& j) {
    return j["workers"].size() == 2;
  });
  EXPECT_DOUBLE_EQ(weight(p, "wa"), 0.5);
  EXPECT_DOUBLE_EQ(weight(p, "wb"), 0.5);
  EXPECT_EQ(p["model"], "exact");
  EXPECT_TRUE(p["workers"]["wa"].contains("cpu"));

  // A busier worker gets a smaller share.
  a.set_cpu(70);
  p = WaitForPolicy(balancer, [&](const nlohmann::json& j) {
    return weight(j, "wa") >= 0 && weight(j, "wa") < weight(j, "wb");
  });
  // Past the CPU threshold it gets nothing.
  a.set_cpu(95);
  WaitForPolicy(balancer, [&](const nlohmann::json& j) {
    return weight(j, "wa") == 0 && weight(j, "wb") == 1;
  });

  // Silent for 3 periods: out of the policy; back when it answers again.
  b.set_silent(true);
  p = WaitForPolicy(balancer, [&](const nlohmann::json& j) {
    return !j["workers"].contains("wb");
  });
  b.set_silent(false);
  WaitForPolicy(balancer, [&](const nlohmann::json& j) {
    return j["workers"].contains("wb") && weight(j, "wb") == 1;
  });

  // The policy is retained: a late subscriber (the master) gets it.
  mqtt::Client late({.uri = broker_.uri(), .client_id = "late"});
  std::mutex mu;
  std::condition_variable cv;
  std::string got;
  late.OnMessage([&](const mqtt::Message& m) {
    std::lock_guard<std::mutex> lock(mu);
    got.assign(m.payload.begin(), m.payload.end());
    cv.notify_all();
  });
  ASSERT_TRUE(late.Connect(5s).ok());
  ASSERT_TRUE(late.Subscribe(topics::kPolicy, 1).ok());
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return !got.empty(); }));
  EXPECT_TRUE(nlohmann::json::parse(got).contains("weights"));
  lock.unlock();
  balancer.Stop();
  EXPECT_GT(balancer.counters().Get("stats_received"), 0u);
}

TEST_F(BalancerTest, CountsBadStatsAndKeepsGoing) {
  PingAnswerer a(broker_.uri(), "wa", 20);
  ASSERT_TRUE(a.Start().ok());
  mqtt::Client client({.uri = broker_.uri(), .client_id = "balancer"});
  ASSERT_TRUE(client.Connect(5s).ok());
  Balancer balancer({.period = 100ms}, client);
  ASSERT_TRUE(balancer.Start().ok());
  mqtt::Client rogue({.uri = broker_.uri(), .client_id = "rogue"});
  ASSERT_TRUE(rogue.Connect(5s).ok());
  for (const char* text : {"garbage", R"({"seq":1,"cpu":"high"})", "{}"}) {
    ASSERT_TRUE(rogue
                    .Publish({.topic = topics::Stats("wz"),
                              .payload = Bytes(text, text + strlen(text)),
                              .qos = 1})
                    .ok());
  }
  WaitForPolicy(balancer, [&](const nlohmann::json& j) {
    return j["workers"].contains("wa") && !j["workers"].contains("wz");
  });
  auto until = std::chrono::steady_clock::now() + 5s;
  while (balancer.counters().Get("rejected.bad-stats") < 3 &&
         std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(balancer.counters().Get("rejected.bad-stats"), 3u);
}

}  // namespace
}  // namespace fog::balancer
