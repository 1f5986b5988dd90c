#include "bench/process_cpu.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

namespace fog::bench {
namespace {

namespace fs = std::filesystem;

// utime + stime in seconds from /proc/<pid>/stat, or -1. The command name in
// field 2 may hold spaces, so fields are counted after its closing ')'.
double ProcessCpuSeconds(const fs::path& proc_dir) {
  std::ifstream in(proc_dir / "stat");
  std::string stat((std::istreambuf_iterator<char>(in)), {});
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(stat.substr(close + 1));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  // After ')': state is field 3, utime field 14, stime field 15.
  for (int n = 3; n <= 15 && fields >> field; ++n) {
    if (n == 14) utime = std::stoull(field);
    if (n == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / ::sysconf(_SC_CLK_TCK);
}

std::vector<std::string> CommandLine(const fs::path& proc_dir) {
  std::ifstream in(proc_dir / "cmdline");
  std::vector<std::string> args;
  std::string arg;
  while (std::getline(in, arg, '\0')) args.push_back(arg);
  return args;
}

// The role of a process of the fog in `dir`, or "" if it is not one.
std::string RoleOf(const std::vector<std::string>& args,
                   const std::string& dir) {
  if (args.empty()) return "";
  bool names_dir = false;
  for (const std::string& a : args) {
    if (a.find(dir) != std::string::npos) names_dir = true;
  }
  if (!names_dir) return "";
  if (fs::path(args[0]).filename() == "mosquitto") return "broker";
  if (args.size() < 2) return "";
  for (const char* role : {"master", "worker", "balancer", "api"}) {
    if (args[1] == role) return role;
  }
  return "";
}

// A field of /proc/<pid>/status in bytes ("VmRSS:   1234 kB"), or -1.
double StatusBytes(const fs::path& proc_dir, const std::string& field) {
  std::ifstream in(proc_dir / "status");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with(field + ":")) continue;
    std::istringstream value(line.substr(field.size() + 1));
    double kb = -1;
    value >> kb;
    return kb < 0 ? -1 : kb * 1024;
  }
  return -1;
}

std::string DirPrefix(const std::string& fog_dir) {
  std::error_code ec;
  std::string dir = fs::absolute(fog_dir, ec).lexically_normal().string();
  if (!dir.ends_with('/')) dir += '/';  // /tmp/fog must not match /tmp/fog2
  return dir;
}

}  // namespace

std::map<std::string, double> RssBytesByRole(const std::string& fog_dir,
                                             bool peak) {
  const std::string dir = DirPrefix(fog_dir);
  std::error_code ec;
  std::map<std::string, double> rss;
  for (const fs::directory_entry& e : fs::directory_iterator("/proc", ec)) {
    const std::string pid = e.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string role = RoleOf(CommandLine(e.path()), dir);
    if (role.empty()) continue;
    const double b = StatusBytes(e.path(), peak ? "VmHWM" : "VmRSS");
    if (b >= 0) rss[role] = std::max(rss[role], b);
  }
  return rss;
}

std::map<std::string, double> CpuSecondsByRole(const std::string& fog_dir) {
  std::error_code ec;
  const std::string dir = DirPrefix(fog_dir);
  std::map<std::string, double> cpu;
  for (const fs::directory_entry& e : fs::directory_iterator("/proc", ec)) {
    const std::string pid = e.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string role = RoleOf(CommandLine(e.path()), dir);
    if (role.empty()) continue;
    const double s = ProcessCpuSeconds(e.path());
    if (s >= 0) cpu[role] += s;
  }
  cpu["bench"] = ProcessCpuSeconds("/proc/self");
  return cpu;
}

std::map<std::string, double> CpuSpent(
    const std::map<std::string, double>& before,
    const std::map<std::string, double>& after) {
  std::map<std::string, double> spent;
  for (const auto& [role, s] : after) {
    auto it = before.find(role);
    spent[role] = s - (it == before.end() ? 0 : it->second);
  }
  return spent;
}

}  // namespace fog::bench
