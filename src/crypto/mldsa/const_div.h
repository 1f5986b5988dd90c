// Division by a constant with shifts and one 32-bit multiplication, for
// values that are secret: Decompose (rounding.h) divides secret-dependent
// coefficients by 2 gamma2, and RejBoundedPoly (sampling.cc) reduces secret
// half-bytes mod 5. Spelling these as `/` leaves constant time to the
// optimiser (GCC happens to emit a multiplication today, but nothing
// promises it, and a `div` instruction's latency depends on its operands);
// this form fixes the instruction sequence in the source.
//
// Thread-safety: compile-time constants and pure functions.

#ifndef FOG_CRYPTO_MLDSA_CONST_DIV_H_
#define FOG_CRYPTO_MLDSA_CONST_DIV_H_

#include <bit>
#include <cstdint>

namespace fog::mldsa {

/*
 * ConstDiv<kDivisor, kMax>::Div(u) = floor(u / kDivisor) for 0 <= u <= kMax.
 *
 * Why it is exact. Write kDivisor = 2^p * d with d odd. Then
 *   floor(u / (2^p d)) = floor(floor(u / 2^p) / d),
 * so with v = u >> p (v <= vmax = kMax >> p) it remains to divide v by d.
 * Take M = ceil(2^s / d) and e = M d - 2^s, so 0 <= e < d. Writing
 * v = k d + t with 0 <= t <= d - 1:
 *   v M / 2^s = v / d + v e / (d 2^s) = k + (t + v e / 2^s) / d.
 * If vmax * e < 2^s, then t + v e / 2^s < (d - 1) + 1 = d, and the floor of
 * the right-hand side is exactly k = floor(v / d). The shift s is the
 * smallest one for which that bound holds and for which vmax * M still
 * fits in 32 bits; both conditions are static_asserts below, and the unit
 * test (const_div_test.cc) checks every u in [0, kMax] besides.
 */
template <uint32_t kDivisor, uint32_t kMax>
struct ConstDiv {
  static_assert(kDivisor > 0);
  static constexpr int kPreShift = std::countr_zero(kDivisor);
  static constexpr uint32_t kOdd = kDivisor >> kPreShift;
  static constexpr uint64_t kVMax = kMax >> kPreShift;

  static constexpr uint64_t Multiplier(int s) {
    return ((uint64_t{1} << s) + kOdd - 1) / kOdd;  // ceil(2^s / d)
  }
  static constexpr bool Exact(int s) {
    const uint64_t e = Multiplier(s) * kOdd - (uint64_t{1} << s);
    return kVMax * e < (uint64_t{1} << s) &&
           kVMax * Multiplier(s) < (uint64_t{1} << 32);
  }
  static constexpr int FindShift() {
    for (int s = 0; s < 32; ++s) {
      if (Exact(s)) return s;
    }
    return -1;
  }

  static constexpr int kShift = FindShift();
  static_assert(kShift >= 0, "no 32-bit multiplier divides this range");
  static constexpr uint32_t kMultiplier =
      static_cast<uint32_t>(Multiplier(kShift));

  // REQUIRES: u <= kMax. Branch-free, no division instruction.
  static constexpr uint32_t Div(uint32_t u) {
    return ((u >> kPreShift) * kMultiplier) >> kShift;
  }
};

}  // namespace fog::mldsa

#endif  // FOG_CRYPTO_MLDSA_CONST_DIV_H_
