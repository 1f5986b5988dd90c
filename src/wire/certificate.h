// Publisher certificates and the fog's revocation list: their canonical
// msgpack encodings (docs/wire-format.md, "Publisher certificates").
// Signing and checking them is trust/certificate_authority.h's job; this
// file only encodes and strictly decodes.
//
// A certificate is one msgpack map, keys in this order:
//   "v" 1, "n" name, "k" ML-DSA public key, "x" video-id prefix,
//   "b" not-before, "a" not-after (unix seconds), "r" serial,
//   "i" issuer key id (16 bytes), "s" the issuer's ML-DSA signature.
// The signature covers the same map without "s" (EncodeCertificateBody),
// under the context string kCertificateContext.
//
// A revocation list: "v" 1, "i" issuer key id, "r" version, "t" issued at
// (unix seconds), "l" revoked serials (u64 big-endian each, strictly
// increasing), "s" signature over the map without "s" under
// kRevocationContext.
//
// Canonical: the decoders re-encode what they read and refuse input that
// differs, so one certificate has exactly one encoding.
//
// Thread-safety: value types; functions are reentrant.

#ifndef FOG_WIRE_CERTIFICATE_H_
#define FOG_WIRE_CERTIFICATE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"
#include "wire/envelope.h"

namespace fog::wire {

inline constexpr int kCertificateVersion = 1;
inline constexpr char kCertificateContext[] = "fog-publisher-cert-v1";
inline constexpr char kRevocationContext[] = "fog-revocations-v1";
// An ML-DSA-87 public key (2592) and signature (4627) with a 255-byte
// prefix fit; anything larger is refused before it is parsed.
inline constexpr size_t kMaxCertificateBytes = 8192;
// At most this many revoked serials (512 KiB of list); `fog publisher
// revoke` refuses to add one more.
inline constexpr size_t kMaxRevokedSerials = 65536;

struct CertificateBody {
  std::string name;        // "n": 1..64 bytes of [A-Za-z0-9._-]
  Bytes public_key;        // "k": raw FIPS 204 public key (1312/1952/2592)
  std::string prefix;      // "x": allowed video-id prefix; "" allows any id
  int64_t not_before = 0;  // "b": valid from (inclusive)
  int64_t not_after = 0;   // "a": valid until (exclusive)
  int64_t serial = 0;      // "r": >= 1, unique per issuer
  KeyId issuer{};          // "i": the fog key's id

  bool operator==(const CertificateBody&) const = default;
};

struct Certificate {
  CertificateBody body;
  Bytes signature;  // "s"

  bool operator==(const Certificate&) const = default;
};

struct RevocationBody {
  KeyId issuer{};                // "i"
  int64_t version = 0;           // "r": >= 1; a receiver keeps the highest
  int64_t issued_at = 0;         // "t"
  std::vector<int64_t> serials;  // "l": strictly increasing, each >= 1

  bool operator==(const RevocationBody&) const = default;
};

struct RevocationList {
  RevocationBody body;
  Bytes signature;  // "s"

  bool operator==(const RevocationList&) const = default;
};

// A publisher name: 1..64 bytes of letters, digits, '.', '_' or '-', not
// starting with '.' (it names files).
Status ValidatePublisherName(std::string_view name);

Bytes EncodeCertificateBody(const CertificateBody& body);  // what is signed
Bytes EncodeCertificate(const Certificate& cert);
// Strict: exactly the keys above, exact types and sizes, the public key of
// an ML-DSA size, a valid name and prefix (printable, no / + #), serial >= 1,
// not_before <= not_after, canonical bytes, at most kMaxCertificateBytes.
Result<Certificate> DecodeCertificate(ByteView data);

Bytes EncodeRevocationBody(const RevocationBody& body);  // what is signed
Bytes EncodeRevocationList(const RevocationList& list);
Result<RevocationList> DecodeRevocationList(ByteView data);

}  // namespace fog::wire

#endif  // FOG_WIRE_CERTIFICATE_H_
