// What a worker reports to the load balancer: CPU, memory and storage, read
// from the kernel (/proc, cgroup v2, statvfs) rather than assumed.
//
// CPU is measured over the CPUs this process may run on (its affinity mask,
// which a container's cpuset also narrows), as the share of their time not
// idle between two samples. Two workers pinned to different CPUs of one
// machine therefore see different loads, as two machines would.
//
// Memory respects a cgroup v2 limit (memory.max) when one applies.
//
// Thread-safety: SystemStatsSampler is not thread-safe; the parse functions
// are pure.

#ifndef FOG_WORKER_SYSTEM_STATS_H_
#define FOG_WORKER_SYSTEM_STATS_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "common/status.h"

namespace fog::worker {

// Jiffies of one "cpuN" line of /proc/stat.
struct CpuTimes {
  uint64_t busy = 0;   // everything but idle and iowait
  uint64_t total = 0;  // all columns up to steal (guest is inside user)
};

// The per-CPU lines of /proc/stat, keyed by CPU number ("cpu" alone, the
// sum, is skipped). Corruption is an error, not a zero.
Result<std::map<int, CpuTimes>> ParseProcStat(std::string_view text);

struct MemInfo {
  uint64_t total_bytes = 0;
  uint64_t available_bytes = 0;
};
// MemTotal and MemAvailable of /proc/meminfo.
Result<MemInfo> ParseMeminfo(std::string_view text);

// The cgroup v2 path of "0::/path" in /proc/self/cgroup, or nullopt.
std::optional<std::string> ParseCgroupV2Path(std::string_view text);

// Percent busy of `cpus` between two /proc/stat readings, in [0, 100]; 0
// when no time passed on them.
double CpuPercent(const std::map<int, CpuTimes>& before,
                  const std::map<int, CpuTimes>& after,
                  const std::set<int>& cpus);

struct SystemStats {
  double cpu_percent = 0;          // busy share of our CPUs
  double process_cpu_percent = 0;  // this process, in percent of one CPU
  int cpus = 0;                    // CPUs we may run on
  uint64_t mem_limit_bytes = 0;    // RAM, or the cgroup limit if lower
  uint64_t mem_used_bytes = 0;
  uint64_t mem_available_bytes = 0;
  uint64_t storage_total_bytes = 0;  // file system of the data directory
  uint64_t storage_free_bytes = 0;   // available to us (f_bavail)
};

class SystemStatsSampler {
 public:
  // Measures the file system holding `data_dir`. `proc_root` and
  // `cgroup_root` are "/proc" and "/sys/fs/cgroup" except in tests.
  explicit SystemStatsSampler(std::string data_dir,
                              std::string proc_root = "/proc",
                              std::string cgroup_root = "/sys/fs/cgroup");

  // A reading; CPU figures cover the time since the previous call (or since
  // construction). Fails only when /proc or the data directory cannot be
  // read; a missing cgroup limit just means "no limit".
  Result<SystemStats> Sample();

 private:
  Status ReadCpu(std::map<int, CpuTimes>* per_cpu, double* process_seconds);

  const std::string data_dir_;
  const std::string proc_root_;
  const std::string cgroup_root_;
  std::map<int, CpuTimes> last_cpu_;
  double last_process_seconds_ = 0;
  std::chrono::steady_clock::time_point last_time_;
};

}  // namespace fog::worker

#endif  // FOG_WORKER_SYSTEM_STATS_H_
