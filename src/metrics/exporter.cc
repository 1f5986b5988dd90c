// The only file of this library that includes httplib.h.

#include "metrics/exporter.h"

#include <errno.h>
#include <fmt/core.h>
#include <httplib.h>
#include <prometheus/text_serializer.h>
#include <spdlog/spdlog.h>
#include <string.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "common/http_every_method.h"
#include "metrics/counters_collector.h"

namespace fog::metrics {

namespace {

std::string ErrorJson(int status, std::string_view message) {
  // The messages are ours and hold no quote or backslash.
  return fmt::format(R"({{"error":"{}","status":{}}})", message, status);
}

// Client text for log lines: bounded, printable.
std::string ForLog(std::string_view text) {
  std::string out(text.substr(0, 120));
  for (char& c : out) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return out;
}

}  // namespace

class Exporter::Server {
 public:
  std::unique_ptr<httplib::Server> http;  // an SSLServer under TLS
  std::thread thread;
};

Exporter::Exporter(std::string component)
    : component_(std::move(component)),
      registry_(std::make_shared<prometheus::Registry>()) {
  collectables_.push_back(registry_);
  collectables_.push_back(std::make_shared<CountersCollector>(
      component_ + "_metrics_http", counters_));
}

Exporter::~Exporter() { Stop(); }

void Exporter::Add(std::shared_ptr<prometheus::Collectable> collectable) {
  collectables_.push_back(std::move(collectable));
}

std::string Exporter::Scrape() const {
  std::vector<prometheus::MetricFamily> families;
  for (const auto& c : collectables_) {
    std::vector<prometheus::MetricFamily> more = c->Collect();
    families.insert(families.end(), std::make_move_iterator(more.begin()),
                    std::make_move_iterator(more.end()));
  }
  return prometheus::TextSerializer().Serialize(families);
}

Status Exporter::Start(const std::string& host, int port,
                       const ListenTls& tls) {
  if (server_) return Status::Internal("metrics exporter already started");
  if (port < 0 || port > 65535) {
    return Status::InvalidArgument("metrics port must be in [0, 65535]");
  }
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    return Status::InvalidArgument(
        "metrics: the TLS certificate and key go together");
  }
  auto server = std::make_unique<Server>();
  if (tls.cert_file.empty()) {
    server->http = std::make_unique<httplib::Server>();
  } else {
    auto https = std::make_unique<httplib::SSLServer>(tls.cert_file.c_str(),
                                                      tls.key_file.c_str());
    if (!https->is_valid()) {
      return Status::Unavailable("metrics: cannot load the TLS certificate " +
                                 tls.cert_file + " or key " + tls.key_file);
    }
    server->http = std::move(https);
  }
  httplib::Server& http = *server->http;
  // As in the API: SO_REUSEADDR without httplib's SO_REUSEPORT, so a port
  // another process holds fails to bind instead of being shared.
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  http.set_keep_alive_timeout(2);
  http.set_read_timeout(5);
  http.set_write_timeout(5);
  http.set_payload_max_length(1 << 16);  // a scrape has no body
  auto reject = [this](const httplib::Request& req, httplib::Response& res,
                       int status, const char* reason, const char* message) {
    reject_log_.Reject(
        counters_, reason, req.method + " " + req.path,
        fmt::format("metrics: {} {} from {}: {}", ForLog(req.method),
                    ForLog(req.path), req.remote_addr, message));
    res.status = status;
    res.set_content(ErrorJson(status, message), "application/json");
  };
  auto handle = [this, reject](const httplib::Request& req,
                               httplib::Response& res) {
    if (req.path != "/metrics") {
      reject(req, res, 404, "no_route", "no such endpoint; scrape /metrics");
    } else if (req.method != "GET" && req.method != "HEAD") {
      res.set_header("Allow", "GET, HEAD");
      reject(req, res, 405, "method_not_allowed",
             "method not allowed; use GET");
    } else {
      counters_.Add("scrapes");
      res.set_header("Cache-Control", "no-store");
      res.set_content(Scrape(), kContentType);
    }
  };
  RouteEveryMethod(http, handle);
  // Responses httplib makes by itself (unparsable requests, TRACE).
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [this, reject](const httplib::Request& req, httplib::Response& res) {
        if (res.body.empty()) {
          reject(req, res, res.status == 404 ? 404 : 400,
                 res.status == 404 ? "no_route" : "bad_request",
                 res.status == 404 ? "no such endpoint; scrape /metrics"
                                   : "malformed request");
        }
        return httplib::Server::HandlerResponse::Unhandled;
      }));
  errno = 0;
  int bound = port == 0 ? http.bind_to_any_port(host)
                        : (http.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    int err = errno;
    return Status::Unavailable(
        fmt::format("metrics: cannot listen on {}:{}: {}", host, port,
                    err != 0 ? strerror(err) : "address unavailable"));
  }
  server->thread =
      std::thread([s = server.get()] { s->http->listen_after_bind(); });
  // stop() only works once the loop runs.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!http.is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  server_ = std::move(server);
  port_ = bound;
  spdlog::info("{}: metrics on {}://{}:{}/metrics", component_,
               tls.cert_file.empty() ? "http" : "https", host, bound);
  return Status::OK();
}

void Exporter::Stop() {
  if (!server_) return;
  server_->http->stop();
  if (server_->thread.joinable()) server_->thread.join();
  server_.reset();
  port_ = 0;
}

int Exporter::port() const { return port_.load(); }

}  // namespace fog::metrics
