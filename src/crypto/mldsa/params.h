// ML-DSA constants (FIPS 204 Section 4, Table 1 and Table 2) and the sizes
// derived from them. Each parameter set is a traits type, so every buffer in
// the implementation is a std::array sized at compile time.
//
// Thread-safety: constants only.

#ifndef FOG_CRYPTO_MLDSA_PARAMS_H_
#define FOG_CRYPTO_MLDSA_PARAMS_H_

#include <cstddef>
#include <cstdint>

namespace fog::mldsa {

inline constexpr int32_t kQ = 8380417;  // q = 2^23 - 2^13 + 1
inline constexpr int kN = 256;          // degree of R_q = Z_q[X]/(X^256 + 1)
inline constexpr int kD = 13;           // bits dropped from t (Power2Round)
inline constexpr size_t kRhoBytes = 32;
inline constexpr size_t kRhoPrimeBytes = 64;
inline constexpr size_t kKeyBytes = 32;  // K, the signing seed
inline constexpr size_t kTrBytes = 64;
inline constexpr size_t kT1PackedBytes = 320;  // 256 coefficients * 10 bits
inline constexpr size_t kT0PackedBytes = 416;  // 256 coefficients * 13 bits

// Bit length of x (FIPS 204 bitlen), for constant expressions.
constexpr int BitLen(uint32_t x) {
  int n = 0;
  for (; x != 0; x >>= 1) ++n;
  return n;
}

// One row of FIPS 204 Table 1. Gamma1Log2 is log2(gamma1); Gamma2Div is
// (q-1)/gamma2.
template <int K, int L, int Eta, int Tau, int Lambda, int Gamma1Log2,
          int Gamma2Div, int Omega>
struct ParamSet {
  static constexpr int kK = K;  // rows of A
  static constexpr int kL = L;  // columns of A
  static constexpr int kEta = Eta;
  static constexpr int kTau = Tau;  // nonzero coefficients of c
  static constexpr int kLambda = Lambda;
  static constexpr int32_t kGamma1 = int32_t{1} << Gamma1Log2;
  static constexpr int32_t kGamma2 = (kQ - 1) / Gamma2Div;
  static constexpr int32_t kBeta = Tau * Eta;
  static constexpr int kOmega = Omega;

  // Bits per packed coefficient.
  static constexpr int kEtaBits = BitLen(2 * Eta);
  static constexpr int kZBits = 1 + BitLen(kGamma1 - 1);
  static constexpr int kW1Bits = BitLen((kQ - 1) / (2 * kGamma2) - 1);
  // Number of high-bit buckets m = (q-1)/(2 gamma2) in UseHint.
  static constexpr int32_t kW1Buckets = (kQ - 1) / (2 * kGamma2);

  static constexpr size_t kCTildeBytes = Lambda / 4;
  static constexpr size_t kEtaPackedBytes = 32 * kEtaBits;
  static constexpr size_t kZPackedBytes = 32 * kZBits;
  static constexpr size_t kW1PackedBytes = 32 * kW1Bits;

  // FIPS 204 Table 2.
  static constexpr size_t kPublicKeyBytes = kRhoBytes + K * kT1PackedBytes;
  static constexpr size_t kSecretKeyBytes = kRhoBytes + kKeyBytes + kTrBytes +
                                            (K + L) * kEtaPackedBytes +
                                            K * kT0PackedBytes;
  static constexpr size_t kSignatureBytes =
      kCTildeBytes + L * kZPackedBytes + Omega + K;
};

using MlDsa44Params = ParamSet<4, 4, 2, 39, 128, 17, 88, 80>;
using MlDsa65Params = ParamSet<6, 5, 4, 49, 192, 19, 32, 55>;
using MlDsa87Params = ParamSet<8, 7, 2, 60, 256, 19, 32, 75>;

static_assert(MlDsa44Params::kPublicKeyBytes == 1312);
static_assert(MlDsa44Params::kSecretKeyBytes == 2560);
static_assert(MlDsa44Params::kSignatureBytes == 2420);
static_assert(MlDsa65Params::kPublicKeyBytes == 1952);
static_assert(MlDsa65Params::kSecretKeyBytes == 4032);
static_assert(MlDsa65Params::kSignatureBytes == 3309);
static_assert(MlDsa87Params::kPublicKeyBytes == 2592);
static_assert(MlDsa87Params::kSecretKeyBytes == 4896);
static_assert(MlDsa87Params::kSignatureBytes == 4627);
static_assert(MlDsa44Params::kBeta == 78 && MlDsa65Params::kBeta == 196 &&
              MlDsa87Params::kBeta == 120);
static_assert(MlDsa44Params::kW1Bits == 6 && MlDsa65Params::kW1Bits == 4);

}  // namespace fog::mldsa

#endif  // FOG_CRYPTO_MLDSA_PARAMS_H_
