#include "api/internal/video_json.h"

#include <fmt/core.h>
#include <time.h>

#include <cstdint>
#include <exception>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "common/packet_ranges.h"

namespace fog::api {
namespace {

using nlohmann::json;

constexpr int kMaxJsonDepth = 16;

// dump() throws on invalid UTF-8; ids and names are ASCII by validation, but
// replacing beats throwing if that ever changes.
std::string Dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Nesting deeper than kMaxJsonDepth is refused before parsing, so a body of
// a million '[' costs a scan, not a million allocations.
bool NestingWithin(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

json WorkerToJson(const registry::WorkerHolding& w) {
  json j{{"worker", w.worker}, {"packets", w.packets}, {"bytes", w.bytes}};
  if (!w.ranges.empty()) j["ranges"] = FormatRanges(w.ranges);
  return j;
}

json VideoObject(const registry::VideoRecord& v) {
  json workers = json::array();
  for (const registry::WorkerHolding& w : v.workers) {
    workers.push_back(WorkerToJson(w));
  }
  json j = {
      // The seed's fields (GORM's gorm.Model plus VideoID), same names.
      {"ID", v.id},
      {"CreatedAt", FormatRfc3339(v.created_at_ms)},
      {"UpdatedAt", FormatRfc3339(v.updated_at_ms)},
      {"DeletedAt", nullptr},
      {"VideoID", v.video_id},
      // Ours.
      {"packets", v.packets},
      {"copies", v.copies},
      {"bytes", v.bytes},
      {"total_packets", v.total_packets},
      {"status", std::string(registry::VideoStatusName(v.status))},
      {"publisher_key", nullptr},
      {"authenticated", v.authenticated},
      {"workers", std::move(workers)},
      {"duration", nullptr},
  };
  if (v.deleted_at_ms) j["DeletedAt"] = FormatRfc3339(*v.deleted_at_ms);
  if (v.duration_seconds) j["duration"] = *v.duration_seconds;
  if (v.publisher_key) j["publisher_key"] = *v.publisher_key;
  return j;
}

Result<int64_t> GetCount(const json& obj, const char* key, bool required) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) {
      return Status::InvalidArgument(fmt::format("missing field \"{}\"", key));
    }
    return int64_t{0};
  }
  if (!it->is_number_unsigned()) {
    return Status::InvalidArgument(
        fmt::format("field \"{}\" must be a non-negative integer", key));
  }
  uint64_t value = it->get<uint64_t>();
  if (value > static_cast<uint64_t>(registry::kMaxCount)) {
    return Status::InvalidArgument(
        fmt::format("field \"{}\" exceeds 2^53", key));
  }
  return static_cast<int64_t>(value);
}

Result<std::string> GetString(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    return Status::InvalidArgument(fmt::format("missing field \"{}\"", key));
  }
  if (!it->is_string()) {
    return Status::InvalidArgument(
        fmt::format("field \"{}\" must be a string", key));
  }
  return it->get<std::string>();
}

Status CheckKeys(const json& obj) {
  static constexpr std::string_view kKnown[] = {
      "video_id",        "worker",        "packets",       "bytes",
      "total_packets",   "publisher_key", "authenticated", "timescales",
      "track_end_ticks", "ranges"};
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool known = false;
    for (std::string_view k : kKnown) known = known || it.key() == k;
    if (!known) {
      // The key is the client's text: keep it out of the message (it could
      // be long or hold control characters).
      return Status::InvalidArgument("unknown field in report");
    }
  }
  return Status::OK();
}

// A JSON object key that is a track id: decimal 1..2^32-1 without sign,
// leading zeros or spaces.
std::optional<uint32_t> ParseTrackId(std::string_view key) {
  if (key.empty() || key.size() > 10 || key.front() == '0') {
    return std::nullopt;
  }
  uint64_t value = 0;
  for (char c : key) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(value);
}

// An optional object {"<track id>": n, ...} with n a non-negative integer up
// to `max`, at most kMaxTracksPerReport entries; absent or null = empty.
template <typename T>
Status GetTrackMap(const json& obj, const char* key, uint64_t max,
                   std::map<uint32_t, T>* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::OK();
  if (!it->is_object()) {
    return Status::InvalidArgument(fmt::format(
        "field \"{}\" must be an object of track id: integer", key));
  }
  if (it->size() > registry::kMaxTracksPerReport) {
    return Status::InvalidArgument(
        fmt::format("field \"{}\" has more than 64 tracks", key));
  }
  for (auto track = it->begin(); track != it->end(); ++track) {
    std::optional<uint32_t> id = ParseTrackId(track.key());
    if (!id) {
      // The key is the client's text: not echoed.
      return Status::InvalidArgument(fmt::format(
          "field \"{}\": keys must be decimal track ids in [1, 2^32-1]", key));
    }
    if (!track->is_number_unsigned() || track->get<uint64_t>() > max) {
      return Status::InvalidArgument(fmt::format(
          "field \"{}\": values must be integers in [0, {}]", key, max));
    }
    (*out)[*id] = static_cast<T>(track->get<uint64_t>());
  }
  return Status::OK();
}

Result<registry::HoldingsReport> ReportFromObject(const json& obj) {
  Status keys = CheckKeys(obj);
  if (!keys.ok()) return keys;
  registry::HoldingsReport r;
  Result<std::string> video_id = GetString(obj, "video_id");
  if (!video_id.ok()) return video_id.status();
  r.video_id = std::move(video_id).value();
  Result<std::string> worker = GetString(obj, "worker");
  if (!worker.ok()) return worker.status();
  r.worker = std::move(worker).value();
  Result<int64_t> packets = GetCount(obj, "packets", true);
  if (!packets.ok()) return packets.status();
  r.packets = *packets;
  Result<int64_t> bytes = GetCount(obj, "bytes", true);
  if (!bytes.ok()) return bytes.status();
  r.bytes = *bytes;
  Result<int64_t> total = GetCount(obj, "total_packets", false);
  if (!total.ok()) return total.status();
  r.total_packets = *total;
  if (auto it = obj.find("publisher_key"); it != obj.end() && !it->is_null()) {
    if (!it->is_string()) {
      return Status::InvalidArgument(
          "field \"publisher_key\" must be a string or null");
    }
    r.publisher_key = it->get<std::string>();
  }
  if (auto it = obj.find("authenticated"); it != obj.end()) {
    if (!it->is_boolean()) {
      return Status::InvalidArgument(
          "field \"authenticated\" must be a boolean");
    }
    r.authenticated = it->get<bool>();
  }
  if (auto it = obj.find("ranges"); it != obj.end() && !it->is_null()) {
    Result<PacketRanges> ranges = it->is_string()
                                      ? ParseRanges(it->get<std::string>())
                                      : Status::InvalidArgument("not a string");
    if (!ranges.ok()) {
      return Status::InvalidArgument(
          "field \"ranges\" must be a string like \"1-20,22\"");
    }
    r.ranges = std::move(*ranges);
  }
  // The registry checks the rest (timescale 0, ends without packets, ranges
  // that do not count packets).
  Status tracks = GetTrackMap(obj, "timescales", UINT32_MAX, &r.timescales);
  if (!tracks.ok()) return tracks;
  tracks = GetTrackMap(obj, "track_end_ticks",
                       static_cast<uint64_t>(registry::kMaxCount),
                       &r.track_end_ticks);
  if (!tracks.ok()) return tracks;
  return r;
}

}  // namespace

std::string FormatRfc3339(int64_t unix_ms) {
  int64_t seconds = unix_ms / 1000;
  int64_t millis = unix_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  time_t t = static_cast<time_t>(seconds);
  struct tm tm {};
  if (gmtime_r(&t, &tm) == nullptr) return "1970-01-01T00:00:00.000Z";
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec, millis);
}

std::string VideoToJson(const registry::VideoRecord& video) {
  return Dump(VideoObject(video));
}

std::string VideosToJson(const std::vector<registry::VideoRecord>& videos) {
  json array = json::array();
  for (const registry::VideoRecord& v : videos) array.push_back(VideoObject(v));
  return Dump(array);
}

std::string ErrorJson(int http_status, std::string_view message) {
  return Dump(json{{"error", std::string(message)}, {"status", http_status}});
}

std::string HealthToJson(const HealthReport& report) {
  json components = json::array();
  for (const ComponentHealth& c : report.components) {
    components.push_back(json{{"name", c.name}, {"state", c.state}});
  }
  return Dump(json{{"status", report.ok ? "ok" : "unavailable"},
                   {"components", std::move(components)}});
}

Result<registry::HoldingsReport> ParseHoldingsReport(std::string_view body) {
  if (!NestingWithin(body, kMaxJsonDepth)) {
    return Status::InvalidArgument("JSON nested too deeply");
  }
  try {
    json obj = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (obj.is_discarded()) return Status::InvalidArgument("malformed JSON");
    if (!obj.is_object()) {
      return Status::InvalidArgument("report must be a JSON object");
    }
    return ReportFromObject(obj);
  } catch (const std::exception& e) {
    // get<> and find() do not throw after the type checks above; this is
    // the adapter's safety net.
    return Status::InvalidArgument(fmt::format("bad report: {}", e.what()));
  }
}

}  // namespace fog::api
