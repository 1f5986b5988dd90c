// Exposes a fog::Counters to Prometheus at scrape time, without touching the
// code that counts: each Collect() takes one Snapshot() and names it.
//
//   "packets_stored"       -> fog_<component>_packets_stored_total
//   "rejected.<reason>"    -> fog_<component>_rejected_total{reason="<reason>"}
//   "dispatched.<worker>"  -> fog_<component>_dispatched_total{worker="..."}
//   "acks.<result>"        -> fog_<component>_acks_total{result="..."}
//   "<family>.<value>"     -> fog_<component>_<family>_total{kind="<value>"}
//
// Names are cut to the Prometheus charset ([a-zA-Z0-9_:], no leading digit);
// label values keep their text (the serializer escapes it). A plain counter
// and a dotted one that end up with the same name share one family.
//
// Thread-safety: Collect() may run concurrently with the counting.

#ifndef FOG_METRICS_COUNTERS_COLLECTOR_H_
#define FOG_METRICS_COUNTERS_COLLECTOR_H_

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <string>
#include <vector>

#include "common/counters.h"

namespace fog::metrics {

// `text` with every character outside [a-zA-Z0-9_:] replaced by '_', and a
// '_' in front when it would start with a digit; "_" for empty text.
std::string SanitizeName(std::string_view text);

// The label name used for the values of a dotted counter family, e.g.
// "reason" for "rejected", "worker" for "dispatched"; "kind" otherwise.
std::string LabelFor(std::string_view family);

class CountersCollector : public prometheus::Collectable {
 public:
  // `component` is the name's middle part ("master", "worker", ...).
  // REQUIRES: `counters` outlives this collector.
  CountersCollector(std::string component, const Counters& counters);

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const std::string prefix_;  // "fog_<component>_"
  const Counters& counters_;
};

}  // namespace fog::metrics

#endif  // FOG_METRICS_COUNTERS_COLLECTOR_H_
