// Pseudorandom sampling of FIPS 204 Section 7.3 (Algorithms 29-34):
// SampleInBall, RejNTTPoly, RejBoundedPoly, ExpandA, ExpandS, ExpandMask.
// G = SHAKE128 and H = SHAKE256 are used as streams, squeezed block-wise.
//
// Thread-safety: pure functions on caller-owned buffers.

#ifndef FOG_CRYPTO_MLDSA_SAMPLING_H_
#define FOG_CRYPTO_MLDSA_SAMPLING_H_

#include <cstdint>
#include <span>

#include "crypto/mldsa/params.h"
#include "crypto/mldsa/poly.h"
#include "crypto/mldsa/polyvec.h"

namespace fog::mldsa {

/*
 * RejNTTPoly (Algorithm 30): a uniform element of T_q from G(seed).
 *   Input:  seed = rho || s || r (34 public bytes).
 *   Output: 0 <= a_i < q (already in the NTT domain).
 */
void RejNttPoly(Poly& a, std::span<const uint8_t, kRhoBytes + 2> seed);

/*
 * RejBoundedPoly (Algorithm 31): coefficients in [-kEta, kEta] from
 * H(seed), kEta in {2, 4}.
 *   Input:  seed = rho' || IntegerToBytes(r, 2) (66 secret bytes).
 *   Output: -kEta <= a_i <= kEta.
 */
template <int kEta>
void RejBoundedPoly(Poly& a, std::span<const uint8_t, kRhoPrimeBytes + 2> seed);

// Samplers that depend on the parameter set P.
template <typename P>
struct Sampling {
  // ExpandA (Algorithm 32): a_hat[r][s] = RejNTTPoly(rho || s || r).
  // Output coefficients in [0, q).
  static void ExpandA(PolyMatrix<P::kK, P::kL>& a_hat,
                      std::span<const uint8_t, kRhoBytes> rho);

  // ExpandS (Algorithm 33): s1 (l entries) and s2 (k entries) with
  // coefficients in [-eta, eta].
  static void ExpandS(PolyVec<P::kL>& s1, PolyVec<P::kK>& s2,
                      std::span<const uint8_t, kRhoPrimeBytes> rho_prime);

  // ExpandMask (Algorithm 34): y with coefficients in (-gamma1, gamma1].
  // REQUIRES: kappa + l - 1 < 2^16.
  static void ExpandMask(PolyVec<P::kL>& y,
                         std::span<const uint8_t, kRhoPrimeBytes> rho_pp,
                         uint32_t kappa);

  /*
   * SampleInBall (Algorithm 29): c with exactly tau coefficients in {-1, 1}
   * and the rest 0, from H(c_tilde).
   * Timing and memory accesses depend on c_tilde (the rejection loop for j
   * and the writes to c[j]). This is accepted: Verify runs it on a public
   * c_tilde, and in Sign the accepted c_tilde is output in the signature.
   * For rejected iterations it is H(mu || w1) of a discarded mask y; what the
   * timing reveals is a function of that hash output only (see
   * docs/mldsa.md, "Constant-time notes").
   */
  static void SampleInBall(Poly& c,
                           std::span<const uint8_t, P::kCTildeBytes> c_tilde);
};

extern template struct Sampling<MlDsa44Params>;
extern template struct Sampling<MlDsa65Params>;
extern template struct Sampling<MlDsa87Params>;

}  // namespace fog::mldsa

#endif  // FOG_CRYPTO_MLDSA_SAMPLING_H_
