#include "trust/keys.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "crypto/keccak.h"
#include "crypto/random.h"
#include "crypto/secret.h"
#include "crypto/wipe.h"

namespace fog::trust {

namespace {

// FIPS 204 secret key layout: rho (32) || K (32) || tr (64) || ...
constexpr size_t kTrOffset = 64;
constexpr size_t kMaxSecretKeyBytes = 4896;  // ML-DSA-87

std::string ErrnoMessage(const char* what, const std::string& path) {
  return std::string(what) + " " + path + ": " + std::strerror(errno);
}

// Reads the whole of `path` (at most kMaxSecretKeyBytes + 1 bytes) with
// read(2) into a wiped stack buffer, so no stdio or vector-growth copy of
// the secret is left behind.
Result<crypto::SecretBytes> ReadSecretFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(ErrnoMessage("cannot open", path));
  crypto::Secret<std::array<uint8_t, kMaxSecretKeyBytes + 1>> buf;
  size_t size = 0;
  while (size < buf->size()) {
    const ssize_t n = ::read(fd, buf->data() + size, buf->size() - size);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = Status::IoError(ErrnoMessage("cannot read", path));
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    size += static_cast<size_t>(n);
  }
  ::close(fd);
  return crypto::SecretBytes::CopyOf(std::span(buf->data(), size));
}

}  // namespace

wire::KeyId KeyIdOf(ByteView public_key) {
  wire::KeyId id{};
  crypto::Shake256Hash(public_key, id);  // a 16-byte prefix of tr
  return id;
}

Result<PublicKey> ParsePublicKey(Bytes bytes) {
  std::optional<mldsa::Alg> alg = mldsa::AlgFromPublicKeySize(bytes.size());
  if (!alg) {
    return Status::InvalidArgument(
        "public key has " + std::to_string(bytes.size()) +
        " bytes; ML-DSA-44/65/87 public keys have 1312/1952/2592");
  }
  Result<mldsa::VerifyingKey> prepared =
      mldsa::VerifyingKey::Prepare(*alg, bytes);
  if (!prepared.ok()) return prepared.status();
  wire::KeyId id = KeyIdOf(bytes);
  return PublicKey{*alg, std::move(bytes), id, std::move(*prepared)};
}

bool PublicKey::Verify(ByteView msg, ByteView ctx, ByteView sig) const {
  if (prepared) return prepared->Verify(msg, ctx, sig);
  return mldsa::Verify(alg, bytes, msg, ctx, sig);
}

Result<SecretKey> ParseSecretKey(crypto::SecretBytes bytes) {
  std::optional<mldsa::Alg> alg = mldsa::AlgFromSecretKeySize(bytes.size());
  if (!alg) {
    const std::string size =
        bytes.size() > kMaxSecretKeyBytes
            ? "more than " + std::to_string(kMaxSecretKeyBytes)
            : std::to_string(bytes.size());
    return Status::InvalidArgument(
        "secret key has " + size +
        " bytes; ML-DSA-44/65/87 secret keys have 2560/4032/4896");
  }
  wire::KeyId id;
  std::memcpy(id.data(), bytes.data() + kTrOffset, id.size());
  return SecretKey{*alg, std::move(bytes), id};
}

Result<KeyPair> GenerateKeyPair(mldsa::Alg alg, std::optional<Bytes> seed) {
  crypto::Secret<std::array<uint8_t, mldsa::kSeedBytes>> xi;
  if (seed) {
    const bool size_ok = seed->size() == xi->size();
    if (size_ok) std::copy(seed->begin(), seed->end(), xi->begin());
    crypto::WipeBytes(seed->data(), seed->size());  // our copy of the seed
    if (!size_ok) {
      return Status::InvalidArgument("the key seed must be 32 bytes");
    }
  } else {
    // Alg. 1 step 1: on a CSPRNG failure no key is made from xi.
    if (Status s = crypto::RandomBytes(*xi); !s.ok()) return s;
  }
  const mldsa::Sizes sizes = mldsa::SizesOf(alg);
  Bytes pk(sizes.public_key);
  crypto::SecretBytes sk(sizes.secret_key);
  Status s = mldsa::KeyGen(alg, *xi, pk, std::span(sk.data(), sk.size()));
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
  Result<crypto::SecretBytes> bytes = ReadSecretFile(path);
  if (!bytes.ok()) return bytes.status();
  Result<SecretKey> key = ParseSecretKey(std::move(*bytes));
  if (!key.ok())
    return Status::InvalidArgument(path + ": " + key.status().message());
  return key;
}

}  // namespace fog::trust
