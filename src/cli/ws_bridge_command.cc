// fog ws-bridge: MQTT over WebSockets in front of the broker's TCP listener
// (wsbridge/bridge.h), until Ctrl-C or SIGTERM.

#include <spdlog/spdlog.h>

#include <charconv>

#include "cli/commands.h"
#include "cli/signals.h"
#include "wsbridge/bridge.h"

namespace fog::cli {

namespace {

// "HOST:PORT" (the host may be empty for 127.0.0.1 or "[v6]").
Result<std::pair<std::string, int>> SplitHostPort(const std::string& s,
                                                  const char* what) {
  const size_t colon = s.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    const char* first = s.data() + colon + 1;
    const char* last = s.data() + s.size();
    auto [end, ec] = std::from_chars(first, last, port);
    if (ec != std::errc() || end != last || first == last) port = -1;
  }
  if (port < 0 || port > 65535) {
    return Status::InvalidArgument(std::string(what) +
                                   " must be HOST:PORT, not '" + s + "'");
  }
  std::string host = s.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "127.0.0.1";
  return std::make_pair(host, port);
}

struct WsBridgeArgs {
  std::string listen = "127.0.0.1:9001";
  std::string broker = "127.0.0.1:1883";
  size_t max_message_bytes = wsbridge::kDefaultMaxMessageBytes;
  // wss:// (docs/security.md#tls): as `fog api`'s HTTPS flags.
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  // The broker over TLS: as every MQTT client's flags.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

int RunWsBridge(const WsBridgeArgs& args) {
  auto listen = SplitHostPort(args.listen, "--listen");
  auto broker = SplitHostPort(args.broker, "--broker");
  if (!listen.ok() || !broker.ok()) {
    ReportError((listen.ok() ? broker.status() : listen.status()).ToString());
    return kExitUsage;
  }
  BlockTerminationSignals();  // before the bridge's thread starts
  wsbridge::Bridge bridge({.listen_host = listen->first,
                           .listen_port = listen->second,
                           .broker_host = broker->first,
                           .broker_port = broker->second,
                           .max_message_bytes = args.max_message_bytes,
                           .tls_cert_file = args.tls_cert,
                           .tls_key_file = args.tls_key,
                           .tls_client_ca_file = args.tls_client_ca,
                           .broker_ca_file = args.ca_file,
                           .broker_cert_file = args.cert_file,
                           .broker_key_file = args.key_file});
  Status s = bridge.Start();
  if (!s.ok()) {
    ReportError(s.ToString());
    return kExitUsage;
  }
  spdlog::info(
      "ws-bridge listening on {}://{}:{} for broker {}:{}{} (messages up "
      "to {} bytes)",
      bridge.tls() ? "wss" : "ws", listen->first, bridge.port(), broker->first,
      broker->second, args.ca_file.empty() ? "" : " over TLS",
      args.max_message_bytes);
  spdlog::default_logger()->flush();
  WaitForTerminationSignal();
  bridge.Stop();
  const wsbridge::BridgeStats& st = bridge.stats();
  spdlog::info(
      "ws-bridge stopped: {} connections, {} refused handshakes, {} broker "
      "unreachable, {} failed TLS handshakes, {} too big (1009), {} bytes to "
      "the broker, {} to clients",
      st.connections.load(), st.handshake_errors.load(),
      st.broker_unreachable.load(), st.tls_errors.load(), st.too_big.load(),
      st.bytes_to_broker.load(), st.bytes_to_client.load());
  return kExitOk;
}

}  // namespace

void AddWsBridgeCommand(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<WsBridgeArgs>();
  auto* cmd = app.add_subcommand(
      "ws-bridge",
      "MQTT over WebSockets for the broker: relays each WebSocket to a TCP "
      "connection (Ctrl-C stops it)");
  cmd->add_option("--listen", a->listen, "HOST:PORT the WebSockets serve on")
      ->capture_default_str();
  cmd->add_option("--broker", a->broker, "HOST:PORT of the broker's MQTT TCP")
      ->capture_default_str();
  cmd->add_option("--max-message-bytes", a->max_message_bytes,
                  "Larger WebSocket messages are refused (close code 1009)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1024}, size_t{1} << 30));
  cmd->add_option("--tls-cert", a->tls_cert,
                  "Serve wss:// (TLS only) with this certificate (PEM; with "
                  "--tls-key)");
  cmd->add_option("--tls-key", a->tls_key, "The key (PEM) of --tls-cert");
  cmd->add_option("--tls-client-ca", a->tls_client_ca,
                  "wss://: require a client certificate of this CA (PEM)");
  cmd->add_option("--ca-file", a->ca_file,
                  "Reach the broker over TLS, verifying it against this CA "
                  "(PEM)");
  cmd->add_option("--cert-file", a->cert_file,
                  "TLS to the broker: present this client certificate (PEM)");
  cmd->add_option("--key-file", a->key_file, "TLS: key of --cert-file");
  cmd->callback([a, exit_code] { *exit_code = RunWsBridge(*a); });
}

}  // namespace fog::cli
