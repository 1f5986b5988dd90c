// The registry's routes: GET /videos (the list), POST /videos (a worker's
// holdings), GET and DELETE /videos/{id}, and the seed's GET /create. The
// router has checked the token of every write before these run.

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "api/internal/http_errors.h"
#include "api/internal/server_impl.h"
#include "api/internal/video_json.h"

namespace fog::api {
namespace {

constexpr int kDefaultLimit = 100;

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
  // ?scope=federation: every video of the federation and the fogs holding
  // it, from the federation component's status in GET /fog
  // (docs/federation.md); ?scope=local (the default): this registry.
  if (req.has_param("scope")) {
    const std::string scope = req.get_param_value("scope");
    if (scope == "federation") {
      const std::function<std::string()> provider = Provider(fog_);
      nlohmann::json fog =
          provider ? nlohmann::json::parse(provider(), nullptr, false)
                   : nlohmann::json();
      if (!fog.is_object() || !fog.contains("federation") ||
          !fog["federation"].is_object()) {
        SendStatus(req, res,
                   Status::Unavailable("no federation status has arrived"),
                   Rejection::kUnavailable);
        return;
      }
      res.set_header("Cache-Control", "no-store");
      res.set_content(
          fog["federation"].value("videos", nlohmann::json::array()).dump(),
          kJson);
      return;
    }
    if (scope != "local") {
      SendStatus(req, res,
                 Status::InvalidArgument(
                     "query parameter \"scope\" must be local or federation"),
                 Rejection::kBadRequest);
      return;
    }
  }
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
  // A video held only at other fogs is described from the federation's
  // catalog, with the federation as its one holder, so a player at this
  // fog opens it and fetches its packets through (pull_through.cc).
  Result<registry::VideoRecord> video = FetchableVideo(id);
  if (!video.ok()) {
    SendStatus(req, res, video.status(), Rejection::kBadRequest);
    return;
  }
  res.set_content(VideoToJson(*video), kJson);
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

}  // namespace fog::api
