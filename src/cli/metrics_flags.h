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

// Adds --metrics-listen HOST:PORT to `cmd`.
void AddMetricsFlag(CLI::App* cmd, std::string* listen);

// Serves `exporter` on `listen` ("HOST:PORT"); OK without serving when
// `listen` is empty. InvalidArgument for a malformed address, Unavailable
// when it cannot be bound.
Status StartMetrics(metrics::Exporter& exporter, const std::string& listen);

// Adds the client's fog_<component>_mqtt_* metrics: reconnections after a
// lost connection, connected, and its publish queue. REQUIRES: `client`
// outlives `exporter`'s scrapes.
void AddMqttMetrics(metrics::Exporter& exporter, const std::string& component,
                    const mqtt::Client& client);

}  // namespace fog::cli

#endif  // FOG_CLI_METRICS_FLAGS_H_
