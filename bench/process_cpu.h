// CPU time of a fog's processes, by role, read from /proc: what the datapath
// benchmark charges to each path besides its wall time.

#ifndef FOG_BENCH_PROCESS_CPU_H_
#define FOG_BENCH_PROCESS_CPU_H_

#include <map>
#include <string>

namespace fog::bench {

// Seconds of CPU (user + system) used so far by the processes whose command
// line names `fog_dir` (the broker as "broker", the fog components by their
// subcommand: "master", "worker" summed over workers, "balancer", "api"),
// and by this process as "bench". Processes that exit in between are not
// counted; take two snapshots and subtract.
std::map<std::string, double> CpuSecondsByRole(const std::string& fog_dir);

// Resident memory (VmRSS, bytes) of the fog's processes by role, as
// CpuSecondsByRole names them ("worker" is the largest worker's, not a sum);
// with `peak`, VmHWM instead: the highest since each process started.
std::map<std::string, double> RssBytesByRole(const std::string& fog_dir,
                                             bool peak = false);

// after - before, per role; roles missing from `before` count from zero.
std::map<std::string, double> CpuSpent(
    const std::map<std::string, double>& before,
    const std::map<std::string, double>& after);

}  // namespace fog::bench

#endif  // FOG_BENCH_PROCESS_CPU_H_
