// The internal ML-DSA algorithms of FIPS 204 Section 6 for one parameter
// set: ML-DSA.KeyGen_internal (Algorithm 6), ML-DSA.Sign_internal
// (Algorithm 7) from mu on, and ML-DSA.Verify_internal (Algorithm 8) from mu
// on. Computing mu = H(tr || M', 64) and the external interface
// (Algorithms 1-3) live in mldsa.cc.
//
// Thread-safety: pure functions on caller-owned buffers; no allocation.

#ifndef FOG_CRYPTO_MLDSA_SIGN_H_
#define FOG_CRYPTO_MLDSA_SIGN_H_

#include <cstdint>
#include <span>

#include "crypto/mldsa/mldsa.h"
#include "crypto/mldsa/params.h"
#include "crypto/mldsa/polyvec.h"

namespace fog::mldsa {

template <typename P>
struct Dsa {
  using PublicKeyOut = std::span<uint8_t, P::kPublicKeyBytes>;
  using SecretKeyOut = std::span<uint8_t, P::kSecretKeyBytes>;
  using SignatureOut = std::span<uint8_t, P::kSignatureBytes>;
  using PublicKey = std::span<const uint8_t, P::kPublicKeyBytes>;
  using SecretKey = std::span<const uint8_t, P::kSecretKeyBytes>;
  using Signature = std::span<const uint8_t, P::kSignatureBytes>;
  using Mu = std::span<const uint8_t, kMuBytes>;

  // ML-DSA.KeyGen_internal (Algorithm 6) from the 32-byte seed xi.
  static void KeyGen(std::span<const uint8_t, kSeedBytes> xi, PublicKeyOut pk,
                     SecretKeyOut sk);

  // ML-DSA.Sign_internal (Algorithm 7) with mu (step 6) supplied.
  // rnd: 32 bytes, zero for the deterministic variant. Writes sig and
  // returns true; returns false only if the counter kappa would leave 16
  // bits (about 2^14 rejections in a row, which does not happen in practice).
  static bool SignMu(SecretKey sk, Mu mu,
                     std::span<const uint8_t, kSeedBytes> rnd,
                     SignatureOut sig);

  // The parts of Verify_internal that depend on the public key alone: A_hat
  // (step 5) and NTT(t1 * 2^d) (step 9), for a key that verifies many
  // signatures.
  struct ExpandedPublicKey {
    PolyMatrix<P::kK, P::kL> a_hat;
    PolyVec<P::kK> t1_hat;
  };
  static void ExpandPublicKey(PublicKey pk, ExpandedPublicKey& out);

  // ML-DSA.Verify_internal (Algorithm 8) with mu (steps 6-7) supplied.
  static bool VerifyMu(PublicKey pk, Mu mu, Signature sig);
  static bool VerifyMu(const ExpandedPublicKey& key, Mu mu, Signature sig);
};

extern template struct Dsa<MlDsa44Params>;
extern template struct Dsa<MlDsa65Params>;
extern template struct Dsa<MlDsa87Params>;

}  // namespace fog::mldsa

#endif  // FOG_CRYPTO_MLDSA_SIGN_H_
