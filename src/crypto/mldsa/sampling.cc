#include "crypto/mldsa/sampling.h"

#include <algorithm>
#include <array>

#include "crypto/keccak.h"
#include "crypto/mldsa/const_div.h"
#include "crypto/mldsa/packing.h"
#include "crypto/secret.h"

namespace fog::mldsa {

namespace {

constexpr size_t kUniformFirstBlocks = 5;  // 840 bytes: 280 candidates
constexpr size_t kBoundedFirstBlocks = 2;  // 272 bytes: about 300 (eta 2)
                                           // or 306 (eta 4) candidates

using UniformSeed = std::array<uint8_t, kRhoBytes + 2>;
using WideSeed = std::array<uint8_t, kRhoPrimeBytes + 2>;

// The loop of Alg. 30 on buf[0..len): CoeffFromThreeBytes (Algorithm 14)
// clears the top bit of b2 and accepts z < q. Fills a from index j on and
// returns the new count. seed and output are public (A is public), so the
// branches are fine. len is a multiple of 3 (168 = 3 * 56).
int ParseUniform(Poly& a, int j, const uint8_t* buf, size_t len) {
  for (size_t pos = 0; j < kN && pos + 3 <= len; pos += 3) {
    const uint32_t z = buf[pos] | (uint32_t{buf[pos + 1]} << 8) |
                       (uint32_t{buf[pos + 2] & 0x7Fu} << 16);
    if (z < static_cast<uint32_t>(kQ)) a.coeffs[j++] = static_cast<int32_t>(z);
  }
  return j;
}

// CoeffFromHalfByte (Algorithm 15) for an accepted half-byte b: eta - b
// (eta 4, b < 9) or 2 - (b mod 5) (eta 2, b < 15). b is secret, so mod 5 is
// b - 5 floor(b / 5) with the division by multiply-and-shift.
template <int kEta>
int32_t CoeffFromHalfByte(uint32_t b) {
  if constexpr (kEta == 2) {
    return 2 - static_cast<int32_t>(b - 5 * ConstDiv<5, 14>::Div(b));
  } else {
    return kEta - static_cast<int32_t>(b);
  }
}

// The loop of Alg. 31 on buf[0..len), with CoeffFromHalfByte (Algorithm 15)
// accepting b < 15 (eta 2) or b < 9 (eta 4). The branches reveal which
// half-bytes were rejected, which is independent of the accepted
// coefficients; mapping an accepted half-byte to its value is branch-free.
template <int kEta>
int ParseBounded(Poly& a, int j, const uint8_t* buf, size_t len) {
  static_assert(kEta == 2 || kEta == 4);
  constexpr uint32_t kAccept = kEta == 2 ? 15 : 9;
  for (size_t pos = 0; j < kN && pos < len; ++pos) {
    const uint32_t z0 = buf[pos] & 0x0F,
                   z1 = buf[pos] >> 4;  // z mod 16, floor(z / 16)
    if (z0 < kAccept) a.coeffs[j++] = CoeffFromHalfByte<kEta>(z0);
    if (z1 < kAccept && j < kN) a.coeffs[j++] = CoeffFromHalfByte<kEta>(z1);
  }
  return j;
}

// Runs a rejection sampler on four seeds at once: squeezes kFirst blocks
// of each, then one more block of all four while any polynomial is short.
// kSecret: the seeds are secret (ExpandS), so the squeezed bytes are wiped
// afterwards; ExpandA's are public and skip the wipe. The ShakeX4 wipes
// itself either way.
template <typename X4, size_t kFirst, size_t kSeedBytes, bool kSecret,
          typename Parse>
void RejectionX4(const std::array<Poly*, 4>& a,
                 const std::array<const uint8_t*, 4>& seeds, Parse parse) {
  std::array<std::array<uint8_t, kFirst * X4::kBlockBytes>, 4> buf;
  const std::array<uint8_t*, 4> out = {buf[0].data(), buf[1].data(),
                                       buf[2].data(), buf[3].data()};
  X4 xof;
  xof.AbsorbOnce(seeds, kSeedBytes);
  xof.SqueezeBlocks(out, kFirst);
  std::array<int, 4> j;
  for (int k = 0; k < 4; ++k)
    j[k] = parse(*a[k], 0, buf[k].data(), buf[k].size());
  while (*std::min_element(j.begin(), j.end()) < kN) {
    xof.SqueezeBlocks(out, 1);
    for (int k = 0; k < 4; ++k) {
      j[k] = parse(*a[k], j[k], buf[k].data(), X4::kBlockBytes);
    }
  }
  if constexpr (kSecret) crypto::Wipe(buf);  // no early return above
}

// Applies x4(polys, seeds) to n (poly, seed) jobs four at a time. A group of
// one uses x1 instead; groups of two or three are padded with a scratch
// polynomial that repeats the last seed (so it is as secret as the last
// polynomial, and is wiped).
template <typename Seed, typename F4, typename F1>
void Batch4(Poly* const* polys, const Seed* seeds, int n, F4 x4, F1 x1) {
  crypto::Secret<Poly> scratch;
  for (int i = 0; i < n; i += 4) {
    const int m = std::min(4, n - i);
    if (m == 1) {
      x1(*polys[i], seeds[i]);
      continue;
    }
    std::array<Poly*, 4> p;
    std::array<const uint8_t*, 4> s;
    for (int k = 0; k < 4; ++k) {
      p[k] = k < m ? polys[i + k] : &*scratch;
      s[k] = seeds[i + std::min(k, m - 1)].data();
    }
    x4(p, s);
  }
}

void RejNttPolyX4(const std::array<Poly*, 4>& a,
                  const std::array<const uint8_t*, 4>& seeds) {
  RejectionX4<crypto::Shake128X4, kUniformFirstBlocks, kRhoBytes + 2,
              /*kSecret=*/false>(a, seeds, ParseUniform);
}

template <int kEta>
void RejBoundedPolyX4(const std::array<Poly*, 4>& a,
                      const std::array<const uint8_t*, 4>& seeds) {
  RejectionX4<crypto::Shake256X4, kBoundedFirstBlocks, kRhoPrimeBytes + 2,
              /*kSecret=*/true>(a, seeds, ParseBounded<kEta>);
}

}  // namespace

void RejNttPoly(Poly& a, std::span<const uint8_t, kRhoBytes + 2> seed) {
  std::array<uint8_t, kUniformFirstBlocks * crypto::Shake128::kBlockBytes> buf;
  crypto::Shake128 g;  // Alg. 30: G absorbs the seed
  g.Absorb(seed);
  g.Finalize();
  g.SqueezeBlocks(buf.data(), kUniformFirstBlocks);
  int j = ParseUniform(a, 0, buf.data(), buf.size());
  while (j < kN) {
    g.SqueezeBlocks(buf.data(), 1);
    j = ParseUniform(a, j, buf.data(), crypto::Shake128::kBlockBytes);
  }
}

template <int kEta>
void RejBoundedPoly(Poly& a,
                    std::span<const uint8_t, kRhoPrimeBytes + 2> seed) {
  // Secret seed: the squeezed bytes and the Shake are wiped on return.
  crypto::Secret<
      std::array<uint8_t, kBoundedFirstBlocks * crypto::Shake256::kBlockBytes>>
      buf;
  crypto::Shake256 h;  // Alg. 31: H absorbs the seed
  h.Absorb(seed);
  h.Finalize();
  h.SqueezeBlocks(buf->data(), kBoundedFirstBlocks);
  int j = ParseBounded<kEta>(a, 0, buf->data(), buf->size());
  while (j < kN) {
    h.SqueezeBlocks(buf->data(), 1);
    j = ParseBounded<kEta>(a, j, buf->data(), crypto::Shake256::kBlockBytes);
  }
}

template void RejBoundedPoly<2>(Poly&, std::span<const uint8_t, 66>);
template void RejBoundedPoly<4>(Poly&, std::span<const uint8_t, 66>);

template <typename P>
void Sampling<P>::ExpandA(PolyMatrix<P::kK, P::kL>& a_hat,
                          std::span<const uint8_t, kRhoBytes> rho) {
  constexpr int kCount = P::kK * P::kL;
  std::array<Poly*, kCount> polys;
  std::array<UniformSeed, kCount> seeds;
  for (int r = 0; r < P::kK; ++r) {
    for (int s = 0; s < P::kL; ++s) {
      UniformSeed& seed = seeds[r * P::kL + s];
      std::copy(rho.begin(), rho.end(), seed.begin());
      seed[kRhoBytes] = static_cast<uint8_t>(s);  // rho || s || r (Alg. 32)
      seed[kRhoBytes + 1] = static_cast<uint8_t>(r);
      polys[r * P::kL + s] = &a_hat[r][s];
    }
  }
  Batch4(polys.data(), seeds.data(), kCount, RejNttPolyX4,
         [](Poly& a, const UniformSeed& seed) { RejNttPoly(a, seed); });
}

template <typename P>
void Sampling<P>::ExpandS(PolyVec<P::kL>& s1, PolyVec<P::kK>& s2,
                          std::span<const uint8_t, kRhoPrimeBytes> rho_prime) {
  constexpr int kCount = P::kL + P::kK;
  std::array<Poly*, kCount> polys;
  crypto::Secret<std::array<WideSeed, kCount>> seeds_secret;  // rho' copies
  std::array<WideSeed, kCount>& seeds = *seeds_secret;
  for (int r = 0; r < kCount; ++r) {
    std::copy(rho_prime.begin(), rho_prime.end(), seeds[r].begin());
    seeds[r][kRhoPrimeBytes] = static_cast<uint8_t>(r);  // IntegerToBytes(r, 2)
    seeds[r][kRhoPrimeBytes + 1] = static_cast<uint8_t>(r >> 8);
    // Alg. 33: s1 uses r in [0, l), s2 uses r in [l, l + k).
    polys[r] = r < P::kL ? &s1[r] : &s2[r - P::kL];
  }
  Batch4(
      polys.data(), seeds.data(), kCount, RejBoundedPolyX4<P::kEta>,
      [](Poly& a, const WideSeed& seed) { RejBoundedPoly<P::kEta>(a, seed); });
}

template <typename P>
void Sampling<P>::ExpandMask(PolyVec<P::kL>& y,
                             std::span<const uint8_t, kRhoPrimeBytes> rho_pp,
                             uint32_t kappa) {
  constexpr size_t kBlocks =
      (P::kZPackedBytes + crypto::Shake256::kBlockBytes - 1) /
      crypto::Shake256::kBlockBytes;
  std::array<Poly*, P::kL> polys;
  crypto::Secret<std::array<WideSeed, P::kL>> seeds_secret;  // rho'' copies
  std::array<WideSeed, P::kL>& seeds = *seeds_secret;
  for (int r = 0; r < P::kL; ++r) {
    const uint32_t counter =
        kappa + static_cast<uint32_t>(r);  // mu + r (Alg. 34)
    std::copy(rho_pp.begin(), rho_pp.end(), seeds[r].begin());
    seeds[r][kRhoPrimeBytes] = static_cast<uint8_t>(counter);
    seeds[r][kRhoPrimeBytes + 1] = static_cast<uint8_t>(counter >> 8);
    polys[r] = &y[r];
  }
  // Alg. 34: v = H(rho', 32c) and y[r] = BitUnpack(v, gamma1 - 1, gamma1).
  auto x4 = [](const std::array<Poly*, 4>& a,
               const std::array<const uint8_t*, 4>& s) {
    crypto::Secret<std::array<
        std::array<uint8_t, kBlocks * crypto::Shake256::kBlockBytes>, 4>>
        v;
    crypto::Shake256X4 h;
    h.AbsorbOnce(s, kRhoPrimeBytes + 2);
    h.SqueezeBlocks(
        {(*v)[0].data(), (*v)[1].data(), (*v)[2].data(), (*v)[3].data()},
        kBlocks);
    for (int k = 0; k < 4; ++k)
      BitUnpack<P::kZBits, P::kGamma1>((*v)[k].data(), *a[k]);
  };
  auto x1 = [](Poly& a, const WideSeed& seed) {
    crypto::Secret<std::array<uint8_t, kBlocks * crypto::Shake256::kBlockBytes>>
        v;
    crypto::Shake256 h;
    h.Absorb(seed);
    h.Finalize();
    h.SqueezeBlocks(v->data(), kBlocks);
    BitUnpack<P::kZBits, P::kGamma1>(v->data(), a);
  };
  Batch4(polys.data(), seeds.data(), P::kL, x4, x1);
}

template <typename P>
void Sampling<P>::SampleInBall(
    Poly& c, std::span<const uint8_t, P::kCTildeBytes> c_tilde) {
  // For a rejected attempt c_tilde is never published; its stream is wiped.
  crypto::Secret<std::array<uint8_t, crypto::Shake256::kBlockBytes>> buf_secret;
  std::array<uint8_t, crypto::Shake256::kBlockBytes>& buf = *buf_secret;
  crypto::Shake256 h;  // ctx = H.Absorb(H.Init(), rho)
  h.Absorb(c_tilde);
  h.Finalize();
  h.SqueezeBlocks(buf.data(), 1);
  uint64_t signs = 0;  // h = BytesToBits(first 8 bytes): sign bits
  for (int i = 7; i >= 0; --i) signs = (signs << 8) | buf[i];
  size_t pos = 8;
  c.coeffs.fill(0);
  for (int i = kN - P::kTau; i < kN; ++i) {
    int j;
    do {  // squeeze one byte j at a time until j <= i
      if (pos == buf.size()) {
        h.SqueezeBlocks(buf.data(), 1);
        pos = 0;
      }
      j = buf[pos++];
    } while (j > i);
    c.coeffs[i] = c.coeffs[j];                              // c_i = c_j
    c.coeffs[j] = 1 - 2 * static_cast<int32_t>(signs & 1);  // (-1)^h[i+tau-256]
    signs >>= 1;
  }
}

template struct Sampling<MlDsa44Params>;
template struct Sampling<MlDsa65Params>;
template struct Sampling<MlDsa87Params>;

}  // namespace fog::mldsa
