// The bearer tokens: every request that writes the registry carries
// "Authorization: Bearer <token>" of its scope (router.cc decides which
// requests those are and their scope). A refusal is 401 (no valid token) or
// 403 (a reporting token where administration is needed) with a JSON error,
// the "unauthorized" or "forbidden" counter and a log line (http_errors.cc).

#include "api/internal/auth.h"

#include "api/internal/server_impl.h"

namespace fog::api {

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

TokenCheck CheckBearerToken(std::string_view authorization,
                            std::string_view token) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.empty()) return TokenCheck::kMissing;
  const bool ok =
      !token.empty() && authorization.size() > kBearer.size() &&
      authorization.substr(0, kBearer.size()) == kBearer &&
      ConstantTimeEquals(authorization.substr(kBearer.size()), token);
  return ok ? TokenCheck::kOk : TokenCheck::kInvalid;
}

bool ApiServer::Impl::Authorized(const Request& req, Response& res,
                                 Scope scope) {
  const std::string header = req.get_header_value("Authorization");
  // The administration token is good for every scope; without one
  // configured, the reporting token administers too (ApiOptions).
  const std::string& admin =
      options_.admin_token.empty() ? options_.token : options_.admin_token;
  if (CheckBearerToken(header, admin) == TokenCheck::kOk) return true;
  const TokenCheck check = CheckBearerToken(header, options_.token);
  if (check == TokenCheck::kOk && scope == Scope::kReporting) return true;
  if (check == TokenCheck::kOk) {
    SendError(req, res, 403, Rejection::kForbidden,
              "this request needs the administration token; the reporting "
              "token only reports holdings and creates videos");
    return false;
  }
  res.set_header("WWW-Authenticate", "Bearer");
  SendError(req, res, 401, Rejection::kUnauthorized,
            check == TokenCheck::kMissing
                ? "this request changes the registry: it needs "
                  "\"Authorization: Bearer <token>\""
                : "invalid bearer token");
  return false;
}

}  // namespace fog::api
