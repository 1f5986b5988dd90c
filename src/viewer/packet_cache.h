// PacketCache: verified packets kept in memory, least recently used first
// out, bounded by bytes. Only packets that passed verification are put in,
// so a hit may be served without fetching or verifying again.
//
// Thread-safety: every method may be called from any thread.

#ifndef FOG_VIEWER_PACKET_CACHE_H_
#define FOG_VIEWER_PACKET_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "wire/envelope.h"

namespace fog::viewer {

class PacketCache {
 public:
  using Entry = std::shared_ptr<const wire::Envelope>;

  // capacity_bytes: the sum of Cost() over the entries never exceeds it.
  explicit PacketCache(size_t capacity_bytes);
  PacketCache(const PacketCache&) = delete;
  PacketCache& operator=(const PacketCache&) = delete;

  // What an envelope counts against the capacity: its data, its signature
  // and a fixed overhead.
  static size_t Cost(const wire::Envelope& envelope);

  // Inserts or replaces the packet (video id, packet number) and makes it
  // the most recently used. A packet costing more than the capacity is not
  // kept. Evicts least recently used packets to make room.
  void Put(Entry envelope);

  // The packet, made most recently used; nullptr on a miss.
  Entry Get(const std::string& video_id, int64_t number);

  // Drops every packet of the video.
  void Erase(const std::string& video_id);

  size_t bytes() const;
  size_t entries() const;
  uint64_t hits() const;
  uint64_t misses() const;
  uint64_t evictions() const;

 private:
  using Key = std::pair<std::string, int64_t>;
  struct Node {
    Key key;
    Entry value;
    size_t cost;
  };

  void EvictUntilFits(size_t extra);  // REQUIRES: mu_ held

  const size_t capacity_;
  mutable std::mutex mu_;
  std::list<Node> lru_;  // front: most recently used
  std::map<Key, std::list<Node>::iterator> index_;
  size_t bytes_ = 0;
  uint64_t hits_ = 0, misses_ = 0, evictions_ = 0;
};

}  // namespace fog::viewer

#endif  // FOG_VIEWER_PACKET_CACHE_H_
