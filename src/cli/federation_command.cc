// fog federation: this fog's links to its peer fogs (fog up runs it as a
// child; docs/federation.md).

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "cli/commands.h"
#include "cli/metrics_flags.h"
#include "cli/mqtt_flags.h"
#include "cli/signals.h"
#include "federation/federation.h"
#include "federation/peer_uri.h"
#include "metrics/callback_collector.h"
#include "metrics/counters_collector.h"

namespace fog::cli {

namespace {

struct FederationArgs {
  MqttFlags mqtt;
  std::string name;
  std::vector<std::string> peers;
  std::string api;
  std::string trust_dir;
  int max_hops = 3;
  int request_timeout_ms = 8000;
  int peer_down_after_ms = 5000;
  std::string pins_file;
  size_t max_pins = 16;
  MetricsFlags metrics;  // --metrics-listen and its TLS files
  bool tamper_for_test = false;
};

std::string HostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof(buf) - 1) != 0) return "fog";
  return buf;
}

void AddFederationMetrics(metrics::Exporter& exporter,
                          federation::Federation& node,
                          const mqtt::Client* none) {
  (void)none;
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_federation_pins_active",
      "Videos pinned here by peers and not yet complete", metrics::Kind::kGauge,
      [&node] {
        return std::vector<metrics::Sample>{
            {{}, static_cast<double>(node.PinsActive())}};
      }));
  exporter.Add(std::make_shared<metrics::CountersCollector>("federation",
                                                            node.counters()));
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
}

int RunFederation(FederationArgs args) {
  BlockTerminationSignals();
  if (args.name.empty()) args.name = HostName();
  std::vector<federation::PeerEndpoint> peers;
  for (const std::string& uri : args.peers) {
    Result<federation::PeerEndpoint> p = federation::ParsePeerUri(uri);
    if (!p.ok()) {
      ReportError("--peer: " + p.status().message());
      return kExitUsage;
    }
    peers.push_back(std::move(*p));
  }
  // The seed's variable, when no --peer was given.
  if (const char* edges = std::getenv("OTHER_EDGES");
      args.peers.empty() && edges != nullptr && *edges != '\0') {
    Result<std::vector<federation::PeerEndpoint>> list =
        federation::ParseOtherEdges(edges);
    if (!list.ok()) {
      ReportError("OTHER_EDGES: " + list.status().message());
      return kExitUsage;
    }
    peers = std::move(*list);
  }
  std::vector<std::string> rejected;
  Result<trust::TrustStore> trust =
      trust::TrustStore::LoadDir(args.trust_dir, &rejected);
  if (!trust.ok()) {
    ReportError("--trust: " + trust.status().ToString());
    return kExitUsage;
  }
  ResolveMqttUri(&args.mqtt, "federation");
  if (args.mqtt.client_id.empty()) {
    args.mqtt.client_id = "fog-federation-" + args.name;
  }
  federation::Federation node(
      {.name = args.name,
       .local = ToConnectOptions(args.mqtt),
       .peers = std::move(peers),
       .api_url = args.api,
       .max_hops = args.max_hops,
       .request_timeout = std::chrono::milliseconds(args.request_timeout_ms),
       .peer_down_after = std::chrono::milliseconds(args.peer_down_after_ms),
       .pins_file = args.pins_file,
       .max_pins = args.max_pins,
       .tamper_for_test = args.tamper_for_test},
      std::move(*trust));
  metrics::Exporter exporter("federation");
  AddFederationMetrics(exporter, node, nullptr);
  AddMqttMetrics(exporter, "federation", node.local_client());
  Status s = StartMetrics(exporter, args.metrics);
  if (s.ok()) s = node.Start();
  if (!s.ok()) {
    ReportError(s.ToString());
    return kExitUsage;
  }
  WaitForTerminationSignal();
  node.Stop();
  exporter.Stop();
  return kExitOk;
}

}  // namespace

void AddFederationCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<FederationArgs>();
  auto* cmd =
      app.add_subcommand("federation",
                         "Link this fog to its peers: catalogs, forwarding, "
                         "verified pull-through");
  cmd->footer(
      "--config FILE reads \"key = value\" lines of these long option names. "
      "Without --peer, the seed's OTHER_EDGES (a JSON list of URIs) names "
      "the peers.");
  AddMqttFlags(cmd, &args->mqtt, "");
  cmd->add_option("--name", args->name,
                  "This fog's name among its peers (default: the host name)");
  cmd->add_option("--peer", args->peers,
                  "A peer's broker, mqtt://USER:PASSWORD@HOST:PORT "
                  "(repeatable; comma-separated in a config file)")
      ->delimiter(',');
  cmd->add_option("--api", args->api,
                  "This fog's registry API, read for the catalog");
  cmd->add_option("--trust", args->trust_dir,
                  "Trusted publisher keys: every packet from a peer is "
                  "verified against them")
      ->required();
  cmd->add_option("--max-hops", args->max_hops,
                  "Hops a request started here may take")
      ->capture_default_str()
      ->check(CLI::Range(0, 8));
  cmd->add_option("--request-timeout-ms", args->request_timeout_ms,
                  "A forwarded request ends (with what came) after this")
      ->capture_default_str();
  cmd->add_option("--peer-down-after-ms", args->peer_down_after_ms,
                  "A peer silent this long is down")
      ->capture_default_str();
  cmd->add_option("--pins-file", args->pins_file,
                  "Where the pins this fog holds for its peers are kept "
                  "(empty: not kept across restarts)");
  cmd->add_option("--max-pins", args->max_pins,
                  "Pins followed at once; beyond, a pin is refused")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  cmd->add_flag("--tamper-for-test", args->tamper_for_test,
                "Tests only: alter every packet sent to peers (a hostile "
                "peer)")
      ->group("");
  AddMetricsFlags(cmd, &args->metrics);
  cmd->callback([args, exit_code] { *exit_code = RunFederation(*args); });
}

}  // namespace fog::cli
