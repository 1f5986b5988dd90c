// The public interface: parameter-set dispatch, length checks, and the
// message representative mu = H(tr || M', 64) for the external (Algorithms
// 2-3) and internal (Algorithms 7-8) forms.

#include "crypto/mldsa/mldsa.h"

#include <array>
#include <variant>

#include "crypto/keccak.h"
#include "crypto/mldsa/params.h"
#include "crypto/mldsa/sign.h"

namespace fog::mldsa {
namespace {

// Calls f(P{}) with the ParamSet of `alg`, or returns `unknown`.
template <typename R, typename F>
R WithParams(Alg alg, R unknown, F&& f) {
  switch (alg) {
    case Alg::kMlDsa44:
      return f(MlDsa44Params{});
    case Alg::kMlDsa65:
      return f(MlDsa65Params{});
    case Alg::kMlDsa87:
      return f(MlDsa87Params{});
  }
  return unknown;
}

Status UnknownAlg() {
  return Status::InvalidArgument("unknown ML-DSA parameter set");
}

using Mu = std::array<uint8_t, kMuBytes>;

// mu = H(tr || prefix || ctx || msg, 64). The external interface passes the
// two-byte prefix 0 || |ctx| (Alg. 2 step 10, Alg. 3 step 5); the internal
// one passes M' as msg with an empty prefix and ctx.
Mu ComputeMu(std::span<const uint8_t> tr, std::span<const uint8_t> prefix,
             std::span<const uint8_t> ctx, std::span<const uint8_t> msg) {
  Mu mu;
  crypto::Shake256 hash;
  hash.Absorb(tr);
  hash.Absorb(prefix);
  hash.Absorb(ctx);
  hash.Absorb(msg);
  hash.Finalize();
  hash.Squeeze(mu);
  return mu;
}

// tr = H(pk, 64) (Alg. 8 step 6).
std::array<uint8_t, kTrBytes> PublicKeyHash(std::span<const uint8_t> pk) {
  std::array<uint8_t, kTrBytes> tr;
  crypto::Shake256Hash(pk, tr);
  return tr;
}

// Signs mu with the secret key after checking both lengths.
template <typename P>
Status SignChecked(std::span<const uint8_t> sk, const Mu& mu, Seed rnd,
                   std::span<uint8_t> sig) {
  if (sk.size() != P::kSecretKeyBytes) {
    return Status::InvalidArgument("ML-DSA secret key has the wrong length");
  }
  if (sig.size() != P::kSignatureBytes) {
    return Status::InvalidArgument(
        "ML-DSA signature buffer has the wrong length");
  }
  if (!Dsa<P>::SignMu(sk.first<P::kSecretKeyBytes>(), mu, rnd,
                      sig.first<P::kSignatureBytes>())) {
    return Status::Internal("ML-DSA signing did not terminate");
  }
  return Status::OK();
}

template <typename P>
bool LengthsOk(std::span<const uint8_t> pk, std::span<const uint8_t> sig) {
  return pk.size() == P::kPublicKeyBytes && sig.size() == P::kSignatureBytes;
}

template <typename P>
bool VerifyChecked(std::span<const uint8_t> pk, const Mu& mu,
                   std::span<const uint8_t> sig) {
  return Dsa<P>::VerifyMu(pk.first<P::kPublicKeyBytes>(), mu,
                          sig.first<P::kSignatureBytes>());
}

// The tr field of an expanded secret key (skEncode, Algorithm 24).
std::span<const uint8_t> TrOf(std::span<const uint8_t> sk) {
  return sk.subspan(kRhoBytes + kKeyBytes, kTrBytes);
}

}  // namespace

Sizes SizesOf(Alg alg) {
  return WithParams(alg, Sizes{0, 0, 0}, []<typename P>(P) {
    return Sizes{P::kPublicKeyBytes, P::kSecretKeyBytes, P::kSignatureBytes};
  });
}

const char* AlgName(Alg alg) {
  switch (alg) {
    case Alg::kMlDsa44:
      return "ml-dsa-44";
    case Alg::kMlDsa65:
      return "ml-dsa-65";
    case Alg::kMlDsa87:
      return "ml-dsa-87";
  }
  return "unknown";
}

std::optional<Alg> AlgFromName(std::string_view name) {
  for (Alg alg : {Alg::kMlDsa44, Alg::kMlDsa65, Alg::kMlDsa87}) {
    if (name == AlgName(alg)) return alg;
  }
  return std::nullopt;
}

std::optional<Alg> AlgFromPublicKeySize(size_t bytes) {
  for (Alg alg : {Alg::kMlDsa44, Alg::kMlDsa65, Alg::kMlDsa87}) {
    if (SizesOf(alg).public_key == bytes) return alg;
  }
  return std::nullopt;
}

std::optional<Alg> AlgFromSecretKeySize(size_t bytes) {
  for (Alg alg : {Alg::kMlDsa44, Alg::kMlDsa65, Alg::kMlDsa87}) {
    if (SizesOf(alg).secret_key == bytes) return alg;
  }
  return std::nullopt;
}

Status KeyGen(Alg alg, Seed xi, std::span<uint8_t> pk, std::span<uint8_t> sk) {
  return WithParams(alg, UnknownAlg(), [&]<typename P>(P) {
    if (pk.size() != P::kPublicKeyBytes || sk.size() != P::kSecretKeyBytes) {
      return Status::InvalidArgument("ML-DSA key buffer has the wrong length");
    }
    Dsa<P>::KeyGen(xi, pk.first<P::kPublicKeyBytes>(),
                   sk.first<P::kSecretKeyBytes>());
    return Status::OK();
  });
}

Status Sign(Alg alg, std::span<const uint8_t> sk, std::span<const uint8_t> msg,
            std::span<const uint8_t> ctx, Seed rnd, std::span<uint8_t> sig) {
  // Alg. 2 steps 1-3: the context is at most 255 bytes.
  if (ctx.size() > kMaxContextBytes) {
    return Status::InvalidArgument("ML-DSA context longer than 255 bytes");
  }
  return WithParams(alg, UnknownAlg(), [&]<typename P>(P) {
    if (sk.size() != P::kSecretKeyBytes) {
      return Status::InvalidArgument("ML-DSA secret key has the wrong length");
    }
    // Alg. 2 step 10: M' = IntegerToBytes(0, 1) || IntegerToBytes(|ctx|, 1)
    // || ctx || M; then Alg. 7 step 6 on it.
    const std::array<uint8_t, 2> prefix = {0, static_cast<uint8_t>(ctx.size())};
    return SignChecked<P>(sk, ComputeMu(TrOf(sk), prefix, ctx, msg), rnd, sig);
  });
}

Status SignInternal(Alg alg, std::span<const uint8_t> sk,
                    std::span<const uint8_t> m_prime, Seed rnd,
                    std::span<uint8_t> sig) {
  return WithParams(alg, UnknownAlg(), [&]<typename P>(P) {
    if (sk.size() != P::kSecretKeyBytes) {
      return Status::InvalidArgument("ML-DSA secret key has the wrong length");
    }
    return SignChecked<P>(sk, ComputeMu(TrOf(sk), {}, {}, m_prime), rnd, sig);
  });
}

Status SignMu(Alg alg, std::span<const uint8_t> sk,
              std::span<const uint8_t, kMuBytes> mu, Seed rnd,
              std::span<uint8_t> sig) {
  Mu mu_copy;
  std::copy(mu.begin(), mu.end(), mu_copy.begin());
  return WithParams(alg, UnknownAlg(), [&]<typename P>(P) {
    return SignChecked<P>(sk, mu_copy, rnd, sig);
  });
}

bool Verify(Alg alg, std::span<const uint8_t> pk, std::span<const uint8_t> msg,
            std::span<const uint8_t> ctx, std::span<const uint8_t> sig) {
  if (ctx.size() > kMaxContextBytes) return false;  // Alg. 3 steps 1-3
  return WithParams(alg, false, [&]<typename P>(P) {
    if (!LengthsOk<P>(pk, sig)) return false;
    const std::array<uint8_t, 2> prefix = {0, static_cast<uint8_t>(ctx.size())};
    const auto tr = PublicKeyHash(pk);
    return VerifyChecked<P>(pk, ComputeMu(tr, prefix, ctx, msg), sig);
  });
}

bool VerifyInternal(Alg alg, std::span<const uint8_t> pk,
                    std::span<const uint8_t> m_prime,
                    std::span<const uint8_t> sig) {
  return WithParams(alg, false, [&]<typename P>(P) {
    if (!LengthsOk<P>(pk, sig)) return false;
    const auto tr = PublicKeyHash(pk);
    return VerifyChecked<P>(pk, ComputeMu(tr, {}, {}, m_prime), sig);
  });
}

bool VerifyMu(Alg alg, std::span<const uint8_t> pk,
              std::span<const uint8_t, kMuBytes> mu,
              std::span<const uint8_t> sig) {
  Mu mu_copy;
  std::copy(mu.begin(), mu.end(), mu_copy.begin());
  return WithParams(alg, false, [&]<typename P>(P) {
    return LengthsOk<P>(pk, sig) && VerifyChecked<P>(pk, mu_copy, sig);
  });
}

struct VerifyingKey::Expanded {
  Alg alg;
  std::array<uint8_t, kTrBytes> tr;
  std::variant<Dsa<MlDsa44Params>::ExpandedPublicKey,
               Dsa<MlDsa65Params>::ExpandedPublicKey,
               Dsa<MlDsa87Params>::ExpandedPublicKey>
      key;
};

Result<VerifyingKey> VerifyingKey::Prepare(Alg alg,
                                           std::span<const uint8_t> pk) {
  return WithParams(
      alg, Result<VerifyingKey>(UnknownAlg()),
      [&]<typename P>(P) -> Result<VerifyingKey> {
        if (pk.size() != P::kPublicKeyBytes) {
          return Status::InvalidArgument(
              "ML-DSA public key has the wrong length");
        }
        auto expanded = std::make_shared<Expanded>();
        expanded->alg = alg;
        expanded->tr = PublicKeyHash(pk);
        Dsa<P>::ExpandPublicKey(
            pk.first<P::kPublicKeyBytes>(),
            expanded->key
                .template emplace<typename Dsa<P>::ExpandedPublicKey>());
        return VerifyingKey(std::move(expanded));
      });
}

Alg VerifyingKey::alg() const { return expanded_->alg; }

bool VerifyingKey::Verify(std::span<const uint8_t> msg,
                          std::span<const uint8_t> ctx,
                          std::span<const uint8_t> sig) const {
  if (ctx.size() > kMaxContextBytes) return false;  // Alg. 3 steps 1-3
  return WithParams(expanded_->alg, false, [&]<typename P>(P) {
    if (sig.size() != P::kSignatureBytes) return false;
    const std::array<uint8_t, 2> prefix = {0, static_cast<uint8_t>(ctx.size())};
    return Dsa<P>::VerifyMu(
        std::get<typename Dsa<P>::ExpandedPublicKey>(expanded_->key),
        ComputeMu(expanded_->tr, prefix, ctx, msg),
        sig.first<P::kSignatureBytes>());
  });
}

}  // namespace fog::mldsa
