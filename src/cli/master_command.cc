// fog master: the dispatching node, alone (fog up runs it as a child).

#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "cli/mqtt_flags.h"
#include "cli/signals.h"
#include "master/master.h"

namespace fog::cli {

namespace {

struct MasterArgs {
  MqttFlags mqtt;
  size_t max_packet_bytes = 16u << 20;
  int worker_timeout_ms = 3000;
  int ack_timeout_ms = 10000;
  int replicas = 2;
  std::string journal_dir;
};

int RunMaster(MasterArgs args) {
  BlockTerminationSignals();
  if (args.mqtt.client_id.empty()) args.mqtt.client_id = "fog-master";
  mqtt::ConnectOptions opts = ToConnectOptions(args.mqtt);
  // A persistent session: the broker keeps QoS 1 stream packets for us while
  // we restart.
  opts.clean_start = false;
  opts.session_expiry_seconds = 7 * 24 * 3600;
  opts.will = master::Master::StatusMessage(false);
  // Paho acknowledges a QoS 1 packet to the broker as soon as it has it, before
  // our handler journals it: its file persistence covers that gap.
  if (!args.journal_dir.empty())
    opts.persistence_dir = args.journal_dir + "/mqtt";
  mqtt::Client client(opts);
  master::Master node(
      {.max_packet_bytes = args.max_packet_bytes,
       .worker_timeout = std::chrono::milliseconds(args.worker_timeout_ms),
       .ack_timeout = std::chrono::milliseconds(args.ack_timeout_ms),
       .replicas = args.replicas,
       .journal_dir = args.journal_dir},
      client);
  Status s = node.Open();
  if (s.ok()) s = client.Connect(std::chrono::seconds(10));
  if (s.ok()) s = node.Start();
  if (!s.ok()) {
    ReportError(s.ToString());
    return kExitUsage;
  }
  spdlog::info("master: connected to {}", args.mqtt.uri);
  WaitForTerminationSignal();
  node.Stop();
  client.Disconnect();
  spdlog::info("master: stopped ({} packets dispatched)",
               node.counters().Get("packets_dispatched"));
  return kExitOk;
}

}  // namespace

void AddMasterCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<MasterArgs>();
  auto* cmd = app.add_subcommand("master", "Run the master node");
  cmd->footer(
      "--config FILE reads \"key = value\" lines of these long option names.");
  AddMqttFlags(cmd, &args->mqtt, "MQTT_BROKER_URI");
  cmd->add_option("--max-packet-bytes", args->max_packet_bytes,
                  "Refuse larger stream packets")
      ->capture_default_str();
  cmd->add_option("--worker-timeout-ms", args->worker_timeout_ms,
                  "A worker silent this long leaves the dispatch set")
      ->capture_default_str();
  cmd->add_option("--ack-timeout-ms", args->ack_timeout_ms,
                  "Dispatch a packet again when its worker has not confirmed "
                  "storing it by then")
      ->capture_default_str();
  cmd->add_option("--replicas", args->replicas,
                  "Copies of each packet, on distinct workers (fewer while "
                  "fewer workers are live)")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  cmd->add_option("--journal-dir", args->journal_dir,
                  "Keep the packets not yet stored here, so a restarted "
                  "master sends them again (none if empty)");
  cmd->callback([args, exit_code] { *exit_code = RunMaster(*args); });
}

}  // namespace fog::cli
