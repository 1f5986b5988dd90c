// Modular reduction mod q = 8380417 on int32 coefficients: Montgomery
// reduction (R = 2^32) for products, Barrett-style Reduce32 for sums, and the
// conditional additions that bring a value into [0, q). All branch-free.
//
// Thread-safety: pure functions.

#ifndef FOG_CRYPTO_MLDSA_REDUCE_H_
#define FOG_CRYPTO_MLDSA_REDUCE_H_

#include <cstdint>

#include "crypto/mldsa/params.h"

namespace fog::mldsa {

// q^-1 mod 2^32 (printed by gen_zetas.py).
inline constexpr uint32_t kQInv = 58728449;
static_assert(static_cast<uint32_t>(kQInv * static_cast<uint32_t>(kQ)) == 1);

/*
 * MontgomeryReduce
 *   Input:  |a| <= 2^31 * q, e.g. a product of a value below 9q and one
 *           below q, or a sum of up to 28 such products.
 *   Output: r == a * 2^-32 (mod q) with -q < r < q.
 */
inline int32_t MontgomeryReduce(int64_t a) {
  // t = a * q^-1 mod 2^32, read as a signed 32-bit value.
  const int32_t t = static_cast<int32_t>(static_cast<uint32_t>(a) * kQInv);
  // a - t*q is divisible by 2^32; the shift is exact.
  return static_cast<int32_t>((a - static_cast<int64_t>(t) * kQ) >> 32);
}

/*
 * Reduce32
 *   Input:  a with a <= 2^31 - 2^22 - 1 (any negative int32 is fine).
 *   Output: r == a (mod q) with -6283008 <= r <= 6283008.
 *   If a is congruent to some v with |v| < q - 6283008 (about 2^21), then
 *   r == v exactly; the sign code relies on this to recover small norms.
 */
inline int32_t Reduce32(int32_t a) {
  const int32_t t = (a + (1 << 22)) >> 23;  // round(a / 2^23)
  return a - t * kQ;
}

/*
 * CAddQ
 *   Input:  a with -q < a < 2^31 - q.
 *   Output: a + q if a < 0, else a. For -q < a < q the result is in [0, q).
 */
inline int32_t CAddQ(int32_t a) { return a + ((a >> 31) & kQ); }

/*
 * Freeze
 *   Input:  a <= 2^31 - 2^22 - 1.
 *   Output: the standard representative of a mod q, in [0, q).
 */
inline int32_t Freeze(int32_t a) { return CAddQ(Reduce32(a)); }

}  // namespace fog::mldsa

#endif  // FOG_CRYPTO_MLDSA_REDUCE_H_
