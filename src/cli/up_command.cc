// fog up: a whole local fog in the foreground, stopped by Ctrl-C or SIGTERM.

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "cli/revocation_publisher.h"
#include "cli/signals.h"
#include "federation/peer_uri.h"
#include "up/fog_up.h"

namespace fog::cli {

namespace {

std::string SelfExe() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, n) : "fog";
}

int RunUp(up::UpOptions options) {
  BlockTerminationSignals();
  options.self_exe = SelfExe();
  up::FogUp fog(options);
  Status s = fog.Start();
  if (!s.ok()) {
    ReportError(s.ToString());
    return kExitUsage;
  }
  // Workers follow the retained list; a broker that lost it (a new data
  // directory) gets it again from the file.
  if (Status r = PublishRevocations(options.dir); !r.ok()) {
    spdlog::warn("revocation list not published: {}", r.ToString());
  }
  std::printf("%s", fog.Summary().c_str());
  std::fflush(stdout);
  while (WaitForTerminationSignal(std::chrono::milliseconds(500)) == 0)
    fog.Poll();
  std::printf("stopping the fog\n");
  fog.Stop();
  return kExitOk;
}

}  // namespace

void AddUpCommand(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<up::UpOptions>();
  auto* cmd =
      app.add_subcommand("up", "Run a complete local fog (Ctrl-C stops it)");
  cmd->add_option("--dir", o->dir, "All state goes here")
      ->capture_default_str();
  cmd->add_option("--workers", o->workers, "Number of workers")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_option("--bind", o->bind, "Address every listener binds")
      ->capture_default_str();
  cmd->add_option("--mqtt-port", o->mqtt_port, "MQTT TCP port")
      ->capture_default_str();
  cmd->add_option("--ws-port", o->ws_port, "MQTT WebSockets port")
      ->capture_default_str();
  cmd->add_option("--http-port", o->http_port, "HTTP API port")
      ->capture_default_str();
  cmd->add_option("--max-packet-bytes", o->max_packet_bytes,
                  "Largest stream packet (the broker's limit follows)")
      ->capture_default_str();
  cmd->add_option("--viewer-username", o->viewer_username,
                  "The viewer's broker username (default: generated, kept "
                  "in fog.json)");
  cmd->add_option("--viewer-password", o->viewer_password,
                  "The viewer's broker password (with --viewer-username)");
  cmd->add_option("--replicas", o->replicas,
                  "Copies of each packet, on distinct workers")
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
  cmd->add_option("--worker-gone-after-ms", o->worker_gone_after_ms,
                  "A worker not live this long is gone for good: its packets "
                  "are copied again")
      ->capture_default_str()
      ->check(CLI::Range(1000, 1 << 30));
  cmd->add_option("--master-memory-budget", o->master_memory_budget,
                  "Payload bytes the master keeps in memory (its "
                  "--memory-budget)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1} << 20, size_t{1} << 40));
  cmd->add_flag("--accept-legacy", o->accept_legacy,
                "Workers store the seed's legacy packets (unauthenticated)");
  cmd->add_flag("!--no-balancer", o->balancer,
                "Start no load balancer (the master goes round-robin)");
  cmd->add_option("--balancer-model", o->balancer_model,
                  "The balancer's solver: exact or heuristic")
      ->capture_default_str();
  cmd->add_option("--balancer-period-ms", o->balancer_period_ms,
                  "How often the balancer pings workers and publishes")
      ->capture_default_str();
  cmd->add_flag("--tls", o->tls,
                "TLS on every listener: MQTT over TLS, HTTPS for the API, "
                "certificates of a fog CA made in DIR/tls (no plaintext "
                "listener, no WebSockets bridge)");
  cmd->add_option("--tls-san", o->tls_sans,
                  "With --tls: a host name or address clients dial, put in "
                  "the certificates beside the bind address (repeatable)");
  cmd->add_flag("--tls-mutual", o->tls_mutual,
                "With --tls: every client presents a certificate of the fog "
                "CA (mutual TLS)");
  cmd->add_option("--name", o->name,
                  "This fog's name among its peers (default: the host name)");
  cmd->add_option("--peer", o->peers,
                  "A peer fog's broker, mqtt://USER:PASSWORD@HOST:PORT or "
                  "mqtts://USER:PASSWORD@HOST:PORT?ca=FILE[&cert=FILE&key="
                  "FILE]: the peer's `peer_uri` from its fog.json "
                  "(repeatable)");
  cmd->callback([o, exit_code] {
    if ((o->tls_mutual || !o->tls_sans.empty()) && !o->tls) {
      ReportError("--tls-san and --tls-mutual need --tls");
      *exit_code = kExitUsage;
      return;
    }
    for (std::string& p : o->peers) {
      Result<federation::PeerEndpoint> e = federation::ParsePeerUri(p);
      Status s = e.ok() ? Status::OK() : e.status();
      if (e.ok()) {
        // The federation child runs from elsewhere: its TLS files by
        // absolute path.
        for (std::string* f : {&e->ca_file, &e->cert_file, &e->key_file}) {
          if (!f->empty()) *f = std::filesystem::absolute(*f).string();
        }
        s = federation::CheckPeerFiles(*e);
        p = federation::FormatPeerUri(*e);
      }
      if (!s.ok()) {
        ReportError("--peer: " + s.message());
        *exit_code = kExitUsage;
        return;
      }
    }
    *exit_code = RunUp(*o);
  });
}

}  // namespace fog::cli
