// The balancer's view of the workers: the latest stats each one sent and the
// last ping it answered. A worker takes part in the policy while it has
// answered one of the last `missed_periods` pings; one that says "offline"
// leaves at once; either way it comes back with its next answer. Nothing
// here names a worker in advance: workers are discovered by their answers.
//
// Thread-safety: not thread-safe; the Balancer serialises access.

#ifndef FOG_BALANCER_WORKER_TABLE_H_
#define FOG_BALANCER_WORKER_TABLE_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "balancer/solver.h"
#include "common/bytes.h"
#include "common/status.h"

namespace fog::balancer {

class WorkerTable {
 public:
  struct Entry {
    WorkerLoad load;          // what the solver needs
    nlohmann::json stats;     // the whole answer, for the dashboard
    uint64_t last_round = 0;  // the ping it answered last
  };

  // REQUIRES: missed_periods >= 1.
  explicit WorkerTable(int missed_periods) : missed_periods_(missed_periods) {}

  // A stats answer from fog/stats/<worker> (docs/balancer.md). The table is
  // unchanged and InvalidArgument says why when the worker name is not valid,
  // the payload is not a JSON object with a "seq" in 1..`current_round`, a
  // finite "cpu" in [0, 100] and a finite "free_storage" >= 0.
  Status OnStats(const std::string& worker, std::span<const uint8_t> payload,
                 uint64_t current_round);

  // The worker announced "offline" (or its last will did): it leaves now.
  void OnOffline(const std::string& worker);

  // The workers in the policy before ping `round` goes out: those that
  // answered one of pings round-missed_periods .. round-1. Sorted by name.
  std::vector<Entry> Current(uint64_t round) const;

 private:
  const int missed_periods_;
  std::map<std::string, Entry> entries_;
};

}  // namespace fog::balancer

#endif  // FOG_BALANCER_WORKER_TABLE_H_
