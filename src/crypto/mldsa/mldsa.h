// ML-DSA (FIPS 204): module-lattice digital signatures, all three parameter
// sets. Unforgeability rests on Module-LWE and Module-SIS (docs/security.md).
//
// External interface = FIPS 204 Algorithms 1-3 (pure ML-DSA with a context
// string); internal interface = Algorithms 6-8 (M' given directly), plus the
// externalMu form that takes mu. All byte strings use the raw FIPS 204
// encodings so other implementations can read them.
//
// Thread-safety: every function is reentrant. Functions write only into the
// caller's buffers and allocate nothing, except VerifyingKey::Prepare.

#ifndef FOG_CRYPTO_MLDSA_MLDSA_H_
#define FOG_CRYPTO_MLDSA_MLDSA_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "common/status.h"

namespace fog::mldsa {

enum class Alg : uint8_t { kMlDsa44 = 44, kMlDsa65 = 65, kMlDsa87 = 87 };

struct Sizes {
  size_t public_key;
  size_t secret_key;
  size_t signature;
};

inline constexpr size_t kSeedBytes = 32;  // xi of KeyGen, rnd of Sign
inline constexpr size_t kMuBytes = 64;
inline constexpr size_t kMaxContextBytes = 255;

Sizes SizesOf(Alg alg);
// "ml-dsa-44" / "ml-dsa-65" / "ml-dsa-87".
const char* AlgName(Alg alg);
std::optional<Alg> AlgFromName(std::string_view name);
// The parameter set whose public key (or secret key) has this length.
std::optional<Alg> AlgFromPublicKeySize(size_t bytes);
std::optional<Alg> AlgFromSecretKeySize(size_t bytes);

using Seed = std::span<const uint8_t, kSeedBytes>;

// ML-DSA.KeyGen_internal(xi). REQUIRES: pk and sk have SizesOf(alg) lengths
// (otherwise InvalidArgument, nothing written).
Status KeyGen(Alg alg, Seed xi, std::span<uint8_t> pk, std::span<uint8_t> sk);

// ML-DSA.Sign: M' = 0 || len(ctx) || ctx || msg. rnd = 32 zero bytes gives
// the deterministic variant; fresh random bytes give the hedged one.
// Fails (InvalidArgument) on a wrong key/signature length or ctx > 255.
Status Sign(Alg alg, std::span<const uint8_t> sk, std::span<const uint8_t> msg,
            std::span<const uint8_t> ctx, Seed rnd, std::span<uint8_t> sig);

// ML-DSA.Sign_internal on M' as given (no domain-separation prefix).
Status SignInternal(Alg alg, std::span<const uint8_t> sk,
                    std::span<const uint8_t> m_prime, Seed rnd,
                    std::span<uint8_t> sig);

// Sign_internal with mu = H(tr || M', 64) supplied by the caller.
Status SignMu(Alg alg, std::span<const uint8_t> sk,
              std::span<const uint8_t, kMuBytes> mu, Seed rnd,
              std::span<uint8_t> sig);

// ML-DSA.Verify. False on any length mismatch, ctx > 255, or a bad signature.
bool Verify(Alg alg, std::span<const uint8_t> pk, std::span<const uint8_t> msg,
            std::span<const uint8_t> ctx, std::span<const uint8_t> sig);
bool VerifyInternal(Alg alg, std::span<const uint8_t> pk,
                    std::span<const uint8_t> m_prime,
                    std::span<const uint8_t> sig);
bool VerifyMu(Alg alg, std::span<const uint8_t> pk,
              std::span<const uint8_t, kMuBytes> mu,
              std::span<const uint8_t> sig);

// A public key prepared once for many verifications. Prepare computes what
// ML-DSA.Verify derives from the key alone (tr, A_hat and NTT(t1 * 2^d));
// Verify then does only the work of each signature, a little over half of a
// one-shot Verify (docs/performance.md). Holds 20-70 KB, by parameter set.
//
// Thread-safety: immutable once prepared; copies share it, and Verify may
// be called concurrently.
class VerifyingKey {
 public:
  // InvalidArgument when pk is not a public key of alg's length.
  static Result<VerifyingKey> Prepare(Alg alg, std::span<const uint8_t> pk);

  Alg alg() const;
  // The verdict of Verify(alg(), pk, msg, ctx, sig).
  bool Verify(std::span<const uint8_t> msg, std::span<const uint8_t> ctx,
              std::span<const uint8_t> sig) const;

 private:
  struct Expanded;
  explicit VerifyingKey(std::shared_ptr<const Expanded> expanded)
      : expanded_(std::move(expanded)) {}

  std::shared_ptr<const Expanded> expanded_;
};

}  // namespace fog::mldsa

#endif  // FOG_CRYPTO_MLDSA_MLDSA_H_
