#include "crypto/mldsa/sign.h"

#include <array>

#include "crypto/keccak.h"
#include "crypto/mldsa/packing.h"
#include "crypto/mldsa/poly.h"
#include "crypto/mldsa/polyvec.h"
#include "crypto/mldsa/rounding.h"
#include "crypto/mldsa/sampling.h"
#include "crypto/secret.h"

namespace fog::mldsa {
namespace {

// Alg. 7 steps 1-4: the decoded secret key, s1, s2 and t0 in the NTT
// domain. Secret as a whole (rho and tr are public, K, s1, s2, t0 are not),
// so SignMu keeps it in a crypto::Secret. A_hat (step 5) is a function of
// the public rho and is kept apart, so the 16-56 KB matrix is not wiped for
// nothing.
template <typename P>
struct ExpandedKey {
  std::array<uint8_t, kRhoBytes> rho;
  std::array<uint8_t, kKeyBytes> key;  // K
  std::array<uint8_t, kTrBytes> tr;
  PolyVec<P::kL> s1_hat;
  PolyVec<P::kK> s2_hat;
  PolyVec<P::kK> t0_hat;
};

template <typename P>
void ExpandKey(typename Dsa<P>::SecretKey sk, ExpandedKey<P>& ek,
               PolyMatrix<P::kK, P::kL>& a_hat) {
  // Alg. 7 step 1: (rho, K, tr, s1, s2, t0) = skDecode(sk).
  Packing<P>::SkDecode(sk, ek.rho, ek.key, ek.tr, ek.s1_hat, ek.s2_hat,
                       ek.t0_hat);
  VecNtt(ek.s1_hat);                    // step 2
  VecNtt(ek.s2_hat);                    // step 3
  VecNtt(ek.t0_hat);                    // step 4
  Sampling<P>::ExpandA(a_hat, ek.rho);  // step 5
}

// Per-iteration state of the signing loop (the body of Alg. 7). Secret:
// y, and everything computed from it before the accept decision.
template <typename P>
struct Attempt {
  PolyVec<P::kL> y, z;
  PolyVec<P::kK> w, w1, r, r1, r0, ct0, h;
  Poly c_hat, tmp;
  std::array<uint8_t, P::kCTildeBytes> c_tilde;
};

// Alg. 7 steps 11-17: y, w = NTT^-1(A_hat o NTT(y)), w1, c_tilde, c_hat.
// Output: y (kept for step 20), w in [0, q), w1 = HighBits(w), c_tilde and
// c_hat = NTT(c); z is used as scratch.
template <typename P>
void Commit(const PolyMatrix<P::kK, P::kL>& a_hat,
            std::span<const uint8_t, kMuBytes> mu,
            std::span<const uint8_t, kRhoPrimeBytes> rho_pp, uint32_t kappa,
            Attempt<P>& a) {
  Sampling<P>::ExpandMask(a.y, rho_pp, kappa);  // step 11
  a.z = a.y;                                    // z holds NTT(y) for now
  VecNtt(a.z);
  MatrixMulNtt(a.w, a_hat, a.z);  // step 12
  VecInvNttToMont(a.w);
  VecCAddQ(a.w);
  for (int i = 0; i < P::kK; ++i) {  // step 13: w1 = HighBits(w)
    PolyDecompose<P::kGamma2>(a.w1[i], a.r0[i], a.w[i]);
  }
  // w1 of an attempt that is then rejected is never published.
  crypto::Secret<std::array<uint8_t, P::kK * P::kW1PackedBytes>> w1_bytes;
  Packing<P>::W1Encode(*w1_bytes, a.w1);
  crypto::Shake256 hash;  // step 15: c_tilde = H(mu || w1Encode(w1), lambda/4)
  hash.Absorb(mu);
  hash.Absorb(*w1_bytes);
  hash.Finalize();
  hash.Squeeze(a.c_tilde);
  Sampling<P>::SampleInBall(a.c_hat, a.c_tilde);  // step 16
  PolyNtt(a.c_hat);                               // step 17
}

// Alg. 7 steps 18-23. Output: z = y + cs1 and r = w - cs2 in [0, q) with
// r1 = HighBits(r), r0 = LowBits(r); false if the norm checks reject.
template <typename P>
bool Respond(const ExpandedKey<P>& ek, Attempt<P>& a) {
  for (int i = 0; i < P::kL; ++i) {
    PolyPointwiseMontgomery(a.z[i], a.c_hat, ek.s1_hat[i]);  // step 18
    PolyInvNttToMont(a.z[i]);
    PolyAdd(a.z[i], a.z[i], a.y[i]);  // step 20
    PolyReduce(a.z[i]);  // exact: |y + cs1| <= gamma1 + beta (reduce.h)
  }
  // Step 23, first condition. Only the accept/reject bit is revealed; a
  // rejected z is discarded, so it leaks nothing about s1.
  if (VecExceedsNorm(a.z, P::kGamma1 - P::kBeta)) return false;
  for (int i = 0; i < P::kK; ++i) {
    PolyPointwiseMontgomery(a.tmp, a.c_hat, ek.s2_hat[i]);  // step 19
    PolyInvNttToMont(a.tmp);
    PolySub(a.r[i], a.w[i], a.tmp);  // w - cs2, in (-q, 2q)
    PolyReduce(a.r[i]);
    PolyCAddQ(a.r[i]);
    PolyDecompose<P::kGamma2>(a.r1[i], a.r0[i], a.r[i]);  // step 21
  }
  return !VecExceedsNorm(a.r0, P::kGamma2 - P::kBeta);  // step 23
}

// Alg. 7 steps 25-27: ct0 and the hint h. False if they reject.
template <typename P>
bool Hint(const ExpandedKey<P>& ek, Attempt<P>& a) {
  int ones = 0;
  for (int i = 0; i < P::kK; ++i) {
    PolyPointwiseMontgomery(a.ct0[i], a.c_hat, ek.t0_hat[i]);  // step 25
    PolyInvNttToMont(a.ct0[i]);
    PolyReduce(a.ct0[i]);  // exact: |c t0| <= tau 2^12 (reduce.h)
    // Step 26: MakeHint(-ct0, r + ct0) = [HighBits(r) != HighBits(r + ct0)].
    PolyAdd(a.tmp, a.r[i], a.ct0[i]);
    PolyReduce(a.tmp);
    PolyCAddQ(a.tmp);
    ones += PolyMakeHint<P::kGamma2>(a.h[i], a.r1[i], a.tmp);
  }
  // Step 27. As in step 23, only the accept/reject bit is revealed.
  return !VecExceedsNorm(a.ct0, P::kGamma2) && ones <= P::kOmega;
}

}  // namespace

template <typename P>
void Dsa<P>::KeyGen(std::span<const uint8_t, kSeedBytes> xi, PublicKeyOut pk,
                    SecretKeyOut sk) {
  // Alg. 6 step 1: (rho, rho', K) = H(xi || IntegerToBytes(k, 1) ||
  // IntegerToBytes(l, 1), 128).
  // Everything derived from xi is secret except rho, A_hat, t1 and tr; the
  // secrets live in crypto::Secret (and the Shake) and are wiped on return.
  crypto::Secret<std::array<uint8_t, kRhoBytes + kRhoPrimeBytes + kKeyBytes>>
      seeds;
  const std::array<uint8_t, 2> k_l = {P::kK, P::kL};
  crypto::Shake256 hash;
  hash.Absorb(xi);
  hash.Absorb(k_l);
  hash.Finalize();
  hash.Squeeze(*seeds);
  const auto rho = std::span(*seeds).template first<kRhoBytes>();
  const auto rho_prime =
      std::span(*seeds).template subspan<kRhoBytes, kRhoPrimeBytes>();
  const auto key = std::span(*seeds).template last<kKeyBytes>();

  PolyMatrix<P::kK, P::kL> a_hat;  // public: a function of rho alone
  struct Secrets {
    PolyVec<P::kL> s1, s1_hat;
    PolyVec<P::kK> s2, t, t1, t0;
  };
  crypto::Secret<Secrets> v;
  Sampling<P>::ExpandA(a_hat, rho);               // step 3
  Sampling<P>::ExpandS(v->s1, v->s2, rho_prime);  // step 4
  v->s1_hat = v->s1;  // step 5: t = NTT^-1(A_hat o NTT(s1)) + s2
  VecNtt(v->s1_hat);
  MatrixMulNtt(v->t, a_hat, v->s1_hat);
  VecInvNttToMont(v->t);
  for (int i = 0; i < P::kK; ++i) {
    PolyAdd(v->t[i], v->t[i], v->s2[i]);
    PolyReduce(v->t[i]);
    PolyCAddQ(v->t[i]);
    PolyPower2Round(v->t1[i], v->t0[i], v->t[i]);  // step 6
  }
  Packing<P>::PkEncode(pk, rho, v->t1);  // step 8
  std::array<uint8_t, kTrBytes> tr;      // step 9: tr = H(pk, 64)
  crypto::Shake256Hash(pk, tr);
  Packing<P>::SkEncode(sk, rho, key, tr, v->s1, v->s2, v->t0);  // step 10
}

template <typename P>
bool Dsa<P>::SignMu(SecretKey sk, Mu mu,
                    std::span<const uint8_t, kSeedBytes> rnd,
                    SignatureOut sig) {
  // The secrets (expanded key, rho'', the attempt state, and the Shake that
  // absorbs K) wipe themselves on return.
  PolyMatrix<P::kK, P::kL> a_hat;  // public
  crypto::Secret<ExpandedKey<P>> ek;
  ExpandKey<P>(sk, *ek, a_hat);  // steps 1-5
  // Step 7: rho'' = H(K || rnd || mu, 64).
  crypto::Secret<std::array<uint8_t, kRhoPrimeBytes>> rho_pp;
  crypto::Shake256 hash;
  hash.Absorb(ek->key);
  hash.Absorb(rnd);
  hash.Absorb(mu);
  hash.Finalize();
  hash.Squeeze(*rho_pp);
  crypto::Secret<Attempt<P>> a;
  bool done = false;
  // The rejection loop (steps 8 on). Its iteration count is visible: a
  // rejected attempt's y, z and h are discarded and only the fact that it
  // was rejected shows, which is inherent to the scheme. kappa stays below
  // 2^16, as IntegerToBytes(kappa + r, 2) in ExpandMask requires.
  for (uint32_t kappa = 0; !done && kappa + P::kL <= 0x10000;
       kappa += P::kL) {  // kappa = kappa + l
    Commit<P>(a_hat, mu, *rho_pp, kappa, *a);
    done = Respond<P>(*ek, *a) && Hint<P>(*ek, *a);
  }
  if (done) {  // step 33: sigEncode(c_tilde, z mod+- q, h)
    Packing<P>::SigEncode(sig, a->c_tilde, a->z, a->h);
  }
  return done;
}

template <typename P>
void Dsa<P>::ExpandPublicKey(PublicKey pk, ExpandedPublicKey& out) {
  std::array<uint8_t, kRhoBytes> rho;
  Packing<P>::PkDecode(pk, rho, out.t1_hat);  // step 1
  Sampling<P>::ExpandA(out.a_hat, rho);       // step 5
  for (Poly& t : out.t1_hat) {
    PolyShiftL(t);
    PolyNtt(t);
  }
}

template <typename P>
bool Dsa<P>::VerifyMu(PublicKey pk, Mu mu, Signature sig) {
  ExpandedPublicKey key;
  ExpandPublicKey(pk, key);
  return VerifyMu(key, mu, sig);
}

template <typename P>
bool Dsa<P>::VerifyMu(const ExpandedPublicKey& key, Mu mu, Signature sig) {
  std::array<uint8_t, P::kCTildeBytes> c_tilde, c_tilde_prime;
  struct Work {
    PolyVec<P::kL> z;
    PolyVec<P::kK> h, w, w1;
    Poly c_hat, tmp;
  } v;
  if (!Packing<P>::SigDecode(sig, c_tilde, v.z, v.h)) return false;  // 2-4
  // Step 13, norm half, checked early: it needs no computation.
  if (VecExceedsNorm(v.z, P::kGamma1 - P::kBeta)) return false;
  Sampling<P>::SampleInBall(v.c_hat, c_tilde);  // step 8
  PolyNtt(v.c_hat);
  // Step 9: w'_approx = NTT^-1(A_hat o NTT(z) - NTT(c) o NTT(t1 * 2^d)).
  VecNtt(v.z);
  MatrixMulNtt(v.w, key.a_hat, v.z);
  for (int i = 0; i < P::kK; ++i) {
    PolyPointwiseMontgomery(v.tmp, v.c_hat, key.t1_hat[i]);
    PolySub(v.w[i], v.w[i], v.tmp);
    PolyReduce(v.w[i]);
    PolyInvNttToMont(v.w[i]);
    PolyCAddQ(v.w[i]);
    PolyUseHint<P::kGamma2>(v.w1[i], v.h[i], v.w[i]);  // step 10
  }
  // Step 12: c_tilde' = H(mu || w1Encode(w1'), lambda/4).
  std::array<uint8_t, P::kK * P::kW1PackedBytes> w1_bytes;
  Packing<P>::W1Encode(w1_bytes, v.w1);
  crypto::Shake256 hash;
  hash.Absorb(mu);
  hash.Absorb(w1_bytes);
  hash.Finalize();
  hash.Squeeze(c_tilde_prime);
  return c_tilde == c_tilde_prime;  // step 13
}

template struct Dsa<MlDsa44Params>;
template struct Dsa<MlDsa65Params>;
template struct Dsa<MlDsa87Params>;

}  // namespace fog::mldsa
