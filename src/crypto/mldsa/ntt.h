// The number-theoretic transform of R_q = Z_q[X]/(X^256 + 1) (FIPS 204
// Section 7.5, Algorithms 41 and 42), in Montgomery arithmetic. Products of
// polynomials are computed as NTT^-1(NTT(a) o NTT(b)).
//
// Thread-safety: pure functions on caller-owned arrays.

#ifndef FOG_CRYPTO_MLDSA_NTT_H_
#define FOG_CRYPTO_MLDSA_NTT_H_

#include <array>
#include <cstdint>

#include "crypto/mldsa/params.h"

namespace fog::mldsa {

/*
 * Ntt (FIPS 204 Algorithm 41), in place, output in bit-reversed order.
 *   Input:  |a_i| < q.
 *   Output: |a_i| < 9q (each of the 8 layers adds less than q; no reduction).
 */
void Ntt(std::array<int32_t, kN>& a);

/*
 * InvNttToMont (FIPS 204 Algorithm 42), in place, times the Montgomery
 * factor 2^32: returns 2^32 * NTT^-1(a) so that it cancels the 2^-32 of a
 * preceding Montgomery pointwise product.
 *   Input:  |a_i| < q (sums grow to at most 256q < 2^31 before the final
 *           scaling).
 *   Output: |a_i| < q.
 */
void InvNttToMont(std::array<int32_t, kN>& a);

}  // namespace fog::mldsa

#endif  // FOG_CRYPTO_MLDSA_NTT_H_
