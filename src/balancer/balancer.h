// The load balancer: every period it pings every worker on fog/ping, and
// once all known workers have answered on fog/stats/<worker> (or half a
// period has passed) it publishes the policy computed from their stats,
// retained, on fog/policy. The master applies the policy as soon as it
// arrives, so a change in a worker's load reaches dispatch within two
// periods (docs/balancer.md).
//
// Thread-safety: Start/Stop from one thread; the accessors from any thread.

#ifndef FOG_BALANCER_BALANCER_H_
#define FOG_BALANCER_BALANCER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "balancer/solver.h"
#include "balancer/worker_table.h"
#include "common/counters.h"
#include "mqtt/client.h"

namespace fog::balancer {

struct BalancerOptions {
  std::chrono::milliseconds period{2000};
  int missed_periods = 3;  // a worker silent this many periods leaves
  Model model = Model::kExact;
  // The round to allocate: packets, packet size, λ, CPU threshold (its
  // workers are filled in from the stats).
  Instance round;
};

class Balancer {
 public:
  // REQUIRES: options.period > 0, options.missed_periods >= 1 and
  // Validate(options.round) is OK.
  Balancer(BalancerOptions options, mqtt::Client& client);
  ~Balancer();
  Balancer(const Balancer&) = delete;
  Balancer& operator=(const Balancer&) = delete;

  // The retained status messages; the offline one is the client's last will.
  static mqtt::Message StatusMessage(bool online);

  // Subscribes, announces the balancer online and starts the rounds.
  // REQUIRES: the client is connected and has no message handler yet.
  Status Start();
  void Stop();

  const Counters& counters() const { return counters_; }
  // The last policy published (JSON), empty before the first.
  std::string policy() const;

 private:
  void OnMessage(const mqtt::Message& m);
  void Run();
  // True when every worker in the policy answered ping `round`.
  // REQUIRES: mu_ held.
  bool AllAnswered(uint64_t round) const;
  // Solves for the workers that answered one of the last missed_periods
  // pings up to `round` and publishes the policy.
  void PublishPolicy(uint64_t round);

  const BalancerOptions options_;
  mqtt::Client& client_;
  Counters counters_;
  RejectLog reject_log_;

  mutable std::mutex mu_;
  std::condition_variable answered_;  // a stats answer came, or Stop()
  WorkerTable table_;
  uint64_t round_ = 0;  // the last ping sent
  std::string policy_;
  std::vector<std::string> last_workers_;  // in the last policy, for the log

  std::atomic<bool> running_{false};
  std::thread loop_;
};

}  // namespace fog::balancer

#endif  // FOG_BALANCER_BALANCER_H_
