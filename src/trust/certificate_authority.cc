#include "trust/certificate_authority.h"

#include <array>
#include <chrono>
#include <filesystem>
#include <optional>
#include <system_error>

#include "crypto/random.h"
#include "crypto/secret.h"
#include "trust/trust_store.h"

namespace fog::trust {

namespace {

// Hedged ML-DSA signing of `msg` under `ctx` (FIPS 204 Alg. 2).
Result<Bytes> SignHedged(const SecretKey& key, ByteView msg,
                         std::string_view ctx) {
  crypto::Secret<std::array<uint8_t, mldsa::kSeedBytes>> rnd;
  if (Status s = crypto::RandomBytes(*rnd); !s.ok()) return s;
  Bytes sig(mldsa::SizesOf(key.alg).signature);
  Status s = mldsa::Sign(key.alg, key.bytes, msg, AsBytes(ctx), *rnd, sig);
  if (!s.ok()) return s;
  return sig;
}

bool VerifyWith(const PublicKey& key, ByteView msg, std::string_view ctx,
                ByteView sig) {
  return key.Verify(msg, AsBytes(ctx), sig);
}

}  // namespace

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string AuthorityKeyPath(const std::string& fog_dir) {
  return fog_dir + "/keys/fog-ca";
}

Result<KeyPair> LoadOrMakeAuthorityKey(const std::string& fog_dir) {
  const std::string name = AuthorityKeyPath(fog_dir);
  std::error_code ec;
  if (!std::filesystem::exists(name + ".key", ec)) {
    std::filesystem::create_directories(fog_dir + "/keys", ec);
    if (ec) {
      return Status::IoError("cannot create " + fog_dir +
                             "/keys: " + ec.message());
    }
    Result<KeyPair> pair = GenerateKeyPair(kAuthorityAlg);
    if (!pair.ok()) return pair.status();
    if (Status s = WriteKeyPair(name, *pair); !s.ok()) return s;
    return pair;
  }
  Result<SecretKey> sec = LoadSecretKey(name + ".key");
  if (!sec.ok()) return sec.status();
  Result<PublicKey> pub = LoadPublicKey(name + ".pub");
  if (!pub.ok()) return pub.status();
  if (pub->id != sec->id) {
    return Status::Corruption(name + ".pub does not belong to " + name +
                              ".key");
  }
  return KeyPair{std::move(*pub), std::move(*sec)};
}

Result<wire::Certificate> IssueCertificate(const SecretKey& authority,
                                           wire::CertificateBody body) {
  body.issuer = authority.id;
  wire::Certificate cert{std::move(body), Bytes{1}};
  // The decoder's rules are the issuer's too: never sign what no receiver
  // would read.
  Result<wire::Certificate> check =
      wire::DecodeCertificate(wire::EncodeCertificate(cert));
  if (!check.ok()) return check.status();
  Result<Bytes> sig =
      SignHedged(authority, wire::EncodeCertificateBody(cert.body),
                 wire::kCertificateContext);
  if (!sig.ok()) return sig.status();
  cert.signature = std::move(*sig);
  return cert;
}

Result<wire::RevocationList> SignRevocationList(const SecretKey& authority,
                                                wire::RevocationBody body) {
  body.issuer = authority.id;
  wire::RevocationList list{std::move(body), Bytes{1}};
  Result<wire::RevocationList> check =
      wire::DecodeRevocationList(wire::EncodeRevocationList(list));
  if (!check.ok()) return check.status();
  Result<Bytes> sig =
      SignHedged(authority, wire::EncodeRevocationBody(list.body),
                 wire::kRevocationContext);
  if (!sig.ok()) return sig.status();
  list.signature = std::move(*sig);
  return list;
}

bool VerifyCertificate(const wire::Certificate& cert,
                       const PublicKey& authority) {
  return cert.body.issuer == authority.id &&
         VerifyWith(authority, wire::EncodeCertificateBody(cert.body),
                    wire::kCertificateContext, cert.signature);
}

bool VerifyRevocationList(const wire::RevocationList& list,
                          const PublicKey& authority) {
  return list.body.issuer == authority.id &&
         VerifyWith(authority, wire::EncodeRevocationBody(list.body),
                    wire::kRevocationContext, list.signature);
}

Result<CertifiedSigner> CheckCertificate(ByteView certificate,
                                         const wire::KeyId& signer,
                                         std::string_view video_id, int64_t now,
                                         const TrustStore& trust,
                                         std::string* reason) {
  auto refuse = [&](const char* code, const std::string& why) {
    if (reason) *reason = code;
    return Status::Unauthenticated(why);
  };
  // A certificate verified before is taken from the trust store's cache.
  // Its authority is still looked up: a copy of the store made before the
  // authority was added shares the cache, and must not trust it.
  std::shared_ptr<const VerifiedCertificate> verified =
      trust.FindCertificate(certificate);
  std::optional<wire::Certificate> decoded;
  if (verified == nullptr) {
    Result<wire::Certificate> cert = wire::DecodeCertificate(certificate);
    if (!cert.ok()) return refuse("bad-certificate", cert.status().message());
    decoded = std::move(*cert);
  }
  const wire::CertificateBody& b = verified ? verified->body : decoded->body;
  const std::string who =
      "publisher " + b.name + " (serial " + std::to_string(b.serial) + ")";
  const PublicKey* authority = trust.FindAuthority(b.issuer);
  if (authority == nullptr) {
    return refuse("unknown-authority", who + ": certificate issued by " +
                                           ToHex(b.issuer) +
                                           ", not a trusted fog key");
  }
  if (verified == nullptr) {
    if (!VerifyCertificate(*decoded, *authority)) {
      return refuse("bad-certificate",
                    who + ": certificate signature does not verify");
    }
    Result<PublicKey> key = ParsePublicKey(b.public_key);
    if (!key.ok()) return refuse("bad-certificate", key.status().message());
    verified = std::make_shared<const VerifiedCertificate>(
        VerifiedCertificate{b, std::move(*key)});
    trust.RememberCertificate(certificate, verified);
  }
  const PublicKey* key = &verified->key;
  if (key->id != signer) {
    return refuse("bad-certificate", who + ": certificate is for key " +
                                         ToHex(key->id) +
                                         ", packet signed by " + ToHex(signer));
  }
  if (trust.revocations().IsRevoked(b.issuer, b.serial)) {
    return refuse("revoked", who + ": certificate revoked");
  }
  if (now < b.not_before) {
    return refuse("not-yet-valid", who + ": certificate valid only from " +
                                       std::to_string(b.not_before));
  }
  if (now >= b.not_after) {
    return refuse("expired", who + ": certificate expired at " +
                                 std::to_string(b.not_after));
  }
  if (!video_id.starts_with(b.prefix)) {
    return refuse("outside-prefix",
                  who + ": video id " + std::string(video_id) +
                      " is outside the prefix '" + b.prefix + "'");
  }
  return CertifiedSigner{b.name, b.serial, *key};
}

}  // namespace fog::trust
