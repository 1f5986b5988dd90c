#include "up/fog_up.h"

#include <httplib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "common/bytes.h"
#include "common/free_ports.h"
#include "common/heap_tuning.h"
#include "config/precedence.h"
#include "federation/peer_uri.h"
#include "tls/http_client.h"
#include "trust/certificate_authority.h"
#include "trust/keys.h"
#include "up/broker_setup.h"
#include "up/role_config.h"

namespace fog::up {

namespace fs = std::filesystem;

namespace {

std::string HostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof(buf) - 1) != 0 || buf[0] == '\0') return "fog";
  return buf;
}

std::string Endpoint(const std::string& scheme, const std::string& host,
                     int port) {
  return scheme + "://" + host + ":" + std::to_string(port);
}

// The fog key (made at the first start, kept after) and the workers' trust
// in it: trust/fog-ca.authority (trust_store.h).
Status EnsureAuthorityKey(const std::string& dir) {
  Result<trust::KeyPair> key = trust::LoadOrMakeAuthorityKey(dir);
  if (!key.ok()) return key.status();
  return WriteFileAtomic(dir + "/trust/fog-ca.authority", key->pub.bytes, 0644);
}

}  // namespace

Status FogUp::Start(std::chrono::seconds timeout) {
  Status s = Prepare();
  if (s.ok()) s = StartChildren();
  if (s.ok()) s = WaitHealthy(timeout);
  if (!s.ok()) supervisor_.StopAll();
  return s;
}

Status FogUp::Prepare() {
  std::error_code ec;
  fs::create_directories(options_.dir, ec);
  if (ec)
    return Status::IoError("cannot create " + options_.dir + ": " +
                           ec.message());
  if (options_.tls && !options_.placement.empty())
    return Status::InvalidArgument(
        "components on hosts of their own cannot run with TLS: the "
        "certificates name one address");
  dir_ = fs::absolute(options_.dir).lexically_normal().string();
  for (const char* sub : {"logs", "roles", "keys", "trust", "workers"}) {
    fs::create_directories(dir_ + "/" + sub, ec);
  }
  if (options_.tls) {
    if (Status t = PrepareTls(); !t.ok()) return t;
  }
  Result<BrokerFiles> broker = WriteBrokerFiles(
      {.dir = dir_ + "/mosquitto",
       .bind = Address("broker"),
       .mqtt_port = options_.mqtt_port,
       .max_packet_bytes = options_.max_packet_bytes,
       .workers = options_.workers,
       .viewer = {options_.viewer_username, options_.viewer_password},
       .listener_tls = tls_ ? BrokerTlsLines(*tls_) : ""});
  if (!broker.ok()) return broker.status();
  broker_config_ = broker->config;
  credentials_ = broker->credentials;
  Result<std::string> token = LoadOrMakeSecret(dir_ + "/roles/api-token");
  if (!token.ok()) return token.status();
  api_token_ = *token;
  // The administration scope (deletes) has its own token; api-token is the
  // reporting scope the workers hold.
  token = LoadOrMakeSecret(dir_ + "/roles/api-admin-token");
  if (!token.ok()) return token.status();
  api_admin_token_ = *token;
  Status s = EnsurePublisherKey();
  if (s.ok()) s = EnsureAuthorityKey(dir_);
  if (!s.ok()) return s;

  descriptor_.mqtt_uri = Endpoint("tcp", Address("broker"), options_.mqtt_port);
  descriptor_.ws_uri = Endpoint("ws", Address("broker"), options_.ws_port);
  descriptor_.http_url = Endpoint("http", Address("api"), options_.http_port);
  descriptor_.credentials["publisher"] = credentials_["publisher"];
  descriptor_.credentials["viewer"] = credentials_["viewer"];
  descriptor_.publisher_key = dir_ + "/keys/publisher.key";
  descriptor_.trust_dir = dir_ + "/trust";
  descriptor_.max_packet_bytes = options_.max_packet_bytes;
  if (tls_) TlsDescriptor();
  descriptor_.name = options_.name.empty() ? HostName() : options_.name;
  {
    const config::Credentials& peer = credentials_["peer"];
    federation::PeerEndpoint self{
        .username = peer.username,
        .password = peer.password,
        .address =
            DialAddress("broker") + ":" + std::to_string(options_.mqtt_port)};
    // Under TLS peers dial the TLS listener, checked against this fog's CA
    // (fog_up_tls.cc); the URI names the files.
    if (tls_) PeerTls(&self);
    descriptor_.peer_uri = federation::FormatPeerUri(self);
  }
  s = PickMetricsPorts();
  if (!s.ok()) return s;
  return config::WriteFogDescriptor(dir_, descriptor_);
}

Status FogUp::PickMetricsPorts() {
  std::vector<std::string> roles = {"master", "federation"};
  for (int i = 1; i <= options_.workers; ++i) {
    roles.push_back("worker-" + std::to_string(i));
  }
  if (options_.balancer) roles.push_back("balancer");
  // A port is picked fresh on every `fog up`; a restarted child keeps its
  // own, which is in its role config.
  metrics_listen_.clear();
  descriptor_.metrics.clear();
  descriptor_.metrics["api"] = descriptor_.http_url + "/metrics";
  // Ports free here are free on hosts of their own too, whose namespaces
  // hold nothing but the fog's components.
  const std::string pick_on =
      MetricsHost("master") == "0.0.0.0" || !options_.placement.empty()
          ? "127.0.0.1"
          : MetricsHost("master");
  Result<std::vector<int>> ports =
      FreeTcpPorts(pick_on, static_cast<int>(roles.size()));
  if (!ports.ok()) return ports.status();
  for (size_t i = 0; i < roles.size(); ++i) {
    const std::string& role = roles[i];
    const int port = (*ports)[i];
    metrics_listen_[role] = MetricsHost(role) + ":" + std::to_string(port);
    descriptor_.metrics[role] =
        Endpoint(tls_ ? "https" : "http", MetricsHost(role), port) + "/metrics";
  }
  return Status::OK();
}

Status FogUp::EnsurePublisherKey() {
  const std::string name = dir_ + "/keys/publisher";
  if (!fs::exists(name + ".key")) {
    Result<trust::KeyPair> pair = trust::GenerateKeyPair(mldsa::Alg::kMlDsa44);
    if (!pair.ok()) return pair.status();
    Status s = trust::WriteKeyPair(name, *pair);
    if (!s.ok()) return s;
  }
  std::error_code ec;
  fs::copy_file(name + ".pub", dir_ + "/trust/publisher.pub",
                fs::copy_options::overwrite_existing, ec);
  if (ec)
    return Status::IoError("cannot trust the publisher key: " + ec.message());
  return Status::OK();
}

Status FogUp::StartChildren() {
  const std::string mqtt = descriptor_.mqtt_uri;
  // Mosquitto copies each message into buffers of its size: keep them in
  // its heap as ours are (common/heap_tuning.h).
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  Status s =
      supervisor_.Start({.name = "mosquitto",
                         .argv = {"mosquitto", "-c", broker_config_},
                         .log_file = dir_ + "/logs/mosquitto.out",
                         .env = {"GLIBC_TUNABLES=" +
                                 GlibcMallocTunables(tunables ? tunables : "")},
                         .netns = Netns("broker")});
  if (!s.ok()) return s;
  const std::string broker_host = DialAddress("broker");
  if (!WaitForTcp(broker_host, options_.mqtt_port, std::chrono::seconds(10))) {
    return Status::Unavailable("mosquitto did not start: see " + dir_ +
                               "/mosquitto/mosquitto.log and " + dir_ +
                               "/logs/mosquitto.out");
  }
  // MQTT over WebSockets: the bridge relays to the TCP listener. Its
  // messages may be a little larger than the broker's packets, so the
  // broker's max_packet_size is the limit a client meets first.
  // Under TLS it serves wss:// only and reaches the broker over TLS.
  std::vector<std::string> bridge_argv = {
      options_.self_exe,
      "ws-bridge",
      "--listen",
      Address("broker") + ":" + std::to_string(options_.ws_port),
      "--broker",
      broker_host + ":" + std::to_string(options_.mqtt_port),
      "--max-message-bytes",
      std::to_string(options_.max_packet_bytes + (1u << 20))};
  if (tls_) {
    for (std::string& arg : WsBridgeTlsArgs()) bridge_argv.push_back(arg);
  }
  s = supervisor_.Start({.name = "ws-bridge",
                         .argv = std::move(bridge_argv),
                         .log_file = dir_ + "/logs/ws-bridge.log",
                         .netns = Netns("broker")});
  if (!s.ok()) return s;
  if (!WaitForTcp(broker_host, options_.ws_port, std::chrono::seconds(10))) {
    return Status::Unavailable("the WebSockets bridge did not start: see " +
                               dir_ + "/logs/ws-bridge.log");
  }
  auto start_role = [&](const std::string& name, const std::string& command,
                        RoleConfig config) {
    if (tls_) AddTls(name, command, &config);
    const std::string path = dir_ + "/roles/" + name + ".conf";
    Status w = WriteRoleConfig(path, config);
    if (!w.ok()) return w;
    // Only the role config decides: a variable a component reads (a stray
    // BROKER_ADDRESS, MQTT_PASSWORD, FOG_API_TOKEN in fog up's shell) never
    // reaches it.
    return supervisor_.Start(
        {.name = name,
         .argv = {options_.self_exe, command, "--config", path},
         .log_file = dir_ + "/logs/" + name + ".log",
         .unset = config::ComponentEnvironmentVariables(),
         .netns = Netns(name)});
  };
  const config::Credentials& api = credentials_["api"];
  RoleConfig api_config = {
      {"mqtt", mqtt},
      {"username", api.username},
      {"password", api.password},
      {"host", Address("api")},
      {"port", std::to_string(options_.http_port)},
      {"db", "sqlite3://" + dir_ + "/registry.sqlite"},
      {"token", api_token_},
      {"admin-token", api_admin_token_},
      {"trust", dir_ + "/trust"},
      {"viewer-username", credentials_["viewer"].username},
      {"viewer-password", credentials_["viewer"].password},
      {"ui-ws-port", std::to_string(options_.ws_port)},
      {"expect-workers", std::to_string(options_.workers)},
      {"expect-balancer", options_.balancer ? "true" : "false"}};
  // GET /metrics/<role> on the API relays each role's metrics, so the web
  // UI reads them on its own origin. One comma-separated line: the config
  // parser takes only the first of repeated keys.
  std::string peers;
  for (const auto& [role, listen] : metrics_listen_) {
    if (!peers.empty()) peers += ',';
    const std::string host = MetricsHost(role);
    peers += role + "=" + (host == "0.0.0.0" ? "127.0.0.1" : host) + ":" +
             listen.substr(listen.rfind(':') + 1);
  }
  api_config.push_back({"metrics-peer", peers});
  s = start_role("api", "api", std::move(api_config));
  const config::Credentials& master = credentials_["master"];
  if (s.ok()) {
    s = start_role(
        "master", "master",
        {{"mqtt", mqtt},
         {"username", master.username},
         {"password", master.password},
         {"max-packet-bytes", std::to_string(options_.max_packet_bytes)},
         {"replicas", std::to_string(options_.replicas)},
         {"gone-after-ms", std::to_string(options_.worker_gone_after_ms)},
         {"api", descriptor_.http_url},
         {"journal-dir", dir_ + "/master/journal"},
         {"memory-budget", std::to_string(options_.master_memory_budget)},
         {"metrics-listen", metrics_listen_["master"]}});
  }
  for (int i = 1; s.ok() && i <= options_.workers; ++i) {
    // Each worker its own login, named as the worker: the ACL lets it
    // speak only under that name.
    const std::string name = "worker-" + std::to_string(i);
    const config::Credentials& worker = credentials_[name];
    RoleConfig config = {{"mqtt", mqtt},
                         {"username", worker.username},
                         {"password", worker.password},
                         {"name", name},
                         {"store", dir_ + "/workers/" + name},
                         {"trust", dir_ + "/trust"},
                         {"api", descriptor_.http_url},
                         {"api-token", api_token_},
                         {"metrics-listen", metrics_listen_[name]}};
    if (options_.accept_legacy) config.push_back({"accept-legacy", "true"});
    if (options_.worker_store_quota > 0) {
      config.push_back(
          {"store-quota", std::to_string(options_.worker_store_quota)});
    }
    s = start_role(name, "worker", config);
  }
  const config::Credentials& balancer = credentials_["balancer"];
  if (s.ok() && options_.balancer) {
    s = start_role("balancer", "balancer",
                   {{"mqtt", mqtt},
                    {"username", balancer.username},
                    {"password", balancer.password},
                    {"model", options_.balancer_model},
                    {"period-ms", std::to_string(options_.balancer_period_ms)},
                    {"metrics-listen", metrics_listen_["balancer"]}});
  }
  // The federation: links to peer fogs, and this fog's answers to them.
  const config::Credentials& federation = credentials_["federation"];
  if (s.ok()) {
    RoleConfig config = {{"mqtt", mqtt},
                         {"username", federation.username},
                         {"password", federation.password},
                         {"name", descriptor_.name},
                         {"api", descriptor_.http_url},
                         {"trust", dir_ + "/trust"},
                         {"pins-file", dir_ + "/federation/pins.json"},
                         {"metrics-listen", metrics_listen_["federation"]}};
    // One comma-separated line: the config parser takes only the first of
    // repeated keys.
    std::string peer_list;
    for (const std::string& p : options_.peers) {
      if (!peer_list.empty()) peer_list += ',';
      peer_list += p;
    }
    if (!peer_list.empty()) config.push_back({"peer", peer_list});
    s = start_role("federation", "federation", std::move(config));
  }
  return s;
}

Status FogUp::WaitHealthy(std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_ptr<httplib::Client> http = tls::MakeHttpClient(
      descriptor_.http_url,
      {descriptor_.ca_file, descriptor_.client_cert, descriptor_.client_key});
  http->set_connection_timeout(1);
  while (std::chrono::steady_clock::now() < deadline) {
    auto res = http->Get("/health");
    if (res && res->status == 200) return Status::OK();
    supervisor_.Poll();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return Status::Unavailable(
      "the fog did not become healthy in time; logs in " + dir_ + "/logs");
}

std::string FogUp::UiUrl() const {
  return Endpoint(tls_ ? "https" : "http", DialAddress("api"),
                  options_.http_port) +
         "/";
}

std::string FogUp::Address(const std::string& role) const {
  auto it = options_.placement.find(role);
  return it == options_.placement.end() ? options_.bind : it->second.address;
}

std::string FogUp::DialAddress(const std::string& role) const {
  // A fog bound to every address is reached locally by the loopback one.
  const std::string a = Address(role);
  return a == "0.0.0.0" ? "127.0.0.1" : a;
}

std::string FogUp::Netns(const std::string& role) const {
  auto it = options_.placement.find(role);
  return it == options_.placement.end() ? "" : it->second.netns;
}

std::string FogUp::Summary() const {
  std::string s;
  s += "fog is up (" + std::to_string(options_.workers) + " workers)\n";
  s += "  MQTT        " + descriptor_.mqtt_uri + "\n";
  s += "  WebSockets  " + descriptor_.ws_uri + "\n";
  if (tls_) s += "  TLS CA      " + descriptor_.ca_file + "\n";
  s += "  HTTP API    " + descriptor_.http_url +
       "  (/videos, /fog, /health, /metrics)\n";
  s += "  web UI      " + UiUrl() + "  (library, player, dashboard)\n";
  if (options_.balancer) {
    s += "  balancer    " + options_.balancer_model + " model, every " +
         std::to_string(options_.balancer_period_ms) + " ms\n";
  }
  for (const auto& [component, url] : descriptor_.metrics) {
    s += "  metrics     " + url + "  (" + component + ")\n";
  }
  s += "  descriptor  " + dir_ +
       "/fog.json (endpoints, publisher and viewer credentials)\n";
  s += "  publisher   " + descriptor_.publisher_key +
       " (trusted by the workers)\n";
  s += "  logs        " + dir_ + "/logs/\n";
  s += "stream a video with: fog stream VIDEO --dir " + options_.dir + "\n";
  return s;
}

}  // namespace fog::up
