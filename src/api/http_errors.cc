// Error answers: the Status to HTTP mapping, the JSON error body, and the
// counter and rate-limited log line of every refusal.

#include "api/internal/http_errors.h"

#include <spdlog/spdlog.h>

#include <array>

#include "api/internal/server_impl.h"
#include "api/internal/video_json.h"
#include "wire/envelope.h"

namespace fog::api {

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

std::string ForLog(std::string_view text) {
  std::string out(text.substr(0, 200));
  for (char& c : out) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  if (text.size() > 200) out += "...";
  return out;
}

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

const char* RejectionName(Rejection reason) {
  static constexpr std::array<const char*, kRejectionCount> kNames = {
      "bad_request", "invalid_id",         "unauthorized",   "not_found",
      "no_route",    "method_not_allowed", "body_too_large", "internal",
      "unverified",  "unavailable",        "peer_failed",    "forbidden"};
  return kNames[static_cast<size_t>(reason)];
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

}  // namespace fog::api
