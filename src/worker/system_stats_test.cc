#include "worker/system_stats.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace fog::worker {
namespace {

constexpr char kStat[] =
    "cpu  300 0 100 1000 50 0 0 0 0 0\n"
    "cpu0 100 0 50 500 25 0 0 0 0 0\n"
    "cpu1 200 0 50 500 25 0 0 0 0 0\n"
    "intr 12345 0 0\n"
    "ctxt 999\n";

TEST(ProcStatTest, ParsesPerCpuLinesOnly) {
  Result<std::map<int, CpuTimes>> cpus = ParseProcStat(kStat);
  ASSERT_TRUE(cpus.ok()) << cpus.status().ToString();
  ASSERT_EQ(cpus->size(), 2u);
  EXPECT_EQ(cpus->at(0).total, 675u);
  EXPECT_EQ(cpus->at(0).busy, 150u);  // idle and iowait excluded
  EXPECT_EQ(cpus->at(1).busy, 250u);
}

TEST(ProcStatTest, RejectsGarbage) {
  EXPECT_FALSE(ParseProcStat("").ok());
  EXPECT_FALSE(ParseProcStat("cpu0 1 2 x 4 5\n").ok());
  EXPECT_FALSE(ParseProcStat("cpu0 1 2\n").ok());
  EXPECT_FALSE(ParseProcStat("cpuX 1 2 3 4 5\n").ok());
}

TEST(CpuPercentTest, CountsOnlyTheChosenCpus) {
  std::map<int, CpuTimes> before = {{0, {100, 1000}}, {1, {100, 1000}}};
  std::map<int, CpuTimes> after = {{0, {200, 1100}}, {1, {110, 1100}}};
  EXPECT_DOUBLE_EQ(CpuPercent(before, after, {0}), 100.0);
  EXPECT_DOUBLE_EQ(CpuPercent(before, after, {1}), 10.0);
  EXPECT_DOUBLE_EQ(CpuPercent(before, after, {0, 1}), 55.0);
  EXPECT_DOUBLE_EQ(CpuPercent(before, before, {0, 1}), 0.0);
  // A counter that went backwards (CPU hot-plugged) is ignored.
  std::map<int, CpuTimes> reset = {{0, {5, 10}}, {1, {110, 1100}}};
  EXPECT_DOUBLE_EQ(CpuPercent(before, reset, {0, 1}), 10.0);
}

TEST(MeminfoTest, ReadsTotalAndAvailable) {
  Result<MemInfo> m = ParseMeminfo(
      "MemTotal:       2048 kB\nMemFree:  10 kB\nMemAvailable:   1024 kB\n");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->total_bytes, 2048u * 1024);
  EXPECT_EQ(m->available_bytes, 1024u * 1024);
  EXPECT_FALSE(ParseMeminfo("MemTotal: 10 kB\n").ok());
  EXPECT_FALSE(ParseMeminfo("MemTotal: ten kB\nMemAvailable: 1 kB\n").ok());
}

TEST(CgroupTest, FindsTheV2Path) {
  EXPECT_EQ(ParseCgroupV2Path("0::/system.slice/fog.service\n"),
            "/system.slice/fog.service");
  EXPECT_EQ(ParseCgroupV2Path("12:memory:/x\n"), std::nullopt);
}

// A fake /proc and cgroup tree: the sampler must honour a cgroup memory limit
// below the machine's RAM and compute CPU from the deltas.
TEST(SamplerTest, UsesCgroupLimitAndCpuDeltas) {
  namespace fs = std::filesystem;
  fs::path root =
      fs::temp_directory_path() / ("fog-stats-" + std::to_string(::getpid()));
  fs::create_directories(root / "proc/self");
  fs::create_directories(root / "cg/fog");
  auto write = [](const fs::path& p, const std::string& text) {
    std::ofstream(p) << text;
  };
  write(root / "proc/stat", "cpu0 0 0 0 100 0\ncpu1 0 0 0 100 0\n");
  write(root / "proc/meminfo",
        "MemTotal: 4194304 kB\nMemAvailable: 3145728 kB\n");
  write(root / "proc/self/cgroup", "0::/fog\n");
  write(root / "cg/fog/memory.max", "1073741824\n");
  write(root / "cg/fog/memory.current", "268435456\n");
  SystemStatsSampler sampler(root.string(), (root / "proc").string(),
                             (root / "cg").string());
  write(root / "proc/stat", "cpu0 50 0 0 150 0\ncpu1 50 0 0 150 0\n");
  Result<SystemStats> s = sampler.Sample();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  // Whatever our affinity, both fake CPUs went from 0 to 50 % busy.
  EXPECT_DOUBLE_EQ(s->cpu_percent, 50.0);
  EXPECT_EQ(s->mem_limit_bytes, 1073741824u);
  EXPECT_EQ(s->mem_used_bytes, 268435456u);
  EXPECT_EQ(s->mem_available_bytes, 1073741824u - 268435456u);
  EXPECT_GT(s->storage_total_bytes, 0u);
  EXPECT_LE(s->storage_free_bytes, s->storage_total_bytes);

  write(root / "cg/fog/memory.max", "max\n");  // no limit: the machine's RAM
  s = sampler.Sample();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->mem_limit_bytes, 4194304ull * 1024);
  EXPECT_EQ(s->mem_used_bytes, 1048576ull * 1024);
  EXPECT_DOUBLE_EQ(s->cpu_percent, 0.0);  // nothing moved since

  write(root / "proc/stat", "garbage\n");
  EXPECT_FALSE(sampler.Sample().ok());
  fs::remove_all(root);
}

TEST(SamplerTest, ReadsThisMachine) {
  SystemStatsSampler sampler(".");
  Result<SystemStats> s = sampler.Sample();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_GE(s->cpus, 1);
  EXPECT_GE(s->cpu_percent, 0.0);
  EXPECT_LE(s->cpu_percent, 100.0);
  EXPECT_GT(s->mem_limit_bytes, 0u);
  EXPECT_GT(s->storage_total_bytes, 0u);
}

}  // namespace
}  // namespace fog::worker
