// Routing: which handler answers a request, 404 for unknown paths, 405 for
// wrong methods, CORS preflights, and the token check of every request that
// writes the registry, made here once for all write routes.

#include "api/internal/router.h"

#include <fmt/core.h>

#include <string_view>

#include "api/internal/http_errors.h"
#include "api/internal/server_impl.h"
#include "api/media_path.h"

namespace fog::api {
namespace {

constexpr std::string_view kVideosPrefix = "/videos/";
constexpr std::string_view kMetricsPrefix = "/metrics/";

// The file part of a media-like path, after the id (ids hold no '/').
Route MediaRoute(std::string_view rest) {
  const std::string_view file = rest.substr(rest.find('/') + 1);
  if (file.starts_with("packets/")) return Route::kPacket;
  if (file == "poster.jpg") return Route::kPoster;
  if (file == "pin") return Route::kPin;
  return Route::kMedia;
}

}  // namespace

bool IsApiPath(const std::string& path) {
  static constexpr std::string_view kPrefixes[] = {
      "/videos",       "/create",  "/health", "/fog",
      "/openapi.json", "/metrics", "/keys",   "/ui-config"};
  for (std::string_view p : kPrefixes) {
    if (path.starts_with(p) &&
        (path.size() == p.size() || path[p.size()] == '/')) {
      return true;
    }
  }
  return false;
}

RouteMatch MatchRoute(const std::string& path) {
  if (path == "/videos") return {Route::kVideos, {}};
  if (path.rfind(kVideosPrefix, 0) == 0) {
    std::string rest = path.substr(kVideosPrefix.size());
    if (rest.find('/') == std::string::npos) {
      return {Route::kVideo, std::move(rest)};
    }
    const Route route = MediaRoute(rest);
    return {route, std::move(rest)};
  }
  if (path == "/keys") return {Route::kKeys, {}};
  if (path == "/ui-config") return {Route::kUiConfig, {}};
  if (path == "/create") return {Route::kCreate, {}};
  if (path == "/health") return {Route::kHealth, {}};
  if (path == "/fog") return {Route::kFog, {}};
  if (path == "/openapi.json") return {Route::kOpenApi, {}};
  if (path == "/metrics") return {Route::kMetrics, {}};
  if (path.starts_with(kMetricsPrefix)) {
    // Any name routes here; only a configured peer's is served.
    return {Route::kPeerMetrics, path.substr(kMetricsPrefix.size())};
  }
  return {};
}

const char* AllowedMethods(Route route) {
  switch (route) {
    case Route::kVideos:
      return "GET, HEAD, POST, OPTIONS";
    case Route::kVideo:
      return "GET, HEAD, DELETE, OPTIONS";
    case Route::kPin:
      return "POST, OPTIONS";
    case Route::kMedia:
    case Route::kCreate:
    case Route::kHealth:
    case Route::kFog:
    case Route::kOpenApi:
    case Route::kMetrics:
    case Route::kPacket:
    case Route::kPoster:
    case Route::kKeys:
    case Route::kUiConfig:
    case Route::kPeerMetrics:
      return "GET, HEAD, OPTIONS";
    case Route::kNone:
      break;
  }
  return "";
}

bool MethodAllowed(Route route, const std::string& method) {
  if (route == Route::kPin) return method == "POST" || method == "OPTIONS";
  if (method == "GET" || method == "HEAD" || method == "OPTIONS") return true;
  if (route == Route::kVideos) return method == "POST";
  if (route == Route::kVideo) return method == "DELETE";
  return false;
}

bool WritesRegistry(Route route, const std::string& method) {
  switch (route) {
    case Route::kVideos:
      return method == "POST";
    case Route::kVideo:
      return method == "DELETE";
    case Route::kPin:  // another fog stores the video: administration
      return method == "POST";
    case Route::kCreate:
      // HEAD runs the GET handler: it creates too.
      return method == "GET" || method == "HEAD";
    default:
      return false;
  }
}

Scope RequiredScope(Route route, const std::string& method) {
  if (route == Route::kPin) return Scope::kAdministration;
  return route == Route::kVideo && method == "DELETE" ? Scope::kAdministration
                                                      : Scope::kReporting;
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
  if (match.route == Route::kNone && !options_.ui_dir.empty() &&
      !IsApiPath(req.path) && (req.method == "GET" || req.method == "HEAD")) {
    HandleUi(req, res);  // the web UI's files, or its index.html
    return;
  }
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
  // Before any handler looks at the body or the id: an anonymous caller
  // learns nothing and changes nothing.
  const bool open_create =
      match.route == Route::kCreate && options_.open_create;
  if (WritesRegistry(match.route, req.method) && !open_create &&
      !Authorized(req, res, RequiredScope(match.route, req.method))) {
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
      HandleOpenApi(res);
      return;
    case Route::kMetrics:
      HandleMetrics(req, res);
      return;
    case Route::kPacket:
      HandlePacket(req, res, match.id);
      return;
    case Route::kPoster:
      HandlePoster(req, res, match.id);
      return;
    case Route::kKeys:
      HandleKeys(res);
      return;
    case Route::kUiConfig:
      HandleUiConfig(req, res);
      return;
    case Route::kPeerMetrics:
      HandlePeerMetrics(req, res, match.id);
      return;
    case Route::kPin:
      HandlePin(req, res, match.id);
      return;
    case Route::kNone:
      break;
  }
}

}  // namespace fog::api
