// The SIS digest: a hash of messages of any length built on the SWIFFT
// compression function, whose collision resistance reduces to that of SWIFFT
// and so to ring-SIS. Construction, encoding and security argument:
// docs/sis-digest.md.
//
// It is an unkeyed hash, not a signature: anyone can compute it. Packet
// authenticity comes from the ML-DSA signature over it (crypto/mldsa/).
//
// Thread-safety: SisDigest() is reentrant; a SisHasher object is not.

#ifndef FOG_CRYPTO_SIS_SIS_DIGEST_H_
#define FOG_CRYPTO_SIS_SIS_DIGEST_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/sis/swifft.h"

namespace fog::sis {

namespace internal {
struct SwifftKernel;
}  // namespace internal

inline constexpr size_t kSisDigestBytes = 72;
using Digest = std::array<uint8_t, kSisDigestBytes>;

// The digest of `message` (any length, including 0).
Digest SisDigest(std::span<const uint8_t> message);

// SisDigest() computed with the SWIFFT kernel `path`, for tests and
// benchmarks. Every path gives the same digest.
// REQUIRES: SwifftPathAvailable(path).
Digest SisDigestWith(SwifftPath path, std::span<const uint8_t> message);

// Incremental form: Update() any number of times, then Final() once.
// The result equals SisDigest() of the concatenated input.
class SisHasher {
 public:
  SisHasher();
  // REQUIRES: SwifftPathAvailable(path).
  explicit SisHasher(SwifftPath path);
  SisHasher(const SisHasher&) = delete;
  SisHasher& operator=(const SisHasher&) = delete;

  void Update(std::span<const uint8_t> data);
  // REQUIRES: Final() has not been called on this object.
  Digest Final();

 private:
  // Merkle-Damgard over 56-byte chunks (docs/sis-digest.md).
  const internal::SwifftKernel* kernel_;
  uint8_t state_[kSisDigestBytes];  // chaining value
  uint8_t buffer_[56];              // pending bytes of the current chunk
  size_t buffered_ = 0;             // bytes in buffer_, always < 56
  uint64_t length_ = 0;             // message bytes so far (mod 2^64)
};

}  // namespace fog::sis

#endif  // FOG_CRYPTO_SIS_SIS_DIGEST_H_
