#include "up/supervisor.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fog::up {
namespace {

TEST(ChildEnvironment, UnsetsAndOverrides) {
  const char* base[] = {"PATH=/usr/bin",
                        "BROKER_ADDRESS=10.0.0.9",
                        "MQTT_PASSWORD=stray",
                        "BROKER_ADDRESS_EXTRA=kept",
                        "GLIBC_TUNABLES=old",
                        "EMPTY=",
                        nullptr};
  const std::vector<std::string> env =
      ChildEnvironment(base, {"GLIBC_TUNABLES=new", "ADDED=1"},
                       {"BROKER_ADDRESS", "MQTT_PASSWORD", "NOT_SET"});
  EXPECT_EQ(env, (std::vector<std::string>{
                     "PATH=/usr/bin", "BROKER_ADDRESS_EXTRA=kept",
                     "EMPTY=", "GLIBC_TUNABLES=new", "ADDED=1"}));
}

TEST(ChildEnvironment, NothingToChangeKeepsEverything) {
  const char* base[] = {"A=1", "B=2=3", nullptr};
  EXPECT_EQ(ChildEnvironment(base, {}, {}),
            (std::vector<std::string>{"A=1", "B=2=3"}));
}

}  // namespace
}  // namespace fog::up
