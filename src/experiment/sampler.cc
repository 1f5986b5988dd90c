#include "experiment/sampler.h"

#include <httplib.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tls/http_client.h"

namespace fog::experiment {

std::vector<PromLine> ParsePrometheus(const std::string& text) {
  std::vector<PromLine> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    PromLine p;
    size_t value_at;
    const size_t brace = line.find('{');
    const size_t space = line.find(' ');
    if (brace != std::string::npos && brace < space) {
      const size_t close = line.find('}', brace);
      if (close == std::string::npos) continue;
      p.name = line.substr(0, brace);
      p.labels = line.substr(brace + 1, close - brace - 1);
      value_at = close + 1;
    } else {
      if (space == std::string::npos) continue;
      p.name = line.substr(0, space);
      value_at = space;
    }
    const char* start = line.c_str() + value_at;
    char* end = nullptr;
    p.value = std::strtod(start, &end);
    if (end == start) continue;
    out.push_back(std::move(p));
  }
  return out;
}

std::string LabelValue(const std::string& labels, const std::string& key) {
  const std::string needle = key + "=\"";
  size_t at = 0;
  while ((at = labels.find(needle, at)) != std::string::npos) {
    if (at == 0 || labels[at - 1] == ',') {
      const size_t start = at + needle.size();
      const size_t end = labels.find('"', start);
      return labels.substr(start, end - start);
    }
    at += needle.size();
  }
  return "";
}

bool ReadProcess(pid_t pid, double* cpu_seconds, double* rss_bytes) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return false;
  // The command name may hold spaces: fields count from after its ')'.
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream fields(text.substr(close + 2));
  std::string f;
  double utime = 0, stime = 0;
  for (int i = 3; fields >> f; ++i) {
    if (i == 14) utime = std::atof(f.c_str());
    if (i == 15) {
      stime = std::atof(f.c_str());
      break;
    }
  }
  std::ifstream statm("/proc/" + std::to_string(pid) + "/statm");
  double size = 0, resident = 0;
  if (!(statm >> size >> resident)) return false;
  static const double kTick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  static const double kPage = static_cast<double>(::sysconf(_SC_PAGESIZE));
  *cpu_seconds = (utime + stime) / kTick;
  *rss_bytes = resident * kPage;
  return true;
}

void Sampler::Take(double t_s, const std::map<std::string, pid_t>& processes,
                   std::vector<Sample>* out) {
  const double dt = last_t_ < 0 ? 0 : t_s - last_t_;
  for (const auto& [name, pid] : processes) {
    double cpu = 0, rss = 0;
    if (pid <= 0 || !ReadProcess(pid, &cpu, &rss)) continue;
    auto it = cpu_.find(name);
    // A restarted process (new pid) starts its own count.
    if (it != cpu_.end() && it->second.first == pid && dt > 0) {
      out->push_back(
          {t_s, "cpu_pct", name, 100.0 * (cpu - it->second.second) / dt});
    }
    cpu_[name] = {pid, cpu};
    out->push_back({t_s, "rss_mib", name, rss / (1 << 20)});
  }
  TakeMetrics(t_s, dt, out);
  last_t_ = t_s;
}

void Sampler::TakeMetrics(double t_s, double dt, std::vector<Sample>* out) {
  if (master_metrics_.empty()) return;
  // http://HOST:PORT/metrics, or https:// under TLS
  const size_t path = master_metrics_.find('/', master_metrics_.find("//") + 2);
  std::unique_ptr<httplib::Client> http =
      tls::MakeHttpClient(master_metrics_.substr(0, path), {ca_file_, "", ""});
  http->set_connection_timeout(0, 300000);
  http->set_read_timeout(0, 500000);
  auto res = http->Get(master_metrics_.substr(path));
  if (!res || res->status != 200) return;
  for (const PromLine& p : ParsePrometheus(res->body)) {
    if (p.name == "fog_master_packets") {
      out->push_back(
          {t_s, "master_" + LabelValue(p.labels, "state"), "", p.value});
    } else if (p.name == "fog_master_memory_bytes") {
      out->push_back({t_s, "master_memory_mib", "", p.value / (1 << 20)});
    } else if (p.name == "fog_master_policy_weight") {
      out->push_back(
          {t_s, "policy_weight", LabelValue(p.labels, "worker"), p.value});
    } else if (p.name == "fog_master_dispatched_total") {
      const std::string worker = LabelValue(p.labels, "worker");
      auto it = dispatched_.find(worker);
      // A restarted master counts from zero again: that second is skipped.
      if (it != dispatched_.end() && dt > 0 && p.value >= it->second) {
        out->push_back(
            {t_s, "dispatched_per_s", worker, (p.value - it->second) / dt});
      }
      dispatched_[worker] = p.value;
    }
  }
}

}  // namespace fog::experiment
