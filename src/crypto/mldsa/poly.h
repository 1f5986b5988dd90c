// Polynomials of R_q = Z_q[X]/(X^256 + 1) with int32 coefficients, and the
// coefficient-wise arithmetic FIPS 204 uses on them (Section 2.3). Functions
// do not reduce unless they say so; each states the bounds it needs.
//
// Thread-safety: pure functions on caller-owned values.

#ifndef FOG_CRYPTO_MLDSA_POLY_H_
#define FOG_CRYPTO_MLDSA_POLY_H_

#include <array>
#include <cstdint>

#include "crypto/mldsa/params.h"

namespace fog::mldsa {

// Coefficient i is the coefficient of X^i (or, in the NTT domain, the value
// at the BitRev8(i)-th root). Deliberately not zero-initialised: every
// producer below writes all 256 coefficients.
struct Poly {
  alignas(32) std::array<int32_t, kN> coeffs;
};

// r = a + b, r = a - b. No reduction: the caller keeps |a|+|b| < 2^31.
void PolyAdd(Poly& r, const Poly& a, const Poly& b);
void PolySub(Poly& r, const Poly& a, const Poly& b);

// a_i <- a_i * 2^d. Input: 0 <= a_i < 2^10 (t1). Output: a_i < q.
void PolyShiftL(Poly& a);

// a_i <- Reduce32(a_i): |a_i| <= 6283008 (see reduce.h for the input bound).
void PolyReduce(Poly& a);

// a_i <- CAddQ(a_i). Input: -q < a_i < q. Output: 0 <= a_i < q.
void PolyCAddQ(Poly& a);

// In-place NTT / inverse NTT times 2^32 (bounds in ntt.h).
void PolyNtt(Poly& a);
void PolyInvNttToMont(Poly& a);

/*
 * PolyPointwiseMontgomery: c_i = a_i * b_i * 2^-32 mod q.
 *   Input:  |a_i * b_i| <= 2^31 q (e.g. |a_i| < 9q, |b_i| < q).
 *   Output: |c_i| < q.
 */
void PolyPointwiseMontgomery(Poly& c, const Poly& a, const Poly& b);

/*
 * PolyExceedsNorm: whether ||a||_inf >= bound.
 *   Input:  |a_i| <= 2^30 (a centered representative); 0 < bound.
 *   Output: true iff some |a_i| >= bound. Reads every coefficient and never
 *   branches on one, so the time does not reveal which coefficient or sign
 *   failed; only the single yes/no answer (which decides a rejection in
 *   Sign) is visible.
 */
bool PolyExceedsNorm(const Poly& a, int32_t bound);

}  // namespace fog::mldsa

#endif  // FOG_CRYPTO_MLDSA_POLY_H_
