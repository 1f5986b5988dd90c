#include "crypto/keccak.h"

#include <bit>
#include <cassert>
#include <cstring>

namespace fog::crypto {
namespace {

// The step-mapping constants are computed from their FIPS 202 definitions
// (Section 3.2) at compile time rather than transcribed.

// rho: lane (x, y) is rotated by offset[x + 5y] (FIPS 202 Algorithm 2).
constexpr std::array<int, 25> RhoOffsets() {
  std::array<int, 25> offset{};
  int x = 1, y = 0;
  for (int t = 0; t < 24; ++t) {
    offset[x + 5 * y] = ((t + 1) * (t + 2) / 2) % 64;
    const int next_y = (2 * x + 3 * y) % 5;
    x = y;
    y = next_y;
  }
  return offset;
}

// pi: lane (x, y) moves to (y, 2x + 3y) (FIPS 202 Algorithm 3, inverted so
// that each source lane is read once).
constexpr std::array<int, 25> PiTargets() {
  std::array<int, 25> target{};
  for (int x = 0; x < 5; ++x) {
    for (int y = 0; y < 5; ++y)
      target[x + 5 * y] = y + 5 * ((2 * x + 3 * y) % 5);
  }
  return target;
}

// rc(t): output bit of the degree-8 LFSR (FIPS 202 Algorithm 5).
constexpr bool Rc(int t) {
  if (t % 255 == 0) return true;
  unsigned r = 1;  // bit i of r is R[i]
  for (int i = 1; i <= t % 255; ++i) {
    r <<= 1;  // R = 0 || R
    const unsigned r8 = (r >> 8) & 1;
    r ^= r8 | (r8 << 4) | (r8 << 5) | (r8 << 6);
    r &= 0xff;  // Trunc8
  }
  return (r & 1) != 0;
}

// iota round constants (FIPS 202 Algorithm 6).
constexpr std::array<uint64_t, 24> RoundConstants() {
  std::array<uint64_t, 24> rc{};
  for (int ir = 0; ir < 24; ++ir) {
    for (int j = 0; j <= 6; ++j) {
      if (Rc(j + 7 * ir)) rc[ir] |= uint64_t{1} << ((1 << j) - 1);
    }
  }
  return rc;
}

constexpr std::array<int, 25> kRho = RhoOffsets();
constexpr std::array<int, 25> kPi = PiTargets();
constexpr std::array<uint64_t, 24> kRoundConstants = RoundConstants();
static_assert(kRoundConstants[0] == 1 &&
              kRoundConstants[23] == 0x8000000080008008ULL);
static_assert(kRho[1] == 1 && kRho[24] == 14);

uint64_t Load64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

void Store64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

// Four 64-bit lanes, one per instance (a GCC vector: AVX2 registers in the
// avx2 clone, pairs of SSE2 registers otherwise).
typedef uint64_t Lanes4 __attribute__((vector_size(32)));

}  // namespace

// Same steps as KeccakF1600, on four states at once.
#if FOG_KECCAK_TARGET_CLONES
__attribute__((target_clones("avx2", "default")))
#endif
void KeccakF1600X4(std::array<uint64_t, 100>& states) {
  Lanes4 a[25];
  std::memcpy(a, states.data(), sizeof(a));
  for (int round = 0; round < 24; ++round) {
    Lanes4 c[5], d[5], b[25];
#pragma GCC unroll 5
    for (int x = 0; x < 5; ++x) {
      c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    }
#pragma GCC unroll 5
    for (int x = 0; x < 5; ++x) {
      const Lanes4 t = c[(x + 1) % 5];
      d[x] = c[(x + 4) % 5] ^ ((t << 1) | (t >> 63));  // theta
    }
#pragma GCC unroll 25
    for (int i = 0; i < 25; ++i) {
      const Lanes4 t = a[i] ^ d[i % 5];  // rho and pi
      b[kPi[i]] = kRho[i] == 0 ? t : (t << kRho[i]) | (t >> (64 - kRho[i]));
    }
#pragma GCC unroll 25
    for (int i = 0; i < 25; ++i) {
      const int x = i % 5, row = i - x;  // chi
      a[i] = b[i] ^ (~b[row + (x + 1) % 5] & b[row + (x + 2) % 5]);
    }
    a[0] ^= kRoundConstants[round];  // iota
  }
  std::memcpy(states.data(), a, sizeof(a));
}

void KeccakF1600(KeccakState& state) {
  // Work on a local copy so the compiler keeps the lanes in registers; the
  // unroll pragmas turn every index below into a constant.
  uint64_t a[25];
  for (int i = 0; i < 25; ++i) a[i] = state[i];
  for (int round = 0; round < 24; ++round) {
    uint64_t c[5], d[5], b[25];
#pragma GCC unroll 5
    for (int x = 0; x < 5; ++x) {
      c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    }
#pragma GCC unroll 5
    for (int x = 0; x < 5; ++x) {
      d[x] = c[(x + 4) % 5] ^ std::rotl(c[(x + 1) % 5], 1);  // theta
    }
#pragma GCC unroll 25
    for (int i = 0; i < 25; ++i) {
      b[kPi[i]] = std::rotl(a[i] ^ d[i % 5], kRho[i]);  // rho and pi
    }
#pragma GCC unroll 25
    for (int i = 0; i < 25; ++i) {
      const int x = i % 5, row = i - x;  // chi
      a[i] = b[i] ^ (~b[row + (x + 1) % 5] & b[row + (x + 2) % 5]);
    }
    a[0] ^= kRoundConstants[round];  // iota
  }
  for (int i = 0; i < 25; ++i) state[i] = a[i];
}

template <size_t kRate>
void Shake<kRate>::Absorb(std::span<const uint8_t> in) {
  assert(!squeezing_);  // REQUIRES: Finalize not yet called
  const uint8_t* p = in.data();
  size_t len = in.size();
  // Finish a partial block byte by byte.
  while (len > 0 && (pos_ % 8 != 0 || len < 8)) {
    state_[pos_ / 8] ^= uint64_t{*p++} << (8 * (pos_ % 8));
    --len;
    if (++pos_ == kRate) {
      KeccakF1600(state_);
      pos_ = 0;
    }
  }
  // Whole lanes.
  while (len >= 8) {
    state_[pos_ / 8] ^= Load64(p);
    p += 8;
    len -= 8;
    pos_ += 8;
    if (pos_ == kRate) {
      KeccakF1600(state_);
      pos_ = 0;
    }
  }
  for (; len > 0; --len, ++pos_) {  // trailing bytes; pos_ < kRate here
    state_[pos_ / 8] ^= uint64_t{*p++} << (8 * (pos_ % 8));
  }
}

template <size_t kRate>
void Shake<kRate>::Finalize() {
  assert(!squeezing_);
  state_[pos_ / 8] ^= uint64_t{0x1F} << (8 * (pos_ % 8));
  state_[(kRate - 1) / 8] ^= uint64_t{0x80} << (8 * ((kRate - 1) % 8));
  squeezing_ = true;
  pos_ = kRate;  // the first Squeeze permutes
}

template <size_t kRate>
void Shake<kRate>::Squeeze(std::span<uint8_t> out) {
  assert(squeezing_);  // REQUIRES: Finalize called
  uint8_t* p = out.data();
  size_t len = out.size();
  while (len > 0) {
    if (pos_ == kRate) {
      KeccakF1600(state_);
      pos_ = 0;
    }
    if (pos_ % 8 == 0 && len >= 8) {
      Store64(p, state_[pos_ / 8]);
      p += 8;
      len -= 8;
      pos_ += 8;
    } else {
      *p++ = static_cast<uint8_t>(state_[pos_ / 8] >> (8 * (pos_ % 8)));
      --len;
      ++pos_;
    }
  }
}

template <size_t kRate>
void Shake<kRate>::SqueezeBlocks(uint8_t* out, size_t blocks) {
  assert(squeezing_ && pos_ == kRate);  // REQUIRES: on a block boundary
  for (size_t b = 0; b < blocks; ++b) {
    KeccakF1600(state_);
    for (size_t i = 0; i < kRate / 8; ++i) Store64(out + 8 * i, state_[i]);
    out += kRate;
  }
}

template class Shake<168>;
template class Shake<136>;

template <size_t kRate>
void ShakeX4<kRate>::AbsorbOnce(const std::array<const uint8_t*, 4>& in,
                                size_t len) {
  assert(len < kRate);
  state_.fill(0);
  for (size_t j = 0; j < 4; ++j) {
    for (size_t pos = 0; pos < len; ++pos) {
      state_[4 * (pos / 8) + j] ^= uint64_t{in[j][pos]} << (8 * (pos % 8));
    }
    state_[4 * (len / 8) + j] ^= uint64_t{0x1F} << (8 * (len % 8));
    state_[4 * ((kRate - 1) / 8) + j] ^= uint64_t{0x80}
                                         << (8 * ((kRate - 1) % 8));
  }
}

template <size_t kRate>
void ShakeX4<kRate>::SqueezeBlocks(const std::array<uint8_t*, 4>& out,
                                   size_t blocks) {
  for (size_t b = 0; b < blocks; ++b) {
    KeccakF1600X4(state_);
    for (size_t j = 0; j < 4; ++j) {
      for (size_t i = 0; i < kRate / 8; ++i) {
        Store64(out[j] + b * kRate + 8 * i, state_[4 * i + j]);
      }
    }
  }
}

template class ShakeX4<168>;
template class ShakeX4<136>;

void Shake128Hash(std::span<const uint8_t> in, std::span<uint8_t> out) {
  Shake128 h;
  h.Absorb(in);
  h.Finalize();
  h.Squeeze(out);
}

void Shake256Hash(std::span<const uint8_t> in, std::span<uint8_t> out) {
  Shake256 h;
  h.Absorb(in);
  h.Finalize();
  h.Squeeze(out);
}

}  // namespace fog::crypto
