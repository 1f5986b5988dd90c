// The trust store: whose packets this node accepts. Two kinds of trust,
// loaded from one directory:
//   NAME.pub        a bare publisher key (raw FIPS 204 public key, keys.h):
//                   its packets are accepted without a certificate;
//   NAME.authority  a certificate authority (a fog key, raw public key):
//                   packets carrying a certificate it signed are accepted
//                   while the certificate is valid, unrevoked and the
//                   video id is inside its prefix
//                   (certificate_authority.h);
//   NAME.revocations  a signed revocation list (wire/certificate.h), the
//                   starting point until a newer one arrives.
//
// Thread-safety: const methods may be called concurrently, including
// OfferRevocations() and RememberCertificate(); Add(), AddAuthority() and
// LoadDir() need external synchronisation. Copies share one set of
// revocation lists and one cache of verified certificates.

#ifndef FOG_TRUST_TRUST_STORE_H_
#define FOG_TRUST_TRUST_STORE_H_

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "trust/keys.h"
#include "trust/revocations.h"
#include "wire/certificate.h"

namespace fog::trust {

// A certificate whose signature verified against a trusted authority: its
// body and its key, prepared for verification.
struct VerifiedCertificate {
  wire::CertificateBody body;
  PublicKey key;
};

class TrustStore {
 public:
  TrustStore() = default;

  // Loads every *.pub, *.authority and *.revocations file in `dir`. A file
  // that does not parse or verify is skipped and described in `rejected`
  // (one line each); a missing or unreadable directory is an error.
  static Result<TrustStore> LoadDir(const std::string& dir,
                                    std::vector<std::string>* rejected);

  void Add(PublicKey key);
  void AddAuthority(PublicKey key);

  // The trusted bare key with this id, or nullptr.
  const PublicKey* Find(const wire::KeyId& id) const;
  // The certificate authority with this id, or nullptr.
  const PublicKey* FindAuthority(const wire::KeyId& id) const;

  // Checks a signed revocation list against the authorities and keeps it
  // when it is newer than the one held. Returns true when it was kept,
  // false when an equal or newer version is already held; InvalidArgument
  // (does not decode), Unauthenticated (unknown issuer, bad signature).
  Result<bool> OfferRevocations(ByteView encoded) const;
  const Revocations& revocations() const { return *revocations_; }

  // Certificates already verified, by their exact encoding, so that the
  // packets carrying one are not checked against the authority again, nor
  // their key expanded again (CheckCertificate). Only what follows from the
  // bytes is kept; validity, revocation, signer and prefix are checked on
  // every use. Authorities are only ever added, so an entry stays true.
  // Bounded: at kMaxVerifiedCertificates the oldest entry is dropped, and a
  // packet carrying it is verified in full again.
  static constexpr size_t kMaxVerifiedCertificates = 256;
  std::shared_ptr<const VerifiedCertificate> FindCertificate(
      ByteView encoded) const;
  void RememberCertificate(
      ByteView encoded,
      std::shared_ptr<const VerifiedCertificate> verified) const;
  size_t certificates_remembered() const;

  size_t size() const { return keys_.size(); }
  size_t authorities() const { return authorities_.size(); }

 private:
  std::map<wire::KeyId, PublicKey> keys_;
  std::map<wire::KeyId, PublicKey> authorities_;
  std::shared_ptr<Revocations> revocations_ = std::make_shared<Revocations>();
  struct CertificateCache {
    using Map =
        std::map<std::string, std::shared_ptr<const VerifiedCertificate>,
                 std::less<>>;
    std::mutex mu;
    Map by_encoding;
    std::deque<Map::iterator> order;  // oldest first
  };
  std::shared_ptr<CertificateCache> certificates_ =
      std::make_shared<CertificateCache>();
};

}  // namespace fog::trust

#endif  // FOG_TRUST_TRUST_STORE_H_
