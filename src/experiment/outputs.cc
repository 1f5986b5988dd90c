#include "experiment/outputs.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include "experiment/csv.h"
#include "experiment/summary.h"

namespace fog::experiment {

using nlohmann::json;

const std::vector<std::string>& EventColumns() {
  static const std::vector<std::string> kColumns = {
      "kind",       "video",        "packet",        "worker",
      "at_ms",      "scheduled_ms", "published_ms",  "broker_acked_ms",
      "stored_ms",  "complete_ms",  "copies",        "verdict",
      "latency_ms", "status",       "dispatched_ms", "received_ms",
      "durable_ms"};
  return kColumns;
}

json SpecJson(const Spec& spec) {
  json publishers = json::array(), viewers = json::array(),
       faults = json::array(), assertions = json::array();
  for (const PublisherSpec& p : spec.publishers) {
    publishers.push_back(
        {{"count", p.count},
         {"source", p.source},
         {"path", p.path.empty() ? json(nullptr) : json(p.path)},
         {"bitrate_kbps", p.bitrate_kbps},
         {"gop_s", p.gop_s},
         {"fog", p.fog}});
  }
  for (const ViewerSpec& v : spec.viewers) {
    viewers.push_back({{"kind", v.kind},
                       {"rate_per_s", v.rate_per_s},
                       {"count", v.count},
                       {"fog", v.fog},
                       {"videos_from", v.videos_from}});
  }
  for (const FaultSpec& f : spec.faults) {
    json j = {{"at_s", f.at_s}, {"action", f.action}, {"target", f.target}};
    if (!f.fog.empty()) j["fog"] = f.fog;
    faults.push_back(j);
  }
  json fogs = json::array();
  for (const FogSpec& f : spec.fogs) {
    fogs.push_back({{"name", f.name},
                    {"workers", f.workers},
                    {"replicas", f.replicas},
                    {"balancer", f.balancer},
                    {"balancer_period_ms", f.balancer_period_ms},
                    {"store_quota_bytes", f.store_quota_bytes},
                    {"peers", f.peers}});
  }
  for (const AssertionSpec& a : spec.assertions) {
    json j = {{"metric", a.metric}, {"name", a.Name()}};
    if (a.has_min) j["min"] = a.min;
    if (a.has_max) j["max"] = a.max;
    assertions.push_back(j);
  }
  return {{"name", spec.name},
          {"duration_s", spec.duration_s},
          {"drain_s", spec.drain_s},
          {"seed", spec.seed},
          {"fog",
           {{"workers", spec.fog.workers},
            {"replicas", spec.fog.replicas},
            {"balancer", spec.fog.balancer},
            {"balancer_period_ms", spec.fog.balancer_period_ms},
            {"store_quota_bytes", spec.fog.store_quota_bytes}}},
          {"fogs", fogs},
          {"publishers", publishers},
          {"viewers", viewers},
          {"faults", faults},
          {"assertions", assertions}};
}

namespace {

std::string FirstLine(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return out;
  char buf[256];
  if (std::fgets(buf, sizeof(buf), p)) out = buf;
  ::pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
    out.pop_back();
  return out;
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      return line.substr(line.find(':') + 2);
    }
  }
  return "unknown";
}

}  // namespace

json MachineJson(const std::string& source_dir) {
  struct utsname u {};
  ::uname(&u);
  const std::string commit =
      FirstLine("git -C '" + source_dir + "' rev-parse HEAD 2>/dev/null");
  const std::string dirty = FirstLine(
      "git -C '" + source_dir + "' status --porcelain 2>/dev/null | head -1");
  return {{"commit", commit.empty() ? "unknown" : commit},
          {"dirty", !dirty.empty()},
          {"kernel", std::string(u.sysname) + " " + u.release},
          {"cpu", CpuModel()},
          {"cores", std::thread::hardware_concurrency()},
          {"memory_mib", static_cast<int64_t>(::sysconf(_SC_PHYS_PAGES)) *
                             ::sysconf(_SC_PAGESIZE) / (1 << 20)}};
}

Status WriteJson(const std::string& path, const json& doc) {
  std::ofstream out(path, std::ios::trunc);
  out << doc.dump(2) << "\n";
  out.close();
  return out ? Status::OK() : Status::IoError("cannot write " + path);
}

Status WriteEvents(const std::string& path, const Events& events,
                   int replicas) {
  Result<CsvWriter> w = CsvWriter::Open(path, EventColumns());
  if (!w.ok()) return w.status();
  const std::string none;
  for (const PacketOutcome& o : Outcomes(events, replicas)) {
    const PacketEvent& p = *o.event;
    w->Row(
        {"packet", p.video, std::to_string(p.packet), none, none,
         CsvNumber(p.scheduled_ms), CsvNumber(p.published_ms),
         CsvNumber(p.broker_acked_ms), none, CsvNumber(o.complete_ms),
         std::to_string(o.copies), o.verdict,
         o.complete_ms >= 0 ? CsvNumber(o.complete_ms - p.published_ms) : none,
         none, CsvNumber(o.dispatched_ms), none, none});
  }
  for (const CopyEvent& c : events.copies) {
    w->Row({"copy", c.video, std::to_string(c.packet), c.worker, none, none,
            none, none, CsvNumber(c.stored_ms), none, none, c.verdict, none,
            c.reason, CsvNumber(c.dispatched_ms), CsvNumber(c.received_ms),
            CsvNumber(c.durable_ms)});
  }
  for (const ViewEvent& v : events.views) {
    // With several fogs, `worker` names the fog whose API was asked.
    w->Row({"view", v.video, std::to_string(v.packet), v.fog,
            CsvNumber(v.at_ms), none, none, none, none, none, none, v.kind,
            CsvNumber(v.latency_ms), std::to_string(v.status), none, none,
            none});
  }
  for (const FaultEvent& f : events.faults) {
    w->Row({"fault", f.video, f.packet > 0 ? std::to_string(f.packet) : none,
            f.fog.empty() ? f.target : f.fog + "/" + f.target,
            CsvNumber(f.at_ms), none, none, none, none, none, none, f.action,
            none, f.result, none, none, none});
  }
  return w->Close();
}

Status WriteSamples(const std::string& path,
                    const std::vector<Sample>& samples) {
  Result<CsvWriter> w =
      CsvWriter::Open(path, {"t_s", "metric", "label", "value"});
  if (!w.ok()) return w.status();
  for (const Sample& s : samples) {
    w->Row({CsvNumber(s.t_s), s.metric, s.label, CsvNumber(s.value)});
  }
  return w->Close();
}

}  // namespace fog::experiment
