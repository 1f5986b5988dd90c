#include "crypto/mldsa/packing.h"

#include <algorithm>

namespace fog::mldsa {
namespace {

constexpr int kT1Bits = 10;  // bitlen(q - 1) - d
constexpr int32_t kT0Bias = 1 << (kD - 1);

/*
 * HintBitPack (Algorithm 20): for each row i, the positions of its ones in
 * increasing order, then in byte omega + i the running count.
 * Input: h with at most kOmega ones in total. Output: kOmega + kK bytes.
 * h is part of the signature (public once output), so branching on it here
 * reveals nothing the signature does not.
 */
template <int kK, int kOmega>
void HintBitPack(const PolyVec<kK>& h, uint8_t* y) {
  std::fill(y, y + kOmega + kK, uint8_t{0});
  int index = 0;
  for (int i = 0; i < kK; ++i) {
    for (int j = 0; j < kN; ++j) {
      if (h[i].coeffs[j] != 0) y[index++] = static_cast<uint8_t>(j);
    }
    y[kOmega + i] = static_cast<uint8_t>(index);
  }
}

/*
 * HintBitUnpack (Algorithm 21) with all of its malformed-encoding checks:
 * counts must be non-decreasing and at most omega, positions within a row
 * strictly increasing, and unused position bytes zero. Input: kOmega + kK
 * public bytes. Output: false on any violation (bottom), else h as a 0/1
 * vector.
 */
template <int kK, int kOmega>
bool HintBitUnpack(const uint8_t* y, PolyVec<kK>& h) {
  for (Poly& p : h) p.coeffs.fill(0);
  int index = 0;
  for (int i = 0; i < kK; ++i) {
    const int end = y[kOmega + i];
    if (end < index || end > kOmega) return false;  // bad count
    const int first = index;
    for (; index < end; ++index) {
      if (index > first && y[index - 1] >= y[index]) return false;  // unordered
      h[i].coeffs[y[index]] = 1;
    }
  }
  for (int i = index; i < kOmega; ++i) {  // padding must be zero
    if (y[i] != 0) return false;
  }
  return true;
}

}  // namespace

template <typename P>
void Packing<P>::PkEncode(std::span<uint8_t, P::kPublicKeyBytes> pk,
                          std::span<const uint8_t, kRhoBytes> rho,
                          const PolyVec<P::kK>& t1) {
  std::copy(rho.begin(), rho.end(), pk.begin());
  for (int i = 0; i < P::kK; ++i) {
    SimpleBitPack<kT1Bits>(t1[i], pk.data() + kRhoBytes + i * kT1PackedBytes);
  }
}

template <typename P>
void Packing<P>::PkDecode(PublicKey pk, std::span<uint8_t, kRhoBytes> rho,
                          PolyVec<P::kK>& t1) {
  std::copy_n(pk.begin(), kRhoBytes, rho.begin());
  for (int i = 0; i < P::kK; ++i) {
    SimpleBitUnpack<kT1Bits>(pk.data() + kRhoBytes + i * kT1PackedBytes, t1[i]);
  }
}

template <typename P>
void Packing<P>::SkEncode(std::span<uint8_t, P::kSecretKeyBytes> sk,
                          std::span<const uint8_t, kRhoBytes> rho,
                          std::span<const uint8_t, kKeyBytes> key,
                          std::span<const uint8_t, kTrBytes> tr,
                          const PolyVec<P::kL>& s1, const PolyVec<P::kK>& s2,
                          const PolyVec<P::kK>& t0) {
  uint8_t* out = sk.data();
  out = std::copy(rho.begin(), rho.end(), out);
  out = std::copy(key.begin(), key.end(), out);
  out = std::copy(tr.begin(), tr.end(), out);
  for (const Poly& p : s1) {
    BitPack<P::kEtaBits, P::kEta>(p, out);
    out += P::kEtaPackedBytes;
  }
  for (const Poly& p : s2) {
    BitPack<P::kEtaBits, P::kEta>(p, out);
    out += P::kEtaPackedBytes;
  }
  for (const Poly& p : t0) {
    BitPack<kD, kT0Bias>(p, out);
    out += kT0PackedBytes;
  }
}

template <typename P>
void Packing<P>::SkDecode(SecretKey sk, std::span<uint8_t, kRhoBytes> rho,
                          std::span<uint8_t, kKeyBytes> key,
                          std::span<uint8_t, kTrBytes> tr, PolyVec<P::kL>& s1,
                          PolyVec<P::kK>& s2, PolyVec<P::kK>& t0) {
  const uint8_t* in = sk.data();
  std::copy_n(in, kRhoBytes, rho.begin());
  in += kRhoBytes;
  std::copy_n(in, kKeyBytes, key.begin());
  in += kKeyBytes;
  std::copy_n(in, kTrBytes, tr.begin());
  in += kTrBytes;
  for (Poly& p : s1) {
    BitUnpack<P::kEtaBits, P::kEta>(in, p);
    in += P::kEtaPackedBytes;
  }
  for (Poly& p : s2) {
    BitUnpack<P::kEtaBits, P::kEta>(in, p);
    in += P::kEtaPackedBytes;
  }
  for (Poly& p : t0) {
    BitUnpack<kD, kT0Bias>(in, p);
    in += kT0PackedBytes;
  }
}

template <typename P>
void Packing<P>::SigEncode(std::span<uint8_t, P::kSignatureBytes> sig,
                           std::span<const uint8_t, P::kCTildeBytes> c_tilde,
                           const PolyVec<P::kL>& z, const PolyVec<P::kK>& h) {
  uint8_t* out = std::copy(c_tilde.begin(), c_tilde.end(), sig.data());
  for (const Poly& p : z) {
    BitPack<P::kZBits, P::kGamma1>(p, out);
    out += P::kZPackedBytes;
  }
  HintBitPack<P::kK, P::kOmega>(h, out);
}

template <typename P>
bool Packing<P>::SigDecode(Signature sig,
                           std::span<uint8_t, P::kCTildeBytes> c_tilde,
                           PolyVec<P::kL>& z, PolyVec<P::kK>& h) {
  const uint8_t* in = sig.data();
  std::copy_n(in, P::kCTildeBytes, c_tilde.begin());
  in += P::kCTildeBytes;
  for (Poly& p : z) {
    BitUnpack<P::kZBits, P::kGamma1>(in, p);
    in += P::kZPackedBytes;
  }
  return HintBitUnpack<P::kK, P::kOmega>(in, h);
}

template <typename P>
void Packing<P>::W1Encode(std::span<uint8_t, P::kK * P::kW1PackedBytes> out,
                          const PolyVec<P::kK>& w1) {
  for (int i = 0; i < P::kK; ++i) {
    SimpleBitPack<P::kW1Bits>(w1[i], out.data() + i * P::kW1PackedBytes);
  }
}

template struct Packing<MlDsa44Params>;
template struct Packing<MlDsa65Params>;
template struct Packing<MlDsa87Params>;

}  // namespace fog::mldsa
