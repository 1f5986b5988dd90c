// Internals shared by the SWIFFT kernels (portable, AVX2, AVX-512) and the
// SIS digest: the kernel interface and the evaluation strategy.
//
// Evaluation strategy (all paths). Write the output index e = 8v + u with
// u, v in [0, 8), and byte j of input block i as bits k = 0..7 (bit p = 8j+k
// of the block). Because bitrev6(8j + k) = 8 bitrev3(k) + bitrev3(j) and
// w^128 = 1:
//
//   z[8v+u] = sum_i key[i][8v+u] * Y_i[v][u]
//   Y_i[v][u] = sum_j rho^(v bitrev3(j)) * T[j][byte(i,j)][u],  rho = w^16 = 4
//
// where T (kSwifftByteTable) folds the bits of a byte and the twiddle
// w^((2u+1) bitrev3(j)). Y is an 8-point transform over j whose twiddles
// are powers of 2, done with shifts (Dft8 below). Output v = 3 and v = 7 are
// computed up to the factors 64 and -64 (this keeps every intermediate in
// int16); kSwifftScaledKey holds the key times those factors.
//
// Bounds: |T| <= 128; after the transform |Y| <= 21760 (fits int16); the
// scaled key is in [-128, 128], so |sum over 16 blocks| <= 44.6e6 fits
// int32 and is reduced mod 257 once per call.
//
// Thread-safety: constant data and pure functions.

#ifndef FOG_CRYPTO_SIS_SWIFFT_INTERNAL_H_
#define FOG_CRYPTO_SIS_SWIFFT_INTERNAL_H_

#include <cstddef>
#include <cstdint>

#include "crypto/sis/swifft.h"
#include "crypto/sis/swifft_tables.h"

namespace fog::sis::internal {

inline constexpr size_t kStateBytes = 72;  // chaining value (9 blocks)
inline constexpr size_t kChunkBytes = 56;  // new data per call (7 blocks)

// A SWIFFT implementation. Input is the 72 bytes at `state` followed by the
// 56 bytes at `data` (the 128-byte input split where chaining splits it).
struct SwifftKernel {
  SwifftPath path;
  // z[0..63] in [0, 257).
  void (*compress)(const uint8_t* state, const uint8_t* data, uint16_t* z);
  // For each of `chunks` consecutive 56-byte chunks c of `data`:
  // state = EncodeSwifft72(SWIFFT(state || c)).
  void (*chain)(uint8_t* state, const uint8_t* data, size_t chunks);
};

extern const SwifftKernel kPortableKernel;
#ifndef FOG_PORTABLE
extern const SwifftKernel kAvx2Kernel;
extern const SwifftKernel kAvx512Kernel;
#endif

// The kernel for `path`, or nullptr if it is not available here.
const SwifftKernel* KernelFor(SwifftPath path);
// The fastest available kernel (selected once by CPU detection).
const SwifftKernel& BestKernel();

// Address of the 8 table entries T[j][b][0..7] (16 bytes, 16-aligned).
inline const int16_t* ByteRow(int j, uint8_t b) {
  return kSwifftByteTable + (256 * j + b) * 8;
}

// The 8 flag bytes of the 72-byte encoding from a mask with bit e set iff
// z[e] == 256: byte u has bit (7 - v) set iff bit 8v+u is set. Branch-free
// 8x8 bit-matrix transpose (three rounds of swaps), then bit reversal of
// each byte.
inline uint64_t FlagBytes(uint64_t m) {
  uint64_t t = (m ^ (m >> 7)) & 0x00AA00AA00AA00AAull;
  m ^= t ^ (t << 7);
  t = (m ^ (m >> 14)) & 0x0000CCCC0000CCCCull;
  m ^= t ^ (t << 14);
  t = (m ^ (m >> 28)) & 0x00000000F0F0F0F0ull;
  m ^= t ^ (t << 28);
  // Now byte u has bit v. Reverse the bits inside every byte.
  m = ((m >> 1) & 0x5555555555555555ull) | ((m & 0x5555555555555555ull) << 1);
  m = ((m >> 2) & 0x3333333333333333ull) | ((m & 0x3333333333333333ull) << 2);
  m = ((m >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((m & 0x0F0F0F0F0F0F0F0Full) << 4);
  return m;
}

// The scaled key rearranged for multiply-add of word pairs. A kernel with
// `lanes` 128-bit lanes evaluates blocks in groups of `lanes` (block of lane
// l in lane l) and pairs group 2p with group 2p+1, interleaving their
// words. Entry [p][v][h][l][u'][s] is the scaled key of block
// 2*lanes*p + lanes*s + l at e = 8v + 4h + u'.
struct PairedKey {
  alignas(64) int16_t k[kSwifftM * kSwifftN];
};

constexpr PairedKey MakePairedKey(int lanes) {
  PairedKey out{};
  int pos = 0;
  for (int p = 0; p < kSwifftM / (2 * lanes); ++p) {
    for (int v = 0; v < 8; ++v) {
      for (int h = 0; h < 2; ++h) {
        for (int l = 0; l < lanes; ++l) {
          for (int u = 0; u < 4; ++u) {
            for (int s = 0; s < 2; ++s) {
              const int block = 2 * lanes * p + lanes * s + l;
              out.k[pos++] = kSwifftScaledKey[64 * block + 8 * v + 4 * h + u];
            }
          }
        }
      }
    }
  }
  return out;
}

}  // namespace fog::sis::internal

#endif  // FOG_CRYPTO_SIS_SWIFFT_INTERNAL_H_
