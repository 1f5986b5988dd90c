// A metric family whose values are read when Prometheus scrapes, from a
// function: the size of a store, the policy in force, an MQTT client's
// reconnections. Nothing is kept between scrapes, so a worker that left the
// policy leaves the output too.
//
// Thread-safety: Collect() calls `read` on the scraping thread; `read` must
// be safe to call from any thread.

#ifndef FOG_METRICS_CALLBACK_COLLECTOR_H_
#define FOG_METRICS_CALLBACK_COLLECTOR_H_

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace fog::metrics {

struct Sample {
  std::map<std::string, std::string> labels;  // name -> value
  double value = 0;
};

enum class Kind { kCounter, kGauge };

class CallbackCollector : public prometheus::Collectable {
 public:
  using Reader = std::function<std::vector<Sample>()>;

  // `name` and the label names are cut to the Prometheus charset
  // (SanitizeName); a counter's name should end in "_total".
  CallbackCollector(std::string name, std::string help, Kind kind, Reader read);

  // One family; empty when `read` returns no samples.
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const std::string name_;
  const std::string help_;
  const Kind kind_;
  const Reader read_;
};

}  // namespace fog::metrics

#endif  // FOG_METRICS_CALLBACK_COLLECTOR_H_
