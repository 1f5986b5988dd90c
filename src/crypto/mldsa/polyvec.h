// Vectors and matrices over R_q (FIPS 204 Section 2.3): fixed-size arrays of
// Poly, with the matrix-vector product in the NTT domain that every ML-DSA
// algorithm uses.
//
// Thread-safety: pure functions on caller-owned values.

#ifndef FOG_CRYPTO_MLDSA_POLYVEC_H_
#define FOG_CRYPTO_MLDSA_POLYVEC_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "crypto/mldsa/poly.h"
#include "crypto/mldsa/reduce.h"

namespace fog::mldsa {

template <size_t N>
using PolyVec = std::array<Poly, N>;

// A k x l matrix stored by rows: a[r][s] is the entry in row r, column s.
template <size_t K, size_t L>
using PolyMatrix = std::array<PolyVec<L>, K>;

template <size_t N>
void VecNtt(PolyVec<N>& v) {
  for (Poly& p : v) PolyNtt(p);
}

template <size_t N>
void VecInvNttToMont(PolyVec<N>& v) {
  for (Poly& p : v) PolyInvNttToMont(p);
}

template <size_t N>
void VecReduce(PolyVec<N>& v) {
  for (Poly& p : v) PolyReduce(p);
}

template <size_t N>
void VecCAddQ(PolyVec<N>& v) {
  for (Poly& p : v) PolyCAddQ(p);
}

// True iff some coefficient of v has |.| >= bound (see PolyExceedsNorm).
template <size_t N>
bool VecExceedsNorm(const PolyVec<N>& v, int32_t bound) {
  bool exceeds = false;
  for (const Poly& p : v) exceeds |= PolyExceedsNorm(p, bound);
  return exceeds;
}

/*
 * MatrixMulNtt: t = A o v in the NTT domain, times 2^-32 (Montgomery).
 *   Input:  |A_rs coefficients| < q, |v_s coefficients| < 9q.
 *   Output: |t_r coefficients| < q.
 * The l products of each coefficient are summed in 64 bits and reduced once
 * (lazy reduction): l * 9q * q < 2^31 q for l <= 7.
 */
template <size_t K, size_t L>
void MatrixMulNtt(PolyVec<K>& t, const PolyMatrix<K, L>& a,
                  const PolyVec<L>& v) {
  static_assert(L <= 27, "64-bit accumulator bound");
  for (size_t r = 0; r < K; ++r) {
    std::array<int64_t, kN> acc{};
    for (size_t s = 0; s < L; ++s) {
      for (int i = 0; i < kN; ++i) {
        acc[i] += static_cast<int64_t>(a[r][s].coeffs[i]) * v[s].coeffs[i];
      }
    }
    for (int i = 0; i < kN; ++i) t[r].coeffs[i] = MontgomeryReduce(acc[i]);
  }
}

}  // namespace fog::mldsa

#endif  // FOG_CRYPTO_MLDSA_POLYVEC_H_
