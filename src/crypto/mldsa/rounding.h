// High/low-bit decompositions of FIPS 204 Section 7.4 (Algorithms 35-40):
// Power2Round, Decompose, HighBits, LowBits, MakeHint and UseHint, on single
// coefficients and on whole polynomials. Everything Sign uses is branch-free
// and divides only by shifts and a multiplication (const_div.h), because Sign
// applies these to secret-dependent values. UseHint branches; only Verify
// calls it.
//
// Thread-safety: pure functions.

#ifndef FOG_CRYPTO_MLDSA_ROUNDING_H_
#define FOG_CRYPTO_MLDSA_ROUNDING_H_

#include <cstdint>

#include "crypto/mldsa/const_div.h"
#include "crypto/mldsa/params.h"
#include "crypto/mldsa/poly.h"

namespace fog::mldsa {

/*
 * Power2Round (Algorithm 35): r = r1 * 2^d + r0.
 *   Input:  0 <= r < q.
 *   Output: r1 in [0, 2^10), r0 in (-2^12, 2^12].
 */
inline void Power2Round(int32_t r, int32_t& r1, int32_t& r0) {
  r1 = (r + (1 << (kD - 1)) - 1) >> kD;  // round(r / 2^d), ties down
  r0 = r - (r1 << kD);
}

/*
 * Decompose (Algorithm 36): r = r1 * 2 gamma2 + r0 (mod q).
 *   Input:  0 <= r < q.
 *   Output: r1 in [0, (q-1)/(2 gamma2)), r0 in [-gamma2, gamma2]; r0 =
 *   -gamma2 only in the corner case r - r0 = q - 1, where r1 = 0.
 */
template <int32_t kGamma2>
inline void Decompose(int32_t r, int32_t& r1, int32_t& r0) {
  constexpr uint32_t kAlpha = 2 * kGamma2;
  constexpr int32_t kM = (kQ - 1) / kAlpha;
  // r1 = round(r / alpha) with ties down, so r0 = r mod+- alpha:
  // floor((r + gamma2 - 1) / alpha), with r + gamma2 - 1 <= q - 2 + gamma2.
  // Secret in Sign, so by multiply-and-shift (exact on that whole range,
  // const_div.h), never by a division the compiler might emit as `div`.
  using Div = ConstDiv<kAlpha, static_cast<uint32_t>(kQ - 2 + kGamma2)>;
  r1 = static_cast<int32_t>(Div::Div(static_cast<uint32_t>(r + kGamma2 - 1)));
  // Corner case: if r - r0 = q - 1 (r1 == m) then r1 = 0 and r0 = r - q.
  const int32_t wrap = (kM - 1 - r1) >> 31;  // all ones iff r1 == m
  r1 &= ~wrap;
  r0 = r - r1 * static_cast<int32_t>(kAlpha) - (wrap & kQ);
}

// HighBits (Algorithm 37). Input: 0 <= r < q.
template <int32_t kGamma2>
inline int32_t HighBits(int32_t r) {
  int32_t r1, r0;
  Decompose<kGamma2>(r, r1, r0);
  return r1;
}

/*
 * UseHint (Algorithm 40).
 *   Input:  h in {0, 1}, 0 <= r < q.
 *   Output: HighBits(r) adjusted by the hint, in [0, (q-1)/(2 gamma2)).
 * Only Verify calls this (on public data).
 */
template <int32_t kGamma2>
inline int32_t UseHint(int32_t h, int32_t r) {
  constexpr int32_t kM = (kQ - 1) / (2 * kGamma2);
  int32_t r1, r0;
  Decompose<kGamma2>(r, r1, r0);
  if (h == 0) return r1;
  if (r0 > 0) return r1 + 1 == kM ? 0 : r1 + 1;  // (r1 + 1) mod m
  return r1 == 0 ? kM - 1 : r1 - 1;              // (r1 - 1) mod m
}

// Poly versions. Inputs are standard representatives in [0, q).
template <int32_t kGamma2>
void PolyDecompose(Poly& r1, Poly& r0, const Poly& r) {
  for (int i = 0; i < kN; ++i) {
    Decompose<kGamma2>(r.coeffs[i], r1.coeffs[i], r0.coeffs[i]);
  }
}

inline void PolyPower2Round(Poly& r1, Poly& r0, const Poly& r) {
  for (int i = 0; i < kN; ++i) {
    Power2Round(r.coeffs[i], r1.coeffs[i], r0.coeffs[i]);
  }
}

/*
 * PolyMakeHint (Algorithm 39 applied coefficient-wise, in the form used by
 * Alg. 7 step 26): h_i = [r1_i != HighBits(v_i)], where r1 = HighBits(r) was
 * computed by the caller and v = r + z.
 *   Input:  0 <= v_i < q, r1_i in [0, m).
 *   Output: h_i in {0, 1}; returns the number of ones, without branches.
 */
template <int32_t kGamma2>
int PolyMakeHint(Poly& h, const Poly& r1, const Poly& v) {
  uint32_t ones = 0;
  for (int i = 0; i < kN; ++i) {
    const uint32_t diff =
        static_cast<uint32_t>(r1.coeffs[i] ^ HighBits<kGamma2>(v.coeffs[i]));
    const uint32_t bit = (diff | (0u - diff)) >> 31;  // diff != 0
    h.coeffs[i] = static_cast<int32_t>(bit);
    ones += bit;
  }
  return static_cast<int>(ones);
}

template <int32_t kGamma2>
void PolyUseHint(Poly& w1, const Poly& h, const Poly& r) {
  for (int i = 0; i < kN; ++i) {
    w1.coeffs[i] = UseHint<kGamma2>(h.coeffs[i], r.coeffs[i]);
  }
}

}  // namespace fog::mldsa

#endif  // FOG_CRYPTO_MLDSA_ROUNDING_H_
