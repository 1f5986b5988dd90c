// fog api: the registry's HTTP API, alone (fog up runs it as a child). It
// also watches the fog's status, stats and policy topics so GET /health can
// say whether every component is up and GET /fog can show the dashboard.

#include <spdlog/spdlog.h>

#include "api/api_server.h"
#include "api/fog_view.h"
#include "cli/commands.h"
#include "cli/metrics_flags.h"
#include "cli/mqtt_flags.h"
#include "cli/signals.h"
#include "metrics/callback_collector.h"
#include "registry/registry.h"
#include "wire/topics.h"

namespace fog::cli {

namespace {

struct ApiArgs {
  MqttFlags mqtt;
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string db = "sqlite3://./fog-data/registry.sqlite";
  std::string token;
  std::string cors_origin = "*";
  int expect_workers = 1;
  bool expect_balancer = false;
};

// The API serves these on its own port, GET /metrics.
void AddApiMetrics(metrics::Exporter& exporter, const api::ApiServer& server,
                   const mqtt::Client& client) {
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_api_rejected_total", "Requests turned away, by reason",
      metrics::Kind::kCounter, [&server] {
        std::vector<metrics::Sample> samples;
        for (const auto& [reason, n] : server.RejectionCounts()) {
          samples.push_back({{{"reason", reason}}, static_cast<double>(n)});
        }
        return samples;
      }));
  AddMqttMetrics(exporter, "api", client);
}

int RunApi(ApiArgs args) {
  BlockTerminationSignals();
  Result<std::unique_ptr<registry::Registry>> reg =
      registry::Registry::Open(args.db);
  if (!reg.ok()) {
    ReportError(reg.status().ToString());
    return kExitUsage;
  }
  api::ApiServer server({.host = args.host,
                         .port = args.port,
                         .token = args.token,
                         .cors_origin = args.cors_origin},
                        **reg);
  api::FogView view({.expected_workers = args.expect_workers,
                     .expect_balancer = args.expect_balancer});
  if (args.mqtt.client_id.empty()) args.mqtt.client_id = "fog-api";
  mqtt::Client client(ToConnectOptions(args.mqtt));
  client.OnMessage(
      [&view](const mqtt::Message& m) { view.OnMessage(m.topic, m.payload); });
  server.SetHealthProvider([&] { return view.Health(client.connected()); });
  server.SetFogProvider([&] { return view.FogJson(client.connected()); });
  metrics::Exporter exporter("api");
  AddApiMetrics(exporter, server, client);
  server.SetMetricsProvider([&exporter] { return exporter.Scrape(); });
  Status s = server.Start();
  if (!s.ok()) {
    ReportError(s.ToString());
    return kExitUsage;
  }
  // The API serves the registry even while the broker is away; health says so.
  s = client.Connect(std::chrono::seconds(10));
  for (const char* filter :
       {"fog/status/#", wire::topics::kStatsFilter, wire::topics::kPolicy}) {
    if (s.ok()) s = client.Subscribe(filter, 1);
  }
  if (!s.ok()) spdlog::warn("api: {} (health reports mqtt down)", s.ToString());
  spdlog::info("api: listening on http://{}:{} ({})", args.host, server.port(),
               registry::RedactDatabaseUrl(args.db));
  WaitForTerminationSignal();
  server.Stop();
  client.Disconnect();
  return kExitOk;
}

}  // namespace

void AddApiCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ApiArgs>();
  auto* cmd = app.add_subcommand("api", "Run the registry HTTP API");
  cmd->footer(
      "--config FILE reads \"key = value\" lines of these long option names.");
  AddMqttFlags(cmd, &args->mqtt, "MQTT_BROKER_URI");
  cmd->add_option("--host", args->host, "Address to listen on")
      ->capture_default_str();
  cmd->add_option("--port", args->port, "HTTP port")->capture_default_str();
  cmd->add_option("--db", args->db,
                  "Registry database URL: sqlite3://PATH, "
                  "mysql://USER:PASSWORD@HOST:PORT/DB or "
                  "postgresql://USER:PASSWORD@HOST:PORT/DB (docs/api.md)")
      ->envname("FOG_DB")
      ->capture_default_str();
  cmd->add_option("--token", args->token, "Bearer token workers use to report")
      ->envname("FOG_API_TOKEN");
  cmd->add_option("--cors-origin", args->cors_origin, "Allowed browser origin")
      ->capture_default_str();
  cmd->add_option("--expect-workers", args->expect_workers,
                  "GET /health is 200 once this many workers are online")
      ->capture_default_str();
  cmd->add_flag("--expect-balancer", args->expect_balancer,
                "GET /health is 200 only once the load balancer is online");
  cmd->callback([args, exit_code] { *exit_code = RunApi(*args); });
}

}  // namespace fog::cli
