#include "sis/mldsa/sampling.h"

#include <algorithm>
#include <array>

#include "sis/mldsa/keccak.h"
#include "sis/mldsa/packing.h"

namespace fog::mldsa {

void RejNttPoly(Poly& a, std::span<const uint8_t, kRhoBytes + 2> seed) {
  // Five SHAKE128 blocks (840 bytes, 280 candidates) almost always suffice;
  // more are squeezed one block at a time. 168 is a multiple of 3, so the
  // 3-byte groups never straddle a refill.
  constexpr size_t kFirstBlocks = 5;
  std::array<uint8_t, kFirstBlocks * Shake128::kBlockBytes> buf;
  Shake128 g;
  g.Absorb(seed);
  g.Finalize();
  g.SqueezeBlocks(buf.data(), kFirstBlocks);
  size_t len = buf.size(), pos = 0;
  int j = 0;
  while (j < kN) {  // Alg. 30 step 4; seed is public, so branching is fine
    if (pos == len) {
      g.SqueezeBlocks(buf.data(), 1);
      len = Shake128::kBlockBytes;
      pos = 0;
    }
    // CoeffFromThreeBytes (Algorithm 14): clear the top bit of b2.
    const uint32_t z = buf[pos] | (uint32_t{buf[pos + 1]} << 8) |
                       (uint32_t{buf[pos + 2] & 0x7Fu} << 16);
    pos += 3;
    if (z < static_cast<uint32_t>(kQ)) a.coeffs[j++] = static_cast<int32_t>(z);
  }
}

template <int kEta>
void RejBoundedPoly(Poly& a,
                    std::span<const uint8_t, kRhoPrimeBytes + 2> seed) {
  static_assert(kEta == 2 || kEta == 4);
  // CoeffFromHalfByte (Algorithm 15) accepts b < 15 (eta 2) or b < 9 (eta 4).
  constexpr uint32_t kAccept = kEta == 2 ? 15 : 9;
  std::array<uint8_t, 2 * Shake256::kBlockBytes> buf;
  Shake256 h;
  h.Absorb(seed);
  h.Finalize();
  h.SqueezeBlocks(buf.data(), 2);
  size_t len = buf.size(), pos = 0;
  int j = 0;
  // The branches reveal which half-bytes were rejected (values >= kAccept),
  // which is independent of the accepted coefficients; the mapping of an
  // accepted half-byte to its coefficient is branch-free.
  while (j < kN) {
    if (pos == len) {
      h.SqueezeBlocks(buf.data(), 1);
      len = Shake256::kBlockBytes;
      pos = 0;
    }
    const uint32_t z0 = buf[pos] & 0x0F, z1 = buf[pos] >> 4;  // steps 5-6
    ++pos;
    if (z0 < kAccept) {
      a.coeffs[j++] = kEta - static_cast<int32_t>(kEta == 2 ? z0 % 5 : z0);
    }
    if (z1 < kAccept && j < kN) {
      a.coeffs[j++] = kEta - static_cast<int32_t>(kEta == 2 ? z1 % 5 : z1);
    }
  }
}

template void RejBoundedPoly<2>(Poly&, std::span<const uint8_t, 66>);
template void RejBoundedPoly<4>(Poly&, std::span<const uint8_t, 66>);

template <typename P>
void Sampling<P>::ExpandA(PolyMatrix<P::kK, P::kL>& a_hat,
                          std::span<const uint8_t, kRhoBytes> rho) {
  std::array<uint8_t, kRhoBytes + 2> seed;
  std::copy(rho.begin(), rho.end(), seed.begin());
  for (int r = 0; r < P::kK; ++r) {
    for (int s = 0; s < P::kL; ++s) {
      seed[kRhoBytes] = static_cast<uint8_t>(s);  // Alg. 32 step 3
      seed[kRhoBytes + 1] = static_cast<uint8_t>(r);
      RejNttPoly(a_hat[r][s], seed);
    }
  }
}

template <typename P>
void Sampling<P>::ExpandS(PolyVec<P::kL>& s1, PolyVec<P::kK>& s2,
                          std::span<const uint8_t, kRhoPrimeBytes> rho_prime) {
  std::array<uint8_t, kRhoPrimeBytes + 2> seed;
  std::copy(rho_prime.begin(), rho_prime.end(), seed.begin());
  for (int r = 0; r < P::kL + P::kK; ++r) {
    seed[kRhoPrimeBytes] = static_cast<uint8_t>(r);  // IntegerToBytes(r, 2)
    seed[kRhoPrimeBytes + 1] = static_cast<uint8_t>(r >> 8);
    // Alg. 33 steps 2 and 5: s1 uses r in [0, l), s2 uses r in [l, l + k).
    Poly& out = r < P::kL ? s1[r] : s2[r - P::kL];
    RejBoundedPoly<P::kEta>(out, seed);
  }
}

template <typename P>
void Sampling<P>::ExpandMask(PolyVec<P::kL>& y,
                             std::span<const uint8_t, kRhoPrimeBytes> rho_pp,
                             uint32_t kappa) {
  constexpr size_t kBlocks =
      (P::kZPackedBytes + Shake256::kBlockBytes - 1) / Shake256::kBlockBytes;
  std::array<uint8_t, kRhoPrimeBytes + 2> seed;
  std::array<uint8_t, kBlocks * Shake256::kBlockBytes> v;
  std::copy(rho_pp.begin(), rho_pp.end(), seed.begin());
  for (int r = 0; r < P::kL; ++r) {
    const uint32_t counter = kappa + static_cast<uint32_t>(r);  // step 3
    seed[kRhoPrimeBytes] = static_cast<uint8_t>(counter);
    seed[kRhoPrimeBytes + 1] = static_cast<uint8_t>(counter >> 8);
    Shake256 h;  // step 4: v = H(rho', 32c)
    h.Absorb(seed);
    h.Finalize();
    h.SqueezeBlocks(v.data(), kBlocks);
    BitUnpack<P::kZBits, P::kGamma1>(v.data(), y[r]);  // step 5
  }
}

template <typename P>
void Sampling<P>::SampleInBall(
    Poly& c, std::span<const uint8_t, P::kCTildeBytes> c_tilde) {
  std::array<uint8_t, Shake256::kBlockBytes> buf;
  Shake256 h;  // steps 2-3
  h.Absorb(c_tilde);
  h.Finalize();
  h.SqueezeBlocks(buf.data(), 1);
  uint64_t signs = 0;  // steps 4-5: the first 8 bytes are sign bits
  for (int i = 7; i >= 0; --i) signs = (signs << 8) | buf[i];
  size_t pos = 8;
  c.coeffs.fill(0);                          // step 1
  for (int i = kN - P::kTau; i < kN; ++i) {  // step 6
    int j;
    do {  // steps 7-9: squeeze bytes until j <= i
      if (pos == buf.size()) {
        h.SqueezeBlocks(buf.data(), 1);
        pos = 0;
      }
      j = buf[pos++];
    } while (j > i);
    c.coeffs[i] = c.coeffs[j];                              // step 10
    c.coeffs[j] = 1 - 2 * static_cast<int32_t>(signs & 1);  // step 11
    signs >>= 1;
  }
}

template struct Sampling<MlDsa44Params>;
template struct Sampling<MlDsa65Params>;
template struct Sampling<MlDsa87Params>;

}  // namespace fog::mldsa
