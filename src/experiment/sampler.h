// Once a second while an experiment runs: CPU and resident memory of each of
// the fog's processes from /proc, and the master's queue depths, policy
// weights and per-worker dispatches from its /metrics. Rows go to
// samples.csv in long form: t_s, metric, label, value.
//
// Thread-safety: one owner thread.

#ifndef FOG_EXPERIMENT_SAMPLER_H_
#define FOG_EXPERIMENT_SAMPLER_H_

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace fog::experiment {

struct Sample {
  double t_s = 0;
  std::string metric;
  std::string label;
  double value = 0;
};

// A line of Prometheus text exposition: name, the label text between the
// braces (empty without), value. Comments and malformed lines are skipped.
struct PromLine {
  std::string name;
  std::string labels;
  double value = 0;
};
std::vector<PromLine> ParsePrometheus(const std::string& text);

// The value of `key` in label text such as `worker="worker-1",x="y"`.
std::string LabelValue(const std::string& labels, const std::string& key);

// CPU seconds (user + system) and resident bytes of a process; false when
// it is gone.
bool ReadProcess(pid_t pid, double* cpu_seconds, double* rss_bytes);

class Sampler {
 public:
  // `master_metrics`: the master's /metrics URL (may be empty).
  // `ca_file`: the fog CA an https:// metrics URL is verified against.
  explicit Sampler(std::string master_metrics, std::string ca_file = "")
      : master_metrics_(std::move(master_metrics)),
        ca_file_(std::move(ca_file)) {}

  // Appends this second's rows. `processes`: name -> pid (pid <= 0 skipped).
  void Take(double t_s, const std::map<std::string, pid_t>& processes,
            std::vector<Sample>* out);

 private:
  void TakeMetrics(double t_s, double dt, std::vector<Sample>* out);

  std::string master_metrics_;
  std::string ca_file_;
  double last_t_ = -1;
  std::map<std::string, std::pair<pid_t, double>> cpu_;  // name -> pid, s
  std::map<std::string, double> dispatched_;             // worker -> total
};

}  // namespace fog::experiment

#endif  // FOG_EXPERIMENT_SAMPLER_H_
