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

}  // namespace
}  // namespace fog::master
