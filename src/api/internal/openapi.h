// The API's OpenAPI 3 document, served at GET /openapi.json.
//
// Thread-safety: returns a view of a constant.

#ifndef FOG_API_INTERNAL_OPENAPI_H_
#define FOG_API_INTERNAL_OPENAPI_H_

#include <string_view>

namespace fog::api {

// The document as JSON text (static storage).
std::string_view OpenApiJson();

}  // namespace fog::api

#endif  // FOG_API_INTERNAL_OPENAPI_H_
