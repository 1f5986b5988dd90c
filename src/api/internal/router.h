// Routing for the HTTP API (internal to fog_api): which route a path names,
// the methods each route allows, and which of them write the registry.
//
// Thread-safety: pure functions.

#ifndef FOG_API_INTERNAL_ROUTER_H_
#define FOG_API_INTERNAL_ROUTER_H_

#include <string>

namespace fog::api {

enum class Route {
  kNone,
  kVideos,       // /videos
  kVideo,        // /videos/{id}
  kMedia,        // /videos/{id}/{file}
  kCreate,       // /create (the seed's)
  kHealth,       // /health
  kFog,          // /fog
  kOpenApi,      // /openapi.json
  kMetrics,      // /metrics
  kPacket,       // /videos/{id}/packets/{n}
  kPoster,       // /videos/{id}/poster.jpg
  kKeys,         // /keys
  kUiConfig,     // /ui-config
  kPeerMetrics,  // /metrics/{name}
  kPin           // /videos/{id}/pin
};

struct RouteMatch {
  Route route = Route::kNone;
  // kVideo, kMedia: the rest of the path, already percent-decoded;
  // kPeerMetrics: the component's name
  std::string id;
};

// `path` as httplib decoded it, so "/videos/..%2Fx" arrives as
// "/videos/../x". Everything after "/videos/" is the id, or with a '/' in
// it a media path (id/file), whose parser rejects the ".." id.
RouteMatch MatchRoute(const std::string& path);

// Whether `path` belongs to the API: /videos, /create, /health, /fog,
// /openapi.json, /metrics, /keys, /ui-config, each alone or followed by
// '/'. Such a path is never answered by the web UI's fallback.
bool IsApiPath(const std::string& path);

// The Allow header of `route`, e.g. "GET, HEAD, POST, OPTIONS"; "" for kNone.
const char* AllowedMethods(Route route);

// Whether `method` is one of AllowedMethods(route).
bool MethodAllowed(Route route, const std::string& method);

// Whether `method` on `route` changes the registry: POST /videos,
// DELETE /videos/{id}, and GET or HEAD /create. Every such request must
// carry a bearer token of its scope (the seed's /create only with
// ApiOptions::open_create). REQUIRES: MethodAllowed(route, method).
bool WritesRegistry(Route route, const std::string& method);

// The token scopes: reporting (a worker's holdings, /create) and
// administration (deletes), which includes reporting.
enum class Scope { kReporting, kAdministration };

// The scope a registry write needs. REQUIRES: WritesRegistry(route, method).
Scope RequiredScope(Route route, const std::string& method);

}  // namespace fog::api

#endif  // FOG_API_INTERNAL_ROUTER_H_
