// ApiServer: the fog's HTTP API over the video registry.
//
// Clients list the videos the fog holds (GET /videos, GET /videos/{id}) and
// play them as HLS (GET /videos/{id}/index.m3u8, init.mp4, {n}.m4s) when a
// media provider is set;
// workers report their holdings (POST /videos) and operators delete videos
// (DELETE /videos/{id}). Every request that writes the registry carries the
// bearer token; an anonymous or wrong one gets 401. The seed's endpoints
// stay compatible: GET /videos still returns a JSON array carrying the
// seed's fields, and GET /create?video_id=ID still creates a video, with the
// token, or without it only when ApiOptions::open_create is set. Every error
// is a JSON object {"error": "...", "status": N}. docs/api.md is the
// reference.
//
// This is fog_api's public header, with fog_view.h and media_path.h; the
// headers in api/internal/ are the library's own.
//
// Thread-safety: Start() and Stop() must not race each other; everything
// else (counters, the health provider, request handling on the server's
// worker threads) is safe to use concurrently. The Registry passed in must
// outlive the server.

#ifndef FOG_API_API_SERVER_H_
#define FOG_API_API_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/media_path.h"
#include "common/bytes.h"
#include "common/status.h"

namespace fog::registry {
class Registry;
}

namespace fog::api {

struct ApiOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 = pick a free port (see ApiServer::port())
  // The reporting scope's bearer token, which workers hold: POST /videos
  // (a worker's holdings) and GET /create. Empty = those always answer 401
  // (fail closed).
  std::string token;
  // The administration scope's bearer token: DELETE /videos/{id}, and
  // everything the reporting token allows. A reporting token there is 403.
  // Empty: the reporting token administers too (a fog configured before
  // the scopes were split; the server logs a warning at start).
  std::string admin_token;
  // Lets GET /create?video_id=ID create a video without the token, as the
  // seed's workers call it. Off by default: anyone who reaches the port
  // could then fill the registry with names.
  bool open_create = false;
  std::string cors_origin = "*";    // Access-Control-Allow-Origin
  size_t max_body_bytes = 1 << 20;  // larger request bodies get 413
  // The built web UI (index.html, assets/): served at / and, for every GET
  // path that is neither an API route nor a file, index.html (the app
  // routes itself). No index.html in it: those paths answer 503 "web UI
  // not built"; the API is unaffected. Empty: no UI, unknown paths are 404.
  std::string ui_dir;
  // GET /ui-config: what a browser needs to chat over MQTT over WebSockets
  // with the viewer's login (the broker lets it read and write chat/+).
  // mqtt_ws_url wins; else mqtt_ws_port builds ws://<the host the browser
  // asked for>:PORT/; neither: the URL is null.
  std::string mqtt_ws_url;
  int mqtt_ws_port = 0;
  std::string viewer_username;
  std::string viewer_password;
  // GET /metrics/{name} relays the Prometheus text of these components
  // (name -> "HOST:PORT" of its metrics listener, whose GET /metrics is
  // asked). Only these names are served; nothing from the request reaches
  // a host or a port. Names are [A-Za-z0-9_.-]+; Start() refuses others
  // and unparsable addresses with InvalidArgument.
  std::map<std::string, std::string> metrics_peers;
  // A peer that has not answered in full within this time is a 502.
  int metrics_peer_timeout_ms = 2000;
  // A peer's answer larger than this is a 502, never relayed in part.
  size_t metrics_peer_max_bytes = size_t{4} << 20;
  // HTTPS: the server's certificate and key (PEM); empty: plain HTTP.
  // With tls_client_ca_file, a client must present a certificate that
  // chains to it (mutual TLS), or the handshake fails.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  // The CA (PEM) that HTTPS metrics peers' certificates must chain to;
  // empty: the peers are asked over plain HTTP.
  std::string metrics_peer_ca_file;
};

// GET /keys: one trusted publisher key (public data).
struct PublishedKey {
  std::string key_id_hex;  // 32 hex digits
  std::string algorithm;   // "mldsa44", "mldsa65", "mldsa87"
  Bytes public_key;        // raw FIPS 204 encoding
};

// GET /keys also carries what a browser needs to check publisher
// certificates (docs/security.md): the fog keys that issue them and the
// signed revocation lists. The browser checks each list's signature itself.
struct PublishedTrust {
  std::vector<PublishedKey> authorities;  // `*.authority` of the trust dir
  std::vector<Bytes> revocations;         // encoded signed lists
};

// GET /videos/{id}/packets/{n}: the payload as a worker holds it. Errors:
// NotFound (no such packet), Unavailable (no worker answered, broker
// away), InvalidArgument (400).
using PacketProvider = std::function<Result<Bytes>(
    const std::string& video_id, int64_t number, int holders)>;

// POST /videos/{id}/pin {"to": NAME}: asks this fog's federation to pin the
// video to peer fog NAME (docs/federation.md, "Pinning"). The answer: an
// HTTP status (200 accepted; 400, 404, 409, 429, 503, 504 refused) and a
// reason for a refusal. Errors: Unavailable (503: the federation did not
// answer).
struct PinOutcome {
  int status = 200;
  std::string reason;
};
using PinProvider = std::function<Result<PinOutcome>(
    const std::string& video_id, const std::string& to)>;

// Makes the JPEG poster of a video from its init segment and first
// fragment. Errors: Unavailable (the frame cannot be made now),
// InvalidArgument (the media does not decode).
using PosterMaker =
    std::function<Result<Bytes>(ByteView init, ByteView fragment)>;

// One part of the service, as shown by GET /health.
struct ComponentHealth {
  std::string name;   // e.g. "registry", "mqtt"
  std::string state;  // free text, e.g. "ok", "connecting", "down"
};

struct HealthReport {
  bool ok = true;  // false makes GET /health answer 503
  std::vector<ComponentHealth> components;
};

// Why requests were turned away; each has a counter.
enum class Rejection {
  kBadRequest,        // malformed JSON, bad fields, bad query parameters
  kInvalidId,         // a video id failing fog::wire::ValidateVideoId
  kUnauthorized,      // missing or wrong bearer token
  kNotFound,          // unknown video
  kNoRoute,           // unknown path
  kMethodNotAllowed,  // known path, wrong method
  kBodyTooLarge,      // over max_body_bytes
  kInternal,          // registry or server failure
  kUnverified,        // media: a packet failed verification (502)
  kUnavailable,       // media: packets missing or the broker away (503)
  kPeerFailed,        // GET /metrics/{name}: the peer failed to answer (502)
  kForbidden,         // a valid token of a scope too narrow (403)
};
inline constexpr int kRejectionCount = 12;

// "bad_request", "invalid_id", ... (the names used in logs and metrics).
const char* RejectionName(Rejection reason);

// One HLS resource asked of the media provider. The path is parsed and the
// video is known to the registry.
struct MediaRequest {
  MediaPath path;
  int holders = 0;  // workers holding packets of the video (registry)
};

struct MediaReply {
  std::shared_ptr<const void> owner;  // keeps `body` alive
  std::string_view body;
  // The video is complete: the resource will never change.
  bool complete = false;
  // A strong validator of `body` without quotes (empty: none). A request
  // whose If-None-Match names it gets 304.
  std::string etag;
};

// Errors: NotFound (404), Corruption (502: a packet failed verification),
// Unavailable (503: packets missing, broker away), InvalidArgument (400).
using MediaProvider = std::function<Result<MediaReply>(const MediaRequest&)>;

class ApiServer {
 public:
  // Does not bind; call Start().
  ApiServer(ApiOptions options, registry::Registry& registry);
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;
  // Stops the server if it is running.
  ~ApiServer();

  // Binds host:port and serves on a background thread. Errors: Unavailable
  // when the address cannot be bound (port taken, bad host),
  // InvalidArgument for bad options, Internal if already started.
  Status Start();

  // Stops accepting, finishes in-flight requests and joins the thread.
  // Idempotent.
  void Stop();

  // The bound port (the ephemeral one when ApiOptions::port was 0); 0 before
  // Start().
  int port() const;

  // Supplies GET /health. Without a provider GET /health answers 200
  // {"status":"ok"}. The provider runs on a server thread and must be
  // thread-safe.
  void SetHealthProvider(std::function<HealthReport()> provider);

  // Supplies GET /fog (a JSON document: components, workers with their
  // latest stats, the current policy). Without a provider GET /fog is 404.
  // The provider runs on a server thread and must be thread-safe.
  void SetFogProvider(std::function<std::string()> provider);

  // Supplies GET /metrics (Prometheus text format 0.0.4, docs/metrics.md).
  // Without a provider GET /metrics is 404. The provider runs on a server
  // thread and must be thread-safe.
  void SetMetricsProvider(std::function<std::string()> provider);
  // Serves the HLS routes. Without a provider they answer 404. The provider
  // runs on server threads, several at once, and must be thread-safe.
  void SetMediaProvider(MediaProvider provider);
  // Serves GET /videos/{id}/packets/{n}; without a provider it answers 404.
  // Runs on server threads, several at once: must be thread-safe.
  void SetPacketProvider(PacketProvider provider);
  // Serves POST /videos/{id}/pin (administration token); without a provider
  // it answers 503. Runs on server threads: must be thread-safe.
  void SetPinProvider(PinProvider provider);
  // GET /videos/{id}/poster.jpg: made once per video by `maker` from the
  // media provider's init segment and packet 2, then cached (poster_cache.h
  // bounds). Without a maker or a media provider it answers 404.
  void SetPosterMaker(PosterMaker maker);
  // GET /keys lists these (set once, before or after Start()).
  void SetKeys(std::vector<PublishedKey> keys);
  // GET /keys adds "authorities" and "revocations" from this provider, asked
  // at every request so a newly revoked publisher shows at once. Runs on
  // server threads, several at once: must be thread-safe. Without one both
  // lists are empty.
  void SetTrustProvider(std::function<PublishedTrust()> provider);

  uint64_t rejections(Rejection reason) const;
  // All counters by RejectionName.
  std::map<std::string, uint64_t> RejectionCounts() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fog::api

#endif  // FOG_API_API_SERVER_H_
