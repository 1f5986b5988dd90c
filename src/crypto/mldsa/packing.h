// Byte encodings of FIPS 204 Section 7.1-7.2: the bit packers
// SimpleBitPack/BitPack and their inverses (Algorithms 16-19), hint packing
// (Algorithms 20-21), and the key and signature encodings pkEncode/skEncode/
// sigEncode/w1Encode with their decoders (Algorithms 22-28).
//
// Thread-safety: pure functions on caller-owned buffers.

#ifndef FOG_CRYPTO_MLDSA_PACKING_H_
#define FOG_CRYPTO_MLDSA_PACKING_H_

#include <cstdint>
#include <span>

#include "crypto/mldsa/params.h"
#include "crypto/mldsa/poly.h"
#include "crypto/mldsa/polyvec.h"

namespace fog::mldsa {

/*
 * SimpleBitPack (Algorithm 16) for b = 2^kBits - 1: writes w_i in kBits bits,
 * little-endian. Input: 0 <= w_i < 2^kBits. Output: 32 * kBits bytes.
 */
template <int kBits>
void SimpleBitPack(const Poly& w, uint8_t* out) {
  uint64_t acc = 0;
  int bits = 0;
  for (const int32_t x : w.coeffs) {
    acc |= static_cast<uint64_t>(static_cast<uint32_t>(x)) << bits;
    bits += kBits;
    for (; bits >= 8; bits -= 8, acc >>= 8) *out++ = static_cast<uint8_t>(acc);
  }
}

/*
 * BitPack (Algorithm 17): writes kB - w_i in kBits = bitlen(a + b) bits.
 * Input: -a <= w_i <= kB. Output: 32 * kBits bytes.
 */
template <int kBits, int32_t kB>
void BitPack(const Poly& w, uint8_t* out) {
  constexpr uint64_t kMask = (uint64_t{1} << kBits) - 1;
  uint64_t acc = 0;
  int bits = 0;
  for (const int32_t x : w.coeffs) {
    acc |= (static_cast<uint64_t>(kB - x) & kMask) << bits;
    bits += kBits;
    for (; bits >= 8; bits -= 8, acc >>= 8) *out++ = static_cast<uint8_t>(acc);
  }
}

/*
 * SimpleBitUnpack (Algorithm 18) / BitUnpack (Algorithm 19): inverses of the
 * above. Reads 32 * kBits bytes. Output: w_i = v_i, resp. w_i = kB - v_i,
 * for the kBits-bit values v_i in [0, 2^kBits). No range check (callers
 * check what FIPS 204 requires).
 */
template <int kBits>
void SimpleBitUnpack(const uint8_t* in, Poly& w) {
  constexpr uint64_t kMask = (uint64_t{1} << kBits) - 1;
  uint64_t acc = 0;
  int bits = 0;
  for (int32_t& x : w.coeffs) {
    for (; bits < kBits; bits += 8) acc |= static_cast<uint64_t>(*in++) << bits;
    x = static_cast<int32_t>(acc & kMask);
    acc >>= kBits;
    bits -= kBits;
  }
}

template <int kBits, int32_t kB>
void BitUnpack(const uint8_t* in, Poly& w) {
  SimpleBitUnpack<kBits>(in, w);
  for (int32_t& x : w.coeffs) x = kB - x;
}

// Encodings for one parameter set P (a ParamSet from params.h).
template <typename P>
struct Packing {
  using PublicKey = std::span<const uint8_t, P::kPublicKeyBytes>;
  using SecretKey = std::span<const uint8_t, P::kSecretKeyBytes>;
  using Signature = std::span<const uint8_t, P::kSignatureBytes>;

  // pkEncode (Algorithm 22). Input: t1 coefficients in [0, 2^10).
  static void PkEncode(std::span<uint8_t, P::kPublicKeyBytes> pk,
                       std::span<const uint8_t, kRhoBytes> rho,
                       const PolyVec<P::kK>& t1);
  // pkDecode (Algorithm 23). Output: t1 coefficients in [0, 2^10).
  static void PkDecode(PublicKey pk, std::span<uint8_t, kRhoBytes> rho,
                       PolyVec<P::kK>& t1);

  // skEncode (Algorithm 24). Input: s1, s2 in [-eta, eta]; t0 in
  // (-2^12, 2^12].
  static void SkEncode(std::span<uint8_t, P::kSecretKeyBytes> sk,
                       std::span<const uint8_t, kRhoBytes> rho,
                       std::span<const uint8_t, kKeyBytes> key,
                       std::span<const uint8_t, kTrBytes> tr,
                       const PolyVec<P::kL>& s1, const PolyVec<P::kK>& s2,
                       const PolyVec<P::kK>& t0);
  // skDecode (Algorithm 25). Output: s1, s2 in [eta - 2^etabits + 1, eta]
  // (exactly [-eta, eta] for a well-formed key); t0 in (-2^12, 2^12].
  static void SkDecode(SecretKey sk, std::span<uint8_t, kRhoBytes> rho,
                       std::span<uint8_t, kKeyBytes> key,
                       std::span<uint8_t, kTrBytes> tr, PolyVec<P::kL>& s1,
                       PolyVec<P::kK>& s2, PolyVec<P::kK>& t0);

  // sigEncode (Algorithm 26). Input: z in (-gamma1, gamma1]; h a 0/1
  // vector with at most omega ones.
  static void SigEncode(std::span<uint8_t, P::kSignatureBytes> sig,
                        std::span<const uint8_t, P::kCTildeBytes> c_tilde,
                        const PolyVec<P::kL>& z, const PolyVec<P::kK>& h);
  // sigDecode (Algorithm 27) with HintBitUnpack's checks (Algorithm 21).
  // Returns false (h = bottom) on a malformed hint. Output: z in
  // [-gamma1 + 1, gamma1]; h a 0/1 vector.
  static bool SigDecode(Signature sig,
                        std::span<uint8_t, P::kCTildeBytes> c_tilde,
                        PolyVec<P::kL>& z, PolyVec<P::kK>& h);

  // w1Encode (Algorithm 28). Input: w1 in [0, (q-1)/(2 gamma2)).
  static void W1Encode(std::span<uint8_t, P::kK * P::kW1PackedBytes> out,
                       const PolyVec<P::kK>& w1);
};

extern template struct Packing<MlDsa44Params>;
extern template struct Packing<MlDsa65Params>;
extern template struct Packing<MlDsa87Params>;

}  // namespace fog::mldsa

#endif  // FOG_CRYPTO_MLDSA_PACKING_H_
