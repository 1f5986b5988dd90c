// The bearer token: every request that writes the registry carries
// "Authorization: Bearer <token>" (router.cc decides which requests those
// are). A refusal is 401 with a JSON error, the "unauthorized" counter and
// a log line (http_errors.cc).

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

bool ApiServer::Impl::Authorized(const Request& req, Response& res) {
  const std::string header = req.get_header_value("Authorization");
  const TokenCheck check = CheckBearerToken(header, options_.token);
  if (check == TokenCheck::kOk) return true;
  res.set_header("WWW-Authenticate", "Bearer");
  SendError(req, res, 401, Rejection::kUnauthorized,
            check == TokenCheck::kMissing
                ? "this request changes the registry: it needs "
                  "\"Authorization: Bearer <token>\""
                : "invalid bearer token");
  return false;
}

}  // namespace fog::api
