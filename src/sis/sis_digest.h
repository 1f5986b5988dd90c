// The SIS digest: a hash of messages of any length built on the SWIFFT
// compression function, whose collision resistance reduces to that of SWIFFT
// and so to ring-SIS. Construction, encoding and security argument:
// docs/sis-digest.md.
//
// It is an unkeyed hash, not a signature: anyone can compute it. Packet
// authenticity comes from the ML-DSA signature over it (sis/mldsa/).
//
// Thread-safety: SisDigest() is reentrant; a SisHasher object is not.

#ifndef FOG_SIS_SIS_DIGEST_H_
#define FOG_SIS_SIS_DIGEST_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace fog::sis {

inline constexpr size_t kSisDigestBytes = 72;
using Digest = std::array<uint8_t, kSisDigestBytes>;

// The digest of `message` (any length, including 0).
Digest SisDigest(std::span<const uint8_t> message);

// Incremental form: Update() any number of times, then Final() once.
// The result equals SisDigest() of the concatenated input.
class SisHasher {
 public:
  SisHasher();
  SisHasher(const SisHasher&) = delete;
  SisHasher& operator=(const SisHasher&) = delete;

  void Update(std::span<const uint8_t> data);
  // REQUIRES: Final() has not been called on this object.
  Digest Final();

 private:
  // (state: chosen by the implementation)
};

}  // namespace fog::sis

#endif  // FOG_SIS_SIS_DIGEST_H_
