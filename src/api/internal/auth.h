// The bearer token check of the HTTP API (internal to fog_api).
//
// Thread-safety: pure functions.

#ifndef FOG_API_INTERNAL_AUTH_H_
#define FOG_API_INTERNAL_AUTH_H_

#include <string_view>

namespace fog::api {

enum class TokenCheck {
  kOk,
  kMissing,  // no Authorization header
  kInvalid,  // not "Bearer <token>", a wrong token, or no token configured
};

// Checks an Authorization header value against the configured token. An
// empty configured token matches nothing (fail closed). The comparison
// takes the same time wherever the tokens differ.
TokenCheck CheckBearerToken(std::string_view authorization,
                            std::string_view token);

// Compares in time independent of where the strings differ. The length
// leaks, which says nothing useful about a random token.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace fog::api

#endif  // FOG_API_INTERNAL_AUTH_H_
