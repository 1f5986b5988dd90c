// The in-memory packet index.

#include "worker/store/packet_index.h"

#include <algorithm>

namespace fog::worker {

void PacketIndex::Account(const IndexedPacket& p, int sign) {
  // Unsigned wrap-around makes "minus" exact as long as every removal
  // matches an earlier addition, which Insert/Erase guarantee.
  const uint64_t s = static_cast<uint64_t>(sign);
  live_packets_ += s;
  live_payload_bytes_ += s * p.payload_size;
  live_record_bytes_ += s * p.location.size;
}

const IndexedPacket* PacketIndex::Find(std::string_view video_id,
                                       int64_t n) const {
  auto v = videos_.find(video_id);
  if (v == videos_.end()) return nullptr;
  auto p = v->second.find(n);
  return p == v->second.end() ? nullptr : &p->second;
}

void PacketIndex::Insert(std::string_view video_id, int64_t n,
                         IndexedPacket packet) {
  auto v = videos_.find(video_id);
  if (v == videos_.end())
    v = videos_.emplace(std::string(video_id), Packets()).first;
  auto [it, inserted] = v->second.try_emplace(n);
  if (!inserted) Account(it->second, -1);
  it->second = std::move(packet);
  Account(it->second, +1);
}

void PacketIndex::EraseIfAt(std::string_view video_id, int64_t n,
                            const RecordLocation& where) {
  auto v = videos_.find(video_id);
  if (v == videos_.end()) return;
  auto p = v->second.find(n);
  if (p == v->second.end() || !(p->second.location == where)) return;
  Account(p->second, -1);
  v->second.erase(p);
  if (v->second.empty()) videos_.erase(v);
}

void PacketIndex::EraseVideo(std::string_view video_id) {
  auto v = videos_.find(video_id);
  if (v == videos_.end()) return;
  for (const auto& [n, p] : v->second) Account(p, -1);
  videos_.erase(v);
}

std::vector<int64_t> PacketIndex::PacketNumbers(
    std::string_view video_id) const {
  std::vector<int64_t> out;
  auto v = videos_.find(video_id);
  if (v == videos_.end()) return out;
  out.reserve(v->second.size());
  for (const auto& [n, p] : v->second) out.push_back(n);
  return out;
}

VideoSummary PacketIndex::Summarize(const std::string& video_id,
                                    const Packets& packets) {
  VideoSummary s;
  s.video_id = video_id;
  s.packet_count = packets.size();
  for (const auto& [n, p] : packets) {
    s.payload_bytes += p.payload_size;
    s.max_total_packets = std::max(s.max_total_packets, p.total_packets);
    s.all_authenticated = s.all_authenticated && p.authenticated;
  }
  return s;
}

std::vector<VideoSummary> PacketIndex::Videos() const {
  std::vector<VideoSummary> out;
  out.reserve(videos_.size());
  for (const auto& [id, packets] : videos_) {
    out.push_back(Summarize(id, packets));
  }
  return out;
}

std::optional<VideoSummary> PacketIndex::Video(
    std::string_view video_id) const {
  auto v = videos_.find(video_id);
  if (v == videos_.end()) return std::nullopt;
  return Summarize(v->first, v->second);
}

}  // namespace fog::worker
