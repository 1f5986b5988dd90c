// Latency histograms: the master's dispatch latency (dispatch to the
// worker's durable ack) and the worker's store latency (arrival to the
// fdatasync'd ack), in seconds, with buckets that cover both a lone fsync on
// a fast disk and a group commit under load.
//
// Thread-safety: prometheus::Histogram::Observe is thread-safe; so is the
// returned observer.

#ifndef FOG_METRICS_LATENCY_H_
#define FOG_METRICS_LATENCY_H_

#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <functional>
#include <string>

namespace fog::metrics {

// Upper bounds in seconds, 0.25 ms .. 30 s, about 2.5x apart (+Inf is
// implicit).
const prometheus::Histogram::BucketBoundaries& LatencyBuckets();

// Adds the family `name` (no labels) to `registry` and returns its one
// histogram, which lives as long as the registry. REQUIRES: `name` is a
// valid Prometheus name not yet in `registry` with another type.
prometheus::Histogram& AddLatencyHistogram(prometheus::Registry& registry,
                                           const std::string& name,
                                           const std::string& help);

// A hook to hand to a component (Master::ObserveAckLatency, ...): observes
// its argument, in seconds, into `histogram`; negative values count as 0.
// REQUIRES: `histogram` outlives the returned function.
std::function<void(double)> Observer(prometheus::Histogram& histogram);

}  // namespace fog::metrics

#endif  // FOG_METRICS_LATENCY_H_
