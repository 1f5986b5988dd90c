// The federation flags `fog federation` and `fog master` share
// (docs/federation.md): this fog's name, its peers (--peer, else the seed's
// OTHER_EDGES), the trust directory peers' packets are checked against,
// the hop limit and timeouts; and the federation's metrics.

#ifndef FOG_CLI_FEDERATION_FLAGS_H_
#define FOG_CLI_FEDERATION_FLAGS_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "federation/federation.h"
#include "federation/peer_uri.h"
#include "metrics/exporter.h"
#include "mqtt/client.h"

namespace fog::cli {

struct FederationFlags {
  std::string name;  // empty: the host name
  std::vector<std::string> peers;
  std::string trust_dir;
  int max_hops = 3;
  int request_timeout_ms = 8000;
  int peer_down_after_ms = 5000;
  size_t cache_mb = 64;
  std::string pins_file;  // empty: pins not kept across restarts
  size_t max_pins = 16;
  bool tamper_for_test = false;
  const CLI::Option* name_option = nullptr;  // set by AddFederationFlags
};

// Adds --name, --peer (repeatable; comma-separated in a config file),
// --trust, --max-hops, --request-timeout-ms, --peer-down-after-ms,
// --cache-mb, --pins-file, --max-pins and the hidden --tamper-for-test.
void AddFederationFlags(CLI::App* cmd, FederationFlags* flags);

// The peers: --peer when given, else the seed's OTHER_EDGES (a JSON list of
// URIs) when set, else none. InvalidArgument naming the source for a bad
// URI (never its password), NotFound for a TLS file that cannot be read.
Result<std::vector<federation::PeerEndpoint>> ResolvePeers(
    const FederationFlags& flags);

// This machine's host name ("fog" if it has none).
std::string HostName();

// The federation's options from the flags, `local` (this fog's broker, the
// federation's login) and `api_url` (this fog's registry, for the catalog).
// Fills an empty name with the host name and an empty client id with
// fog-federation-NAME.
federation::FederationOptions ToFederationOptions(
    const FederationFlags& flags, std::vector<federation::PeerEndpoint> peers,
    mqtt::ConnectOptions local, std::string api_url);

// Loads the trust directory and makes the node; InvalidArgument when the
// directory does not load.
Result<std::unique_ptr<federation::Federation>> MakeFederation(
    const FederationFlags& flags, federation::FederationOptions options);

// The federation's counters, per-peer gauges (connected, RTT, last heard),
// its cache's figures and its local MQTT client's metrics. REQUIRES: `node` outlives the
// exporter's scrapes.
void AddFederationMetrics(metrics::Exporter& exporter,
                          const federation::Federation& node);

}  // namespace fog::cli

#endif  // FOG_CLI_FEDERATION_FLAGS_H_
