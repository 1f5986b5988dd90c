// The fog as a certificate authority: its signing key (ML-DSA-65) issues
// publisher certificates and signs the revocation list; receivers check a
// packet's certificate against the authorities in their trust store
// (docs/security.md, "Publisher certificates").
//
// Thread-safety: reentrant; the TrustStore is only read.

#ifndef FOG_TRUST_CERTIFICATE_AUTHORITY_H_
#define FOG_TRUST_CERTIFICATE_AUTHORITY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"
#include "trust/keys.h"
#include "wire/certificate.h"

namespace fog::trust {

class TrustStore;

inline constexpr mldsa::Alg kAuthorityAlg = mldsa::Alg::kMlDsa65;
inline constexpr mldsa::Alg kPublisherAlg = mldsa::Alg::kMlDsa44;

// The fog key under `fog_dir`: keys/fog-ca.key (0600) and keys/fog-ca.pub,
// made on the first call and read on every later one.
std::string AuthorityKeyPath(const std::string& fog_dir);  // without .key
Result<KeyPair> LoadOrMakeAuthorityKey(const std::string& fog_dir);

// Sets body.issuer to the authority's key id and signs the body (hedged,
// context wire::kCertificateContext). InvalidArgument for a body the
// decoder would refuse.
Result<wire::Certificate> IssueCertificate(const SecretKey& authority,
                                           wire::CertificateBody body);
Result<wire::RevocationList> SignRevocationList(const SecretKey& authority,
                                                wire::RevocationBody body);

bool VerifyCertificate(const wire::Certificate& cert,
                       const PublicKey& authority);
bool VerifyRevocationList(const wire::RevocationList& list,
                          const PublicKey& authority);

// A packet signer vouched for by a certificate.
struct CertifiedSigner {
  std::string name;
  int64_t serial = 0;
  PublicKey key;
};

// Checks `certificate` (encoded) for a packet of `video_id` signed by key
// `signer` at unix time `now`. On failure `*reason` gets one of the stable
// codes below and the Status says why in words:
//   bad-certificate    does not decode, its signature fails, or it is for
//                      another key than the packet's "k";
//   unknown-authority  no trusted authority issued it (a foreign fog);
//   revoked            its serial is on the issuer's revocation list;
//   not-yet-valid      now < not-before;
//   expired            now >= not-after;
//   outside-prefix     video_id does not start with its prefix.
Result<CertifiedSigner> CheckCertificate(ByteView certificate,
                                         const wire::KeyId& signer,
                                         std::string_view video_id, int64_t now,
                                         const TrustStore& trust,
                                         std::string* reason);

// Unix seconds now (system clock).
int64_t UnixNow();

}  // namespace fog::trust

#endif  // FOG_TRUST_CERTIFICATE_AUTHORITY_H_
