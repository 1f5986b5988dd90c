// Videos this fog's registry does not list but its federation does
// (docs/federation.md#verified-pull-through): the HLS routes, the packet
// endpoint and the poster fetch them like local ones, through fog/get, which
// the federation component answers as one more holder with packets it
// pulled from a peer and verified.

#include <nlohmann/json.hpp>

#include "api/internal/server_impl.h"

namespace fog::api {

Result<registry::VideoRecord> ApiServer::Impl::FetchableVideo(
    const std::string& id) {
  Result<registry::VideoRecord> local = registry_.GetVideo(id);
  if (local.ok() || local.status().code() != Status::Code::kNotFound) {
    return local;
  }
  const std::function<std::string()> provider = Provider(fog_);
  if (!provider) return local;
  const nlohmann::json fog = nlohmann::json::parse(provider(), nullptr, false);
  if (!fog.is_object() || !fog.contains("federation") ||
      !fog["federation"].is_object()) {
    return local;
  }
  // The status comes from our own federation component, but it is still
  // input: a field of an unexpected type refuses the pull-through, never
  // throws out of here.
  try {
    return FromFederation(id, fog["federation"], local);
  } catch (const nlohmann::json::exception&) {
    return local;
  }
}

Result<registry::VideoRecord> ApiServer::Impl::FromFederation(
    const std::string& id, const nlohmann::json& federation,
    const Result<registry::VideoRecord>& local) {
  const std::string self = federation.value("name", "");
  const nlohmann::json videos =
      federation.value("videos", nlohmann::json::array());
  if (!videos.is_array()) return local;
  for (const nlohmann::json& v : videos) {
    if (!v.is_object() || v.value("video_id", "") != id) continue;
    const nlohmann::json fogs = v.value("fogs", nlohmann::json::array());
    bool elsewhere = false;
    if (fogs.is_array()) {
      for (const nlohmann::json& f : fogs) {
        if (f.is_string() && f.get<std::string>() != self) elsewhere = true;
      }
    }
    if (!elsewhere) return local;
    // The federation answers fog/get as one holder (its worker name is
    // "federation/<this fog>"): a fetch waits for exactly one end beside
    // the local workers' empty ones.
    registry::VideoRecord record{.video_id = id};
    const nlohmann::json total = v.value("total_packets", nlohmann::json());
    const nlohmann::json packets = v.value("packets", nlohmann::json());
    record.total_packets = total.is_number_integer() ? total.get<int64_t>() : 0;
    record.packets = packets.is_number_integer() ? packets.get<int64_t>() : 0;
    record.status = v.value("status", "") == "complete"
                        ? registry::VideoStatus::kComplete
                        : registry::VideoStatus::kLive;
    record.workers.push_back({.worker = "federation/" + self,
                              .packets = std::max<int64_t>(1, record.packets)});
    return record;
  }
  return local;
}

}  // namespace fog::api
