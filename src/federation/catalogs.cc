#include "federation/catalogs.h"

#include <nlohmann/json.hpp>

#include "wire/envelope.h"

namespace fog::federation {

using nlohmann::json;

Result<std::vector<CatalogEntry>> CatalogFromRegistry(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("videos")) j = j["videos"];
  if (!j.is_array()) {
    return Status::InvalidArgument("the registry's /videos is not a list");
  }
  std::vector<CatalogEntry> out;
  for (const json& v : j) {
    if (!v.is_object()) continue;
    const json id = v.value("VideoID", json());
    if (!id.is_string() || !wire::ValidateVideoId(id.get<std::string>()).ok())
      continue;
    CatalogEntry e;
    e.video_id = id.get<std::string>();
    const json packets = v.value("packets", json());
    if (packets.is_number_integer()) e.packets = packets.get<int64_t>();
    if (e.packets <= 0) continue;  // registered, nothing stored yet
    const json total = v.value("total_packets", json());
    if (total.is_number_integer()) e.total_packets = total.get<int64_t>();
    const json status = v.value("status", json());
    if (status.is_string()) e.status = status.get<std::string>();
    const json key = v.value("publisher_key", json());
    if (key.is_string()) e.publisher_key = key.get<std::string>();
    out.push_back(std::move(e));
  }
  return out;
}

bool PeerCatalogs::Update(const Catalog& c) {
  auto it = catalogs_.find(c.fog);
  if (it != catalogs_.end() && it->second.seq > c.seq) return false;
  catalogs_[c.fog] = c;
  return true;
}

std::set<std::string> PeerCatalogs::Holders(const std::string& video_id) const {
  std::set<std::string> out;
  for (const auto& [fog, c] : catalogs_) {
    for (const CatalogEntry& e : c.videos) {
      if (e.video_id == video_id) {
        out.insert(fog);
        break;
      }
    }
  }
  return out;
}

}  // namespace fog::federation
