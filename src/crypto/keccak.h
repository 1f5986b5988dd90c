// Keccak-f[1600] and the SHAKE128 / SHAKE256 extendable-output functions
// (FIPS 202), with incremental absorb and incremental squeeze: FIPS 204 uses
// H = SHAKE256 and G = SHAKE128 as streams (Section 3.7), reading a few bytes
// at a time in SampleInBall and block by block in rejection sampling.
//
// This is the project's one SHAKE: ML-DSA, the key ids (trust/keys.h) and
// everything else hash with it. OpenSSL's SHAKE appears only in the tests,
// as the independent reference this one is checked against.
//
// Secrets: signing absorbs secret seeds (K, rho', rho''), so every Shake and
// ShakeX4 wipes its whole state when it is destroyed (crypto/wipe.h).
//
// Thread-safety: a Shake object is a plain value; use one per thread.

#ifndef FOG_CRYPTO_KECCAK_H_
#define FOG_CRYPTO_KECCAK_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/wipe.h"

namespace fog::crypto {

using KeccakState = std::array<uint64_t, 25>;

// Applies the 24-round Keccak-f[1600] permutation to `state` in place.
// Lane (x, y) is state[x + 5y]; bytes map to lanes little-endian.
void KeccakF1600(KeccakState& state);

// A Keccak sponge with rate kRate bytes and the SHAKE domain suffix 0x1F.
// Usage: Absorb* -> Finalize -> Squeeze* (any sizes). Calling Absorb after
// Finalize, or Squeeze before it, is a programmer error (asserted).
template <size_t kRate>
class Shake {
 public:
  static constexpr size_t kBlockBytes = kRate;

  Shake() = default;
  // A copy forks the stream; each copy wipes itself.
  Shake(const Shake&) = default;
  Shake& operator=(const Shake&) = default;
  ~Shake() { WipeBytes(this, sizeof(*this)); }

  // Absorbs `in`; may be called any number of times before Finalize.
  void Absorb(std::span<const uint8_t> in);
  // Pads (SHAKE suffix 1111, then pad10*1) and switches to squeezing.
  void Finalize();
  // Writes the next out.size() bytes of output.
  void Squeeze(std::span<uint8_t> out);
  // Writes the next `blocks` whole rate blocks; REQUIRES: no partial block
  // has been squeezed yet (the output position is on a block boundary).
  void SqueezeBlocks(uint8_t* out, size_t blocks);

 private:
  KeccakState state_{};
  size_t pos_ = 0;  // byte offset within the current rate block
  bool squeezing_ = false;
};

using Shake128 = Shake<168>;
using Shake256 = Shake<136>;

extern template class Shake<168>;
extern template class Shake<136>;

// Four independent SHAKE instances stepped together: one 4-way Keccak-f[1600]
// per block (AVX2 when the CPU has it, else a portable SSE2 form). Used by the
// samplers, which hash several short seeds of equal length.
template <size_t kRate>
class ShakeX4 {
 public:
  static constexpr size_t kBlockBytes = kRate;

  ShakeX4() = default;
  ShakeX4(const ShakeX4&) = default;
  ShakeX4& operator=(const ShakeX4&) = default;
  ~ShakeX4() { WipeBytes(this, sizeof(*this)); }

  // Absorbs in[j][0..len) into instance j and pads; REQUIRES: len < kRate.
  void AbsorbOnce(const std::array<const uint8_t*, 4>& in, size_t len);
  // Writes the next `blocks` whole rate blocks of instance j to out[j].
  void SqueezeBlocks(const std::array<uint8_t*, 4>& out, size_t blocks);

 private:
  // Lane i of instance j is state_[4 * i + j].
  alignas(32) std::array<uint64_t, 100> state_{};
};

using Shake128X4 = ShakeX4<168>;
using Shake256X4 = ShakeX4<136>;

extern template class ShakeX4<168>;
extern template class ShakeX4<136>;

// Applies Keccak-f[1600] to four interleaved states (layout as in ShakeX4).
void KeccakF1600X4(std::array<uint64_t, 100>& states);

// One-shot helpers.
void Shake128Hash(std::span<const uint8_t> in, std::span<uint8_t> out);
void Shake256Hash(std::span<const uint8_t> in, std::span<uint8_t> out);

}  // namespace fog::crypto

#endif  // FOG_CRYPTO_KECCAK_H_
