// What payload the master placed for each packet number, as a fingerprint,
// so that a second, different payload claiming a placed number is told
// apart from a repeat of the same one (a QoS 1 redelivery, a publisher
// sending again) and reported as a conflict instead of being dropped.
//
// Bounded like Placements: it remembers the most recently recorded
// `capacity` packets and forgets the oldest beyond that. A payload for a
// forgotten packet is placed as usual; the worker holding the number then
// answers `rejected` with reason `conflict` when the bytes differ.
//
// Thread-safety: none; the master guards it with its own mutex.

#ifndef FOG_MASTER_FINGERPRINTS_H_
#define FOG_MASTER_FINGERPRINTS_H_

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>

#include "common/bytes.h"
#include "master/placements.h"

namespace fog::master {

class Fingerprints {
 public:
  // SHA-256 cut to 128 bits: telling two payloads apart must hold against
  // a publisher who crafts them, so no CRC.
  using Digest = std::array<uint8_t, 16>;

  explicit Fingerprints(size_t capacity) : capacity_(capacity) {}

  static Digest Of(ByteView payload);

  // Records `digest` as the payload placed for `key`, replacing any.
  void Set(const PacketKey& key, const Digest& digest);
  // The digest recorded for `key`, if still remembered.
  std::optional<Digest> Get(const PacketKey& key) const;

  size_t size() const { return digests_.size(); }

 private:
  const size_t capacity_;
  std::map<PacketKey, Digest> digests_;
  std::deque<PacketKey> order_;  // first recorded, oldest first
};

}  // namespace fog::master

#endif  // FOG_MASTER_FINGERPRINTS_H_
