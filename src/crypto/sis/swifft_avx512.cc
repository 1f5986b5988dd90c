// AVX-512 (F + BW) SWIFFT kernel. A 512-bit register holds the 8 int16
// lanes u of four blocks, one block per 128-bit lane; the 8-point transform
// runs across registers, and the key products of two groups of four blocks
// are summed in int32 by multiply-add of interleaved word pairs.
//
// Chaining (the SIS digest) keeps the state as table offsets instead of
// bytes and starts each call's data-only group while the previous call is
// still being reduced (see ChainAvx512).
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

#include "crypto/sis/swifft_internal.h"

#pragma GCC push_options
#pragma GCC target("avx2,avx512f,avx512bw,avx512vnni")

namespace fog::sis::internal {
namespace {

// Word w of the register fed to the multiply-add: 128-bit lane L = w / 8
// takes the blocks in lanes 2 (L / 2) and 2 (L / 2) + 1 (s = w % 2) at
// u = 4 (L % 2) + (w % 8) / 2, so each dword pairs two blocks at one e.
struct PairIndex {
  alignas(64) int16_t k[32];
};

constexpr PairIndex MakePairIndex() {
  PairIndex out{};
  for (int w = 0; w < 32; ++w) {
    const int lane = w / 8, s = w % 2, u = 4 * (lane % 2) + (w % 8) / 2;
    out.k[w] = static_cast<int16_t>(8 * (2 * (lane / 2) + s) + u);
  }
  return out;
}

// The scaled key in the order of the multiply-add: [group g][v][word w].
constexpr PairedKey MakeKey() {
  PairedKey out{};
  const PairIndex index = MakePairIndex();
  for (int g = 0; g < 4; ++g) {
    for (int v = 0; v < 8; ++v) {
      for (int w = 0; w < 32; ++w) {
        const int block = 4 * g + index.k[w] / 8, u = index.k[w] % 8;
        out.k[256 * g + 32 * v + w] = kSwifftScaledKey[64 * block + 8 * v + u];
      }
    }
  }
  return out;
}

constexpr PairIndex kPairIndex = MakePairIndex();
constexpr PairedKey kKey = MakeKey();

// The input of one call as bytes: the state (blocks 0..8), then the data
// (blocks 9..15).
struct ByteInput {
  const uint8_t* state;
  const uint8_t* data;
  // The T row of byte j of block i.
  const int16_t* Row(int i, int j) const {
    return ByteRow(j, i < 9 ? state[8 * i + j] : data[8 * (i - 9) + j]);
  }
};

// The input of one chained call: the state as table offsets, so that a row
// address needs no byte load and no scaling on the path between calls.
struct ChainInput {
  const uint32_t* offsets;  // [72]: byte offset of the T row of state byte e
  const uint8_t* data;
  const int16_t* Row(int i, int j) const {
    if (i >= 9) return ByteRow(j, data[8 * (i - 9) + j]);
    return reinterpret_cast<const int16_t*>(
        reinterpret_cast<const char*>(kSwifftByteTable) + offsets[8 * i + j]);
  }
};

inline __m128i Load128(const int16_t* row) {
  return _mm_load_si128(reinterpret_cast<const __m128i*>(row));
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
template <typename Input>
inline void Transform4(const Input& in, int first, __m512i* y) {
  __m512i t[8];
  for (int j = 0; j < 8; ++j) {
    __m512i r = _mm512_castsi128_si512(Load128(in.Row(first, j)));
    r = _mm512_mask_broadcast_i32x4(r, 0x00f0, Load128(in.Row(first + 1, j)));
    r = _mm512_mask_broadcast_i32x4(r, 0x0f00, Load128(in.Row(first + 2, j)));
    t[j] =
        _mm512_mask_broadcast_i32x4(r, 0xf000, Load128(in.Row(first + 3, j)));
  }
  Dft8(t, y);
}

// acc[v] += key products of group g (blocks 4g..4g+3); with `first`,
// acc[v] = the products. acc[v] lanes hold e = 8v + (0..3, 4..7, 0..3,
// 4..7), each for two of the blocks; |products| <= 2 * 21760 * 128.
template <typename Input>
inline void AddGroup(const Input& in, int g, bool first, __m512i* acc) {
  const __m512i pair = _mm512_load_si512(kPairIndex.k);
  __m512i y[8];
  Transform4(in, 4 * g, y);
  const __m512i* key = reinterpret_cast<const __m512i*>(kKey.k) + 8 * g;
  for (int v = 0; v < 8; ++v) {
    // Word pairs of blocks (4g, 4g+1) and (4g+2, 4g+3) at the same e,
    // multiplied by the key and added in int32.
    const __m512i p = _mm512_permutexvar_epi16(pair, y[v]);
    const __m512i k = _mm512_load_si512(key + v);
    acc[v] =
        first ? _mm512_madd_epi16(p, k) : _mm512_dpwssd_epi32(acc[v], p, k);
  }
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

// Int32 in [-258, 258] to their residues in [0, 257).
inline __m512i Canonical32(__m512i r) {
  r = _mm512_add_epi32(r, _mm512_set1_epi32(514));  // [256, 772]
  r = _mm512_min_epu32(r, _mm512_sub_epi32(r, _mm512_set1_epi32(514)));
  return _mm512_min_epu32(r, _mm512_sub_epi32(r, _mm512_set1_epi32(257)));
}

// The accumulators of all 16 blocks (|acc| < 2^26) to z[16k..16k+15] as
// int32 in [-258, 258] in d[k].
inline void Reduce(const __m512i* acc, __m512i* d) {
  for (int k = 0; k < 4; ++k) {
    const __m512i a = acc[2 * k], b = acc[2 * k + 1];
    d[k] = Fold32(
        _mm512_add_epi32(_mm512_shuffle_i32x4(a, b, _MM_SHUFFLE(1, 0, 1, 0)),
                         _mm512_shuffle_i32x4(a, b, _MM_SHUFFLE(3, 2, 3, 2))));
  }
}

// z[0..63] as two registers of 32 words in [0, 257).
inline void Compute(const uint8_t* state, const uint8_t* data, __m512i* z) {
  const ByteInput in{state, data};
  __m512i acc[8];
  // Blocks 12..15 come from the data only, so start there; block 8 holds
  // the flag bytes of the chained state, the last bytes to be ready.
  AddGroup(in, 3, true, acc);
  AddGroup(in, 0, false, acc);
  AddGroup(in, 1, false, acc);
  AddGroup(in, 2, false, acc);
  __m512i d[4];
  Reduce(acc, d);
  for (int q = 0; q < 2; ++q) {
    z[q] = Canonical(_mm512_inserti64x4(
        _mm512_castsi256_si512(_mm512_cvtepi32_epi16(d[2 * q])),
        _mm512_cvtepi32_epi16(d[2 * q + 1]), 1));
  }
}

void CompressAvx512(const uint8_t* state, const uint8_t* data, uint16_t* z) {
  __m512i w[2];
  Compute(state, data, w);
  _mm512_storeu_si512(z, w[0]);
  _mm512_storeu_si512(z + 32, w[1]);
}

// 4096 j for dword e of a register holding e = 8v + j (the byte offset of
// table T[j]).
inline __m512i TableOffsetOfJ() {
  constexpr int kJ = 4096;
  return _mm512_set_epi32(7 * kJ, 6 * kJ, 5 * kJ, 4 * kJ, 3 * kJ, 2 * kJ, kJ, 0,
                          7 * kJ, 6 * kJ, 5 * kJ, 4 * kJ, 3 * kJ, 2 * kJ, kJ,
                          0);
}

// The next chained state, EncodeSwifft72(z), as table offsets: from d[k] =
// z[16k..16k+15] in [0, 257), offsets[e] = 4096 (e mod 8) + 16 (z[e] & 255)
// for e < 64 and offsets[64 + u] = 4096 u + 16 flags[u], where bit 7 - v of
// flags[u] is set iff z[8v+u] == 256.
inline void StateOffsets(const __m512i* d, uint32_t* offsets) {
  const __m512i j_offset = TableOffsetOfJ();
  const __m512i k256 = _mm512_set1_epi32(256);
  __m512i flags = _mm512_setzero_si512();
  for (int k = 0; k < 4; ++k) {
    // (16 z & 0xff0) | 4096 j in one ternary-logic operation.
    const __m512i row = _mm512_ternarylogic_epi32(
        _mm512_slli_epi32(d[k], 4), _mm512_set1_epi32(0xff0), j_offset, 0xea);
    _mm512_store_si512(offsets + 16 * k, row);
    // Dword i of d[k] has v = 2k + i / 8; 256 >> (1 + v) is bit 7 - v.
    const __m512i shift = _mm512_inserti64x4(_mm512_set1_epi32(2 * k + 1),
                                             _mm256_set1_epi32(2 * k + 2), 1);
    flags = _mm512_or_si512(
        flags, _mm512_srlv_epi32(_mm512_and_si512(d[k], k256), shift));
  }
  const __m256i f = _mm256_or_si256(_mm512_castsi512_si256(flags),
                                    _mm512_extracti64x4_epi64(flags, 1));
  _mm256_store_si256(reinterpret_cast<__m256i*>(offsets + 64),
                     _mm256_or_si256(_mm256_slli_epi32(f, 4),
                                     _mm512_castsi512_si256(j_offset)));
}

// Merkle-Damgard steps. The state lives in `offsets` between calls, so the
// next call reads its row addresses directly. While call c is reduced, the
// data-only group (blocks 12..15) of call c+1 is already evaluated; it does
// not depend on the state.
void ChainAvx512(uint8_t* state, const uint8_t* data, size_t chunks) {
  if (chunks == 0) return;
  alignas(64) uint32_t offsets[kStateBytes];
  for (size_t e = 0; e < kStateBytes; ++e) {
    offsets[e] = 4096 * (e % 8) + 16 * state[e];
  }
  __m512i acc[8], d[4];
  AddGroup(ChainInput{offsets, data}, 3, true, acc);
  for (size_t c = 0;; ++c, data += kChunkBytes) {
    const ChainInput in{offsets, data};
    AddGroup(in, 0, false, acc);
    AddGroup(in, 1, false, acc);
    AddGroup(in, 2, false, acc);
    const bool more = c + 1 < chunks;
    __m512i next[8];
    if (more) AddGroup(ChainInput{offsets, data + kChunkBytes}, 3, true, next);
    Reduce(acc, d);
    for (auto& x : d) x = Canonical32(x);
    StateOffsets(d, offsets);
    if (!more) break;
    for (int v = 0; v < 8; ++v) acc[v] = next[v];
  }
  // Back to EncodeSwifft72 bytes.
  for (int k = 0; k < 4; ++k) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 16 * k),
                     _mm512_cvtepi32_epi8(d[k]));
  }
  for (int u = 0; u < 8; ++u) {
    state[64 + u] = static_cast<uint8_t>(offsets[64 + u] >> 4);
  }
}

}  // namespace

const SwifftKernel kAvx512Kernel = {SwifftPath::kAvx512, CompressAvx512,
                                    ChainAvx512};

}  // namespace fog::sis::internal

#pragma GCC pop_options
