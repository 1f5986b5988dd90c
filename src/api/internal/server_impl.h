// ApiServer::Impl (internal to fog_api): the state of one server and its
// handlers. The handlers are defined by concern: api_server.cc (lifecycle),
// router.cc (dispatch, 404 and 405), auth.cc (the bearer token),
// http_errors.cc (error answers and counters), registry_routes.cc
// (/videos, /create), media_routes.cc (HLS), packet_routes.cc (signed
// packets, posters), ui_routes.cc (the web UI, /keys, /ui-config),
// pull_through.cc (videos held elsewhere in
// the federation), status_routes.cc (/health,
// /fog, /metrics, /openapi.json), peer_metrics_routes.cc (/metrics/{name}).
//
// Only the fog_api sources include this header: it pulls in httplib.h,
// which is heavy, and its types stay out of the public api_server.h.
//
// Thread-safety: as ApiServer. The providers are guarded by providers_mu_;
// the counters are atomic; options_ and registry_ are set once.

#ifndef FOG_API_INTERNAL_SERVER_IMPL_H_
#define FOG_API_INTERNAL_SERVER_IMPL_H_

#include <httplib.h>

#include <array>
#include <atomic>
#include <functional>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <thread>

#include "api/api_server.h"
#include "api/internal/poster_cache.h"
#include "api/internal/router.h"
#include "registry/registry.h"

namespace fog::api {

inline constexpr char kJson[] = "application/json";

class ApiServer::Impl {
 public:
  Impl(ApiOptions options, registry::Registry& registry);

  Status Start();
  void Stop();
  int port() const { return port_.load(); }

  void SetFogProvider(std::function<std::string()> provider);
  void SetMetricsProvider(std::function<std::string()> provider);
  void SetHealthProvider(std::function<HealthReport()> provider);
  void SetMediaProvider(MediaProvider provider);
  void SetPacketProvider(PacketProvider provider);
  void SetPinProvider(PinProvider provider);
  void SetPosterMaker(PosterMaker maker);
  void SetKeys(std::vector<PublishedKey> keys);
  void SetTrustProvider(std::function<PublishedTrust()> provider);
  uint64_t rejections(Rejection reason) const {
    return rejections_[static_cast<size_t>(reason)].load();
  }

 private:
  using Request = httplib::Request;
  using Response = httplib::Response;

  // api_server.cc
  void Install();

  // router.cc
  void Dispatch(const Request& req, Response& res);
  void FillEmptyError(const Request& req, Response& res);

  // auth.cc: true if the request carries a token of `scope` (or the
  // administration token); otherwise answers 401 (no valid token) or 403 (the
  // reporting token where administration is needed).
  bool Authorized(const Request& req, Response& res, Scope scope);

  // registry_routes.cc
  void HandleVideos(const Request& req, Response& res);
  void HandleList(const Request& req, Response& res);
  void HandleReport(const Request& req, Response& res);
  void HandleVideo(const Request& req, Response& res, const std::string& id);
  void HandleCreate(const Request& req, Response& res);
  Result<registry::ListOptions> ParseListQuery(const Request& req);

  // media_routes.cc
  void HandleMedia(const Request& req, Response& res, const std::string& rest);
  void SendMediaStatus(const Request& req, Response& res, const Status& status);

  // packet_routes.cc
  void HandlePacket(const Request& req, Response& res, const std::string& rest);
  void HandlePoster(const Request& req, Response& res, const std::string& rest);
  // FetchableVideo(id), answering the error itself (400 for a bad id).
  Result<registry::VideoRecord> KnownVideo(const Request& req, Response& res,
                                           const std::string& id);

  // pull_through.cc: the registry's record of `id`, or, for a video the
  // registry does not know and this fog's federation status lists as held by
  // another fog, a record naming the federation as its one holder (the
  // fetch goes through fog/get, which the federation answers). Otherwise
  // the registry's NotFound.
  Result<registry::VideoRecord> FetchableVideo(const std::string& id);
  Result<registry::VideoRecord> FromFederation(
      const std::string& id, const nlohmann::json& federation,
      const Result<registry::VideoRecord>& local);
  // pin_routes.cc: POST /videos/{id}/pin
  void HandlePin(const Request& req, Response& res, const std::string& rest);

  // ui_routes.cc
  void HandleUi(const Request& req, Response& res);
  void HandleKeys(Response& res);
  void HandleUiConfig(const Request& req, Response& res);

  // peer_metrics_routes.cc: GET /metrics/{name}
  void HandlePeerMetrics(const Request& req, Response& res,
                         const std::string& name);

  // status_routes.cc
  void HandleHealth(Response& res);
  void HandleFog(const Request& req, Response& res);
  void HandleMetrics(const Request& req, Response& res);
  void HandleOpenApi(Response& res);

  // http_errors.cc
  bool ValidId(const Request& req, Response& res, const std::string& id);
  void SendError(const Request& req, Response& res, int http_status,
                 Rejection reason, std::string_view message);
  // Sends the error for a non-OK status from the registry or the parsers.
  void SendStatus(const Request& req, Response& res, const Status& status,
                  Rejection client_reason);
  void Count(const Request& req, Rejection reason, std::string_view detail);

  template <typename T>
  T Provider(const T& field) {
    std::lock_guard<std::mutex> lock(providers_mu_);
    return field;
  }

  const ApiOptions options_;
  registry::Registry& registry_;
  // An httplib::SSLServer when options_.tls_cert_file is set.
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<int> port_{0};
  bool started_ = false;
  std::array<std::atomic<uint64_t>, kRejectionCount> rejections_;
  std::mutex providers_mu_;
  std::function<HealthReport()> health_;   // guarded by providers_mu_
  std::function<std::string()> fog_;       // guarded by providers_mu_
  std::function<std::string()> metrics_;   // guarded by providers_mu_
  MediaProvider media_;                    // guarded by providers_mu_
  PacketProvider packets_;                 // guarded by providers_mu_
  PinProvider pin_;                        // guarded by providers_mu_
  PosterMaker poster_maker_;               // guarded by providers_mu_
  std::vector<PublishedKey> keys_;         // guarded by providers_mu_
  std::function<PublishedTrust()> trust_;  // guarded by providers_mu_
  PosterCache posters_;
};

}  // namespace fog::api

#endif  // FOG_API_INTERNAL_SERVER_IMPL_H_
