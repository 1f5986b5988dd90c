// How errors become HTTP answers (internal to fog_api): the one mapping
// from a Status to an HTTP status, the texts of the errors httplib raises
// itself, and client text made safe for log lines.
//
// Thread-safety: pure functions.

#ifndef FOG_API_INTERNAL_HTTP_ERRORS_H_
#define FOG_API_INTERNAL_HTTP_ERRORS_H_

#include <string>
#include <string_view>

#include "common/status.h"

namespace fog::api {

// The one place a Status becomes an HTTP status: InvalidArgument 400,
// Unauthenticated 401, NotFound 404, Unavailable 503, anything else 500.
int HttpStatusFor(const Status& status);

// For errors httplib raises itself (malformed request line, URI too long).
const char* GenericMessage(int http_status);

// Client text for log lines: at most 200 bytes (then "..."), no control
// characters.
std::string ForLog(std::string_view text);

}  // namespace fog::api

#endif  // FOG_API_INTERNAL_HTTP_ERRORS_H_
