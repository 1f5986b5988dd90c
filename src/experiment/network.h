// Network emulation for an experiment (docs/experiments.md, `network`): the
// fog as one host in a network namespace of its own, joined to the machine
// by a veth pair through a bridge, with a tbf bandwidth limit each way on
// that link; the experiment's publishers and viewers stay outside, so every
// packet they publish and every answer they get crosses the limited link
// while the fog's components talk to each other inside the namespace.
// The same hosts serve one fog's components placed apart (network.hosts):
// fog up then starts each process in its host's namespace itself.
//
// The fog's processes are placed by starting them from a thread that has
// entered the namespace (a child inherits its parent thread's namespace):
// wrap every call that may start one (FogUp Start and Poll) in Enter/Leave.
// Needs root (CAP_NET_ADMIN) and `ip`/`tc` (iproute2).
//
// Thread-safety: Enter/Leave affect the calling thread only; create and
// destroy from one thread.

#ifndef FOG_EXPERIMENT_NETWORK_H_
#define FOG_EXPERIMENT_NETWORK_H_

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"

namespace fog::experiment {

class FogHost {
 public:
  // Creates the namespace, bridge, veth pair, addresses and tbf limits of
  // `bandwidth_mbit` each way; with `delay_ms` or `loss_pct` > 0 a netem
  // qdisc above each tbf (REQUIRES: NetemAvailable()). Unavailable naming
  // the failed command (not root, no iproute2); whatever was made is
  // removed again.
  // `index` > 0: one more fog's host (several fogs, each a host of its
  // own): its own namespace and veth pair joined to the bridge that index 0
  // made, at the next address; the index-0 host must outlive it.
  static Result<std::unique_ptr<FogHost>> Create(double bandwidth_mbit,
                                                 double delay_ms,
                                                 double loss_pct,
                                                 int index = 0);
  ~FogHost();  // removes the namespace, the bridge and the veth pair

  FogHost(const FogHost&) = delete;
  FogHost& operator=(const FogHost&) = delete;

  // The fog's address inside the namespace, reachable from outside.
  const std::string& address() const { return fog_address_; }

  // Moves the calling thread into the namespace, and back.
  Status Enter();
  Status Leave();

  // For resolved.json's "emulation".
  nlohmann::json Describe() const;

  // Cuts (`cut`) or restores the link between two hosts: a blackhole route
  // to the other's address in each namespace, so neither reaches the other
  // while both still reach the machine (their publishers and viewers).
  // Restoring a link that is not cut is OK.
  static Status SetLink(FogHost& a, FogHost& b, bool cut);
  const std::string& ns() const { return ns_; }

 private:
  FogHost() = default;
  Status Run(const std::string& command);

  std::string ns_, bridge_, veth_host_, veth_fog_;
  std::string host_address_, fog_address_;
  double bandwidth_mbit_ = 0, delay_ms_ = 0, loss_pct_ = 0;
  int root_fd_ = -1, ns_fd_ = -1;
  bool made_ns_ = false, made_bridge_ = false, made_veth_ = false;
};

// Whether the kernel has the netem qdisc (tried in a namespace of its own,
// so nothing of the machine changes); false when it cannot be tried.
bool NetemAvailable();

}  // namespace fog::experiment

#endif  // FOG_EXPERIMENT_NETWORK_H_
