// PulledPacketCache: packets this fog pulled from its peers and verified,
// kept so that a second request for them is answered without asking the
// peers again. Keyed by (video id, packet number), least recently used
// evicted first, bounded by the bytes of the payloads it holds.
//
// Only packets that passed verification may be inserted (the federation
// inserts a peer's page only when nothing in it failed). The cache is never
// a durable copy: it is not in the registry, is never reported as a worker
// holding and is lost on restart.
//
// At the bound: inserting evicts the least recently used packets until the
// new one fits (counted in evictions()); a packet larger than the whole
// bound is refused (oversize()). A bound of 0 disables the cache: nothing is
// kept and every lookup misses.
//
// Thread-safety: all methods are safe to call concurrently.

#ifndef FOG_FEDERATION_PACKET_CACHE_H_
#define FOG_FEDERATION_PACKET_CACHE_H_

#include <atomic>
#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "federation/catalogs.h"

namespace fog::federation {

// What a lookup of a range gives: the packets of one page, in order, and
// the first packet left out by the page's byte budget (0: none left out).
struct CachedPage {
  std::vector<std::pair<int64_t, Bytes>> packets;
  int64_t next = 0;
};

class PulledPacketCache {
 public:
  explicit PulledPacketCache(size_t max_bytes) : max_bytes_(max_bytes) {}
  PulledPacketCache(const PulledPacketCache&) = delete;
  PulledPacketCache& operator=(const PulledPacketCache&) = delete;

  // Keeps a verified packet (replacing one of the same key). Returns false
  // when refused: the cache is disabled or the payload alone exceeds the
  // bound.
  bool Insert(const std::string& video_id, int64_t number, Bytes payload);

  // Packets first..last of `video_id` as one page, cut as a worker cuts it
  // (wire/get_range.h): in order until the next one would take the page
  // past `page_bytes`, the first two always included. A hit only when every
  // packet up to the cut is held (each then counts as recently used);
  // otherwise nullopt, and the caller asks the peers. Counts one hit or one
  // miss. With `last_is_total`, a page that reaches `last` is a hit only
  // when that packet's own envelope announces `last` as the video's total
  // (a catalog's total is a peer's word). REQUIRES: 1 <= first <= last;
  // last is a real bound (the caller clamps an open range to the video's
  // known total).
  std::optional<CachedPage> Lookup(const std::string& video_id, int64_t first,
                                   int64_t last, int64_t page_bytes,
                                   bool last_is_total = false);

  // Inserts every packet of a verified page (payloads by packet number).
  void InsertPage(const std::string& video_id,
                  const std::map<int64_t, Bytes>& packets);

  // Lookup for a request as it came: `last` may be open
  // (std::numeric_limits<int64_t>::max()), then bounded by `total` (the
  // video's packet count, 0: unknown, as a catalog claims it: a page up to
  // it is a hit only when its last packet announces it). A range that stays
  // open, or is empty, is a miss.
  std::optional<CachedPage> LookupRange(const std::string& video_id,
                                        int64_t first, int64_t last,
                                        int64_t total, int64_t page_bytes);

  size_t bytes() const;
  size_t entries() const;
  size_t max_bytes() const { return max_bytes_; }
  uint64_t hits() const { return hits_.load(); }
  uint64_t misses() const { return misses_.load(); }
  uint64_t evictions() const { return evictions_.load(); }
  uint64_t oversize() const { return oversize_.load(); }

 private:
  using Key = std::pair<std::string, int64_t>;
  struct Entry {
    Bytes payload;
    std::list<Key>::iterator lru;  // position in lru_
  };
  // REQUIRES: mu_ held.
  void EvictLocked(size_t needed);

  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::map<Key, Entry> entries_;  // guarded by mu_
  std::list<Key> lru_;            // guarded by mu_; front = least recent
  size_t bytes_ = 0;              // guarded by mu_
  std::atomic<uint64_t> hits_{0}, misses_{0}, evictions_{0}, oversize_{0};
};

// The largest total packet count a peer's catalog announces for
// `video_id` (0: none does). A lying catalog makes a range look longer,
// which only makes a cache lookup miss.
int64_t KnownTotal(const PeerCatalogs& catalogs, const std::string& video_id);

}  // namespace fog::federation

#endif  // FOG_FEDERATION_PACKET_CACHE_H_
