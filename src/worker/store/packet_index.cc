// The in-memory packet index.

#include "worker/store/packet_index.h"

#include <algorithm>
#include <iterator>

namespace fog::worker {

void PacketIndex::Account(VideoEntry& v, const IndexedPacket& p, int sign) {
  // Unsigned wrap-around makes "minus" exact as long as every removal
  // matches an earlier addition, which Insert/Erase guarantee.
  const uint64_t s = static_cast<uint64_t>(sign);
  live_packets_ += s;
  live_payload_bytes_ += s * p.payload_size;
  live_record_bytes_ += s * p.location.size;
  v.payload_bytes += s * p.payload_size;
  if (!p.authenticated) v.unauthenticated += s;
  auto t = v.totals.try_emplace(p.total_packets, 0).first;
  t->second += s;
  if (t->second == 0) v.totals.erase(t);
}

void PacketIndex::AddNumber(std::map<int64_t, int64_t>& ranges, int64_t n) {
  auto next = ranges.upper_bound(n);  // the first range starting after n
  auto prev = next == ranges.begin() ? ranges.end() : std::prev(next);
  if (prev != ranges.end() && prev->second >= n) return;  // held already
  // Past the return, prev->second < n and next->first > n: no overflow.
  const bool joins_prev = prev != ranges.end() && prev->second == n - 1;
  const bool joins_next = next != ranges.end() && next->first == n + 1;
  if (joins_prev && joins_next) {
    prev->second = next->second;
    ranges.erase(next);
  } else if (joins_prev) {
    prev->second = n;
  } else if (joins_next) {
    const int64_t last = next->second;
    ranges.erase(next);
    ranges.emplace(n, last);
  } else {
    ranges.emplace(n, n);
  }
}

void PacketIndex::RemoveNumber(std::map<int64_t, int64_t>& ranges, int64_t n) {
  auto next = ranges.upper_bound(n);
  if (next == ranges.begin()) return;
  auto holder = std::prev(next);
  if (holder->second < n) return;  // not held
  const int64_t first = holder->first, last = holder->second;
  ranges.erase(holder);
  if (first < n) ranges.emplace(first, n - 1);
  if (n < last) ranges.emplace(n + 1, last);
}

const IndexedPacket* PacketIndex::Find(std::string_view video_id,
                                       int64_t n) const {
  auto v = videos_.find(video_id);
  if (v == videos_.end()) return nullptr;
  auto p = v->second.packets.find(n);
  return p == v->second.packets.end() ? nullptr : &p->second;
}

void PacketIndex::Insert(std::string_view video_id, int64_t n,
                         IndexedPacket packet) {
  auto v = videos_.find(video_id);
  if (v == videos_.end()) {
    v = videos_.emplace(std::string(video_id), VideoEntry()).first;
  }
  VideoEntry& entry = v->second;
  auto [it, inserted] = entry.packets.try_emplace(n);
  if (inserted) {
    AddNumber(entry.ranges, n);
  } else {
    Account(entry, it->second, -1);
  }
  it->second = std::move(packet);
  Account(entry, it->second, +1);
}

void PacketIndex::EraseIfAt(std::string_view video_id, int64_t n,
                            const RecordLocation& where) {
  auto v = videos_.find(video_id);
  if (v == videos_.end()) return;
  VideoEntry& entry = v->second;
  auto p = entry.packets.find(n);
  if (p == entry.packets.end() || !(p->second.location == where)) return;
  Account(entry, p->second, -1);
  RemoveNumber(entry.ranges, n);
  entry.packets.erase(p);
  if (entry.packets.empty()) videos_.erase(v);
}

void PacketIndex::EraseVideo(std::string_view video_id) {
  auto v = videos_.find(video_id);
  if (v == videos_.end()) return;
  for (const auto& [n, p] : v->second.packets) Account(v->second, p, -1);
  videos_.erase(v);
}

std::vector<int64_t> PacketIndex::PacketNumbers(
    std::string_view video_id) const {
  std::vector<int64_t> out;
  auto v = videos_.find(video_id);
  if (v == videos_.end()) return out;
  out.reserve(v->second.packets.size());
  for (const auto& [n, p] : v->second.packets) out.push_back(n);
  return out;
}

VideoSummary PacketIndex::Summarize(const std::string& video_id,
                                    const VideoEntry& v) {
  VideoSummary s;
  s.video_id = video_id;
  s.packet_count = v.packets.size();
  s.payload_bytes = v.payload_bytes;
  // As a walk from 0 over the packets' totals would give.
  s.max_total_packets =
      v.totals.empty() ? 0 : std::max<int64_t>(0, v.totals.rbegin()->first);
  s.all_authenticated = v.unauthenticated == 0;
  s.ranges.reserve(v.ranges.size());
  for (const auto& [first, last] : v.ranges) {
    s.ranges.push_back({first, last});
  }
  return s;
}

std::vector<VideoSummary> PacketIndex::Videos() const {
  std::vector<VideoSummary> out;
  out.reserve(videos_.size());
  for (const auto& [id, v] : videos_) out.push_back(Summarize(id, v));
  return out;
}

std::optional<VideoSummary> PacketIndex::Video(
    std::string_view video_id) const {
  auto v = videos_.find(video_id);
  if (v == videos_.end()) return std::nullopt;
  return Summarize(v->first, v->second);
}

}  // namespace fog::worker
