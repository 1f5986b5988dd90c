// The only translation unit that includes httplib.h (it is heavy).

#include "api/api_server.h"

#include <errno.h>
#include <fmt/core.h>
#include <httplib.h>
#include <spdlog/spdlog.h>
#include <string.h>

#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <exception>
#include <mutex>
#include <string_view>
#include <thread>

#include "api/openapi.h"
#include "api/video_json.h"
#include "common/http_every_method.h"
#include "registry/registry.h"
#include "wire/envelope.h"

namespace fog::api {
namespace {

constexpr char kJson[] = "application/json";
constexpr std::string_view kVideosPrefix = "/videos/";
constexpr int kDefaultLimit = 100;

enum class Route {
  kNone,
  kVideos,
  kVideo,
  kMedia,
  kCreate,
  kHealth,
  kFog,
  kOpenApi,
  kMetrics
};

struct RouteMatch {
  Route route = Route::kNone;
  // kVideo, kMedia: the rest of the path, already percent-decoded
  std::string id;
};

// httplib has decoded the path, so "/videos/..%2Fx" arrives as
// "/videos/../x". Everything after the prefix is the id, or with a '/' in
// it a media path (id/file), whose parser rejects the ".." id.
RouteMatch MatchRoute(const std::string& path) {
  if (path == "/videos") return {Route::kVideos, {}};
  if (path.rfind(kVideosPrefix, 0) == 0) {
    std::string rest = path.substr(kVideosPrefix.size());
    const bool media = rest.find('/') != std::string::npos;
    return {media ? Route::kMedia : Route::kVideo, std::move(rest)};
  }
  if (path == "/create") return {Route::kCreate, {}};
  if (path == "/health") return {Route::kHealth, {}};
  if (path == "/fog") return {Route::kFog, {}};
  if (path == "/openapi.json") return {Route::kOpenApi, {}};
  if (path == "/metrics") return {Route::kMetrics, {}};
  return {};
}

const char* AllowedMethods(Route route) {
  switch (route) {
    case Route::kVideos:
      return "GET, HEAD, POST, OPTIONS";
    case Route::kVideo:
      return "GET, HEAD, DELETE, OPTIONS";
    case Route::kMedia:
    case Route::kCreate:
    case Route::kHealth:
    case Route::kFog:
    case Route::kOpenApi:
    case Route::kMetrics:
      return "GET, HEAD, OPTIONS";
    case Route::kNone:
      break;
  }
  return "";
}

bool MethodAllowed(Route route, const std::string& method) {
  if (method == "GET" || method == "HEAD" || method == "OPTIONS") return true;
  if (route == Route::kVideos) return method == "POST";
  if (route == Route::kVideo) return method == "DELETE";
  return false;
}

// The one place a Status becomes an HTTP status.
int HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk:
      return 200;
    case Status::Code::kInvalidArgument:
      return 400;
    case Status::Code::kUnauthenticated:
      return 401;
    case Status::Code::kNotFound:
      return 404;
    case Status::Code::kUnavailable:
      return 503;
    case Status::Code::kCorruption:
    case Status::Code::kIoError:
    case Status::Code::kInternal:
      break;
  }
  return 500;
}

// Compares in time independent of where the strings differ. The length
// leaks, which says nothing useful about a random token.
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

// Client text for log lines: bounded, no control characters.
std::string ForLog(std::string_view text) {
  std::string out(text.substr(0, 200));
  for (char& c : out) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  if (text.size() > 200) out += "...";
  return out;
}

// For errors httplib raises itself (malformed request line, URI too long).
const char* GenericMessage(int http_status) {
  switch (http_status) {
    case 400:
      return "malformed request";
    case 414:
      return "URI too long";
    case 416:
      return "range not satisfiable";
    case 431:
      return "request headers too large";
    default:
      return http_status >= 500 ? "internal error" : "request rejected";
  }
}

Result<int64_t> ParseQueryInt(const std::string& text, const char* name,
                              int64_t min, int64_t max) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || text[0] == '-' || text[0] == '+' || ec != std::errc() ||
      ptr != end || value < min || value > max) {
    return Status::InvalidArgument(
        fmt::format("query parameter \"{}\" must be an integer in [{}, {}]",
                    name, min, max));
  }
  return value;
}

}  // namespace

const char* RejectionName(Rejection reason) {
  static constexpr std::array<const char*, kRejectionCount> kNames = {
      "bad_request", "invalid_id",         "unauthorized",   "not_found",
      "no_route",    "method_not_allowed", "body_too_large", "internal",
      "unverified",  "unavailable"};
  return kNames[static_cast<size_t>(reason)];
}

class ApiServer::Impl {
 public:
  Impl(ApiOptions options, registry::Registry& registry)
      : options_(std::move(options)), registry_(registry) {
    for (auto& counter : rejections_) counter.store(0);
  }

  Status Start();
  void Stop();
  int port() const { return port_.load(); }

  void SetFogProvider(std::function<std::string()> provider) {
    std::lock_guard<std::mutex> lock(health_mu_);
    fog_ = std::move(provider);
  }
  void SetMetricsProvider(std::function<std::string()> provider) {
    std::lock_guard<std::mutex> lock(health_mu_);
    metrics_ = std::move(provider);
  }
  void SetHealthProvider(std::function<HealthReport()> provider) {
    std::lock_guard<std::mutex> lock(health_mu_);
    health_ = std::move(provider);
  }
  void SetMediaProvider(MediaProvider provider) {
    std::lock_guard<std::mutex> lock(health_mu_);
    media_ = std::move(provider);
  }
  uint64_t rejections(Rejection reason) const {
    return rejections_[static_cast<size_t>(reason)].load();
  }

 private:
  using Request = httplib::Request;
  using Response = httplib::Response;

  void Install();
  void Dispatch(const Request& req, Response& res);
  void HandleVideos(const Request& req, Response& res);
  void HandleVideo(const Request& req, Response& res, const std::string& id);
  void HandleMedia(const Request& req, Response& res, const std::string& rest);
  void SendMediaStatus(const Request& req, Response& res, const Status& status);
  void HandleCreate(const Request& req, Response& res);
  void HandleHealth(Response& res);
  void HandleFog(const Request& req, Response& res);
  void HandleMetrics(const Request& req, Response& res);
  void HandleList(const Request& req, Response& res);
  void HandleReport(const Request& req, Response& res);
  Result<registry::ListOptions> ParseListQuery(const Request& req);
  bool Authorized(const Request& req, Response& res);
  bool ValidId(const Request& req, Response& res, const std::string& id);
  void FillEmptyError(const Request& req, Response& res);

  void SendError(const Request& req, Response& res, int http_status,
                 Rejection reason, std::string_view message);
  // Sends the error for a non-OK status from the registry or the parsers.
  void SendStatus(const Request& req, Response& res, const Status& status,
                  Rejection client_reason);
  void Count(const Request& req, Rejection reason, std::string_view detail);

  const ApiOptions options_;
  registry::Registry& registry_;
  httplib::Server server_;
  std::thread thread_;
  std::atomic<int> port_{0};
  bool started_ = false;
  std::array<std::atomic<uint64_t>, kRejectionCount> rejections_;
  std::mutex health_mu_;
  std::function<HealthReport()> health_;
  std::function<std::string()> fog_;      // guarded by health_mu_
  std::function<std::string()> metrics_;  // guarded by health_mu_
  MediaProvider media_;                   // guarded by health_mu_
};

Status ApiServer::Impl::Start() {
  if (started_) return Status::Internal("API server already started");
  if (options_.port < 0 || options_.port > 65535) {
    return Status::InvalidArgument("port must be in [0, 65535]");
  }
  if (options_.max_body_bytes == 0) {
    return Status::InvalidArgument("max_body_bytes must be > 0");
  }
  Install();
  int port = options_.port;
  errno = 0;
  if (port == 0) {
    port = server_.bind_to_any_port(options_.host);
  } else if (!server_.bind_to_port(options_.host, port)) {
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
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // stop() only works once the loop runs; wait for it so Stop() right after
  // Start() cannot hang.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!server_.is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (options_.token.empty()) {
    spdlog::warn("api: no token configured; POST and DELETE will answer 401");
  }
  spdlog::info("api: listening on {}:{}", options_.host, port);
  return Status::OK();
}

void ApiServer::Impl::Stop() {
  if (!thread_.joinable()) return;
  server_.stop();
  thread_.join();
  spdlog::info("api: stopped");
}

void ApiServer::Impl::Install() {
  server_.set_payload_max_length(options_.max_body_bytes);
  // httplib's default sets SO_REUSEPORT, which lets a second server bind a
  // port already in use (the kernel then splits connections between them).
  // SO_REUSEADDR alone allows a quick restart but makes a taken port fail.
  server_.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  // httplib writes headers and body separately; with Nagle's algorithm the
  // body of a small answer then waits for the client's delayed ACK (about
  // 40 ms per request on Linux, bench/http_bench.sh).
  server_.set_tcp_nodelay(true);
  server_.set_keep_alive_timeout(2);
  server_.set_read_timeout(10);
  server_.set_write_timeout(10);
  server_.set_default_headers({
      {"Access-Control-Allow-Origin", options_.cors_origin},
      {"X-Content-Type-Options", "nosniff"},
  });
  auto dispatch = [this](const Request& req, Response& res) {
    Dispatch(req, res);
  };
  RouteEveryMethod(server_, dispatch);  // routing, 404 and 405: Dispatch
  // Called for every status >= 400; fills in the responses httplib makes by
  // itself (413, 400 for unparsable requests, ...).
  server_.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const Request& req, Response& res) {
        FillEmptyError(req, res);
        return httplib::Server::HandlerResponse::Unhandled;
      }));
  server_.set_exception_handler(
      [this](const Request& req, Response& res, std::exception_ptr) {
        SendError(req, res, 500, Rejection::kInternal, "internal error");
      });
}

void ApiServer::Impl::FillEmptyError(const Request& req, Response& res) {
  if (!res.body.empty()) return;
  switch (res.status) {
    case 413:
      SendError(req, res, 413, Rejection::kBodyTooLarge,
                fmt::format("request body exceeds {} bytes",
                            options_.max_body_bytes));
      return;
    case 404:
      SendError(req, res, 404, Rejection::kNoRoute, "no such endpoint");
      return;
    default:
      break;
  }
  // Methods httplib parses but routes nowhere (TRACE, CONNECT) end as 400.
  if (res.status == 400 && (req.method == "TRACE" || req.method == "CONNECT")) {
    SendError(req, res, 405, Rejection::kMethodNotAllowed,
              "method not allowed");
    return;
  }
  SendError(req, res, res.status,
            res.status >= 500 ? Rejection::kInternal : Rejection::kBadRequest,
            GenericMessage(res.status));
}

void ApiServer::Impl::Dispatch(const Request& req, Response& res) {
  RouteMatch match = MatchRoute(req.path);
  if (match.route == Route::kNone) {
    SendError(req, res, 404, Rejection::kNoRoute, "no such endpoint");
    return;
  }
  const char* allowed = AllowedMethods(match.route);
  if (match.route == Route::kMedia && req.method != "GET" &&
      req.method != "HEAD") {
    // A malformed media path is the first thing wrong with the request.
    Result<MediaPath> path = ParseMediaPath(match.id);
    if (!path.ok()) {
      SendStatus(req, res, path.status(), Rejection::kBadRequest);
      return;
    }
  }
  if (!MethodAllowed(match.route, req.method)) {
    res.set_header("Allow", allowed);
    SendError(req, res, 405, Rejection::kMethodNotAllowed,
              fmt::format("method not allowed; use {}", allowed));
    return;
  }
  if (req.method == "OPTIONS") {  // CORS preflight
    res.status = 204;
    res.set_header("Allow", allowed);
    res.set_header("Access-Control-Allow-Methods", allowed);
    res.set_header("Access-Control-Allow-Headers",
                   "Authorization, Content-Type");
    res.set_header("Access-Control-Max-Age", "600");
    return;
  }
  switch (match.route) {
    case Route::kVideos:
      HandleVideos(req, res);
      return;
    case Route::kVideo:
      HandleVideo(req, res, match.id);
      return;
    case Route::kMedia:
      HandleMedia(req, res, match.id);
      return;
    case Route::kCreate:
      HandleCreate(req, res);
      return;
    case Route::kHealth:
      HandleHealth(res);
      return;
    case Route::kFog:
      HandleFog(req, res);
      return;
    case Route::kOpenApi:
      res.set_header("Cache-Control", "public, max-age=3600");
      res.set_content(std::string(OpenApiJson()), kJson);
      return;
    case Route::kMetrics:
      HandleMetrics(req, res);
      return;
    case Route::kNone:
      break;
  }
}

void ApiServer::Impl::HandleVideos(const Request& req, Response& res) {
  if (req.method == "POST") {
    HandleReport(req, res);
  } else {
    HandleList(req, res);
  }
}

Result<registry::ListOptions> ApiServer::Impl::ParseListQuery(
    const Request& req) {
  registry::ListOptions options;
  options.limit = kDefaultLimit;
  for (const char* name : {"limit", "offset", "status"}) {
    if (req.params.count(name) > 1) {
      return Status::InvalidArgument(
          fmt::format("query parameter \"{}\" given more than once", name));
    }
  }
  if (req.has_param("limit")) {
    Result<int64_t> limit = ParseQueryInt(req.get_param_value("limit"), "limit",
                                          1, registry::kMaxListLimit);
    if (!limit.ok()) return limit.status();
    options.limit = static_cast<int>(*limit);
  }
  if (req.has_param("offset")) {
    Result<int64_t> offset = ParseQueryInt(req.get_param_value("offset"),
                                           "offset", 0, registry::kMaxCount);
    if (!offset.ok()) return offset.status();
    options.offset = *offset;
  }
  if (req.has_param("status")) {
    Result<registry::VideoStatus> status =
        registry::ParseVideoStatus(req.get_param_value("status"));
    if (!status.ok()) return status.status();
    options.status = *status;
  }
  return options;
}

void ApiServer::Impl::HandleList(const Request& req, Response& res) {
  Result<registry::ListOptions> options = ParseListQuery(req);
  if (!options.ok()) {
    SendStatus(req, res, options.status(), Rejection::kBadRequest);
    return;
  }
  Result<std::vector<registry::VideoRecord>> videos =
      registry_.ListVideos(*options);
  if (!videos.ok()) {
    SendStatus(req, res, videos.status(), Rejection::kBadRequest);
    return;
  }
  res.set_content(VideosToJson(*videos), kJson);
}

void ApiServer::Impl::HandleReport(const Request& req, Response& res) {
  if (!Authorized(req, res)) return;
  Result<registry::HoldingsReport> report = ParseHoldingsReport(req.body);
  if (!report.ok()) {
    SendStatus(req, res, report.status(), Rejection::kBadRequest);
    return;
  }
  if (!ValidId(req, res, report->video_id)) return;
  Result<registry::VideoRecord> video = registry_.ReportHoldings(*report);
  if (!video.ok()) {
    SendStatus(req, res, video.status(), Rejection::kBadRequest);
    return;
  }
  spdlog::debug("api: {} holds {} packets of {}", ForLog(report->worker),
                report->packets, report->video_id);
  res.set_content(VideoToJson(*video), kJson);
}

void ApiServer::Impl::HandleVideo(const Request& req, Response& res,
                                  const std::string& id) {
  if (req.method == "DELETE" && !Authorized(req, res)) return;
  if (!ValidId(req, res, id)) return;
  if (req.method == "DELETE") {
    Status deleted = registry_.DeleteVideo(id);
    if (!deleted.ok()) {
      SendStatus(req, res, deleted, Rejection::kBadRequest);
      return;
    }
    spdlog::info("api: deleted video {}", id);
    res.status = 204;
    return;
  }
  Result<registry::VideoRecord> video = registry_.GetVideo(id);
  if (!video.ok()) {
    SendStatus(req, res, video.status(), Rejection::kBadRequest);
    return;
  }
  res.set_content(VideoToJson(*video), kJson);
}

void ApiServer::Impl::HandleMedia(const Request& req, Response& res,
                                  const std::string& rest) {
  Result<MediaPath> path = ParseMediaPath(rest);
  if (!path.ok()) {
    SendStatus(req, res, path.status(), Rejection::kBadRequest);
    return;
  }
  MediaProvider provider;
  {
    std::lock_guard<std::mutex> lock(health_mu_);
    provider = media_;
  }
  if (!provider) {
    SendStatus(req, res, Status::NotFound("this API does not serve video"),
               Rejection::kNotFound);
    return;
  }
  // Only videos the registry knows are fetched: an unknown id costs no MQTT
  // round trip, and the holders tell the fetch how many answers to expect.
  Result<registry::VideoRecord> video = registry_.GetVideo(path->video_id);
  if (!video.ok()) {
    SendStatus(req, res, video.status(), Rejection::kBadRequest);
    return;
  }
  MediaRequest request{.path = *path};
  for (const registry::WorkerHolding& w : video->workers) {
    if (w.packets > 0) ++request.holders;
  }
  Result<MediaReply> reply = provider(request);
  if (!reply.ok()) {
    SendMediaStatus(req, res, reply.status());
    return;
  }
  const bool playlist = path->kind == MediaKind::kPlaylist;
  // A complete video's playlist and packets never change; a live playlist
  // grows, and a live video's verified packets are final but short-lived
  // in caches so that a deleted video stops playing.
  const char* cache_control =
      playlist ? (reply->complete ? "public, max-age=300" : "no-cache")
               : (reply->complete ? "public, max-age=31536000, immutable"
                                  : "public, max-age=60");
  res.set_header("Cache-Control", cache_control);
  if (!reply->etag.empty()) {
    const std::string etag = "\"" + reply->etag + "\"";
    res.set_header("ETag", etag);
    if (req.get_header_value("If-None-Match") == etag) {
      res.status = 304;
      return;
    }
  }
  res.set_content(reply->body.data(), reply->body.size(),
                  MediaContentType(path->kind));
}

// Media errors name the packet and the reason for the client: they hold no
// secrets, and a player's user needs them. Verification failures are the
// upstream's fault (502), not ours (500).
void ApiServer::Impl::SendMediaStatus(const Request& req, Response& res,
                                      const Status& status) {
  switch (status.code()) {
    case Status::Code::kCorruption:
      SendError(req, res, 502, Rejection::kUnverified, status.message());
      return;
    case Status::Code::kUnavailable:
      res.set_header("Retry-After", "1");
      SendError(req, res, 503, Rejection::kUnavailable, status.message());
      return;
    default:
      SendStatus(req, res, status, Rejection::kBadRequest);
      return;
  }
}

void ApiServer::Impl::HandleCreate(const Request& req, Response& res) {
  if (req.params.count("video_id") != 1) {
    SendError(req, res, 400, Rejection::kBadRequest,
              "query parameter \"video_id\" is required once");
    return;
  }
  std::string id = req.get_param_value("video_id");
  if (!ValidId(req, res, id)) return;
  Result<registry::VideoRecord> video = registry_.CreateVideo(id);
  if (!video.ok()) {
    SendStatus(req, res, video.status(), Rejection::kBadRequest);
    return;
  }
  res.set_content(VideoToJson(*video), kJson);
}

void ApiServer::Impl::HandleHealth(Response& res) {
  std::function<HealthReport()> provider;
  {
    std::lock_guard<std::mutex> lock(health_mu_);
    provider = health_;
  }
  if (!provider) {
    res.set_content(R"({"status":"ok"})", kJson);
    return;
  }
  HealthReport report = provider();
  res.status = report.ok ? 200 : 503;
  res.set_content(HealthToJson(report), kJson);
}

void ApiServer::Impl::HandleFog(const Request& req, Response& res) {
  std::function<std::string()> provider;
  {
    std::lock_guard<std::mutex> lock(health_mu_);
    provider = fog_;
  }
  if (!provider) {
    SendStatus(req, res, Status::NotFound("this API has no view of the fog"),
               Rejection::kNotFound);
    return;
  }
  res.set_header("Cache-Control", "no-store");
  res.set_content(provider(), kJson);
}

void ApiServer::Impl::HandleMetrics(const Request& req, Response& res) {
  std::function<std::string()> provider;
  {
    std::lock_guard<std::mutex> lock(health_mu_);
    provider = metrics_;
  }
  if (!provider) {
    SendStatus(req, res, Status::NotFound("this API serves no metrics"),
               Rejection::kNotFound);
    return;
  }
  res.set_header("Cache-Control", "no-store");
  // The text exposition format 0.0.4, as Prometheus asks for it.
  res.set_content(provider(), "text/plain; version=0.0.4; charset=utf-8");
}

bool ApiServer::Impl::Authorized(const Request& req, Response& res) {
  constexpr std::string_view kBearer = "Bearer ";
  const std::string header = req.get_header_value("Authorization");
  bool ok = !options_.token.empty() && header.size() > kBearer.size() &&
            header.compare(0, kBearer.size(), kBearer) == 0 &&
            ConstantTimeEquals(std::string_view(header).substr(kBearer.size()),
                               options_.token);
  if (!ok) {
    res.set_header("WWW-Authenticate", "Bearer");
    SendError(req, res, 401, Rejection::kUnauthorized,
              header.empty() ? "missing bearer token" : "invalid bearer token");
  }
  return ok;
}

bool ApiServer::Impl::ValidId(const Request& req, Response& res,
                              const std::string& id) {
  Status valid = wire::ValidateVideoId(id);
  if (!valid.ok()) SendStatus(req, res, valid, Rejection::kInvalidId);
  return valid.ok();
}

void ApiServer::Impl::SendStatus(const Request& req, Response& res,
                                 const Status& status,
                                 Rejection client_reason) {
  int http = HttpStatusFor(status);
  if (http >= 500) {
    // The detail (SQL errors, paths) is for the log, not for the client.
    spdlog::error("api: {} {}: {}", req.method, ForLog(req.path),
                  status.ToString());
    SendError(req, res, http, Rejection::kInternal,
              http == 503 ? "service unavailable" : "internal error");
    return;
  }
  Rejection reason = http == 404   ? Rejection::kNotFound
                     : http == 401 ? Rejection::kUnauthorized
                                   : client_reason;
  SendError(req, res, http, reason, status.message());
}

void ApiServer::Impl::SendError(const Request& req, Response& res,
                                int http_status, Rejection reason,
                                std::string_view message) {
  Count(req, reason, message);
  res.status = http_status;
  res.set_content(ErrorJson(http_status, message), kJson);
}

void ApiServer::Impl::Count(const Request& req, Rejection reason,
                            std::string_view detail) {
  uint64_t n = ++rejections_[static_cast<size_t>(reason)];
  // First occurrence, then every 1000th: a flood of bad requests must not
  // flood the log.
  if (n == 1 || n % 1000 == 0) {
    spdlog::warn("api: rejected {} {} from {} ({}, #{}): {}",
                 ForLog(req.method), ForLog(req.path), req.remote_addr,
                 RejectionName(reason), n, ForLog(detail));
  }
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
