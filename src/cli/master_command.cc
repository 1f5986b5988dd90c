// fog master: the dispatching node, alone (fog up runs it as a child).
// Run alone as the seed's masters were, it also links to peer fogs
// (--peer, or the seed's OTHER_EDGES): the federation then runs in this
// process (docs/federation.md, "A master run alone").

#include <spdlog/spdlog.h>

#include <memory>

#include "cli/commands.h"
#include "cli/federation_flags.h"
#include "cli/metrics_flags.h"
#include "cli/mqtt_flags.h"
#include "cli/signals.h"
#include "master/master.h"
#include "metrics/callback_collector.h"
#include "metrics/counters_collector.h"
#include "metrics/latency.h"

namespace fog::cli {

namespace {

// QoS 1 stream packets the broker may have in flight to the master: the
// intake takes one at a time (each waits for its journal sync), so a few
// keep it fed; the MQTT library holds them outside the memory budget.
constexpr uint16_t kReceiveMaximum = 8;

struct MasterArgs {
  MqttFlags mqtt;
  size_t max_packet_bytes = 16u << 20;
  int worker_timeout_ms = 3000;
  int ack_timeout_ms = 10000;
  int replicas = 2;
  int gone_after_ms = 60000;
  std::string api_url;
  std::string journal_dir;
  size_t memory_budget = master::MasterOptions{}.memory_budget;
  uint64_t backlog_limit = uint64_t{512} << 20;
  MetricsFlags metrics;  // --metrics-listen and its TLS files
  // The federation in this process: its flags and its login on this fog's
  // broker (empty: the master's own).
  FederationFlags federation;
  std::string federation_username;
  std::string federation_password;
};

// What the master counts, the dispatch latency, the policy it applies.
void AddMasterMetrics(metrics::Exporter& exporter, master::Master& node,
                      const mqtt::Client& client) {
  exporter.Add(
      std::make_shared<metrics::CountersCollector>("master", node.counters()));
  node.ObserveAckLatency(metrics::Observer(metrics::AddLatencyHistogram(
      exporter.registry(), "fog_master_dispatch_latency_seconds",
      "From dispatching a packet to its worker's durable-store ack")));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_master_policy_weight",
      "The load balancer's weight the master applies, per worker",
      metrics::Kind::kGauge, [&node] {
        std::vector<metrics::Sample> samples;
        for (const auto& [worker, weight] : node.policy()) {
          samples.push_back({{{"worker", worker}}, weight});
        }
        return samples;
      }));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_master_packets",
      "Packets held for lack of a worker (held), "
      "dispatched and not yet acknowledged (in_flight)",
      metrics::Kind::kGauge, [&node] {
        return std::vector<metrics::Sample>{
            {{{"state", "held"}}, static_cast<double>(node.pending())},
            {{{"state", "in_flight"}}, static_cast<double>(node.in_flight())}};
      }));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_master_memory_bytes",
      "Payload bytes the master holds in memory, every copy counted",
      metrics::Kind::kGauge, [&node] {
        return std::vector<metrics::Sample>{
            {{}, static_cast<double>(node.memory().used())}};
      }));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_master_memory_budget_bytes",
      "The most payload bytes the master keeps in memory (--memory-budget)",
      metrics::Kind::kGauge, [&node] {
        return std::vector<metrics::Sample>{
            {{}, static_cast<double>(node.memory().budget())}};
      }));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_master_journal_fsyncs_total",
      "fdatasync rounds of the journal (each covers every record written "
      "before it)",
      metrics::Kind::kCounter, [&node] {
        return std::vector<metrics::Sample>{
            {{}, static_cast<double>(node.journal_stats().fsyncs)}};
      }));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_master_backlog",
      "Taken and not yet settled (packets, bytes), the limit (limit_bytes) "
      "and whether publishers are asked to wait (over), as on fog/backlog",
      metrics::Kind::kGauge, [&node] {
        const wire::BacklogReport b = node.backlog();
        return std::vector<metrics::Sample>{
            {{{"value", "packets"}}, static_cast<double>(b.packets)},
            {{{"value", "bytes"}}, static_cast<double>(b.bytes)},
            {{{"value", "limit_bytes"}}, static_cast<double>(b.limit_bytes)},
            {{{"value", "over"}}, b.over ? 1.0 : 0.0}};
      }));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_master_live_workers", "Workers in the dispatch set",
      metrics::Kind::kGauge, [&node] {
        return std::vector<metrics::Sample>{
            {{}, static_cast<double>(node.live_workers().size())}};
      }));
  AddMqttMetrics(exporter, "master", client);
}

// The federation of a master run alone: when it has peers (--peer or
// OTHER_EDGES) or a --name. Null with OK when it has neither.
Result<std::unique_ptr<federation::Federation>> MasterFederation(
    const MasterArgs& args) {
  Result<std::vector<federation::PeerEndpoint>> peers =
      ResolvePeers(args.federation);
  if (!peers.ok()) return peers.status();
  if (peers->empty() && args.federation.name_option->count() == 0) {
    return std::unique_ptr<federation::Federation>();
  }
  // Its own connection to this fog's broker, under the federation login
  // when one is given (a fog with per-role ACLs), else the master's (a
  // broker with one login for all, as the seed's were).
  mqtt::ConnectOptions local = ToConnectOptions(args.mqtt);
  local.client_id.clear();  // fog-federation-NAME
  if (!args.federation_username.empty()) {
    local.username = args.federation_username;
    local.password = args.federation_password;
  }
  return MakeFederation(args.federation,
                        ToFederationOptions(args.federation, std::move(*peers),
                                            std::move(local), args.api_url));
}

int RunMaster(MasterArgs args) {
  BlockTerminationSignals();
  ResolveMqttUri(&args.mqtt, "master");
  Result<std::unique_ptr<federation::Federation>> federation =
      MasterFederation(args);
  if (!federation.ok()) {
    ReportError(federation.status().message());
    return kExitUsage;
  }
  if (args.mqtt.client_id.empty()) args.mqtt.client_id = "fog-master";
  // Two connections (master/master.h): the intake, a persistent session in
  // which the broker keeps QoS 1 stream packets for us while we restart,
  // and the control connection for everything else.
  mqtt::ConnectOptions opts = ToConnectOptions(args.mqtt);
  opts.clean_start = false;
  opts.session_expiry_seconds = 7 * 24 * 3600;
  // Payloads by reference, from the library's buffer to the dispatch; and
  // the broker holds what we have not acknowledged beyond this many
  // (each is journaled and synced before its acknowledgement).
  opts.shared_payloads = true;
  opts.receive_maximum = kReceiveMaximum;
  // No client-side persistence: Paho C hands a QoS 1 packet to our handler
  // before it sends the PUBACK, so the journal holds the packet before the
  // broker forgets it, and journal replay re-sends what workers have not
  // acknowledged.
  mqtt::Client intake(opts);
  mqtt::ConnectOptions control = ToConnectOptions(args.mqtt);
  control.client_id = args.mqtt.client_id + "-control";
  control.will = master::Master::StatusMessage(false);
  control.shared_payloads = true;
  // Dispatches in flight: at 1 MiB (one packet) each waited for the
  // previous one's PUBACK, which capped the fog at some 10 copies a second
  // on a loaded machine; past the socket's send buffer Paho stalls instead
  // (mqtt/client.h). Their library copies count against the memory budget.
  control.max_inflight_bytes = mqtt::InflightBytesUnderSendBuffer(16 << 20);
  // Acks lost while the master is away only send a copy again (journal
  // replay); a clean session keeps no stale ones.
  mqtt::Client client(control);
  master::Master node(
      {.max_packet_bytes = args.max_packet_bytes,
       .worker_timeout = std::chrono::milliseconds(args.worker_timeout_ms),
       .ack_timeout = std::chrono::milliseconds(args.ack_timeout_ms),
       .replicas = args.replicas,
       .gone_after = std::chrono::milliseconds(args.gone_after_ms),
       .api_url = args.api_url,
       .api_ca_file = args.mqtt.ca_file,
       .api_cert_file = args.mqtt.cert_file,
       .api_key_file = args.mqtt.key_file,
       .journal_dir = args.journal_dir,
       .memory_budget = args.memory_budget,
       .backlog = {.limit_bytes = args.backlog_limit}},
      client, &intake);
  metrics::Exporter exporter("master");
  AddMasterMetrics(exporter, node, client);
  if (*federation) AddFederationMetrics(exporter, **federation);
  Status s = StartMetrics(exporter, args.metrics);
  if (s.ok()) s = node.Open();
  if (s.ok()) s = client.Connect(std::chrono::seconds(10));
  if (s.ok()) s = intake.Connect(std::chrono::seconds(10));
  if (s.ok()) s = node.Start();
  if (s.ok() && *federation) s = (*federation)->Start();
  if (!s.ok()) {
    ReportError(s.ToString());
    if (*federation) (*federation)->Stop();
    return kExitUsage;
  }
  spdlog::info("master: connected to {}", args.mqtt.uri);
  WaitForTerminationSignal();
  if (*federation) (*federation)->Stop();
  node.Stop();
  exporter.Stop();
  intake.Disconnect();
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
      "--config FILE reads \"key = value\" lines of these long option names. "
      "With --peer (or, without it, the seed's OTHER_EDGES: a JSON list of "
      "URIs) or --name, the master links to peer fogs itself; --trust is "
      "then required.");
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
  cmd->add_option("--gone-after-ms", args->gone_after_ms,
                  "A worker not live this long is gone for good: its packets "
                  "are copied again from the other holders")
      ->check(CLI::Range(1000, 1 << 30))
      ->capture_default_str();
  cmd->add_option("--api", args->api_url,
                  "The API (http://host:port): the registry tells which "
                  "packets a departed worker held");
  cmd->add_option("--journal-dir", args->journal_dir,
                  "Keep the packets not yet stored here, so a restarted "
                  "master sends them again (none if empty)");
  cmd->add_option("--memory-budget", args->memory_budget,
                  "Payload bytes the master keeps in memory, every copy "
                  "counted; beyond it packets wait in the journal")
      ->check(CLI::Range(size_t{1} << 20, size_t{1} << 40))
      ->capture_default_str();
  cmd->add_option("--backlog-limit", args->backlog_limit,
                  "Bytes taken and not yet stored R times past which the "
                  "master asks publishers (fog/backlog) to wait; they go on "
                  "below 3/4 of it")
      ->check(CLI::Range(uint64_t{1} << 20, uint64_t{1} << 50))
      ->capture_default_str();
  AddMetricsFlags(cmd, &args->metrics);
  // Federation (docs/federation.md): for a master run alone; `fog up` runs
  // `fog federation` beside its master instead.
  AddFederationFlags(cmd, &args->federation);
  cmd->add_option("--federation-username", args->federation_username,
                  "With --peer: the federation's login on this fog's broker "
                  "(default: the master's)")
      ->envname("FOG_FEDERATION_USERNAME");
  cmd->add_option("--federation-password", args->federation_password,
                  "Its password (prefer FOG_FEDERATION_PASSWORD or --config)")
      ->envname("FOG_FEDERATION_PASSWORD");
  cmd->callback([args, exit_code] { *exit_code = RunMaster(*args); });
}

}  // namespace fog::cli
