// fog api: the registry's HTTP API, alone (fog up runs it as a child). It
// also watches the fog's status topics so GET /health can say whether every
// component is up.

#include <spdlog/spdlog.h>

#include <map>
#include <mutex>

#include "api/api_server.h"
#include "cli/commands.h"
#include "cli/mqtt_flags.h"
#include "cli/signals.h"
#include "registry/registry.h"
#include "wire/topics.h"

namespace fog::cli {

namespace {

// Component states from the retained status topics.
class FogHealth {
 public:
  explicit FogHealth(int expected_workers)
      : expected_workers_(expected_workers) {}

  void OnStatus(const mqtt::Message& m) {
    const bool online = wire::topics::IsOnlineStatus(m.payload);
    std::lock_guard<std::mutex> lock(mu_);
    states_[m.topic] = online;
  }

  api::HealthReport Report(bool mqtt_connected) const {
    api::HealthReport r;
    r.components.push_back({"registry", "ok"});
    r.components.push_back({"mqtt", mqtt_connected ? "ok" : "down"});
    std::lock_guard<std::mutex> lock(mu_);
    int workers_online = 0;
    bool master_online = false;
    for (const auto& [topic, online] : states_) {
      if (topic == wire::topics::kMasterStatus) {
        master_online = online;
        r.components.push_back({"master", online ? "ok" : "down"});
      } else {
        workers_online += online;
        r.components.push_back({std::string(wire::topics::LastLevel(topic)),
                                online ? "ok" : "down"});
      }
    }
    if (!master_online && !states_.count(wire::topics::kMasterStatus)) {
      r.components.push_back({"master", "unknown"});
    }
    r.ok =
        mqtt_connected && master_online && workers_online >= expected_workers_;
    return r;
  }

 private:
  const int expected_workers_;
  mutable std::mutex mu_;
  std::map<std::string, bool> states_;  // status topic -> online
};

struct ApiArgs {
  MqttFlags mqtt;
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string db = "sqlite3://./fog-data/registry.sqlite";
  std::string token;
  std::string cors_origin = "*";
  int expect_workers = 1;
};

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
  FogHealth health(args.expect_workers);
  if (args.mqtt.client_id.empty()) args.mqtt.client_id = "fog-api";
  mqtt::Client client(ToConnectOptions(args.mqtt));
  client.OnMessage([&health](const mqtt::Message& m) { health.OnStatus(m); });
  server.SetHealthProvider([&] { return health.Report(client.connected()); });
  Status s = server.Start();
  if (!s.ok()) {
    ReportError(s.ToString());
    return kExitUsage;
  }
  // The API serves the registry even while the broker is away; health says so.
  s = client.Connect(std::chrono::seconds(10));
  if (s.ok()) s = client.Subscribe("fog/status/#", 1);
  if (!s.ok()) spdlog::warn("api: {} (health reports mqtt down)", s.ToString());
  spdlog::info("api: listening on http://{}:{} ({})", args.host, server.port(),
               args.db);
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
  cmd->add_option("--db", args->db, "Database URL (sqlite3://PATH)")
      ->envname("FOG_DB")
      ->capture_default_str();
  cmd->add_option("--token", args->token, "Bearer token workers use to report")
      ->envname("FOG_API_TOKEN");
  cmd->add_option("--cors-origin", args->cors_origin, "Allowed browser origin")
      ->capture_default_str();
  cmd->add_option("--expect-workers", args->expect_workers,
                  "GET /health is 200 once this many workers are online")
      ->capture_default_str();
  cmd->callback([args, exit_code] { *exit_code = RunApi(*args); });
}

}  // namespace fog::cli
