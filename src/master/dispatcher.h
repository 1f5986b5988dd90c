// Chooses the worker for each packet: weighted by the load balancer's
// policy when one is published and names live workers, round-robin over the
// live workers otherwise (as the seed's master did).
//
// Thread-safety: all methods are safe to call concurrently.

#ifndef FOG_MASTER_DISPATCHER_H_
#define FOG_MASTER_DISPATCHER_H_

#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/status.h"

namespace fog::master {

class Dispatcher {
 public:
  Dispatcher() : rng_(std::random_device{}()) {}

  // Replaces the policy from its JSON form {"weights": {"worker": w, ...}}
  // (extra fields ignored). Weights must be finite and >= 0. An empty or
  // all-zero policy means "no policy": round-robin.
  Status SetPolicy(std::string_view json);

  // The worker for the next packet among `live`, or nullopt if none.
  std::optional<std::string> Choose(const std::vector<std::string>& live);

  // The current policy weights (for metrics and the dashboard).
  std::map<std::string, double> weights() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, double> weights_;
  size_t next_ = 0;  // round-robin cursor
  std::mt19937_64 rng_;
};

}  // namespace fog::master

#endif  // FOG_MASTER_DISPATCHER_H_
