#include "viewer/packet_cache.h"

namespace fog::viewer {

namespace {
// Map node, list node and shared_ptr control block, roughly.
constexpr size_t kEntryOverhead = 256;
}  // namespace

PacketCache::PacketCache(size_t capacity_bytes) : capacity_(capacity_bytes) {}

size_t PacketCache::Cost(const wire::Envelope& envelope) {
  size_t cost = kEntryOverhead + envelope.packet.data.size() +
                envelope.packet.video_id.size();
  if (envelope.signature) cost += envelope.signature->sig.size();
  return cost;
}

void PacketCache::Put(Entry envelope) {
  const size_t cost = Cost(*envelope);
  Key key{envelope->packet.video_id, envelope->packet.packet_number};
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    bytes_ -= it->second->cost;
    lru_.erase(it->second);
    index_.erase(it);
  }
  if (cost > capacity_) return;
  EvictUntilFits(cost);
  lru_.push_front({key, std::move(envelope), cost});
  index_[std::move(key)] = lru_.begin();
  bytes_ += cost;
}

PacketCache::Entry PacketCache::Get(const std::string& video_id,
                                    int64_t number) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(Key{video_id, number});
  if (it == index_.end()) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->value;
}

void PacketCache::Erase(const std::string& video_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.lower_bound(Key{video_id, INT64_MIN});
  while (it != index_.end() && it->first.first == video_id) {
    bytes_ -= it->second->cost;
    lru_.erase(it->second);
    it = index_.erase(it);
  }
}

void PacketCache::EvictUntilFits(size_t extra) {
  while (!lru_.empty() && bytes_ + extra > capacity_) {
    const Node& victim = lru_.back();
    bytes_ -= victim.cost;
    index_.erase(victim.key);
    lru_.pop_back();
    ++evictions_;
  }
}

size_t PacketCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}
size_t PacketCache::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}
uint64_t PacketCache::hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}
uint64_t PacketCache::misses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return misses_;
}
uint64_t PacketCache::evictions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return evictions_;
}

}  // namespace fog::viewer
