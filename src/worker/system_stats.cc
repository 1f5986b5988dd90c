#include "worker/system_stats.h"

#include <sched.h>
#include <sys/resource.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <vector>

#include "common/bytes.h"

namespace fog::worker {

namespace {

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

std::optional<uint64_t> ParseU64(std::string_view s) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<uint64_t> FirstNumber(std::string_view text) {
  std::vector<std::string_view> lines = Lines(text);
  if (lines.empty()) return std::nullopt;
  std::vector<std::string_view> f = Fields(lines[0]);
  if (f.empty()) return std::nullopt;
  return ParseU64(f[0]);
}

Result<std::string> ReadText(const std::string& path) {
  Result<Bytes> data = ReadFile(path);
  if (!data.ok()) return data.status();
  return std::string(data->begin(), data->end());
}

// The CPUs of our affinity mask; every online CPU if it cannot be read.
std::set<int> AllowedCpus(const std::map<int, CpuTimes>& known) {
  std::set<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    for (const auto& [cpu, times] : known) {
      if (cpu < CPU_SETSIZE && CPU_ISSET(cpu, &set)) cpus.insert(cpu);
    }
  }
  if (cpus.empty()) {
    for (const auto& [cpu, times] : known) cpus.insert(cpu);
  }
  return cpus;
}

double ProcessCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6;
  };
  return seconds(ru.ru_utime) + seconds(ru.ru_stime);
}

}  // namespace

Result<std::map<int, CpuTimes>> ParseProcStat(std::string_view text) {
  std::map<int, CpuTimes> cpus;
  for (std::string_view line : Lines(text)) {
    if (!line.starts_with("cpu") || line.size() < 4 || line[3] == ' ') {
      continue;  // not a per-CPU line
    }
    std::vector<std::string_view> f = Fields(line);
    std::optional<uint64_t> index = ParseU64(f[0].substr(3));
    // user nice system idle iowait irq softirq steal: at least idle needed.
    if (!index || f.size() < 5) {
      return Status::Corruption("/proc/stat: bad line: " + std::string(line));
    }
    uint64_t columns[8] = {};
    for (size_t i = 1; i < f.size() && i <= 8; ++i) {
      std::optional<uint64_t> v = ParseU64(f[i]);
      if (!v) {
        return Status::Corruption("/proc/stat: bad number in: " +
                                  std::string(line));
      }
      columns[i - 1] = *v;
    }
    CpuTimes t;
    for (uint64_t c : columns) t.total += c;
    t.busy = t.total - columns[3] - columns[4];  // minus idle and iowait
    cpus[static_cast<int>(*index)] = t;
  }
  if (cpus.empty()) return Status::Corruption("/proc/stat: no cpuN lines");
  return cpus;
}

Result<MemInfo> ParseMeminfo(std::string_view text) {
  std::optional<uint64_t> total, available;
  for (std::string_view line : Lines(text)) {
    std::vector<std::string_view> f = Fields(line);
    if (f.size() < 2) continue;
    std::optional<uint64_t>* slot = f[0] == "MemTotal:"       ? &total
                                    : f[0] == "MemAvailable:" ? &available
                                                              : nullptr;
    if (!slot) continue;
    std::optional<uint64_t> kib = ParseU64(f[1]);
    if (!kib) {
      return Status::Corruption("/proc/meminfo: bad line: " +
                                std::string(line));
    }
    *slot = *kib * 1024;
  }
  if (!total || !available) {
    return Status::Corruption("/proc/meminfo: no MemTotal or MemAvailable");
  }
  return MemInfo{.total_bytes = *total, .available_bytes = *available};
}

std::optional<std::string> ParseCgroupV2Path(std::string_view text) {
  for (std::string_view line : Lines(text)) {
    if (line.starts_with("0::/")) return std::string(line.substr(3));
  }
  return std::nullopt;
}

double CpuPercent(const std::map<int, CpuTimes>& before,
                  const std::map<int, CpuTimes>& after,
                  const std::set<int>& cpus) {
  uint64_t busy = 0, total = 0;
  for (int cpu : cpus) {
    auto b = before.find(cpu), a = after.find(cpu);
    if (b == before.end() || a == after.end()) continue;
    // Counters only grow; a CPU that went offline and back may restart.
    if (a->second.total < b->second.total || a->second.busy < b->second.busy) {
      continue;
    }
    busy += a->second.busy - b->second.busy;
    total += a->second.total - b->second.total;
  }
  if (total == 0) return 0;
  return std::clamp(100.0 * static_cast<double>(busy) / total, 0.0, 100.0);
}

SystemStatsSampler::SystemStatsSampler(std::string data_dir,
                                       std::string proc_root,
                                       std::string cgroup_root)
    : data_dir_(std::move(data_dir)),
      proc_root_(std::move(proc_root)),
      cgroup_root_(std::move(cgroup_root)),
      last_time_(std::chrono::steady_clock::now()) {
  (void)ReadCpu(&last_cpu_, &last_process_seconds_);
}

Status SystemStatsSampler::ReadCpu(std::map<int, CpuTimes>* per_cpu,
                                   double* process_seconds) {
  Result<std::string> stat = ReadText(proc_root_ + "/stat");
  if (!stat.ok()) return stat.status();
  Result<std::map<int, CpuTimes>> parsed = ParseProcStat(*stat);
  if (!parsed.ok()) return parsed.status();
  *per_cpu = std::move(*parsed);
  *process_seconds = ProcessCpuSeconds();
  return Status::OK();
}

Result<SystemStats> SystemStatsSampler::Sample() {
  SystemStats s;
  std::map<int, CpuTimes> cpu;
  double process_seconds = 0;
  if (Status st = ReadCpu(&cpu, &process_seconds); !st.ok()) return st;
  const auto now = std::chrono::steady_clock::now();
  const std::set<int> allowed = AllowedCpus(cpu);
  s.cpus = static_cast<int>(allowed.size());
  s.cpu_percent = CpuPercent(last_cpu_, cpu, allowed);
  const double wall = std::chrono::duration<double>(now - last_time_).count();
  if (wall > 0) {
    s.process_cpu_percent =
        std::max(0.0, 100.0 * (process_seconds - last_process_seconds_) / wall);
  }
  last_cpu_ = std::move(cpu);
  last_process_seconds_ = process_seconds;
  last_time_ = now;

  Result<std::string> meminfo = ReadText(proc_root_ + "/meminfo");
  if (!meminfo.ok()) return meminfo.status();
  Result<MemInfo> mem = ParseMeminfo(*meminfo);
  if (!mem.ok()) return mem.status();
  s.mem_limit_bytes = mem->total_bytes;
  s.mem_used_bytes =
      mem->total_bytes - std::min(mem->available_bytes, mem->total_bytes);
  // A cgroup v2 limit below the machine's RAM is the one that counts.
  Result<std::string> cgroup = ReadText(proc_root_ + "/self/cgroup");
  std::optional<std::string> path =
      cgroup.ok() ? ParseCgroupV2Path(*cgroup) : std::nullopt;
  if (path) {
    Result<std::string> max = ReadText(cgroup_root_ + *path + "/memory.max");
    Result<std::string> current =
        ReadText(cgroup_root_ + *path + "/memory.current");
    // memory.max says "max" when there is no limit: no number, no limit.
    std::optional<uint64_t> limit = max.ok() ? FirstNumber(*max) : std::nullopt;
    std::optional<uint64_t> used =
        current.ok() ? FirstNumber(*current) : std::nullopt;
    if (limit && used && *limit < s.mem_limit_bytes) {
      s.mem_limit_bytes = *limit;
      s.mem_used_bytes = std::min(*used, *limit);
    }
  }
  s.mem_available_bytes = s.mem_limit_bytes - s.mem_used_bytes;

  struct statvfs fs {};
  if (statvfs(data_dir_.c_str(), &fs) != 0) {
    return Status::IoError("statvfs " + data_dir_ + ": " +
                           std::strerror(errno));
  }
  s.storage_total_bytes = static_cast<uint64_t>(fs.f_blocks) * fs.f_frsize;
  s.storage_free_bytes = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
  return s;
}

}  // namespace fog::worker
