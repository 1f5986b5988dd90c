// fog balancer: the load balancer, alone (fog up runs it as a child).

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "balancer/balancer.h"
#include "cli/commands.h"
#include "cli/metrics_flags.h"
#include "cli/mqtt_flags.h"
#include "cli/signals.h"
#include "metrics/callback_collector.h"
#include "metrics/counters_collector.h"

namespace fog::cli {

namespace {

struct BalancerArgs {
  MqttFlags mqtt;
  int period_ms = 2000;
  int missed_periods = 3;
  std::string model = "exact";
  balancer::Instance round;
  // The seed balancer's spelling of the broker: host and port apart.
  std::string seed_host;
  int seed_port = 0;
  const CLI::Option* seed_host_option = nullptr;
  const CLI::Option* seed_port_option = nullptr;
  MetricsFlags metrics;  // --metrics-listen and its TLS files
};

// The weights of the policy last published, from its JSON.
std::vector<metrics::Sample> PolicyWeights(const std::string& policy) {
  std::vector<metrics::Sample> samples;
  nlohmann::json j = nlohmann::json::parse(policy, nullptr,
                                           /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("weights") || !j["weights"].is_object()) {
    return samples;  // none published yet
  }
  for (const auto& [worker, weight] : j["weights"].items()) {
    if (weight.is_number()) {
      samples.push_back({{{"worker", worker}}, weight.get<double>()});
    }
  }
  return samples;
}

void AddBalancerMetrics(metrics::Exporter& exporter, balancer::Balancer& node,
                        const mqtt::Client& client) {
  exporter.Add(std::make_shared<metrics::CountersCollector>("balancer",
                                                            node.counters()));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_balancer_policy_weight",
      "The weight of each worker in the policy last published",
      metrics::Kind::kGauge, [&node] { return PolicyWeights(node.policy()); }));
  AddMqttMetrics(exporter, "balancer", client);
}

// The broker, from --mqtt or the seed's --broker-address (with
// --broker-port), then FOG_MQTT_URI or the seed's BROKER_ADDRESS (with
// BROKER_PORT): a variable never overrides a flag or the config file.
std::vector<config::Candidate> BrokerCandidates(
    const BalancerArgs& args, const config::Environment& env) {
  // The port goes with whichever address wins; itself a flag, then the
  // variable, then 1883.
  std::string port = "1883";
  if (args.seed_port_option->count() > 0 && args.seed_port > 0) {
    port = std::to_string(args.seed_port);
  } else if (std::optional<std::string> p = env("BROKER_PORT")) {
    port = *p;
  }
  config::Candidate seed_flag =
      OptionCandidate(args.seed_host_option, args.seed_host);
  if (seed_flag.value)
    *seed_flag.value = "tcp://" + args.seed_host + ":" + port;
  config::Candidate seed_env = config::FromEnvironment(env, "BROKER_ADDRESS");
  if (seed_env.value) *seed_env.value = "tcp://" + *seed_env.value + ":" + port;
  std::vector<config::Candidate> out = MqttUriCandidates(args.mqtt, env);
  // After --mqtt, before FOG_MQTT_URI; and last of the variables.
  out.insert(out.begin() + 1, seed_flag);
  out.insert(out.end() - 1, seed_env);
  return out;
}

int RunBalancer(BalancerArgs args) {
  BlockTerminationSignals();
  Result<balancer::Model> model = balancer::ParseModel(args.model);
  if (!model.ok()) {
    ReportError("--model: " + model.status().message());
    return kExitUsage;
  }
  if (args.period_ms <= 0 || args.missed_periods < 1) {
    ReportError("--period-ms must be > 0 and --missed-periods >= 1");
    return kExitUsage;
  }
  if (Status s = balancer::Validate(args.round); !s.ok()) {
    ReportError(s.ToString());
    return kExitUsage;
  }
  SetMqttUri(&args.mqtt, BrokerCandidates(args, config::ProcessEnvironment()),
             "balancer");
  if (args.mqtt.client_id.empty()) args.mqtt.client_id = "fog-balancer";
  mqtt::ConnectOptions opts = ToConnectOptions(args.mqtt);
  opts.will = balancer::Balancer::StatusMessage(false);
  mqtt::Client client(opts);
  balancer::Balancer node({.period = std::chrono::milliseconds(args.period_ms),
                           .missed_periods = args.missed_periods,
                           .model = *model,
                           .round = args.round},
                          client);
  metrics::Exporter exporter("balancer");
  AddBalancerMetrics(exporter, node, client);
  Status s = StartMetrics(exporter, args.metrics);
  if (s.ok()) s = client.Connect(std::chrono::seconds(10));
  if (s.ok()) s = node.Start();
  if (!s.ok()) {
    ReportError(s.ToString());
    return kExitUsage;
  }
  spdlog::info("balancer: connected to {} (model {}, every {} ms)",
               args.mqtt.uri, args.model, args.period_ms);
  WaitForTerminationSignal();
  node.Stop();
  exporter.Stop();
  client.Disconnect();
  return kExitOk;
}

}  // namespace

void AddBalancerCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<BalancerArgs>();
  auto* cmd = app.add_subcommand(
      "balancer", "Run the load balancer: worker stats in, policy out");
  cmd->footer(
      "--config FILE reads \"key = value\" lines of these long option names.");
  // FOG_MQTT_URI and the seed's BROKER_ADDRESS: BrokerCandidates.
  AddMqttFlags(cmd, &args->mqtt, "");
  cmd->add_option("--period-ms", args->period_ms,
                  "Ping the workers and publish the policy this often")
      ->capture_default_str();
  cmd->add_option("--missed-periods", args->missed_periods,
                  "A worker silent this many periods leaves the policy")
      ->capture_default_str();
  cmd->add_option("--model", args->model, "Solver: exact or heuristic")
      ->capture_default_str();
  cmd->add_option("--packets", args->round.packets,
                  "Packets per round (N of the model)")
      ->capture_default_str();
  cmd->add_option("--packet-size", args->round.packet_size,
                  "Packet size in bytes for the storage constraint")
      ->capture_default_str();
  cmd->add_option("--lambda", args->round.lambda,
                  "Weight of the quadratic balance term")
      ->capture_default_str();
  cmd->add_option("--cpu-threshold", args->round.cpu_threshold,
                  "Workers at or above this CPU percent take no packets")
      ->capture_default_str();
  args->seed_host_option = cmd->add_option(
      "--broker-address", args->seed_host,
      "Broker host, seed style, with --broker-port (else BROKER_ADDRESS and "
      "BROKER_PORT); --mqtt wins over it");
  args->seed_port_option =
      cmd->add_option("--broker-port", args->seed_port,
                      "Broker port, seed style (default 1883)");
  AddMetricsFlags(cmd, &args->metrics);
  cmd->callback([args, exit_code] { *exit_code = RunBalancer(*args); });
}

}  // namespace fog::cli
