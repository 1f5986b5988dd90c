// Differential tests of the NTT-domain arithmetic against naive math:
// schoolbook multiplication in Z_q[X]/(X^256 + 1), and the matrix-vector
// product with lazy reduction against one reduction per product.

#include "crypto/mldsa/ntt.h"

#include <gtest/gtest.h>

#include <random>

#include "crypto/mldsa/poly.h"
#include "crypto/mldsa/polyvec.h"
#include "crypto/mldsa/reduce.h"

namespace fog::mldsa {
namespace {

int64_t Mod(int64_t a) { return ((a % kQ) + kQ) % kQ; }

// c = a * b mod (X^256 + 1, q), the schoolbook way.
Poly Schoolbook(const Poly& a, const Poly& b) {
  std::array<int64_t, kN> acc{};
  for (int i = 0; i < kN; ++i) {
    for (int j = 0; j < kN; ++j) {
      const int64_t prod = Mod(int64_t{a.coeffs[i]} * b.coeffs[j]);
      if (i + j < kN) {
        acc[i + j] += prod;
      } else {
        acc[i + j - kN] -= prod;  // X^256 = -1
      }
    }
  }
  Poly c;
  for (int i = 0; i < kN; ++i) c.coeffs[i] = static_cast<int32_t>(Mod(acc[i]));
  return c;
}

// a * b through NTT, pointwise Montgomery product and inverse NTT.
Poly ViaNtt(const Poly& a_in, const Poly& b_in) {
  Poly a = a_in, b = b_in;
  PolyNtt(a);
  PolyNtt(b);
  Poly c;
  PolyPointwiseMontgomery(c, a, b);
  PolyInvNttToMont(c);
  for (int32_t& x : c.coeffs) x = static_cast<int32_t>(Mod(x));
  return c;
}

Poly RandomPoly(std::mt19937& rng, int32_t lo, int32_t hi) {
  std::uniform_int_distribution<int32_t> dist(lo, hi);
  Poly p;
  for (int32_t& x : p.coeffs) x = dist(rng);
  return p;
}

TEST(NttTest, MultiplicationMatchesSchoolbook) {
  std::mt19937 rng(1);
  for (int trial = 0; trial < 50; ++trial) {
    // Full range |a_i| < q, and the small ranges the scheme uses.
    const Poly a = RandomPoly(rng, -(kQ - 1), kQ - 1);
    const Poly b =
        trial % 2 ? RandomPoly(rng, -4, 4) : RandomPoly(rng, -(kQ - 1), kQ - 1);
    EXPECT_EQ(ViaNtt(a, b).coeffs, Schoolbook(a, b).coeffs) << trial;
  }
}

TEST(NttTest, ExtremeInputsStayInBounds) {
  for (int32_t v : {kQ - 1, -(kQ - 1)}) {
    Poly a;
    a.coeffs.fill(v);
    Poly ntt = a;
    PolyNtt(ntt);
    for (int32_t x : ntt.coeffs) EXPECT_LT(std::abs(x), 9 * kQ);
    EXPECT_EQ(ViaNtt(a, a).coeffs, Schoolbook(a, a).coeffs);
  }
}

TEST(NttTest, InverseReturnsInputTimesMontgomeryFactor) {
  std::mt19937 rng(2);
  const Poly a = RandomPoly(rng, -(kQ - 1), kQ - 1);
  Poly b = a;
  PolyNtt(b);
  PolyReduce(b);
  PolyInvNttToMont(b);
  const int64_t r = Mod(int64_t{1} << 32);
  for (int i = 0; i < kN; ++i) {
    EXPECT_LT(std::abs(b.coeffs[i]), kQ);
    EXPECT_EQ(Mod(b.coeffs[i]), Mod(Mod(a.coeffs[i]) * r)) << i;
  }
}

TEST(NttTest, LazyMatrixProductMatchesPerProductReduction) {
  std::mt19937 rng(3);
  PolyMatrix<8, 7> a;
  PolyVec<7> v;
  for (auto& row : a) {
    for (Poly& p : row) p = RandomPoly(rng, 0, kQ - 1);
  }
  for (Poly& p : v) p = RandomPoly(rng, -(9 * kQ - 1), 9 * kQ - 1);
  PolyVec<8> lazy;
  MatrixMulNtt(lazy, a, v);
  for (int r = 0; r < 8; ++r) {
    for (int i = 0; i < kN; ++i) {
      int64_t sum = 0;
      for (int s = 0; s < 7; ++s) {
        sum += MontgomeryReduce(int64_t{a[r][s].coeffs[i]} * v[s].coeffs[i]);
      }
      EXPECT_LT(std::abs(lazy[r].coeffs[i]), kQ);
      ASSERT_EQ(Mod(lazy[r].coeffs[i]), Mod(sum)) << r << " " << i;
    }
  }
}

TEST(ReduceTest, BoundsHold) {
  std::mt19937 rng(4);
  for (int i = 0; i < 100000; ++i) {
    const int32_t a = static_cast<int32_t>(rng());
    if (a > 2143289343) continue;  // 2^31 - 2^22 - 1
    const int32_t r = Reduce32(a);
    EXPECT_LE(std::abs(r), 6283008);
    EXPECT_EQ(Mod(r), Mod(a));
    const int64_t p = int64_t{static_cast<int32_t>(rng())} * (kQ - 1);
    const int32_t m = MontgomeryReduce(p);
    EXPECT_LT(std::abs(m), kQ);
    EXPECT_EQ(Mod(int64_t{m} * Mod(int64_t{1} << 32)), Mod(p));
  }
}

}  // namespace
}  // namespace fog::mldsa
