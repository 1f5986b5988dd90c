// The JSON forms of the load balancer's allocation model: the instance
// `fog balance solve` reads, the allocation it prints, and the policy the
// balancer publishes for the master (docs/balancer.md). nlohmann::json stays
// inside solver_json.cc; its exceptions become Status there.
//
// Thread-safety: every function is reentrant; nothing is shared.

#ifndef FOG_BALANCER_SOLVER_JSON_H_
#define FOG_BALANCER_SOLVER_JSON_H_

#include <string>
#include <string_view>

#include "balancer/solver.h"
#include "common/status.h"

namespace fog::balancer {

// The instance from its JSON form (docs/balancer.md):
//   {"packets": N, "packet_size": bytes, "lambda": x, "cpu_threshold": %,
//    "workers": [{"name": "...", "cpu": %, "free_storage": bytes}, ...]}
// Absent optional fields take the kDefault* values; extra fields are
// ignored. InvalidArgument on malformed JSON, a missing or mistyped field,
// or an instance that Validate() rejects.
Result<Instance> ParseInstance(std::string_view json);

// The solver's answer as one JSON object:
//   {"allocation": {"<worker>": n, ...}, "objective": x}
// plus "unassigned": k when k > 0, "feasible": false and "error": "..." when
// infeasible, and "overload_fallback": true when it applied.
// REQUIRES: `allocation` was computed from `instance`.
std::string AllocationJson(const Instance& instance,
                           const Allocation& allocation);

// The master's policy (master/dispatcher.h reads "weights"):
//   {"weights": {"<worker>": n_j/N, ...}, "capacities": {"<worker>": cap},
//    "model": "exact", "objective": x}
// Weights are all 0 when N == 0 (the master then round-robins).
// REQUIRES: `allocation` was computed from `instance`.
std::string PolicyJson(const Instance& instance, const Allocation& allocation);

}  // namespace fog::balancer

#endif  // FOG_BALANCER_SOLVER_JSON_H_
