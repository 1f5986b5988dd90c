#include "master/membership.h"

#include <gtest/gtest.h>

namespace fog::master {
namespace {

using namespace std::chrono_literals;

TEST(MembershipTest, JoinHeartbeatTimeoutLeave) {
  Membership m(3s);
  auto t0 = Membership::Clock::now();
  m.OnStatus("w1", true, t0);
  m.OnStatus("w2", true, t0);
  EXPECT_EQ(m.Live(t0), (std::vector<std::string>{"w1", "w2"}));
  m.OnHeartbeat("w1", t0 + 2s);
  EXPECT_EQ(m.Live(t0 + 4s), (std::vector<std::string>{"w1"}));
  m.OnStatus("w1", false, t0 + 4s);
  EXPECT_TRUE(m.Live(t0 + 4s).empty());
  // A heartbeat does not revive a worker that announced it left.
  m.OnHeartbeat("w1", t0 + 5s);
  EXPECT_TRUE(m.Live(t0 + 5s).empty());
  m.OnStatus("w1", true, t0 + 6s);
  EXPECT_EQ(m.Live(t0 + 6s), (std::vector<std::string>{"w1"}));
}

TEST(MembershipTest, SilentForTellsWhoIsGoneForGood) {
  Membership m(3s);
  const auto t0 = Membership::Clock::now();
  m.OnStatus("a", true, t0);
  m.OnStatus("b", true, t0);
  m.OnStatus("c", false, t0 + 1s);  // said offline
  m.OnHeartbeat("a", t0 + 50s);
  EXPECT_EQ(m.SilentFor(t0 + 60s, 30s), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(m.SilentFor(t0 + 20s, 30s), std::vector<std::string>{});
  m.OnStatus("b", true, t0 + 61s);  // back
  EXPECT_EQ(m.SilentFor(t0 + 62s, 30s), (std::vector<std::string>{"c"}));
}

}  // namespace
}  // namespace fog::master
