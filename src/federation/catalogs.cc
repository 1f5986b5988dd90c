#include "federation/catalogs.h"

#include <nlohmann/json.hpp>

#include "common/packet_ranges.h"
#include "wire/envelope.h"

namespace fog::federation {

using nlohmann::json;

namespace {

// The packets any worker holds, from the workers' "ranges" (empty when a
// worker reported none, since its holding is then unknown).
std::string RangesHeld(const json& workers) {
  if (!workers.is_array()) return "";
  std::vector<PacketRanges> sets;
  for (const json& w : workers) {
    if (!w.is_object()) continue;
    const json packets = w.value("packets", json());
    if (!packets.is_number_integer() || packets.get<int64_t>() <= 0) continue;
    const json text = w.value("ranges", json());
    if (!text.is_string()) return "";
    Result<PacketRanges> r = ParseRanges(text.get<std::string>());
    if (!r.ok()) return "";
    sets.push_back(std::move(*r));
  }
  return FormatRanges(UnionOf(sets));
}

}  // namespace

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
    e.ranges = RangesHeld(v.value("workers", json()));
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
