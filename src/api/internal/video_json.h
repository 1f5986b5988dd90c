// JSON encoding of registry records and decoding of holdings reports for the
// HTTP API (internal to fog_api). nlohmann::json stays inside video_json.cc;
// its exceptions are caught there and returned as Status.
//
// Thread-safety: pure functions.

#ifndef FOG_API_INTERNAL_VIDEO_JSON_H_
#define FOG_API_INTERNAL_VIDEO_JSON_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_server.h"
#include "common/status.h"
#include "registry/registry.h"

namespace fog::api {

// Unix milliseconds as RFC 3339 UTC with milliseconds,
// e.g. "2023-11-14T22:13:20.000Z".
std::string FormatRfc3339(int64_t unix_ms);

// One video: the seed's ID, VideoID, CreatedAt, UpdatedAt, DeletedAt plus
// packets, bytes, total_packets, status, publisher_key, authenticated,
// workers [{worker, packets, bytes}] and duration (seconds as a number, or
// null while unknown).
std::string VideoToJson(const registry::VideoRecord& video);
// A JSON array of VideoToJson objects.
std::string VideosToJson(const std::vector<registry::VideoRecord>& videos);

// {"error": message, "status": http_status}
std::string ErrorJson(int http_status, std::string_view message);

// {"status": "ok"|"unavailable", "components": [{"name", "state"}]}
std::string HealthToJson(const HealthReport& report);

// Parses a POST /videos body: a JSON object with video_id and worker
// (strings), packets and bytes (non-negative integers), and optionally
// total_packets (non-negative integer), publisher_key (string or null),
// authenticated (boolean), timescales and track_end_ticks (objects, or
// null, whose keys are decimal track ids 1..2^32-1 without leading zeros and
// whose values are integers up to 2^32-1 and 2^53 respectively; at most 64
// entries each). Unknown keys, wrong types and nesting are rejected with
// InvalidArgument. Field values are checked further by the registry.
Result<registry::HoldingsReport> ParseHoldingsReport(std::string_view body);

}  // namespace fog::api

#endif  // FOG_API_INTERNAL_VIDEO_JSON_H_
