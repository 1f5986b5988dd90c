#include "metrics/latency.h"

#include <algorithm>

namespace fog::metrics {

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1,     0.25,   0.5,   1,      2.5,   5,    10,    30};
  return kBuckets;
}

prometheus::Histogram& AddLatencyHistogram(prometheus::Registry& registry,
                                           const std::string& name,
                                           const std::string& help) {
  return prometheus::BuildHistogram()
      .Name(name)
      .Help(help)
      .Register(registry)
      .Add({}, LatencyBuckets());
}

std::function<void(double)> Observer(prometheus::Histogram& histogram) {
  return [&histogram](double seconds) {
    histogram.Observe(std::max(0.0, seconds));
  };
}

}  // namespace fog::metrics
