// The metrics endpoint every long-running component can serve: the
// --metrics-listen flag, and the metrics they share (docs/metrics.md).
// Run alone, a component serves no metrics unless the flag is given;
// `fog up` gives it to every child.

#ifndef FOG_CLI_METRICS_FLAGS_H_
#define FOG_CLI_METRICS_FLAGS_H_

#include <CLI/CLI.hpp>
#include <string>

#include "common/status.h"
#include "metrics/exporter.h"
#include "mqtt/client.h"

namespace fog::cli {

struct MetricsFlags {
  std::string listen;  // HOST:PORT; empty: no metrics endpoint
  // HTTPS (docs/security.md#tls): the listener's certificate and key.
  std::string tls_cert;
  std::string tls_key;
};

// Adds --metrics-listen HOST:PORT, --metrics-tls-cert and --metrics-tls-key
// to `cmd`.
void AddMetricsFlags(CLI::App* cmd, MetricsFlags* flags);

// Serves `exporter` on flags.listen ("HOST:PORT"), over HTTPS when the TLS
// files are given; OK without serving when `listen` is empty.
// InvalidArgument for a malformed address or a certificate without its key,
// Unavailable when it cannot be bound or the TLS files do not load.
Status StartMetrics(metrics::Exporter& exporter, const MetricsFlags& flags);

// Adds the client's fog_<component>_mqtt_* metrics: reconnections after a
// lost connection, connected, and its publish queue. REQUIRES: `client`
// outlives `exporter`'s scrapes.
void AddMqttMetrics(metrics::Exporter& exporter, const std::string& component,
                    const mqtt::Client& client);

}  // namespace fog::cli

#endif  // FOG_CLI_METRICS_FLAGS_H_
