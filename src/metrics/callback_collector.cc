#include "metrics/callback_collector.h"

#include <utility>

#include "metrics/counters_collector.h"

namespace fog::metrics {

CallbackCollector::CallbackCollector(std::string name, std::string help,
                                     Kind kind, Reader read)
    : name_(SanitizeName(name)),
      help_(std::move(help)),
      kind_(kind),
      read_(std::move(read)) {}

std::vector<prometheus::MetricFamily> CallbackCollector::Collect() const {
  std::vector<Sample> samples = read_();
  if (samples.empty()) return {};
  prometheus::MetricFamily f;
  f.name = name_;
  f.help = help_;
  f.type = kind_ == Kind::kCounter ? prometheus::MetricType::Counter
                                   : prometheus::MetricType::Gauge;
  for (Sample& s : samples) {
    prometheus::ClientMetric m;
    for (auto& [label, value] : s.labels) {
      m.label.push_back({SanitizeName(label), std::move(value)});
    }
    if (kind_ == Kind::kCounter) {
      m.counter.value = s.value;
    } else {
      m.gauge.value = s.value;
    }
    f.metric.push_back(std::move(m));
  }
  return {std::move(f)};
}

}  // namespace fog::metrics
