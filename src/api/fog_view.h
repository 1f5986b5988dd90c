// FogView: what the API knows of the fog's components from MQTT, for
// GET /health and GET /fog. It is fed the retained status topics
// (fog/status/#), the workers' stats answers (fog/stats/+) and the
// balancer's retained policy (fog/policy); it never talks to the broker.
//
// Thread-safety: all methods are safe to call concurrently.

#ifndef FOG_API_FOG_VIEW_H_
#define FOG_API_FOG_VIEW_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "api/api_server.h"

namespace fog::api {

struct FogViewOptions {
  int expected_workers = 1;  // /health is 200 once this many are online
  bool expect_balancer = false;
};

class FogView {
 public:
  explicit FogView(FogViewOptions options) : options_(options) {}

  // One MQTT message. Topics other than the three families are ignored;
  // a stats or policy payload that is not a JSON object is dropped and
  // counted (rejected_payloads()).
  void OnMessage(std::string_view topic, std::span<const uint8_t> payload);

  // Ok when MQTT is connected, the master is online, at least
  // expected_workers workers are online and (if expected) the balancer is.
  HealthReport Health(bool mqtt_connected) const;

  // GET /fog: {"status", "components": [...], "workers": {name: {"state",
  // "stats": {...} | null}}, "policy": {...} | null, "federation": {...} |
  // null}; "federation" is the federation component's retained status
  // (its peers and the federation's videos, docs/federation.md).
  std::string FogJson(bool mqtt_connected) const;
  // That federation status alone; empty before one arrived.
  std::string FederationJson() const;

  uint64_t rejected_payloads() const;

 private:
  const FogViewOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, bool> roles_;         // "master", "balancer", "api"
  std::map<std::string, bool> workers_;       // name -> online
  std::map<std::string, std::string> stats_;  // name -> latest stats JSON
  std::string policy_;                        // latest policy JSON
  std::string federation_;  // latest fog/status/federation JSON
  uint64_t rejected_ = 0;
};

}  // namespace fog::api

#endif  // FOG_API_FOG_VIEW_H_
