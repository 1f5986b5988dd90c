// Portable SWIFFT kernel: the evaluation strategy of swifft_internal.h in
// plain C++ (no intrinsics). The loops over u are 8 wide so that a compiler
// may vectorise them for whatever baseline it targets.

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "crypto/sis/swifft_internal.h"

namespace fog::sis::internal {
namespace {

// Byte j of block i of the input state || data.
inline uint8_t InputByte(const uint8_t* state, const uint8_t* data, int i,
                         int j) {
  return i < 9 ? state[8 * i + j] : data[8 * (i - 9) + j];
}

// Adds the contribution of block i to acc[e] (e = 8v + u).
// Inputs: T rows with |T| <= 128. Intermediates of the 8-point transform
// over j stay within int16 (|y| <= 21760, see swifft_internal.h); products
// with the scaled key (|k| <= 128) are summed in int32.
void AddBlock(const uint8_t* state, const uint8_t* data, int i, int32_t* acc) {
  const int16_t* t[8];
  for (int j = 0; j < 8; ++j) t[j] = ByteRow(j, InputByte(state, data, i, j));
  const int16_t* key = kSwifftScaledKey + 64 * i;
  for (int u = 0; u < 8; ++u) {
    // Layer 1: 2-point transforms of bytes (0,1), (2,3), (4,5), (6,7).
    const int32_t a0 = t[0][u] + t[1][u], a1 = t[0][u] - t[1][u];
    const int32_t b0 = t[2][u] + t[3][u], b1 = t[2][u] - t[3][u];
    const int32_t c0 = t[4][u] + t[5][u], c1 = t[4][u] - t[5][u];
    const int32_t d0 = t[6][u] + t[7][u], d1 = t[6][u] - t[7][u];
    // Layer 2: 4-point transforms with root rho^2 = 16.
    const int32_t e0 = a0 + b0, e2 = a0 - b0;
    const int32_t e1 = a1 + 16 * b1, e3 = a1 - 16 * b1;
    const int32_t o0 = c0 + d0, o2 = c0 - d0;
    const int32_t o1 = c1 + 16 * d1, o3 = c1 - 16 * d1;
    // Layer 3: twiddles rho^v = 1, 4, 16, 64; v = 3 and 7 are computed
    // divided by 64 and -64 (64^-1 = -4 mod 257).
    const int32_t y[8] = {e0 + o0, e1 + 4 * o1, e2 + 16 * o2, o3 - 4 * e3,
                          e0 - o0, e1 - 4 * o1, e2 - 16 * o2, o3 + 4 * e3};
    for (int v = 0; v < 8; ++v) acc[8 * v + u] += key[8 * v + u] * y[v];
  }
}

// acc[e] (|acc| < 2^26) reduced to [0, 257).
inline uint16_t Mod257(int32_t x) {
  int32_t r = x % 257;
  return static_cast<uint16_t>(r < 0 ? r + 257 : r);
}

void CompressPortable(const uint8_t* state, const uint8_t* data, uint16_t* z) {
  int32_t acc[kSwifftN] = {};
  for (int i = 0; i < kSwifftM; ++i) AddBlock(state, data, i, acc);
  for (int e = 0; e < kSwifftN; ++e) z[e] = Mod257(acc[e]);
}

void ChainPortable(uint8_t* state, const uint8_t* data, size_t chunks) {
  uint16_t z[kSwifftN];
  for (size_t c = 0; c < chunks; ++c, data += kChunkBytes) {
    CompressPortable(state, data, z);
    uint64_t mask = 0;
    for (int e = 0; e < kSwifftN; ++e) {
      state[e] = static_cast<uint8_t>(z[e]);
      mask |= static_cast<uint64_t>(z[e] >> 8) << e;
    }
    const uint64_t flags = FlagBytes(mask);
    for (int u = 0; u < 8; ++u) {
      state[64 + u] = static_cast<uint8_t>(flags >> (8 * u));
    }
  }
}

}  // namespace

const SwifftKernel kPortableKernel = {SwifftPath::kPortable, CompressPortable,
                                      ChainPortable};

}  // namespace fog::sis::internal
