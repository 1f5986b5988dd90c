// Publisher keys: ML-DSA key pairs on disk and their key ids.
//
// NAME.key holds the raw FIPS 204 secret key encoding (mode 0600) and
// NAME.pub the raw FIPS 204 public key; the parameter set follows from the
// length, so any FIPS 204 implementation can read them. The key id is the
// first 16 bytes of tr = SHAKE256(pk, 64), the public-key hash FIPS 204
// already stores in the secret key, so signers and verifiers agree on it
// without extra files.
//
// A SecretKey is move-only and wipes its bytes when it dies; reading a key
// file and generating a key leave no other copy of the secret behind in
// freed memory (the bytes go straight into a crypto::SecretBytes).
//
// Thread-safety: value types; functions are reentrant.

#ifndef FOG_TRUST_KEYS_H_
#define FOG_TRUST_KEYS_H_

#include <optional>
#include <string>

#include "common/bytes.h"
#include "common/status.h"
#include "crypto/mldsa/mldsa.h"
#include "crypto/secret_bytes.h"
#include "wire/envelope.h"

namespace fog::trust {

// Copies share the prepared key, so a trust store's keys are expanded once.
struct PublicKey {
  mldsa::Alg alg;
  Bytes bytes;
  wire::KeyId id;
  // The key expanded for verification (mldsa::VerifyingKey), which halves
  // the cost of each packet's signature check; ParsePublicKey sets it.
  std::optional<mldsa::VerifyingKey> prepared;

  // ML-DSA.Verify (FIPS 204 Alg. 3) of `sig` over `msg` under `ctx`.
  bool Verify(ByteView msg, ByteView ctx, ByteView sig) const;
};

// Move-only (crypto::SecretBytes): a moved-from key is empty, and the
// bytes are wiped when the last owner dies.
struct SecretKey {
  mldsa::Alg alg;
  crypto::SecretBytes bytes;  // the raw FIPS 204 encoding
  wire::KeyId id;

  // An independent copy, for a second signer; never made implicitly.
  SecretKey Clone() const { return SecretKey{alg, bytes.Clone(), id}; }
};

struct KeyPair {
  PublicKey pub;
  SecretKey sec;
};

// The key id of a public key: SHAKE256(pk)[0..16).
wire::KeyId KeyIdOf(ByteView public_key);

// Parses raw encodings; InvalidArgument when the length matches no set.
Result<PublicKey> ParsePublicKey(Bytes bytes);
Result<SecretKey> ParseSecretKey(crypto::SecretBytes bytes);

// KeyGen from `seed` (32 bytes, wiped after use) or, when absent, from the
// OS CSPRNG; an error from the CSPRNG is returned, and no key is made.
Result<KeyPair> GenerateKeyPair(mldsa::Alg alg,
                                std::optional<Bytes> seed = std::nullopt);

// Writes `name`.key (0600) and `name`.pub (0644).
Status WriteKeyPair(const std::string& name, const KeyPair& pair);

Result<PublicKey> LoadPublicKey(const std::string& path);
// Reads at most one byte more than the largest secret key, so an oversized
// file is refused without being read whole.
Result<SecretKey> LoadSecretKey(const std::string& path);

}  // namespace fog::trust

#endif  // FOG_TRUST_KEYS_H_
