// Exhaustive check of the branch-free rounding functions against the
// FIPS 204 Algorithms 35-40 written literally, for every r in [0, q).

#include "crypto/mldsa/rounding.h"

#include <gtest/gtest.h>

namespace fog::mldsa {
namespace {

// r mod+- alpha: the representative in (-alpha/2, alpha/2].
int32_t ModPm(int32_t r, int32_t alpha) {
  int32_t m = r % alpha;
  if (m < 0) m += alpha;
  return m > alpha / 2 ? m - alpha : m;
}

// Algorithm 36, literally.
template <int32_t kGamma2>
void DecomposeSpec(int32_t r, int32_t& r1, int32_t& r0) {
  const int32_t r_plus = r % kQ;
  r0 = ModPm(r_plus, 2 * kGamma2);
  if (r_plus - r0 == kQ - 1) {
    r1 = 0;
    r0 = r0 - 1;
  } else {
    r1 = (r_plus - r0) / (2 * kGamma2);
  }
}

template <int32_t kGamma2>
void CheckAll() {
  constexpr int32_t kM = (kQ - 1) / (2 * kGamma2);
  for (int32_t r = 0; r < kQ; ++r) {
    int32_t r1, r0, e1, e0;
    Decompose<kGamma2>(r, r1, r0);
    DecomposeSpec<kGamma2>(r, e1, e0);
    ASSERT_EQ(r1, e1) << r;
    ASSERT_EQ(r0, e0) << r;
    // Algorithm 40, literally.
    const int32_t up = (e1 + 1) % kM, down = ((e1 - 1) % kM + kM) % kM;
    ASSERT_EQ(UseHint<kGamma2>(1, r), e0 > 0 ? up : down) << r;
    ASSERT_EQ(UseHint<kGamma2>(0, r), e1) << r;
  }
}

TEST(RoundingTest, DecomposeAndUseHintMatchSpecGamma88) {
  CheckAll<(kQ - 1) / 88>();
}

TEST(RoundingTest, DecomposeAndUseHintMatchSpecGamma32) {
  CheckAll<(kQ - 1) / 32>();
}

TEST(RoundingTest, Power2RoundMatchesSpec) {
  for (int32_t r = 0; r < kQ; ++r) {
    int32_t r1, r0;
    Power2Round(r, r1, r0);
    const int32_t e0 = ModPm(r, 1 << kD);  // Algorithm 35
    ASSERT_EQ(r0, e0) << r;
    ASSERT_EQ(r1, (r - e0) >> kD) << r;
  }
}

TEST(RoundingTest, MakeHintMatchesSpec) {
  // Algorithm 39: h = [HighBits(r) != HighBits(r + z)].
  constexpr int32_t kGamma2 = (kQ - 1) / 32;
  Poly r1, v, h;
  for (int i = 0; i < kN; ++i) {
    const int32_t r = (i * 32749 + 11) % kQ, z = (i * 7919) % 300000 - 150000;
    r1.coeffs[i] = HighBits<kGamma2>(r);
    v.coeffs[i] = ((r + z) % kQ + kQ) % kQ;
  }
  int expected_ones = 0;
  for (int i = 0; i < kN; ++i) {
    expected_ones += r1.coeffs[i] != HighBits<kGamma2>(v.coeffs[i]);
  }
  EXPECT_EQ(PolyMakeHint<kGamma2>(h, r1, v), expected_ones);
  EXPECT_GT(expected_ones, 0);
  for (int i = 0; i < kN; ++i) {
    EXPECT_EQ(h.coeffs[i], r1.coeffs[i] != HighBits<kGamma2>(v.coeffs[i]));
  }
}

}  // namespace
}  // namespace fog::mldsa
