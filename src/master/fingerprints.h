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
// Thread-safety: Of() may be called from any thread; the rest has none,
// and the master guards it with its own mutex.

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
  // Poly1305 (RFC 8439) under a key drawn when the master starts. Telling
  // two payloads apart must hold against a publisher who crafts them, so no
  // CRC; but a fingerprint never leaves the process, so a universal hash
  // under a secret key is enough: a publisher who does not know the key
  // finds two payloads of at most L bytes with equal fingerprints with
  // probability at most 8*ceil(L/16)/2^106 per pair (2^-87 at 1 MiB). It
  // costs a sixth of SHA-256 per byte here (docs/durability.md#conflicts).
  using Digest = std::array<uint8_t, 16>;
  using Key = std::array<uint8_t, 32>;

  Fingerprints(size_t capacity, const Key& key)
      : capacity_(capacity), key_(key) {}

  // A key from the operating system's CSPRNG. Aborts when there is none: a
  // master that cannot draw one could not make a key or sign either.
  static Key RandomKey();

  Digest Of(ByteView payload) const;

  // Records `digest` as the payload placed for `key`, replacing any.
  void Set(const PacketKey& key, const Digest& digest);
  // The digest recorded for `key`, if still remembered.
  std::optional<Digest> Get(const PacketKey& key) const;

  size_t size() const { return digests_.size(); }

 private:
  const size_t capacity_;
  const Key key_;
  std::map<PacketKey, Digest> digests_;
  std::deque<PacketKey> order_;  // first recorded, oldest first
};

}  // namespace fog::master

#endif  // FOG_MASTER_FINGERPRINTS_H_
