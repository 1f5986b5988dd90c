// Where the copies of each packet are: the workers that hold it or are
// storing it. The master reads it to send a repeated packet nowhere new, to
// pick distinct workers for the replicas, and to find the packets a departed
// worker held.
//
// Bounded: it remembers the most recently placed `capacity` packets and
// forgets the oldest beyond that (their copies stay on the workers and in the
// registry; only the master's shortcut is lost).
//
// Thread-safety: none; the master guards it with its own mutex.

#ifndef FOG_MASTER_PLACEMENTS_H_
#define FOG_MASTER_PLACEMENTS_H_

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace fog::master {

using PacketKey = std::pair<std::string, int64_t>;  // video id, number

class Placements {
 public:
  explicit Placements(size_t capacity) : capacity_(capacity) {}

  // Records that `worker` holds (or is storing) a copy of `key`.
  void Add(const PacketKey& key, const std::string& worker);
  // Forgets that copy (the worker failed to store it, or is gone).
  void Remove(const PacketKey& key, const std::string& worker);

  // The workers holding `key`, sorted; empty if unknown.
  std::vector<std::string> Holders(const PacketKey& key) const;
  // The packets with a copy on `worker`.
  std::vector<PacketKey> HeldBy(const std::string& worker) const;

  size_t size() const { return holders_.size(); }

 private:
  const size_t capacity_;
  std::map<PacketKey, std::set<std::string>> holders_;
  std::map<std::string, std::set<PacketKey>> by_worker_;
  std::deque<PacketKey> order_;  // first placement, oldest first
};

}  // namespace fog::master

#endif  // FOG_MASTER_PLACEMENTS_H_
