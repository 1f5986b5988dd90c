// fog api: the registry's HTTP API, alone (fog up runs it as a child). It
// also watches the fog's status, stats and policy topics so GET /health can
// say whether every component is up and GET /fog can show the dashboard.

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_server.h"
#include "api/fog_view.h"
#include "api/poster.h"
#include "cli/commands.h"
#include "cli/metrics_flags.h"
#include "cli/mqtt_flags.h"
#include "cli/signals.h"
#include "federation/pin_client.h"
#include "metrics/callback_collector.h"
#include "registry/registry.h"
#include "trust/trust_store.h"
#include "viewer/hls_source.h"
#include "viewer/packet_fetcher.h"
#include "wire/envelope.h"
#include "wire/topics.h"

namespace fog::cli {

namespace {

struct ApiArgs {
  MqttFlags mqtt;
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string db = "sqlite3://./fog-data/registry.sqlite";
  std::string token;
  std::string admin_token;
  bool open_create = false;
  std::string cors_origin = "*";
  int expect_workers = 1;
  bool expect_balancer = false;
  // HLS playback (docs/api.md): off unless a trust directory is given.
  std::string trust_dir;
  std::string viewer_username = "viewer";
  std::string viewer_password;
  size_t hls_cache_mb = 256;
  // Bytes of fetched packets one HLS request, and all together, may hold.
  size_t hls_request_mb = 16;
  size_t hls_inflight_mb = 64;
  // The web UI (docs/api.md#web-ui).
  std::string ui_dir;
  int ui_ws_port = 0;
  std::string ui_ws_url;
  // NAME=HOST:PORT of each component whose metrics GET /metrics/NAME relays.
  std::vector<std::string> metrics_peers;
  // HTTPS (docs/security.md#tls): certificate and key; with
  // tls_client_ca, clients must present a certificate of that CA.
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  std::string metrics_peer_ca;
};

// "NAME=HOST:PORT" flags as a map; ApiServer::Start() checks the parts.
Result<std::map<std::string, std::string>> ParseMetricsPeers(
    const std::vector<std::string>& flags) {
  std::map<std::string, std::string> peers;
  for (const std::string& flag : flags) {
    const size_t eq = flag.find('=');
    if (eq == std::string::npos) {
      return Status::InvalidArgument("--metrics-peer \"" + flag +
                                     "\" is not NAME=HOST:PORT");
    }
    if (!peers.emplace(flag.substr(0, eq), flag.substr(eq + 1)).second) {
      return Status::InvalidArgument("--metrics-peer names \"" +
                                     flag.substr(0, eq) + "\" twice");
    }
  }
  return peers;
}

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

// The HLS side: a viewer's connection fetching packets from the workers,
// the keys they must verify with, and the cache of verified packets.
struct Hls {
  trust::TrustStore trust;
  std::unique_ptr<viewer::PacketFetcher> fetcher;
  std::unique_ptr<viewer::HlsSource> source;
};

// `hls` outlives the exporter's scrapes: the server stops before it goes.
void AddHlsMetrics(metrics::Exporter& exporter, const Hls& hls) {
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_api_hls_events_total",
      "HLS fetches, pages, packets and refusals, by kind",
      metrics::Kind::kCounter, [&hls] {
        std::vector<metrics::Sample> samples;
        for (const auto& [kind, n] : hls.source->Counters()) {
          if (kind == "videos") continue;
          samples.push_back({{{"kind", kind}}, static_cast<double>(n)});
        }
        return samples;
      }));
  exporter.Add(std::make_shared<metrics::CallbackCollector>(
      "fog_api_hls_bytes",
      "Bytes held: fetched packets in flight (now, peak) and the cache",
      metrics::Kind::kGauge, [&hls] {
        return std::vector<metrics::Sample>{
            {{{"kind", "inflight"}},
             static_cast<double>(hls.fetcher->inflight_bytes())},
            {{{"kind", "inflight_peak"}},
             static_cast<double>(hls.fetcher->peak_inflight_bytes())},
            {{{"kind", "cache"}},
             static_cast<double>(hls.source->cache().bytes())}};
      }));
}

Result<std::unique_ptr<Hls>> StartHls(const ApiArgs& args) {
  auto hls = std::make_unique<Hls>();
  std::vector<std::string> rejected;
  Result<trust::TrustStore> trust =
      trust::TrustStore::LoadDir(args.trust_dir, &rejected);
  if (!trust.ok()) return trust.status();
  for (const std::string& r : rejected) spdlog::warn("api: trust: {}", r);
  hls->trust = std::move(*trust);
  mqtt::ConnectOptions options = ToConnectOptions(args.mqtt);
  options.username = args.viewer_username;
  options.password = args.viewer_password;
  options.client_id = args.mqtt.client_id + "-hls";
  Result<std::unique_ptr<viewer::PacketFetcher>> fetcher =
      viewer::PacketFetcher::Connect(
          options, std::chrono::seconds(10),
          {.max_total_bytes = args.hls_inflight_mb << 20});
  if (!fetcher.ok()) return fetcher.status();
  hls->fetcher = std::move(*fetcher);
  hls->source = std::make_unique<viewer::HlsSource>(
      *hls->fetcher, hls->trust,
      viewer::HlsOptions{.cache_bytes = args.hls_cache_mb << 20,
                         .request_bytes = args.hls_request_mb << 20});
  return hls;
}

// FNV-1a, 64 bits: an ETag for bytes no signature digest covers.
std::string Fnv1a64(std::string_view bytes) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  return fmt::format("{:016x}", h);
}

Result<api::MediaReply> ServeMedia(viewer::HlsSource& source,
                                   const api::MediaRequest& r) {
  if (r.path.kind == api::MediaKind::kPlaylist) {
    Result<viewer::HlsPlaylistReply> p =
        source.Playlist(r.path.video_id, r.holders);
    if (!p.ok()) return p.status();
    auto text = std::make_shared<const std::string>(std::move(p->text));
    return api::MediaReply{text, *text, p->complete, Fnv1a64(*text)};
  }
  Result<viewer::HlsPacketReply> p =
      source.Packet(r.path.video_id, r.path.packet, r.holders);
  if (!p.ok()) return p.status();
  const wire::Envelope& e = *p->packet;
  std::string_view body(reinterpret_cast<const char*>(e.packet.data.data()),
                        e.packet.data.size());
  // A signed packet carries the SIS digest of its data, already checked:
  // a content hash for free. Amortized mode leaves most packets unsigned.
  std::string etag = e.signature
                         ? ToHex(ByteView(e.signature->digest.data(), 16))
                         : Fnv1a64(body);
  return api::MediaReply{p->packet, body, p->complete, std::move(etag)};
}

// GET /videos/{id}/packets/{n}: the payload of packet n exactly as a worker
// sent it, fetched like an HLS segment (same fetcher and byte caps), neither
// verified nor re-encoded here: the browser verifies it.
Result<Bytes> ServePacket(viewer::PacketFetcher& fetcher, size_t max_bytes,
                          const std::string& video_id, int64_t number,
                          int holders) {
  Result<viewer::FetchResult> got =
      fetcher.Fetch({.video_id = video_id,
                     .first = number,
                     .last = number,
                     .expected_ends = holders,
                     .timeout = std::chrono::seconds(10),
                     .quiet = std::chrono::milliseconds(500),
                     .max_bytes = max_bytes,
                     .keep_payloads = true});
  if (!got.ok()) return got.status();
  for (size_t i = 0; i < got->envelopes.size(); ++i) {
    if (got->envelopes[i].packet.packet_number == number &&
        i < got->payloads.size()) {
      return std::move(got->payloads[i]);
    }
  }
  for (Bytes& payload : got->legacy) {
    Result<wire::VideoPacket> p = viewer::SeedPacketOf(payload);
    if (p.ok() && p->packet_number == number) return std::move(payload);
  }
  if (got->ends == 0) {
    return Status::Unavailable(fmt::format(
        "no worker answered for packet {} of {}", number, video_id));
  }
  if (got->over_budget > 0) {
    return Status::Unavailable(fmt::format(
        "packet {} of {} is larger than the fetch budget", number, video_id));
  }
  return Status::NotFound(
      fmt::format("no worker holds packet {} of {}", number, video_id));
}

// GET /keys: the public keys (`ext` ".pub") or fog keys (".authority") of
// the trust directory.
std::vector<api::PublishedKey> PublishedKeys(const std::string& dir,
                                             std::string_view ext = ".pub") {
  std::vector<api::PublishedKey> keys;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ext) continue;
    Result<trust::PublicKey> key = trust::LoadPublicKey(entry.path().string());
    if (!key.ok()) continue;  // StartHls already reported it
    keys.push_back(
        {.key_id_hex = ToHex(key->id),
         .algorithm = fmt::format("mldsa{}", static_cast<int>(key->alg)),
         .public_key = std::move(key->bytes)});
  }
  std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    return a.key_id_hex < b.key_id_hex;
  });
  return keys;
}

// GET /keys: the fog keys and the signed revocation lists of the trust
// directory, read at every request (`fog publisher revoke` rewrites the
// list). A list larger than the most serials a list may hold is skipped.
api::PublishedTrust TrustForBrowsers(const std::string& dir) {
  constexpr uintmax_t kMaxListBytes = uintmax_t{1} << 20;
  api::PublishedTrust trust{.authorities = PublishedKeys(dir, ".authority")};
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".revocations") continue;
    std::error_code size_ec;
    const uintmax_t size = entry.file_size(size_ec);
    if (size_ec || size > kMaxListBytes) continue;
    Result<Bytes> list = ReadFile(entry.path().string());
    if (list.ok()) trust.revocations.push_back(std::move(*list));
  }
  return trust;
}

// The built web UI: beside the binary (web/, where the CMake build copies
// it), else the source tree's web/dist. When neither holds index.html, the
// first: GET / then says the UI is not built.
std::string DefaultUiDir() {
  std::vector<std::string> candidates;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back((exe.parent_path() / "web").string());
#ifdef FOG_SOURCE_DIR
  candidates.push_back(std::string(FOG_SOURCE_DIR) + "/web/dist");
#endif
  for (const std::string& c : candidates) {
    if (std::filesystem::is_regular_file(c + "/index.html", ec)) return c;
  }
  return candidates.empty() ? "web" : candidates.front();
}

int RunApi(ApiArgs args) {
  if (args.tls_cert.empty() != args.tls_key.empty()) {
    ReportError("--tls-cert and --tls-key go together");
    return kExitUsage;
  }
  BlockTerminationSignals();
  ResolveMqttUri(&args.mqtt, "api");
  if (args.ui_dir.empty()) args.ui_dir = DefaultUiDir();
  spdlog::info("api: web UI from {}", args.ui_dir);
  Result<std::unique_ptr<registry::Registry>> reg =
      registry::Registry::Open(args.db);
  if (!reg.ok()) {
    ReportError(reg.status().ToString());
    return kExitUsage;
  }
  Result<std::map<std::string, std::string>> peers =
      ParseMetricsPeers(args.metrics_peers);
  if (!peers.ok()) {
    ReportError(peers.status().ToString());
    return kExitUsage;
  }
  api::ApiServer server({.host = args.host,
                         .port = args.port,
                         .token = args.token,
                         .admin_token = args.admin_token,
                         .open_create = args.open_create,
                         .cors_origin = args.cors_origin,
                         .ui_dir = args.ui_dir,
                         .mqtt_ws_url = args.ui_ws_url,
                         .mqtt_ws_port = args.ui_ws_port,
                         .viewer_username = args.viewer_username,
                         .viewer_password = args.viewer_password,
                         .metrics_peers = std::move(*peers),
                         .tls_cert_file = args.tls_cert,
                         .tls_key_file = args.tls_key,
                         .tls_client_ca_file = args.tls_client_ca,
                         .metrics_peer_ca_file = args.metrics_peer_ca},
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
  // POST /videos/{id}/pin: asked of this fog's federation on the broker,
  // with the API's login, one connection per pin (rare, operator-driven).
  server.SetPinProvider([login = ToConnectOptions(args.mqtt)](
                            const std::string& id,
                            const std::string& to) -> Result<api::PinOutcome> {
    Result<federation::PinReply> r = federation::RequestPin(
        login, {.video_id = id, .to = to}, std::chrono::seconds(12));
    if (!r.ok()) return r.status();
    // Accepted only when the answer says so, whatever its status.
    if (r->status == 200 && r->result != "accepted") {
      return api::PinOutcome{.status = 502,
                             .reason = "the federation answered \"" +
                                       r->result + "\" with status 200"};
    }
    return api::PinOutcome{.status = r->status, .reason = r->reason};
  });

  std::unique_ptr<Hls> hls;
  if (!args.trust_dir.empty()) {
    Result<std::unique_ptr<Hls>> started = StartHls(args);
    if (started.ok()) {
      hls = std::move(*started);
      server.SetMediaProvider([&hls](const api::MediaRequest& r) {
        return ServeMedia(*hls->source, r);
      });
      const size_t max_bytes = args.hls_request_mb << 20;
      server.SetPacketProvider(
          [&hls, max_bytes](const std::string& id, int64_t n, int holders) {
            return ServePacket(*hls->fetcher, max_bytes, id, n, holders);
          });
      server.SetPosterMaker([](ByteView init, ByteView fragment) {
        return api::MakePosterWithFfmpeg(init, fragment);
      });
      server.SetKeys(PublishedKeys(args.trust_dir));
      server.SetTrustProvider(
          [dir = args.trust_dir] { return TrustForBrowsers(dir); });
      AddHlsMetrics(exporter, *hls);
    } else {
      // The registry is still worth serving; the HLS routes answer 404.
      spdlog::error("api: HLS playback off: {}", started.status().ToString());
    }
  }
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
  spdlog::info("api: listening on {}://{}:{} ({})",
               args.tls_cert.empty() ? "http" : "https", args.host,
               server.port(), registry::RedactDatabaseUrl(args.db));
  WaitForTerminationSignal();
  server.Stop();
  hls.reset();
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
  cmd->add_option("--token", args->token,
                  "Reporting-scope bearer token: workers' reports "
                  "(POST /videos) and GET /create")
      ->envname("FOG_API_TOKEN");
  cmd->add_option("--admin-token", args->admin_token,
                  "Administration-scope bearer token: deletes, and all the "
                  "reporting token allows (empty: the reporting token "
                  "administers too)")
      ->envname("FOG_API_ADMIN_TOKEN");
  cmd->add_flag("--open-create", args->open_create,
                "Let GET /create?video_id=ID create videos without the token, "
                "for the seed's workers (off: 401)");
  cmd->add_option("--cors-origin", args->cors_origin, "Allowed browser origin")
      ->capture_default_str();
  cmd->add_option("--expect-workers", args->expect_workers,
                  "GET /health is 200 once this many workers are online")
      ->capture_default_str();
  cmd->add_flag("--expect-balancer", args->expect_balancer,
                "GET /health is 200 only once the load balancer is online");
  cmd->add_option("--trust", args->trust_dir,
                  "Trusted publisher keys (*.pub); enables HLS playback of "
                  "verified packets");
  cmd->add_option("--viewer-username", args->viewer_username,
                  "MQTT user that fetches packets for HLS")
      ->capture_default_str();
  cmd->add_option("--viewer-password", args->viewer_password, "Its password")
      ->envname("FOG_VIEWER_PASSWORD");
  cmd->add_option("--hls-cache-mb", args->hls_cache_mb,
                  "Memory for verified packets (MiB, LRU)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1} << 20));
  cmd->add_option("--hls-request-mb", args->hls_request_mb,
                  "Fetched packets one HLS request may hold (MiB)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1} << 12));
  cmd->add_option("--hls-inflight-mb", args->hls_inflight_mb,
                  "Fetched packets all HLS requests together may hold (MiB)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1} << 16));
  cmd->add_option("--ui-dir", args->ui_dir,
                  "The built web UI (default: web/ beside the fog binary, "
                  "then the source tree's web/dist)");
  cmd->add_option("--ui-ws-port", args->ui_ws_port,
                  "MQTT over WebSockets port GET /ui-config gives browsers "
                  "(on the host they reached the API by)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--ui-ws-url", args->ui_ws_url,
                  "MQTT over WebSockets URL GET /ui-config gives browsers "
                  "(wins over --ui-ws-port)");
  cmd->add_option("--metrics-peer", args->metrics_peers,
                  "NAME=HOST:PORT: GET /metrics/NAME relays that metrics "
                  "listener's GET /metrics (repeatable, or comma-separated)")
      ->delimiter(',');
  cmd->add_option("--tls-cert", args->tls_cert,
                  "Serve HTTPS with this certificate (PEM; with --tls-key)");
  cmd->add_option("--tls-key", args->tls_key, "The key (PEM) of --tls-cert");
  cmd->add_option("--tls-client-ca", args->tls_client_ca,
                  "HTTPS: require a client certificate of this CA (PEM)");
  cmd->add_option("--metrics-peer-ca", args->metrics_peer_ca,
                  "Ask the --metrics-peer listeners over HTTPS, trusting "
                  "this CA (PEM)");
  cmd->callback([args, exit_code] { *exit_code = RunApi(*args); });
}

}  // namespace fog::cli
