#include "up/supervisor.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
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

// A child placed in a network namespace runs there: the namespace its
// /proc/self/ns/net names is the one the file stands for (root and
// iproute2, as experiments with network.hosts need).
TEST(Supervisor, StartsAChildInItsNetworkNamespace) {
  const std::string ns = "fog-sup-test-" + std::to_string(::getpid());
  ASSERT_EQ(std::system(("ip netns add " + ns).c_str()), 0);
  const std::string path = "/var/run/netns/" + ns;
  const std::string log = ::testing::TempDir() + "/" + ns + ".out";
  std::filesystem::remove(log);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  {
    Supervisor supervisor;
    ASSERT_TRUE(supervisor
                    .Start({.name = "probe",
                            .argv = {"readlink", "/proc/self/ns/net"},
                            .log_file = log,
                            .netns = path})
                    .ok());
    // The child's one line is the signal it ran.
    std::string line;
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (line.empty() && std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(log);
      std::getline(in, line);
      if (line.empty())
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(line, "net:[" + std::to_string(st.st_ino) + "]");
  }
  EXPECT_EQ(std::system(("ip netns del " + ns).c_str()), 0);
}

TEST(Supervisor, RefusesANamespaceThatIsNotThere) {
  Supervisor supervisor;
  const Status s = supervisor.Start({.name = "probe",
                                     .argv = {"true"},
                                     .netns = "/var/run/netns/fog-no-such"});
  EXPECT_EQ(s.code(), Status::Code::kIoError);
  EXPECT_NE(s.message().find("/var/run/netns/fog-no-such"), std::string::npos);
  EXPECT_EQ(supervisor.pid("probe"), -1);
}

}  // namespace
}  // namespace fog::up
