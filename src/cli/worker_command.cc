// fog worker: a storing node, alone (fog up runs it as a child).

#include <spdlog/spdlog.h>

#include <cmath>

#include "cli/commands.h"
#include "cli/metrics_flags.h"
#include "cli/mqtt_flags.h"
#include "cli/signals.h"
#include "metrics/callback_collector.h"
#include "metrics/counters_collector.h"
#include "metrics/latency.h"
#include "wire/envelope.h"
#include "worker/worker.h"

namespace fog::cli {

namespace {

struct WorkerArgs {
  MqttFlags mqtt;
  std::string name;
  std::string store_dir;
  std::string trust_dir;
  std::string api_url;
  std::string api_token;
  bool accept_legacy = false;
  uint64_t store_quota_bytes = 0;
  double commit_linger_ms = 2;
  MetricsFlags metrics;  // --metrics-listen and its TLS files
};

// What the worker and its registrar count, the store latency, the store.
void AddWorkerMetrics(metrics::Exporter& exporter, worker::Worker& node,
                      const Counters& registrar,
                      const worker::PacketStore& store,
                      const mqtt::Client& client) {
  exporter.Add(
      std::make_shared<metrics::CountersCollector>("worker", node.counters()));
  exporter.Add(std::make_shared<metrics::CountersCollector>("worker_registrar",
                                                            registrar));
  node.ObserveStoreLatency(metrics::Observer(metrics::AddLatencyHistogram(
      exporter.registry(), "fog_worker_store_latency_seconds",
      "From a packet's arrival to its ack after the fdatasync")));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_worker_store_bytes", "Bytes of the store's segment files",
      metrics::Kind::kGauge, [&store] {
        return std::vector<metrics::Sample>{
            {{}, static_cast<double>(store.file_bytes())}};
      }));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_worker_store_packets", "Packets the store holds",
      metrics::Kind::kGauge, [&store] {
        return std::vector<metrics::Sample>{
            {{}, static_cast<double>(store.stats().live_packets)}};
      }));
  AddMqttMetrics(exporter, "worker", client);
}

int RunWorker(WorkerArgs args) {
  BlockTerminationSignals();
  ResolveMqttUri(&args.mqtt, "worker " + args.name);
  if (Status s = wire::ValidateVideoId(args.name); !s.ok()) {
    ReportError("--name: " + s.message());
    return kExitUsage;
  }
  if (!std::isfinite(args.commit_linger_ms)) {
    ReportError("--commit-linger-ms: not a number of milliseconds");
    return kExitUsage;
  }
  if (args.store_dir.empty())
    args.store_dir = "./fog-data/workers/" + args.name;
  std::vector<std::string> rejected;
  Result<trust::TrustStore> trust =
      trust::TrustStore::LoadDir(args.trust_dir, &rejected);
  if (!trust.ok()) {
    ReportError(trust.status().ToString());
    return kExitUsage;
  }
  for (const std::string& r : rejected) spdlog::warn("trust store: {}", r);
  Result<std::unique_ptr<worker::PacketStore>> store =
      worker::PacketStore::Open(args.store_dir, {});
  if (!store.ok()) {
    ReportError(store.status().ToString());
    return kExitUsage;
  }
  worker::StoreStats stats = (*store)->stats();
  spdlog::info(
      "worker {}: store {} holds {} packets ({} torn-tail bytes cut, "
      "{} corrupt records)",
      args.name, args.store_dir, stats.live_packets,
      stats.torn_tail_bytes_truncated, stats.corrupt_records);

  if (args.mqtt.client_id.empty())
    args.mqtt.client_id = "fog-worker-" + args.name;
  mqtt::ConnectOptions opts = ToConnectOptions(args.mqtt);
  opts.clean_start = false;  // dispatched packets wait for us across restarts
  opts.session_expiry_seconds = 7 * 24 * 3600;
  opts.will = worker::Worker::StatusMessage(args.name, false);
  // Dispatched payloads by reference, from the library's buffer to the
  // store's write: no copy of ours.
  opts.shared_payloads = true;
  mqtt::Client client(opts);
  Counters registrar_counters;
  worker::Registrar registrar({.api_url = args.api_url,
                               .token = args.api_token,
                               .worker = args.name,
                               .ca_file = args.mqtt.ca_file,
                               .cert_file = args.mqtt.cert_file,
                               .key_file = args.mqtt.key_file},
                              **store, registrar_counters);
  worker::Worker node({.name = args.name,
                       .intake = {.accept_legacy = args.accept_legacy},
                       .store_quota_bytes = args.store_quota_bytes,
                       .commit_linger = std::chrono::microseconds(
                           std::llround(args.commit_linger_ms * 1000))},
                      client, **store, *trust, &registrar);
  // Replies to viewers go on a connection of their own, so that they never
  // queue in front of the acks and heartbeats of the data connection.
  mqtt::ConnectOptions viewer_opts = ToConnectOptions(args.mqtt);
  viewer_opts.client_id = args.mqtt.client_id + "-viewers";
  mqtt::Client viewer_client(viewer_opts);
  node.SetViewerClient(&viewer_client);
  metrics::Exporter exporter("worker");
  AddWorkerMetrics(exporter, node, registrar_counters, **store, client);
  Status s = StartMetrics(exporter, args.metrics);
  if (s.ok()) s = viewer_client.Connect(std::chrono::seconds(10));
  if (s.ok()) s = client.Connect(std::chrono::seconds(10));
  if (s.ok()) s = node.Start();
  if (!s.ok()) {
    ReportError(s.ToString());
    return kExitUsage;
  }
  spdlog::info("worker {}: connected to {} ({} trusted keys{})", args.name,
               args.mqtt.uri, trust->size(),
               args.accept_legacy ? ", accepting legacy packets" : "");
  WaitForTerminationSignal();
  node.Stop();
  exporter.Stop();
  viewer_client.Disconnect();
  client.Disconnect();
  return kExitOk;
}

}  // namespace

void AddWorkerCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<WorkerArgs>();
  auto* cmd = app.add_subcommand("worker", "Run a worker node");
  cmd->footer(
      "--config FILE reads \"key = value\" lines of these long option names.");
  AddMqttFlags(cmd, &args->mqtt, "BROKER_URI");
  // Required unless `fog worker add` runs (checked in the callback: CLI11
  // would demand them of the subcommand too).
  cmd->add_option("--name", args->name,
                  "Worker name, unique in the fog (required)");
  cmd->add_option("--store", args->store_dir, "Store directory");
  cmd->add_option("--trust", args->trust_dir,
                  "Trusted publishers' .pub files (required)");
  cmd->add_option("--api", args->api_url, "Registry API base URL")
      ->envname("API_HOST");
  cmd->add_option("--api-token", args->api_token, "Bearer token for the API")
      ->envname("FOG_API_TOKEN");
  cmd->add_flag("--accept-legacy", args->accept_legacy,
                "Store the seed's legacy packets (flagged unauthenticated)");
  cmd->add_option("--store-quota", args->store_quota_bytes,
                  "Most bytes the store may hold (0: the disk's free space)")
      ->capture_default_str();
  cmd->add_option("--commit-linger-ms", args->commit_linger_ms,
                  "How long a group commit waits for more packets before "
                  "its fdatasync")
      ->check(CLI::Range(0.0, 1000.0))
      ->capture_default_str();
  AddMetricsFlags(cmd, &args->metrics);
  CLI::App* add = AddWorkerAddCommand(*cmd, exit_code);
  cmd->callback([args, exit_code, add] {
    if (add->parsed()) return;
    if (args->name.empty() || args->trust_dir.empty()) {
      ReportError("fog worker needs --name and --trust");
      *exit_code = kExitUsage;
      return;
    }
    *exit_code = RunWorker(*args);
  });
}

}  // namespace fog::cli
