// The figures of summary.json, computed from the events alone so that
// anyone can recount them from events.csv (docs/experiments.md gives each
// formula).
//
// Thread-safety: pure functions.

#ifndef FOG_EXPERIMENT_SUMMARY_H_
#define FOG_EXPERIMENT_SUMMARY_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "experiment/events.h"

namespace fog::experiment {

// The nearest-rank percentile (p in 0..100) of `values`; 0 when empty.
double Percentile(std::vector<double> values, double p);

// One published packet's fate.
struct PacketOutcome {
  const PacketEvent* event = nullptr;
  int copies = 0;             // distinct workers that stored it
  double complete_ms = -1;    // when the R-th copy's ack arrived
  double dispatched_ms = -1;  // its first copy's dispatch, when known
  // "complete" (R copies), "under-replicated" (1..R-1), "lost" (none), or
  // "unacknowledged" (the broker never acknowledged the publish: not the
  // fog's to keep).
  std::string verdict;
};

std::vector<PacketOutcome> Outcomes(const Events& events, int replicas);

// Stored acks beyond the first by one worker for one packet.
int64_t DuplicateStores(const Events& events);

// summary.json: packets_per_s, latency_ms {p50, p95, p99, max}, packets_*,
// verdicts, realtime lag, viewer availability, recovery after the last
// fault. `duration_s` is the publishing time.
nlohmann::json Summarize(const Events& events, int replicas, double duration_s);

// The most live streams held in real time: the number of streams started by
// second t (a stream is live from its first packet's slot), for the last t
// up to which every second's packets were stored R times within
// `bound_ms` of their slot (publish lag and latency together). 0 when the
// first second already fails.
int64_t MaxStreamsHeld(const Events& events, int replicas, double bound_ms);

// The value at a dotted path ("latency_ms.p99") of a JSON document, if it
// is a number (booleans count as 0/1).
bool LookupNumber(const nlohmann::json& doc, const std::string& path,
                  double* value);

}  // namespace fog::experiment

#endif  // FOG_EXPERIMENT_SUMMARY_H_
