#include "federation/packet_cache.h"

#include <algorithm>
#include <limits>

#include "wire/envelope.h"

namespace fog::federation {

bool PulledPacketCache::Insert(const std::string& video_id, int64_t number,
                               Bytes payload) {
  if (max_bytes_ == 0) return false;
  if (payload.size() > max_bytes_) {
    ++oversize_;
    return false;
  }
  std::lock_guard<std::mutex> lock(mu_);
  Key key{video_id, number};
  if (auto it = entries_.find(key); it != entries_.end()) {
    bytes_ -= it->second.payload.size();
    lru_.erase(it->second.lru);
    entries_.erase(it);
  }
  EvictLocked(payload.size());
  lru_.push_back(key);
  bytes_ += payload.size();
  entries_.emplace(std::move(key), Entry{std::move(payload), --lru_.end()});
  return true;
}

void PulledPacketCache::EvictLocked(size_t needed) {
  while (!lru_.empty() && bytes_ + needed > max_bytes_) {
    auto it = entries_.find(lru_.front());
    bytes_ -= it->second.payload.size();
    entries_.erase(it);
    lru_.pop_front();
    ++evictions_;
  }
}

std::optional<CachedPage> PulledPacketCache::Lookup(const std::string& video_id,
                                                    int64_t first, int64_t last,
                                                    int64_t page_bytes,
                                                    bool last_is_total) {
  std::lock_guard<std::mutex> lock(mu_);
  CachedPage page;
  std::vector<std::map<Key, Entry>::iterator> used;
  int64_t bytes = 0;
  for (int64_t n = first; n <= last; ++n) {
    auto it = entries_.find({video_id, n});
    if (it == entries_.end()) {
      ++misses_;
      return std::nullopt;
    }
    const int64_t size = static_cast<int64_t>(it->second.payload.size());
    // The workers' paging rule: the first two always go.
    if (used.size() >= 2 && bytes + size > page_bytes) {
      page.next = n;
      break;
    }
    bytes += size;
    used.push_back(it);
  }
  if (last_is_total && page.next == 0) {
    Result<wire::Envelope> e =
        wire::DecodeEnvelope(used.back()->second.payload);
    if (!e.ok() || e->packet.total_packets != last) {
      ++misses_;  // the video may go on: the peers know
      return std::nullopt;
    }
  }
  for (auto it : used) {
    lru_.splice(lru_.end(), lru_, it->second.lru);
    page.packets.emplace_back(it->first.second, it->second.payload);
  }
  ++hits_;
  return page;
}

void PulledPacketCache::InsertPage(const std::string& video_id,
                                   const std::map<int64_t, Bytes>& packets) {
  for (const auto& [n, payload] : packets) Insert(video_id, n, payload);
}

std::optional<CachedPage> PulledPacketCache::LookupRange(
    const std::string& video_id, int64_t first, int64_t last, int64_t total,
    int64_t page_bytes) {
  const bool open = last == std::numeric_limits<int64_t>::max();
  if (total > 0) last = std::min(last, total);
  if (max_bytes_ == 0 || first < 1 || first > last ||
      last == std::numeric_limits<int64_t>::max()) {
    ++misses_;
    return std::nullopt;
  }
  return Lookup(video_id, first, last, page_bytes, open && last == total);
}

size_t PulledPacketCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

size_t PulledPacketCache::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

int64_t KnownTotal(const PeerCatalogs& catalogs, const std::string& video_id) {
  int64_t total = 0;
  for (const auto& [fog, catalog] : catalogs.all()) {
    for (const CatalogEntry& e : catalog.videos) {
      if (e.video_id == video_id) total = std::max(total, e.total_packets);
    }
  }
  return total;
}

}  // namespace fog::federation
