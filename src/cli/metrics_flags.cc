#include "cli/metrics_flags.h"

#include <functional>

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
