#include "cli/metrics_flags.h"

#include <functional>

#include "metrics/callback_collector.h"
#include "metrics/listen_address.h"

namespace fog::cli {

void AddMetricsFlags(CLI::App* cmd, MetricsFlags* flags) {
  cmd->add_option("--metrics-listen", flags->listen,
                  "Serve Prometheus metrics on http://HOST:PORT/metrics "
                  "(off when not given; docs/metrics.md)");
  cmd->add_option("--metrics-tls-cert", flags->tls_cert,
                  "Serve the metrics over HTTPS only, with this certificate "
                  "(PEM; with --metrics-tls-key)");
  cmd->add_option("--metrics-tls-key", flags->tls_key,
                  "The key (PEM) of --metrics-tls-cert");
}

Status StartMetrics(metrics::Exporter& exporter, const MetricsFlags& flags) {
  if (flags.listen.empty()) {
    if (!flags.tls_cert.empty() || !flags.tls_key.empty()) {
      return Status::InvalidArgument(
          "--metrics-tls-cert/--metrics-tls-key need --metrics-listen");
    }
    return Status::OK();
  }
  Result<metrics::ListenAddress> address =
      metrics::ParseListenAddress(flags.listen);
  if (!address.ok()) return address.status();
  return exporter.Start(
      address->host, address->port,
      {.cert_file = flags.tls_cert, .key_file = flags.tls_key});
}

void AddMqttMetrics(metrics::Exporter& exporter, const std::string& component,
                    const mqtt::Client& client) {
  // One unlabelled sample each, read from the client at scrape time.
  auto add = [&](const std::string& name, const std::string& help,
                 metrics::Kind kind, std::function<double()> value) {
    exporter.Add(std::make_shared<metrics::CallbackCollector>(
        "fog_" + component + "_mqtt_" + name, help, kind,
        [value = std::move(value)] {
          return std::vector<metrics::Sample>{{{}, value()}};
        }));
  };
  add("reconnects_total", "Reconnections to the broker after a lost connection",
      metrics::Kind::kCounter,
      [&client] { return static_cast<double>(client.reconnects()); });
  add("connected", "1 while connected to the broker", metrics::Kind::kGauge,
      [&client] { return client.connected() ? 1.0 : 0.0; });
  add("publishes_waiting", "Publishes queued behind the in-flight byte budget",
      metrics::Kind::kGauge, [&client] {
        return static_cast<double>(client.publish_queue().waiting);
      });
  add("inflight_bytes",
      "Bytes published and not yet acknowledged by the broker",
      metrics::Kind::kGauge, [&client] {
        return static_cast<double>(client.publish_queue().inflight_bytes);
      });
  add("publishes_sent_again_total",
      "Publishes in flight when the connection dropped, published again",
      metrics::Kind::kCounter, [&client] {
        return static_cast<double>(client.publish_queue().sent_again);
      });
  add("publishes_failed_total",
      "Publishes that failed for good (refused by the broker, or in flight "
      "through five connection drops)",
      metrics::Kind::kCounter,
      [&client] { return static_cast<double>(client.publish_queue().failed); });
}

}  // namespace fog::cli
