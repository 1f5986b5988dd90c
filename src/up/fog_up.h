// `fog up`: a complete local fog as child processes: a Mosquitto broker from
// a generated config, `fog ws-bridge` serving MQTT over WebSockets in front
// of it, the registry API, the master, N workers and the load
// balancer, with
// a broker login per component (up/identity_store.h), a default publisher key
// that the workers trust, and <dir>/fog.json describing it all for the other
// commands.
//
// Thread-safety: not thread-safe; one owner thread.

#ifndef FOG_UP_FOG_UP_H_
#define FOG_UP_FOG_UP_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/fog_descriptor.h"
#include "up/supervisor.h"
#include "up/tls_setup.h"

namespace fog::federation {
struct PeerEndpoint;
}  // namespace fog::federation

namespace fog::up {

struct UpOptions {
  std::string dir = config::kDefaultFogDir;
  int workers = 3;
  std::string bind = "127.0.0.1";
  int mqtt_port = 1883;
  int ws_port = 9001;
  int http_port = 8080;
  size_t max_packet_bytes = 16u << 20;
  // The viewer's broker credentials (fog.json and the API hand them to
  // front ends); empty: generated ones.
  std::string viewer_username;
  std::string viewer_password;
  bool accept_legacy = false;
  int replicas = 2;  // copies of each packet (fewer while fewer workers run)
  int worker_gone_after_ms = 60000;  // then its packets are copied again
  // The master's payload memory (fog master --memory-budget).
  size_t master_memory_budget = size_t{256} << 20;
  // The load balancer: started unless `balancer` is false (the master then
  // dispatches round-robin).
  bool balancer = true;
  std::string balancer_model = "exact";
  int balancer_period_ms = 2000;
  // Federation (docs/federation.md): this fog's name (empty: the host name)
  // and the brokers of peer fogs it dials, mqtt://USER:PASSWORD@HOST:PORT.
  std::string name;
  std::vector<std::string> peers;
  std::string self_exe;  // the fog binary the children run
  // TLS on every listener (docs/security.md#tls): MQTT over TLS, HTTPS for
  // the API, no plaintext listener; the MQTT-over-WebSockets bridge is not
  // started. `tls_sans`: more host names or addresses clients dial, beside
  // the bind address. `tls_mutual`: clients present a certificate of the
  // fog CA too.
  bool tls = false;
  bool tls_mutual = false;
  std::vector<std::string> tls_sans;
  uint64_t worker_store_quota = 0;  // each worker's --store-quota; 0: none
  // Components on hosts of their own (an experiment's `network.hosts`): a
  // role ("broker" for Mosquitto and the WebSockets bridge, "api",
  // "master", "balancer", "federation", "worker-N") -> the network
  // namespace it runs in and the address it listens on there, which fog up
  // and the other hosts reach. A role not named runs beside fog up, at
  // `bind`. Not with `tls` (its certificates name `bind` alone).
  struct Placement {
    std::string netns;  // /var/run/netns/NAME
    std::string address;
  };
  std::map<std::string, Placement> placement;
};

class FogUp {
 public:
  explicit FogUp(UpOptions options) : options_(std::move(options)) {}

  // Prepares the directory and starts every process; returns once
  // GET /health answers 200 (or fails after `timeout`).
  Status Start(std::chrono::seconds timeout = std::chrono::seconds(60));
  // Restarts children that died; call periodically.
  void Poll() { (void)supervisor_.Poll(); }
  void Stop() { supervisor_.StopAll(); }
  // The pid of the child named `name` ("mosquitto", "master", "worker-1",
  // ...), or -1; for experiments that signal a component.
  pid_t pid(const std::string& name) const { return supervisor_.pid(name); }

  const config::FogDescriptor& descriptor() const { return descriptor_; }
  // Human-readable lines: where everything listens and where the logs are.
  std::string Summary() const;
  // The web UI's address, http://HOST:PORT/ (served by the API).
  std::string UiUrl() const;

 private:
  Status Prepare();
  Status EnsurePublisherKey();
  // Picks a free port for the metrics of each process that serves them on
  // its own (the API serves them on its HTTP port).
  Status PickMetricsPorts();
  Status StartChildren();
  Status WaitHealthy(std::chrono::seconds timeout);
  // fog_up_tls.cc: the CA and certificates, the TLS endpoints in the
  // descriptor, and each child's TLS settings.
  Status PrepareTls();
  void TlsDescriptor();
  void AddTls(const std::string& name, const std::string& command,
              RoleConfig* config) const;
  // The TLS files a peer fog dialing this one uses: this fog's CA, and
  // with mutual TLS the certificate issued for the peer role.
  void PeerTls(federation::PeerEndpoint* self) const;
  // The ws-bridge flags for wss:// and TLS to the broker.
  std::vector<std::string> WsBridgeTlsArgs() const;
  // Where the per-component metrics listeners bind: loopback with TLS
  // (HTTPS with the fog CA's "metrics" certificate; the API relays them),
  // else the role's address.
  std::string MetricsHost(const std::string& role) const;
  // Where `role` listens (its placement, else `bind`), the address others
  // dial for it (0.0.0.0 dialed as loopback), and its namespace file.
  std::string Address(const std::string& role) const;
  std::string DialAddress(const std::string& role) const;
  std::string Netns(const std::string& role) const;

  const UpOptions options_;
  std::string dir_;              // absolute
  std::string api_token_;        // reporting scope (workers)
  std::string api_admin_token_;  // administration scope
  std::map<std::string, config::Credentials> credentials_;
  std::string broker_config_;
  config::FogDescriptor descriptor_;
  std::map<std::string, std::string> metrics_listen_;  // role -> HOST:PORT
  Supervisor supervisor_;
  std::optional<TlsFiles> tls_;
};

}  // namespace fog::up

#endif  // FOG_UP_FOG_UP_H_
