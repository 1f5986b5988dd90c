#include "bench/process_cpu.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace fog::bench {
namespace {

namespace fs = std::filesystem;

// A process that looks like a fog component of the fog in `dir` and spins.
class FakeComponent {
 public:
  FakeComponent(const fs::path& dir, const std::string& role) {
    // A shell script named after the role, run as `fog <role> <dir>/...`.
    const fs::path script = dir / role;
    std::ofstream(script) << "while :; do :; done\n";  // no forks: our CPU
    pid_ = ::fork();
    if (pid_ == 0) {
      if (::chdir(dir.c_str()) != 0) ::_exit(127);
      const std::string config = (dir / "config.json").string();
      ::execl("/bin/sh", "fog", role.c_str(), config.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~FakeComponent() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }

 private:
  pid_t pid_;
};

fs::path TempDir(const std::string& name) {
  fs::path dir =
      fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(ProcessCpuTest, ChargesTheFogsProcessesByRoleAndNoOthers) {
  const fs::path dir = TempDir("fog-cpu");
  const fs::path other = TempDir("fog-cpu-other");
  const auto before = CpuSecondsByRole(dir.string());
  {
    FakeComponent master(dir, "master");
    FakeComponent stranger(other, "worker");  // another fog's process
    // Until the busy loop shows (CPU time ticks in 10 ms steps).
    std::map<std::string, double> spent;
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(20);
    do {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      spent = CpuSpent(before, CpuSecondsByRole(dir.string()));
    } while (spent["master"] < 0.1 &&
             std::chrono::steady_clock::now() < deadline);
    EXPECT_GE(spent["master"], 0.1);
    EXPECT_FALSE(spent.contains("worker"));
    EXPECT_TRUE(spent.contains("bench"));  // this process
  }
  fs::remove_all(dir);
  fs::remove_all(other);
}

TEST(ProcessCpuTest, SpentCountsNewRolesFromZero) {
  const auto spent =
      CpuSpent({{"bench", 1.0}}, {{"bench", 1.5}, {"api", 0.25}});
  EXPECT_DOUBLE_EQ(spent.at("bench"), 0.5);
  EXPECT_DOUBLE_EQ(spent.at("api"), 0.25);
}

}  // namespace
}  // namespace fog::bench
