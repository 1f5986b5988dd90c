#include "cli/federation_flags.h"

#include <unistd.h>

#include <cstdlib>

#include "cli/metrics_flags.h"
#include "metrics/callback_collector.h"
#include "metrics/counters_collector.h"
#include "trust/trust_store.h"

namespace fog::cli {

void AddFederationFlags(CLI::App* cmd, FederationFlags* flags) {
  flags->name_option = cmd->add_option(
      "--name", flags->name,
      "This fog's name among its peers (default: the host name)");
  cmd->add_option("--peer", flags->peers,
                  "A peer's broker, mqtt://USER:PASSWORD@HOST:PORT or "
                  "mqtts://USER:PASSWORD@HOST:PORT?ca=FILE[&cert=FILE&key="
                  "FILE] (repeatable; comma-separated in a config file)")
      ->delimiter(',');
  cmd->add_option("--trust", flags->trust_dir,
                  "Trusted publisher keys: every packet from a peer is "
                  "verified against them");
  cmd->add_option("--max-hops", flags->max_hops,
                  "Hops a request started here may take")
      ->capture_default_str()
      ->check(CLI::Range(0, 8));
  cmd->add_option("--request-timeout-ms", flags->request_timeout_ms,
                  "A forwarded request ends (with what came) after this")
      ->capture_default_str()
      ->check(CLI::Range(100, 600000));
  cmd->add_option("--peer-down-after-ms", flags->peer_down_after_ms,
                  "A peer silent this long is down")
      ->capture_default_str()
      ->check(CLI::Range(100, 600000));
  cmd->add_option("--cache-mb", flags->cache_mb,
                  "Bound of the cache of verified packets pulled from peers "
                  "(0: no cache); never counted as a durable copy")
      ->capture_default_str()
      ->check(CLI::Range(0, 1 << 20));
  cmd->add_option("--pins-file", flags->pins_file,
                  "Where the pins this fog holds for its peers are kept "
                  "(empty: not kept across restarts)");
  cmd->add_option("--max-pins", flags->max_pins,
                  "Pins followed at once; beyond, a pin is refused")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  cmd->add_flag("--tamper-for-test", flags->tamper_for_test,
                "Tests only: alter every packet sent to peers (a hostile "
                "peer)")
      ->group("");
}

Result<std::vector<federation::PeerEndpoint>> ResolvePeers(
    const FederationFlags& flags) {
  std::vector<federation::PeerEndpoint> peers;
  if (!flags.peers.empty()) {
    for (const std::string& uri : flags.peers) {
      Result<federation::PeerEndpoint> p = federation::ParsePeerUri(uri);
      if (!p.ok()) {
        return Status::InvalidArgument("--peer: " + p.status().message());
      }
      peers.push_back(std::move(*p));
    }
  } else if (const char* edges = std::getenv("OTHER_EDGES");
             edges != nullptr && *edges != '\0') {
    Result<std::vector<federation::PeerEndpoint>> list =
        federation::ParseOtherEdges(edges);
    if (!list.ok()) {
      return Status::InvalidArgument("OTHER_EDGES: " + list.status().message());
    }
    peers = std::move(*list);
  }
  for (const federation::PeerEndpoint& p : peers) {
    if (Status s = federation::CheckPeerFiles(p); !s.ok()) return s;
  }
  return peers;
}

std::string HostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof(buf) - 1) != 0) return "fog";
  return buf;
}

federation::FederationOptions ToFederationOptions(
    const FederationFlags& flags, std::vector<federation::PeerEndpoint> peers,
    mqtt::ConnectOptions local, std::string api_url) {
  federation::FederationOptions o;
  o.name = flags.name.empty() ? HostName() : flags.name;
  if (local.client_id.empty()) local.client_id = "fog-federation-" + o.name;
  o.local = std::move(local);
  o.peers = std::move(peers);
  o.api_url = std::move(api_url);
  o.max_hops = flags.max_hops;
  o.request_timeout = std::chrono::milliseconds(flags.request_timeout_ms);
  o.peer_down_after = std::chrono::milliseconds(flags.peer_down_after_ms);
  o.cache_bytes = flags.cache_mb << 20;
  o.pins_file = flags.pins_file;
  o.max_pins = flags.max_pins;
  o.tamper_for_test = flags.tamper_for_test;
  return o;
}

Result<std::unique_ptr<federation::Federation>> MakeFederation(
    const FederationFlags& flags, federation::FederationOptions options) {
  if (flags.trust_dir.empty()) {
    return Status::InvalidArgument(
        "--trust DIR is needed: every packet from a peer is verified "
        "against its keys");
  }
  std::vector<std::string> rejected;
  Result<trust::TrustStore> trust =
      trust::TrustStore::LoadDir(flags.trust_dir, &rejected);
  if (!trust.ok()) {
    return Status::InvalidArgument("--trust: " + trust.status().ToString());
  }
  return std::make_unique<federation::Federation>(std::move(options),
                                                  std::move(*trust));
}

void AddFederationMetrics(metrics::Exporter& exporter,
                          const federation::Federation& node) {
  exporter.Add(std::make_shared<metrics::CountersCollector>("federation",
                                                            node.counters()));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_federation_pins_active",
      "Videos pinned here by peers and not yet complete", metrics::Kind::kGauge,
      [&node] {
        return std::vector<metrics::Sample>{
            {{}, static_cast<double>(node.PinsActive())}};
      }));
  auto per_peer = [&node](auto value) {
    return [&node, value] {
      std::vector<metrics::Sample> out;
      for (const federation::PeerState& p : node.Peers()) {
        const std::string label = p.name.empty() ? p.address : p.name;
        out.push_back({{{"peer", label}}, value(p)});
      }
      return out;
    };
  };
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_federation_peer_connected",
      "1 while the peer answered within the down timeout",
      metrics::Kind::kGauge, per_peer([](const federation::PeerState& p) {
        return p.connected ? 1.0 : 0.0;
      })));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_federation_peer_rtt_seconds", "The last hello round trip",
      metrics::Kind::kGauge, per_peer([](const federation::PeerState& p) {
        return p.rtt_ms / 1000.0;
      })));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_federation_peer_last_heard_seconds",
      "Seconds since the peer was last heard from (-1: never)",
      metrics::Kind::kGauge, per_peer([](const federation::PeerState& p) {
        return p.last_heard_ms_ago < 0 ? -1.0 : p.last_heard_ms_ago / 1000.0;
      })));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_federation_peer_send_queue",
      "Publishes waiting on the connection that carries the peer's link",
      metrics::Kind::kGauge, per_peer([](const federation::PeerState& p) {
        return static_cast<double>(p.send_queue);
      })));
  // What waits inside the component, each under its documented bound.
  auto load = [&node](auto value) {
    return [&node, value] {
      return std::vector<metrics::Sample>{
          {{}, static_cast<double>(value(node.Load()))}};
    };
  };
  using Load = federation::FederationLoad;
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_federation_outbox_messages",
      "Messages decided and waiting to be published", metrics::Kind::kGauge,
      load([](const Load& l) { return l.outbox; })));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_federation_pending_requests", "Forwarded requests in flight",
      metrics::Kind::kGauge,
      load([](const Load& l) { return l.pending_requests; })));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_federation_pending_bytes",
      "Bytes of peers' replies buffered for requests in flight",
      metrics::Kind::kGauge,
      load([](const Load& l) { return l.pending_bytes; })));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_federation_jobs_waiting", "Local fetches queued for peers",
      metrics::Kind::kGauge,
      load([](const Load& l) { return l.jobs_waiting; })));
  const federation::PulledPacketCache& cache = node.cache();
  auto one = [&cache](auto value) {
    return [&cache, value] {
      return std::vector<metrics::Sample>{
          {{}, static_cast<double>(value(cache))}};
    };
  };
  using Cache = federation::PulledPacketCache;
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_federation_cache_hits_total",
      "Local requests answered from the cache of pulled packets",
      metrics::Kind::kCounter, one([](const Cache& c) { return c.hits(); })));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_federation_cache_misses_total",
      "Local requests the cache could not answer whole (asked of the peers)",
      metrics::Kind::kCounter, one([](const Cache& c) { return c.misses(); })));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_federation_cache_evictions_total",
      "Packets evicted from the cache to stay within its bound",
      metrics::Kind::kCounter,
      one([](const Cache& c) { return c.evictions(); })));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_federation_cache_bytes",
      "Bytes of verified pulled packets in the cache (never a durable copy)",
      metrics::Kind::kGauge, one([](const Cache& c) { return c.bytes(); })));
  AddMqttMetrics(exporter, "federation", node.local_client());
}

}  // namespace fog::cli
