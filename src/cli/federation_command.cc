// fog federation: this fog's links to its peer fogs (fog up runs it as a
// child; docs/federation.md).

#include <spdlog/spdlog.h>

#include <vector>

#include "cli/commands.h"
#include "cli/federation_flags.h"
#include "cli/metrics_flags.h"
#include "cli/mqtt_flags.h"
#include "cli/signals.h"
#include "federation/federation.h"

namespace fog::cli {

namespace {

struct FederationArgs {
  MqttFlags mqtt;
  FederationFlags federation;
  std::string api;
  MetricsFlags metrics;  // --metrics-listen and its TLS files
};

int RunFederation(FederationArgs args) {
  BlockTerminationSignals();
  Result<std::vector<federation::PeerEndpoint>> peers =
      ResolvePeers(args.federation);
  if (!peers.ok()) {
    ReportError(peers.status().message());
    return kExitUsage;
  }
  ResolveMqttUri(&args.mqtt, "federation");
  Result<std::unique_ptr<federation::Federation>> node = MakeFederation(
      args.federation,
      ToFederationOptions(args.federation, std::move(*peers),
                          ToConnectOptions(args.mqtt), args.api));
  if (!node.ok()) {
    ReportError(node.status().message());
    return kExitUsage;
  }
  metrics::Exporter exporter("federation");
  AddFederationMetrics(exporter, **node);
  Status s = StartMetrics(exporter, args.metrics);
  if (s.ok()) s = (*node)->Start();
  if (!s.ok()) {
    ReportError(s.ToString());
    return kExitUsage;
  }
  WaitForTerminationSignal();
  (*node)->Stop();
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
      "the peers. --trust is required.");
  AddMqttFlags(cmd, &args->mqtt, "");
  AddFederationFlags(cmd, &args->federation);
  cmd->add_option("--api", args->api,
                  "This fog's registry API, read for the catalog");
  AddMetricsFlags(cmd, &args->metrics);
  cmd->callback([args, exit_code] { *exit_code = RunFederation(*args); });
}

}  // namespace fog::cli
