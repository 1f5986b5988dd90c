#include "metrics/counters_collector.h"

#include <map>
#include <utility>

namespace fog::metrics {

namespace {

bool NameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == ':';
}

}  // namespace

std::string SanitizeName(std::string_view text) {
  if (text.empty()) return "_";
  std::string out;
  if (text[0] >= '0' && text[0] <= '9') out += '_';
  for (char c : text) out += NameChar(c) ? c : '_';
  return out;
}

std::string LabelFor(std::string_view family) {
  // The dotted counters the components keep (grep "counters_.Add(" and
  // RejectLog): what follows the dot is a reason, a worker or a result.
  static const std::map<std::string_view, std::string_view> kLabels = {
      {"rejected", "reason"},
      {"redispatched", "reason"},
      {"dispatched", "worker"},
      {"acks", "result"},
  };
  auto it = kLabels.find(family);
  return std::string(it == kLabels.end() ? "kind" : it->second);
}

CountersCollector::CountersCollector(std::string component,
                                     const Counters& counters)
    : prefix_("fog_" + SanitizeName(component) + "_"), counters_(counters) {}

std::vector<prometheus::MetricFamily> CountersCollector::Collect() const {
  // Ordered by name so a scrape reads the same way every time.
  std::map<std::string, prometheus::MetricFamily> families;
  for (const auto& [key, value] : counters_.Snapshot()) {
    const size_t dot = key.find('.');
    const std::string family =
        dot == std::string::npos ? key : key.substr(0, dot);
    // The text format appends no suffix: a counter's name ends in _total.
    const std::string name = prefix_ + SanitizeName(family) + "_total";
    prometheus::MetricFamily& f = families[name];
    if (f.name.empty()) {
      f.name = name;
      f.help = "fog counter \"" + family + "\"";
      f.type = prometheus::MetricType::Counter;
    }
    prometheus::ClientMetric m;
    if (dot != std::string::npos) {
      m.label.push_back({LabelFor(family), key.substr(dot + 1)});
    }
    m.counter.value = static_cast<double>(value);
    f.metric.push_back(std::move(m));
  }
  std::vector<prometheus::MetricFamily> out;
  out.reserve(families.size());
  for (auto& [name, f] : families) out.push_back(std::move(f));
  return out;
}

}  // namespace fog::metrics
