// ConstDiv against the plain division, for every input the ML-DSA code
// gives it: all of Decompose's range for both values of gamma2, and the
// half-bytes RejBoundedPoly reduces mod 5.

#include "crypto/mldsa/const_div.h"

#include <gtest/gtest.h>

#include "crypto/mldsa/params.h"

namespace fog::mldsa {
namespace {

template <uint32_t kDivisor, uint32_t kMax>
void CheckEveryInput() {
  using Div = ConstDiv<kDivisor, kMax>;
  for (uint32_t u = 0; u <= kMax; ++u) {
    ASSERT_EQ(Div::Div(u), u / kDivisor) << u;
  }
}

// Decompose computes floor((r + gamma2 - 1) / (2 gamma2)) for r in [0, q),
// so u runs over [gamma2 - 1, q - 2 + gamma2]; [0, q - 2 + gamma2] covers it.
template <int32_t kGamma2>
void CheckDecomposeRange() {
  CheckEveryInput<2 * kGamma2, static_cast<uint32_t>(kQ - 2 + kGamma2)>();
}

TEST(RoundingDivisionTest, ExactOnDecomposeRangeForGamma2Q88) {
  CheckDecomposeRange<(kQ - 1) / 88>();
}

TEST(RoundingDivisionTest, ExactOnDecomposeRangeForGamma2Q32) {
  CheckDecomposeRange<(kQ - 1) / 32>();
}

TEST(RoundingDivisionTest, ExactOnHalfBytesModFive) {
  CheckEveryInput<5, 14>();
}

TEST(RoundingDivisionTest, UsesOneThirtyTwoBitProduct) {
  // 2 gamma2 = 2^11 * 93 and 2^9 * 1023: the power of two is shifted out
  // first, and the product with the multiplier stays below 2^32.
  using D88 = ConstDiv<2 * ((kQ - 1) / 88), kQ - 2 + (kQ - 1) / 88>;
  using D32 = ConstDiv<2 * ((kQ - 1) / 32), kQ - 2 + (kQ - 1) / 32>;
  EXPECT_EQ(D88::kPreShift, 11);
  EXPECT_EQ(D88::kOdd, 93u);
  EXPECT_EQ(D32::kPreShift, 9);
  EXPECT_EQ(D32::kOdd, 1023u);
  EXPECT_LT(D88::kVMax * D88::kMultiplier, uint64_t{1} << 32);
  EXPECT_LT(D32::kVMax * D32::kMultiplier, uint64_t{1} << 32);
}

}  // namespace
}  // namespace fog::mldsa
