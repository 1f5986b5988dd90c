// The fog's own routes: GET /health, /fog, /metrics and /openapi.json.

#include "api/internal/openapi.h"
#include "api/internal/server_impl.h"
#include "api/internal/video_json.h"

namespace fog::api {

void ApiServer::Impl::HandleHealth(Response& res) {
  const std::function<HealthReport()> provider = Provider(health_);
  if (!provider) {
    res.set_content(R"({"status":"ok"})", kJson);
    return;
  }
  HealthReport report = provider();
  res.status = report.ok ? 200 : 503;
  res.set_content(HealthToJson(report), kJson);
}

void ApiServer::Impl::HandleFog(const Request& req, Response& res) {
  const std::function<std::string()> provider = Provider(fog_);
  if (!provider) {
    SendStatus(req, res, Status::NotFound("this API has no view of the fog"),
               Rejection::kNotFound);
    return;
  }
  res.set_header("Cache-Control", "no-store");
  res.set_content(provider(), kJson);
}

void ApiServer::Impl::HandleMetrics(const Request& req, Response& res) {
  const std::function<std::string()> provider = Provider(metrics_);
  if (!provider) {
    SendStatus(req, res, Status::NotFound("this API serves no metrics"),
               Rejection::kNotFound);
    return;
  }
  res.set_header("Cache-Control", "no-store");
  // The text exposition format 0.0.4, as Prometheus asks for it.
  res.set_content(provider(), "text/plain; version=0.0.4; charset=utf-8");
}

void ApiServer::Impl::HandleOpenApi(Response& res) {
  res.set_header("Cache-Control", "public, max-age=3600");
  res.set_content(std::string(OpenApiJson()), kJson);
}

}  // namespace fog::api
