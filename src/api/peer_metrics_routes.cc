// GET /metrics/{name}: the Prometheus text of another component of the fog
// (the master, the balancer, a worker), relayed unchanged so that a browser
// on the API's origin can read it. Only configured names are served; the
// request chooses a name, never a host or a port.

#include <fmt/core.h>

#include <cctype>
#include <charconv>
#include <chrono>

#include "api/internal/peer_metrics.h"
#include "api/internal/server_impl.h"

namespace fog::api {

namespace {

constexpr size_t kMaxPeerName = 64;

bool ValidPeerName(std::string_view name) {
  if (name.empty() || name.size() > kMaxPeerName) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' &&
        c != '.') {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<PeerAddress> ParsePeerAddress(std::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Status::InvalidArgument(
        fmt::format("metrics peer address \"{}\" is not HOST:PORT", text));
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') {
      return Status::InvalidArgument(
          fmt::format("metrics peer address \"{}\": bad [IPv6] host", text));
    }
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return Status::InvalidArgument(fmt::format(
        "metrics peer address \"{}\": write an IPv6 host as [ADDR]", text));
  }
  for (char c : host) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '/' || c == '@') {
      return Status::InvalidArgument(
          fmt::format("metrics peer address \"{}\": bad host", text));
    }
  }
  int port = 0;
  const auto [end, ec] = std::from_chars(
      port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() ||
      port < 1 || port > 65535) {
    return Status::InvalidArgument(fmt::format(
        "metrics peer address \"{}\": port must be in [1, 65535]", text));
  }
  return PeerAddress{std::string(host), port};
}

Status ValidateMetricsPeers(const std::map<std::string, std::string>& peers) {
  for (const auto& [name, address] : peers) {
    if (!ValidPeerName(name)) {
      return Status::InvalidArgument(fmt::format(
          "metrics peer name \"{}\" must be 1-64 of [A-Za-z0-9_.-]", name));
    }
    Result<PeerAddress> parsed = ParsePeerAddress(address);
    if (!parsed.ok()) return parsed.status();
  }
  return Status::OK();
}

void ApiServer::Impl::HandlePeerMetrics(const Request& req, Response& res,
                                        const std::string& name) {
  const auto peer = options_.metrics_peers.find(name);
  if (peer == options_.metrics_peers.end()) {
    SendError(req, res, 404, Rejection::kNotFound,
              "no metrics of that component here");
    return;
  }
  // Checked by Start(): cannot fail here.
  const Result<PeerAddress> address = ParsePeerAddress(peer->second);
  if (!address.ok()) {
    SendError(req, res, 500, Rejection::kInternal, "bad metrics peer");
    return;
  }
  const auto timeout =
      std::chrono::milliseconds(options_.metrics_peer_timeout_ms);
  // The socket timeouts bound each wait; the deadline bounds a peer that
  // trickles bytes slowly enough to never trip them.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // Over HTTPS when the fog runs TLS: the peer's certificate must chain to
  // the fog CA.
  const bool tls = !options_.metrics_peer_ca_file.empty();
  httplib::Client client(fmt::format("{}://{}:{}", tls ? "https" : "http",
                                     address->host, address->port));
  if (tls) {
    client.set_ca_cert_path(options_.metrics_peer_ca_file);
    client.enable_server_certificate_verification(true);
  }
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  client.set_keep_alive(false);

  const size_t max_bytes = options_.metrics_peer_max_bytes;
  std::string body;
  std::string refusal;  // why the relay stopped early
  int peer_status = 0;
  httplib::Result got = client.Get(
      "/metrics", httplib::Headers{{"Accept", "text/plain"}},
      [&](const httplib::Response& r) {
        peer_status = r.status;
        if (r.status != 200) {
          refusal = fmt::format("answered HTTP {}", r.status);
          return false;
        }
        if (r.has_header("Content-Length")) {
          const std::string length = r.get_header_value("Content-Length");
          size_t n = 0;
          std::from_chars(length.data(), length.data() + length.size(), n);
          if (n > max_bytes) {
            refusal =
                fmt::format("answer of {} bytes exceeds {}", n, max_bytes);
            return false;
          }
          body.reserve(n);
        }
        return true;
      },
      [&](const char* data, size_t n) {
        if (body.size() + n > max_bytes) {
          refusal = fmt::format("answer exceeds {} bytes", max_bytes);
          return false;
        }
        if (std::chrono::steady_clock::now() > deadline) {
          refusal = fmt::format("no full answer within {} ms",
                                options_.metrics_peer_timeout_ms);
          return false;
        }
        body.append(data, n);
        return true;
      });
  if (refusal.empty() && !got) {
    refusal =
        fmt::format("did not answer ({})", httplib::to_string(got.error()));
  } else if (refusal.empty() && peer_status != 200) {
    refusal = fmt::format("answered HTTP {}", peer_status);
  }
  if (!refusal.empty()) {
    SendError(req, res, 502, Rejection::kPeerFailed,
              fmt::format("metrics of {}: {}", name, refusal));
    return;
  }
  res.set_header("Cache-Control", "no-store");
  // The peers speak the text exposition format 0.0.4, as this API does.
  res.set_content(std::move(body), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace fog::api
