#include "cli/metrics_flags.h"

#include "metrics/callback_collector.h"
#include "metrics/listen_address.h"

namespace fog::cli {

void AddMetricsFlag(CLI::App* cmd, std::string* listen) {
  cmd->add_option("--metrics-listen", *listen,
                  "Serve Prometheus metrics on http://HOST:PORT/metrics "
                  "(off when not given; docs/metrics.md)");
}

Status StartMetrics(metrics::Exporter& exporter, const std::string& listen) {
  if (listen.empty()) return Status::OK();
  Result<metrics::ListenAddress> address = metrics::ParseListenAddress(listen);
  if (!address.ok()) return address.status();
  return exporter.Start(address->host, address->port);
}

void AddMqttMetrics(metrics::Exporter& exporter, const std::string& component,
                    const mqtt::Client& client) {
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_" + component + "_mqtt_reconnects_total",
      "Reconnections to the broker after a lost connection",
      metrics::Kind::kCounter, [&client] {
        return std::vector<metrics::Sample>{
            {{}, static_cast<double>(client.reconnects())}};
      }));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_" + component + "_mqtt_connected", "1 while connected to the broker",
      metrics::Kind::kGauge, [&client] {
        return std::vector<metrics::Sample>{
            {{}, client.connected() ? 1.0 : 0.0}};
      }));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_" + component + "_mqtt_publishes_waiting",
      "Publishes queued behind the in-flight byte budget",
      metrics::Kind::kGauge, [&client] {
        return std::vector<metrics::Sample>{
            {{}, static_cast<double>(client.publish_queue().waiting)}};
      }));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_" + component + "_mqtt_inflight_bytes",
      "Bytes published and not yet acknowledged by the broker",
      metrics::Kind::kGauge, [&client] {
        return std::vector<metrics::Sample>{
            {{}, static_cast<double>(client.publish_queue().inflight_bytes)}};
      }));
}

}  // namespace fog::cli
