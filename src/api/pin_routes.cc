// POST /videos/{id}/pin {"to": NAME}: this fog's federation asks peer fog
// NAME to hold the whole video with its own copies (docs/api.md,
// docs/federation.md "Pinning"). The router has checked the administration
// token already.

#include <nlohmann/json.hpp>

#include "api/internal/server_impl.h"

namespace fog::api {

void ApiServer::Impl::HandlePin(const Request& req, Response& res,
                                const std::string& rest) {
  const std::string id = rest.substr(0, rest.find('/'));
  if (!ValidId(req, res, id)) return;
  const nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
  auto to = body.is_object() ? body.find("to") : body.end();
  if (!body.is_object() || to == body.end() || !to->is_string() ||
      to->get_ref<const std::string&>().empty() ||
      to->get_ref<const std::string&>().size() > 64) {
    SendError(req, res, 400, Rejection::kBadRequest,
              "the body must be {\"to\": \"<fog name>\"}");
    return;
  }
  PinProvider pin = Provider(pin_);
  if (!pin) {
    SendError(req, res, 503, Rejection::kUnavailable,
              "pinning is off: this API has no link to the federation");
    return;
  }
  Result<PinOutcome> outcome = pin(id, to->get<std::string>());
  if (!outcome.ok()) {
    SendError(req, res, 503, Rejection::kUnavailable,
              outcome.status().message());
    return;
  }
  if (outcome->status != 200) {
    const Rejection reason = outcome->status == 404   ? Rejection::kNotFound
                             : outcome->status == 400 ? Rejection::kBadRequest
                                                      : Rejection::kUnavailable;
    SendError(req, res, outcome->status, reason, outcome->reason);
    return;
  }
  res.status = 200;
  res.set_content(nlohmann::json{{"video_id", id},
                                 {"to", to->get<std::string>()},
                                 {"result", "accepted"}}
                      .dump(),
                  kJson);
}

}  // namespace fog::api
