// AVX-512 (F + BW) SWIFFT kernel. A 512-bit register holds the 8 int16
// lanes u of four blocks, one block per 128-bit lane; the 8-point transform
// runs across registers, and the key products of two groups of four blocks
// are summed in int32 by multiply-add of interleaved word pairs.
//
// Only the functions below are compiled for AVX-512 (target pragma); they
// run only after swifft.cc has checked the CPU.

// GCC 12's AVX-512 headers self-initialise undefined vectors and trigger
// false -Wuninitialized reports once inlined (GCC bug 105593).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

#include <cstddef>
#include <cstdint>

#include "sis/swifft_internal.h"

#pragma GCC push_options
#pragma GCC target("avx2,avx512f,avx512bw")

namespace fog::sis::internal {
namespace {

constexpr PairedKey kKey = MakePairedKey(4);

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
inline void Dft8(const __m512i* t, __m512i* y) {
  const __m512i a0 = _mm512_add_epi16(t[0], t[1]);
  const __m512i a1 = _mm512_sub_epi16(t[0], t[1]);
  const __m512i b0 = _mm512_add_epi16(t[2], t[3]);
  const __m512i b1 = _mm512_slli_epi16(_mm512_sub_epi16(t[2], t[3]), 4);
  const __m512i c0 = _mm512_add_epi16(t[4], t[5]);
  const __m512i c1 = _mm512_sub_epi16(t[4], t[5]);
  const __m512i d0 = _mm512_add_epi16(t[6], t[7]);
  const __m512i d1 = _mm512_slli_epi16(_mm512_sub_epi16(t[6], t[7]), 4);
  const __m512i e0 = _mm512_add_epi16(a0, b0);
  const __m512i e2 = _mm512_sub_epi16(a0, b0);
  const __m512i e1 = _mm512_add_epi16(a1, b1);
  const __m512i e3 = _mm512_slli_epi16(_mm512_sub_epi16(a1, b1), 2);
  const __m512i o0 = _mm512_add_epi16(c0, d0);
  const __m512i o2 = _mm512_slli_epi16(_mm512_sub_epi16(c0, d0), 4);
  const __m512i o1 = _mm512_slli_epi16(_mm512_add_epi16(c1, d1), 2);
  const __m512i o3 = _mm512_sub_epi16(c1, d1);
  y[0] = _mm512_add_epi16(e0, o0);
  y[4] = _mm512_sub_epi16(e0, o0);
  y[1] = _mm512_add_epi16(e1, o1);
  y[5] = _mm512_sub_epi16(e1, o1);
  y[2] = _mm512_add_epi16(e2, o2);
  y[6] = _mm512_sub_epi16(e2, o2);
  y[3] = _mm512_sub_epi16(o3, e3);  // (e3 + 64 o3) / 64
  y[7] = _mm512_add_epi16(o3, e3);  // (e3 - 64 o3) / -64
}

// Transform of blocks first..first+3 (block first+l in 128-bit lane l).
inline void Transform4(const uint8_t* state, const uint8_t* data, int first,
                       __m512i* y) {
  const uint8_t* b0 = BlockPtr(state, data, first);
  const uint8_t* b1 = BlockPtr(state, data, first + 1);
  const uint8_t* b2 = BlockPtr(state, data, first + 2);
  const uint8_t* b3 = BlockPtr(state, data, first + 3);
  __m512i t[8];
  for (int j = 0; j < 8; ++j) {
    __m512i r = _mm512_castsi128_si512(Row(b0, j));
    r = _mm512_inserti32x4(r, Row(b1, j), 1);
    r = _mm512_inserti32x4(r, Row(b2, j), 2);
    t[j] = _mm512_inserti32x4(r, Row(b3, j), 3);
  }
  Dft8(t, y);
}

// Reduces 16 int32 (|x| < 2^26) to [-258, 258], the same residues mod 257,
// using 2^16 = 1 and 2^8 = -1 mod 257.
inline __m512i Fold32(__m512i x) {
  const __m512i r = _mm512_add_epi32(
      _mm512_and_si512(x, _mm512_set1_epi32(0xffff)), _mm512_srai_epi32(x, 16));
  return _mm512_sub_epi32(_mm512_and_si512(r, _mm512_set1_epi32(0xff)),
                          _mm512_srai_epi32(r, 8));
}

// Words in [-258, 258] to their residues in [0, 257).
inline __m512i Canonical(__m512i r) {
  r = _mm512_add_epi16(r, _mm512_set1_epi16(514));  // [256, 772]
  r = _mm512_min_epu16(r, _mm512_sub_epi16(r, _mm512_set1_epi16(514)));
  return _mm512_min_epu16(r, _mm512_sub_epi16(r, _mm512_set1_epi16(257)));
}

// Sums lanes: s has dwords (v: lanes l of u 0..3 | ...); see below.
inline __m512i SumLanes(__m512i a, __m512i b) {
  return _mm512_add_epi32(_mm512_shuffle_i32x4(a, b, _MM_SHUFFLE(2, 0, 2, 0)),
                          _mm512_shuffle_i32x4(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
}

// z[0..63] as two registers of 32 words in [0, 257).
inline void Compute(const uint8_t* state, const uint8_t* data, __m512i* z) {
  __m512i acc[16];
  for (int p = 0; p < 2; ++p) {
    __m512i y0[8], y1[8];
    Transform4(state, data, 8 * p, y0);
    Transform4(state, data, 8 * p + 4, y1);
    const __m512i* key = reinterpret_cast<const __m512i*>(kKey.k) + 16 * p;
    for (int v = 0; v < 8; ++v) {
      // Word pairs (block 8p+l, block 8p+4+l) at the same e.
      const __m512i lo = _mm512_madd_epi16(_mm512_unpacklo_epi16(y0[v], y1[v]),
                                           _mm512_load_si512(key + 2 * v));
      const __m512i hi = _mm512_madd_epi16(_mm512_unpackhi_epi16(y0[v], y1[v]),
                                           _mm512_load_si512(key + 2 * v + 1));
      acc[2 * v] = p == 0 ? lo : _mm512_add_epi32(acc[2 * v], lo);
      acc[2 * v + 1] = p == 0 ? hi : _mm512_add_epi32(acc[2 * v + 1], hi);
    }
  }
  // acc[2v+h] lane l dword u' holds e = 8v + 4h + u' for 1/4 of the blocks.
  __m512i s[8];
  for (int v = 0; v < 8; ++v) s[v] = SumLanes(acc[2 * v], acc[2 * v + 1]);
  for (int q = 0; q < 2; ++q) {
    // e = 32q .. 32q+15 and 32q+16 .. 32q+31.
    const __m512i d0 = Fold32(SumLanes(s[4 * q], s[4 * q + 1]));
    const __m512i d1 = Fold32(SumLanes(s[4 * q + 2], s[4 * q + 3]));
    const __m512i w =
        _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtepi32_epi16(d0)),
                           _mm512_cvtepi32_epi16(d1), 1);
    z[q] = Canonical(w);
  }
}

void CompressAvx512(const uint8_t* state, const uint8_t* data, uint16_t* z) {
  __m512i w[2];
  Compute(state, data, w);
  _mm512_storeu_si512(z, w[0]);
  _mm512_storeu_si512(z + 32, w[1]);
}

void ChainAvx512(uint8_t* state, const uint8_t* data, size_t chunks) {
  const __m512i k256 = _mm512_set1_epi16(256);
  for (size_t c = 0; c < chunks; ++c, data += kChunkBytes) {
    __m512i w[2];
    Compute(state, data, w);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(state),
                        _mm512_cvtepi16_epi8(w[0]));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(state + 32),
                        _mm512_cvtepi16_epi8(w[1]));
    const uint64_t mask =
        static_cast<uint64_t>(_mm512_cmpeq_epi16_mask(w[0], k256)) |
        static_cast<uint64_t>(_mm512_cmpeq_epi16_mask(w[1], k256)) << 32;
    const uint64_t flags = FlagBytes(mask);
    for (int u = 0; u < 8; ++u) {
      state[64 + u] = static_cast<uint8_t>(flags >> (8 * u));
    }
  }
}

}  // namespace

const SwifftKernel kAvx512Kernel = {SwifftPath::kAvx512, CompressAvx512,
                                    ChainAvx512};

}  // namespace fog::sis::internal

#pragma GCC pop_options
