#include "trust/keys.h"

#include <openssl/evp.h>

#include <cstring>

#include "crypto/random.h"

namespace fog::trust {

namespace {

// FIPS 204 secret key layout: rho (32) || K (32) || tr (64) || ...
constexpr size_t kTrOffset = 64;

}  // namespace

wire::KeyId KeyIdOf(ByteView public_key) {
  wire::KeyId id{};
  // One-shot SHAKE256: OpenSSL 3.0 supports a single FinalXOF, which is all
  // this needs (a SHAKE256 prefix of tr).
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_shake256(), nullptr);
  EVP_DigestUpdate(ctx, public_key.data(), public_key.size());
  EVP_DigestFinalXOF(ctx, id.data(), id.size());
  EVP_MD_CTX_free(ctx);
  return id;
}

Result<PublicKey> ParsePublicKey(Bytes bytes) {
  std::optional<mldsa::Alg> alg = mldsa::AlgFromPublicKeySize(bytes.size());
  if (!alg) {
    return Status::InvalidArgument(
        "public key has " + std::to_string(bytes.size()) +
        " bytes; ML-DSA-44/65/87 public keys have 1312/1952/2592");
  }
  wire::KeyId id = KeyIdOf(bytes);
  return PublicKey{*alg, std::move(bytes), id};
}

Result<SecretKey> ParseSecretKey(Bytes bytes) {
  std::optional<mldsa::Alg> alg = mldsa::AlgFromSecretKeySize(bytes.size());
  if (!alg) {
    return Status::InvalidArgument(
        "secret key has " + std::to_string(bytes.size()) +
        " bytes; ML-DSA-44/65/87 secret keys have 2560/4032/4896");
  }
  wire::KeyId id;
  std::memcpy(id.data(), bytes.data() + kTrOffset, id.size());
  return SecretKey{*alg, std::move(bytes), id};
}

Result<KeyPair> GenerateKeyPair(mldsa::Alg alg, std::optional<Bytes> seed) {
  std::array<uint8_t, mldsa::kSeedBytes> xi{};
  if (seed) {
    if (seed->size() != xi.size()) {
      return Status::InvalidArgument("the key seed must be 32 bytes");
    }
    std::memcpy(xi.data(), seed->data(), xi.size());
  } else {
    Status s = crypto::RandomBytes(xi);
    if (!s.ok()) return s;
  }
  const mldsa::Sizes sizes = mldsa::SizesOf(alg);
  Bytes pk(sizes.public_key), sk(sizes.secret_key);
  Status s = mldsa::KeyGen(alg, xi, pk, sk);
  if (!s.ok()) return s;
  Result<PublicKey> pub = ParsePublicKey(std::move(pk));
  if (!pub.ok()) return pub.status();
  Result<SecretKey> sec = ParseSecretKey(std::move(sk));
  if (!sec.ok()) return sec.status();
  return KeyPair{std::move(*pub), std::move(*sec)};
}

Status WriteKeyPair(const std::string& name, const KeyPair& pair) {
  Status s = WriteFileAtomic(name + ".key", pair.sec.bytes, 0600);
  if (!s.ok()) return s;
  return WriteFileAtomic(name + ".pub", pair.pub.bytes, 0644);
}

Result<PublicKey> LoadPublicKey(const std::string& path) {
  Result<Bytes> bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  Result<PublicKey> key = ParsePublicKey(std::move(*bytes));
  if (!key.ok())
    return Status::InvalidArgument(path + ": " + key.status().message());
  return key;
}

Result<SecretKey> LoadSecretKey(const std::string& path) {
  Result<Bytes> bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  Result<SecretKey> key = ParseSecretKey(std::move(*bytes));
  if (!key.ok())
    return Status::InvalidArgument(path + ": " + key.status().message());
  return key;
}

}  // namespace fog::trust
