// ApiServer's lifecycle: binding, the httplib settings, the background
// thread, and the public facade over ApiServer::Impl.

#include "api/api_server.h"

#include <errno.h>
#include <fmt/core.h>
#include <spdlog/spdlog.h>
#include <string.h>

#include <chrono>
#include <exception>

#include "api/internal/peer_metrics.h"
#include "api/internal/server_impl.h"
#include "common/http_every_method.h"

namespace fog::api {

ApiServer::Impl::Impl(ApiOptions options, registry::Registry& registry)
    : options_(std::move(options)), registry_(registry) {
  for (auto& counter : rejections_) counter.store(0);
  if (options_.tls_cert_file.empty()) {
    server_ = std::make_unique<httplib::Server>();
  } else {
    server_ = std::make_unique<httplib::SSLServer>(
        options_.tls_cert_file.c_str(), options_.tls_key_file.c_str(),
        options_.tls_client_ca_file.empty()
            ? nullptr
            : options_.tls_client_ca_file.c_str());
  }
}

void ApiServer::Impl::SetFogProvider(std::function<std::string()> provider) {
  std::lock_guard<std::mutex> lock(providers_mu_);
  fog_ = std::move(provider);
}

void ApiServer::Impl::SetMetricsProvider(
    std::function<std::string()> provider) {
  std::lock_guard<std::mutex> lock(providers_mu_);
  metrics_ = std::move(provider);
}

void ApiServer::Impl::SetHealthProvider(
    std::function<HealthReport()> provider) {
  std::lock_guard<std::mutex> lock(providers_mu_);
  health_ = std::move(provider);
}

void ApiServer::Impl::SetMediaProvider(MediaProvider provider) {
  std::lock_guard<std::mutex> lock(providers_mu_);
  media_ = std::move(provider);
}

void ApiServer::Impl::SetPacketProvider(PacketProvider provider) {
  std::lock_guard<std::mutex> lock(providers_mu_);
  packets_ = std::move(provider);
}

void ApiServer::Impl::SetPinProvider(PinProvider provider) {
  std::lock_guard<std::mutex> lock(providers_mu_);
  pin_ = std::move(provider);
}

void ApiServer::Impl::SetPosterMaker(PosterMaker maker) {
  std::lock_guard<std::mutex> lock(providers_mu_);
  poster_maker_ = std::move(maker);
}

void ApiServer::Impl::SetKeys(std::vector<PublishedKey> keys) {
  std::lock_guard<std::mutex> lock(providers_mu_);
  keys_ = std::move(keys);
}

void ApiServer::Impl::SetTrustProvider(
    std::function<PublishedTrust()> provider) {
  std::lock_guard<std::mutex> lock(providers_mu_);
  trust_ = std::move(provider);
}

Status ApiServer::Impl::Start() {
  if (started_) return Status::Internal("API server already started");
  if (options_.port < 0 || options_.port > 65535) {
    return Status::InvalidArgument("port must be in [0, 65535]");
  }
  if (options_.max_body_bytes == 0) {
    return Status::InvalidArgument("max_body_bytes must be > 0");
  }
  if (options_.metrics_peer_timeout_ms <= 0 ||
      options_.metrics_peer_max_bytes == 0) {
    return Status::InvalidArgument(
        "metrics_peer_timeout_ms and metrics_peer_max_bytes must be > 0");
  }
  if (!server_->is_valid()) {
    // SSLServer's constructor found no usable certificate or key.
    return Status::InvalidArgument(
        "cannot serve HTTPS with " + options_.tls_cert_file + " and " +
        options_.tls_key_file + " (missing, unreadable or not a pair)");
  }
  if (Status peers = ValidateMetricsPeers(options_.metrics_peers);
      !peers.ok()) {
    return peers;
  }
  Install();
  int port = options_.port;
  errno = 0;
  if (port == 0) {
    port = server_->bind_to_any_port(options_.host);
  } else if (!server_->bind_to_port(options_.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    int err = errno;
    return Status::Unavailable(
        fmt::format("cannot listen on {}:{}: {}", options_.host, options_.port,
                    err != 0 ? strerror(err) : "address unavailable"));
  }
  started_ = true;
  port_ = port;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() only works once the loop runs; wait for it so Stop() right after
  // Start() cannot hang.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!server_->is_running() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (options_.token.empty()) {
    spdlog::warn(
        "api: no token configured; every registry write will answer 401");
  }
  if (!options_.token.empty() && options_.admin_token.empty()) {
    spdlog::warn(
        "api: no administration token configured; the reporting token "
        "also deletes videos (give --admin-token)");
  }
  if (options_.open_create) {
    spdlog::warn(
        "api: GET /create is open to anonymous callers (--open-create)");
  }
  spdlog::info("api: listening on {}://{}:{}",
               options_.tls_cert_file.empty() ? "http" : "https", options_.host,
               port);
  return Status::OK();
}

void ApiServer::Impl::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
  spdlog::info("api: stopped");
}

void ApiServer::Impl::Install() {
  server_->set_payload_max_length(options_.max_body_bytes);
  // httplib's default sets SO_REUSEPORT, which lets a second server bind a
  // port already in use (the kernel then splits connections between them).
  // SO_REUSEADDR alone allows a quick restart but makes a taken port fail.
  server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  // httplib writes headers and body separately; with Nagle's algorithm the
  // body of a small answer then waits for the client's delayed ACK (about
  // 40 ms per request on Linux, bench/http_bench.sh).
  server_->set_tcp_nodelay(true);
  server_->set_keep_alive_timeout(2);
  server_->set_read_timeout(10);
  server_->set_write_timeout(10);
  server_->set_default_headers({
      {"Access-Control-Allow-Origin", options_.cors_origin},
      {"X-Content-Type-Options", "nosniff"},
  });
  auto dispatch = [this](const Request& req, Response& res) {
    Dispatch(req, res);
  };
  RouteEveryMethod(*server_, dispatch);  // routing, 404 and 405: Dispatch
  // Called for every status >= 400; fills in the responses httplib makes by
  // itself (413, 400 for unparsable requests, ...).
  server_->set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const Request& req, Response& res) {
        FillEmptyError(req, res);
        return httplib::Server::HandlerResponse::Unhandled;
      }));
  server_->set_exception_handler(
      [this](const Request& req, Response& res, std::exception_ptr) {
        SendError(req, res, 500, Rejection::kInternal, "internal error");
      });
}

ApiServer::ApiServer(ApiOptions options, registry::Registry& registry)
    : impl_(std::make_unique<Impl>(std::move(options), registry)) {}

ApiServer::~ApiServer() { Stop(); }

Status ApiServer::Start() { return impl_->Start(); }
void ApiServer::Stop() { impl_->Stop(); }
int ApiServer::port() const { return impl_->port(); }

void ApiServer::SetFogProvider(std::function<std::string()> provider) {
  impl_->SetFogProvider(std::move(provider));
}

void ApiServer::SetMetricsProvider(std::function<std::string()> provider) {
  impl_->SetMetricsProvider(std::move(provider));
}

void ApiServer::SetMediaProvider(MediaProvider provider) {
  impl_->SetMediaProvider(std::move(provider));
}

void ApiServer::SetPacketProvider(PacketProvider provider) {
  impl_->SetPacketProvider(std::move(provider));
}

void ApiServer::SetPinProvider(PinProvider provider) {
  impl_->SetPinProvider(std::move(provider));
}

void ApiServer::SetPosterMaker(PosterMaker maker) {
  impl_->SetPosterMaker(std::move(maker));
}

void ApiServer::SetKeys(std::vector<PublishedKey> keys) {
  impl_->SetKeys(std::move(keys));
}

void ApiServer::SetTrustProvider(std::function<PublishedTrust()> provider) {
  impl_->SetTrustProvider(std::move(provider));
}

void ApiServer::SetHealthProvider(std::function<HealthReport()> provider) {
  impl_->SetHealthProvider(std::move(provider));
}

uint64_t ApiServer::rejections(Rejection reason) const {
  return impl_->rejections(reason);
}

std::map<std::string, uint64_t> ApiServer::RejectionCounts() const {
  std::map<std::string, uint64_t> out;
  for (int i = 0; i < kRejectionCount; ++i) {
    auto reason = static_cast<Rejection>(i);
    out[RejectionName(reason)] = impl_->rejections(reason);
  }
  return out;
}

}  // namespace fog::api
