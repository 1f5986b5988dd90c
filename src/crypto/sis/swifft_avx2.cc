// AVX2 SWIFFT kernel. A 256-bit register holds the 8 int16 lanes u of two
// blocks, one block per 128-bit lane; the 8-point transform runs across
// registers, and the key products of two groups of two blocks are summed in
// int32 by multiply-add of interleaved word pairs.
//
// Only the functions below are compiled for AVX2 (target pragma); they run
// only after swifft.cc has checked the CPU.

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "crypto/sis/swifft_internal.h"

#pragma GCC push_options
#pragma GCC target("avx2")

namespace fog::sis::internal {
namespace {

constexpr PairedKey kKey = MakePairedKey(2);

inline const uint8_t* BlockPtr(const uint8_t* state, const uint8_t* data,
                               int i) {
  return i < 9 ? state + 8 * i : data + 8 * (i - 9);
}

inline __m128i Row(const uint8_t* block, int j) {
  return _mm_load_si128(reinterpret_cast<const __m128i*>(ByteRow(j, block[j])));
}

// The 8-point transform over j of swifft_internal.h. Inputs |t| <= 128;
// outputs |y| <= 21760, so int16 never overflows. Shifts multiply by the
// powers of rho = 4.
inline void Dft8(const __m256i* t, __m256i* y) {
  const __m256i a0 = _mm256_add_epi16(t[0], t[1]);
  const __m256i a1 = _mm256_sub_epi16(t[0], t[1]);
  const __m256i b0 = _mm256_add_epi16(t[2], t[3]);
  const __m256i b1 = _mm256_slli_epi16(_mm256_sub_epi16(t[2], t[3]), 4);
  const __m256i c0 = _mm256_add_epi16(t[4], t[5]);
  const __m256i c1 = _mm256_sub_epi16(t[4], t[5]);
  const __m256i d0 = _mm256_add_epi16(t[6], t[7]);
  const __m256i d1 = _mm256_slli_epi16(_mm256_sub_epi16(t[6], t[7]), 4);
  const __m256i e0 = _mm256_add_epi16(a0, b0);
  const __m256i e2 = _mm256_sub_epi16(a0, b0);
  const __m256i e1 = _mm256_add_epi16(a1, b1);
  const __m256i e3 = _mm256_slli_epi16(_mm256_sub_epi16(a1, b1), 2);
  const __m256i o0 = _mm256_add_epi16(c0, d0);
  const __m256i o2 = _mm256_slli_epi16(_mm256_sub_epi16(c0, d0), 4);
  const __m256i o1 = _mm256_slli_epi16(_mm256_add_epi16(c1, d1), 2);
  const __m256i o3 = _mm256_sub_epi16(c1, d1);
  y[0] = _mm256_add_epi16(e0, o0);
  y[4] = _mm256_sub_epi16(e0, o0);
  y[1] = _mm256_add_epi16(e1, o1);
  y[5] = _mm256_sub_epi16(e1, o1);
  y[2] = _mm256_add_epi16(e2, o2);
  y[6] = _mm256_sub_epi16(e2, o2);
  y[3] = _mm256_sub_epi16(o3, e3);  // (e3 + 64 o3) / 64
  y[7] = _mm256_add_epi16(o3, e3);  // (e3 - 64 o3) / -64
}

// Transform of blocks first and first+1 (one per 128-bit lane).
inline void Transform2(const uint8_t* state, const uint8_t* data, int first,
                       __m256i* y) {
  const uint8_t* b0 = BlockPtr(state, data, first);
  const uint8_t* b1 = BlockPtr(state, data, first + 1);
  __m256i t[8];
  for (int j = 0; j < 8; ++j) {
    t[j] = _mm256_inserti128_si256(_mm256_castsi128_si256(Row(b0, j)),
                                   Row(b1, j), 1);
  }
  Dft8(t, y);
}

// Reduces 8 int32 (|x| < 2^26) to [-258, 258], the same residues mod 257,
// using 2^16 = 1 and 2^8 = -1 mod 257.
inline __m256i Fold32(__m256i x) {
  const __m256i r = _mm256_add_epi32(
      _mm256_and_si256(x, _mm256_set1_epi32(0xffff)), _mm256_srai_epi32(x, 16));
  return _mm256_sub_epi32(_mm256_and_si256(r, _mm256_set1_epi32(0xff)),
                          _mm256_srai_epi32(r, 8));
}

// Words in [-258, 258] to their residues in [0, 257).
inline __m256i Canonical(__m256i r) {
  r = _mm256_add_epi16(r, _mm256_set1_epi16(514));  // [256, 772]
  r = _mm256_min_epu16(r, _mm256_sub_epi16(r, _mm256_set1_epi16(514)));
  return _mm256_min_epu16(r, _mm256_sub_epi16(r, _mm256_set1_epi16(257)));
}

// packs/packus work per 128-bit lane; this restores the element order.
inline __m256i FixPackOrder(__m256i x) {
  return _mm256_permute4x64_epi64(x, _MM_SHUFFLE(3, 1, 2, 0));
}

// z[0..63] as four registers of 16 words in [0, 257).
inline void Compute(const uint8_t* state, const uint8_t* data, __m256i* z) {
  __m256i acc[16];
  // Blocks 12..15 come from the data only, so start there; block 8 holds
  // the flag bytes of the chained state, the last bytes to be ready.
  constexpr int kOrder[4] = {3, 0, 1, 2};
#pragma GCC unroll 4
  for (int k = 0; k < 4; ++k) {
    const int q = kOrder[k];
    __m256i y0[8], y1[8];
    Transform2(state, data, 4 * q, y0);
    Transform2(state, data, 4 * q + 2, y1);
    const __m256i* key = reinterpret_cast<const __m256i*>(kKey.k) + 16 * q;
    for (int v = 0; v < 8; ++v) {
      // Word pairs (block 4q+l, block 4q+2+l) at the same e.
      const __m256i lo = _mm256_madd_epi16(_mm256_unpacklo_epi16(y0[v], y1[v]),
                                           _mm256_load_si256(key + 2 * v));
      const __m256i hi = _mm256_madd_epi16(_mm256_unpackhi_epi16(y0[v], y1[v]),
                                           _mm256_load_si256(key + 2 * v + 1));
      acc[2 * v] = k == 0 ? lo : _mm256_add_epi32(acc[2 * v], lo);
      acc[2 * v + 1] = k == 0 ? hi : _mm256_add_epi32(acc[2 * v + 1], hi);
    }
  }
  // acc[2v+h] lane l dword u' holds e = 8v + 4h + u' for half the blocks.
  __m256i d[8];
  for (int v = 0; v < 8; ++v) {
    const __m256i a = acc[2 * v], b = acc[2 * v + 1];
    d[v] = Fold32(_mm256_add_epi32(_mm256_permute2x128_si256(a, b, 0x20),
                                   _mm256_permute2x128_si256(a, b, 0x31)));
  }
  for (int q = 0; q < 4; ++q) {
    z[q] = Canonical(FixPackOrder(_mm256_packs_epi32(d[2 * q], d[2 * q + 1])));
  }
}

void CompressAvx2(const uint8_t* state, const uint8_t* data, uint16_t* z) {
  __m256i w[4];
  Compute(state, data, w);
  for (int q = 0; q < 4; ++q) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(z + 16 * q), w[q]);
  }
}

void ChainAvx2(uint8_t* state, const uint8_t* data, size_t chunks) {
  const __m256i k256 = _mm256_set1_epi16(256);
  const __m256i k255 = _mm256_set1_epi16(255);
  for (size_t c = 0; c < chunks; ++c, data += kChunkBytes) {
    __m256i w[4];
    Compute(state, data, w);
    uint64_t mask = 0;
    for (int h = 0; h < 2; ++h) {
      const __m256i a = w[2 * h], b = w[2 * h + 1];
      const __m256i bytes = FixPackOrder(_mm256_packus_epi16(
          _mm256_and_si256(a, k255), _mm256_and_si256(b, k255)));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(state + 32 * h), bytes);
      const __m256i is256 = FixPackOrder(_mm256_packs_epi16(
          _mm256_cmpeq_epi16(a, k256), _mm256_cmpeq_epi16(b, k256)));
      mask |= static_cast<uint64_t>(
                  static_cast<uint32_t>(_mm256_movemask_epi8(is256)))
              << (32 * h);
    }
    const uint64_t flags = FlagBytes(mask);
    for (int u = 0; u < 8; ++u) {
      state[64 + u] = static_cast<uint8_t>(flags >> (8 * u));
    }
  }
}

}  // namespace

const SwifftKernel kAvx2Kernel = {SwifftPath::kAvx2, CompressAvx2, ChainAvx2};

}  // namespace fog::sis::internal

#pragma GCC pop_options
