#include "trust/keys.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <type_traits>
#include <vector>

namespace fog::trust {
namespace {

TEST(KeysTest, SeededKeyGenIsDeterministicAndIdsAgree) {
  Bytes seed(32, 0x11);
  for (mldsa::Alg alg :
       {mldsa::Alg::kMlDsa44, mldsa::Alg::kMlDsa65, mldsa::Alg::kMlDsa87}) {
    Result<KeyPair> a = GenerateKeyPair(alg, seed);
    Result<KeyPair> b = GenerateKeyPair(alg, seed);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->pub.bytes, b->pub.bytes);
    EXPECT_EQ(a->pub.bytes.size(), mldsa::SizesOf(alg).public_key);
    // The id from the public key equals the tr prefix inside the secret key.
    EXPECT_EQ(a->pub.id, a->sec.id);
  }
  EXPECT_FALSE(GenerateKeyPair(mldsa::Alg::kMlDsa44, Bytes(31)).ok());
}

TEST(KeysTest, WritesSecretKeyPrivateAndReadsBack) {
  char dir[] = "/tmp/fog_keys_XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string name = std::string(dir) + "/pub1";
  Result<KeyPair> pair = GenerateKeyPair(mldsa::Alg::kMlDsa44);
  ASSERT_TRUE(pair.ok());
  ASSERT_TRUE(WriteKeyPair(name, *pair).ok());
  struct stat st;
  ASSERT_EQ(stat((name + ".key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  Result<SecretKey> sec = LoadSecretKey(name + ".key");
  Result<PublicKey> pub = LoadPublicKey(name + ".pub");
  ASSERT_TRUE(sec.ok() && pub.ok());
  EXPECT_TRUE(std::ranges::equal(sec->bytes, pair->sec.bytes));
  EXPECT_EQ(pub->id, pair->pub.id);
  // A wrong-length key file is a clear error.
  ASSERT_TRUE(WriteFileAtomic(name + ".bad", Bytes(100)).ok());
  Result<PublicKey> bad = LoadPublicKey(name + ".bad");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("1312"), std::string::npos);
  Result<SecretKey> bad_sec = LoadSecretKey(name + ".bad");
  ASSERT_FALSE(bad_sec.ok());
  EXPECT_NE(bad_sec.status().message().find("has 100 bytes"),
            std::string::npos);
  // An oversized file is refused after reading one byte past the largest
  // secret key.
  ASSERT_TRUE(WriteFileAtomic(name + ".big", Bytes(1 << 20)).ok());
  bad_sec = LoadSecretKey(name + ".big");
  ASSERT_FALSE(bad_sec.ok());
  EXPECT_NE(bad_sec.status().message().find("more than 4896"),
            std::string::npos);
  EXPECT_FALSE(LoadSecretKey(name + ".missing").ok());
}

// The key id comes from our SHAKE256; OpenSSL's is the independent check.
TEST(KeysTest, KeyIdIsShake256PrefixByOpenSsl) {
  Result<KeyPair> pair = GenerateKeyPair(mldsa::Alg::kMlDsa65, Bytes(32, 5));
  ASSERT_TRUE(pair.ok());
  wire::KeyId expected{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ASSERT_EQ(EVP_DigestInit_ex(ctx, EVP_shake256(), nullptr), 1);
  ASSERT_EQ(
      EVP_DigestUpdate(ctx, pair->pub.bytes.data(), pair->pub.bytes.size()), 1);
  ASSERT_EQ(EVP_DigestFinalXOF(ctx, expected.data(), expected.size()), 1);
  EVP_MD_CTX_free(ctx);
  EXPECT_EQ(KeyIdOf(pair->pub.bytes), expected);
}

TEST(KeysTest, SecretKeyIsMoveOnly) {
  static_assert(!std::is_copy_constructible_v<SecretKey>);
  static_assert(!std::is_copy_assignable_v<SecretKey>);
  static_assert(std::is_nothrow_move_constructible_v<SecretKey>);
  static_assert(!std::is_copy_constructible_v<KeyPair>);
  Result<KeyPair> pair = GenerateKeyPair(mldsa::Alg::kMlDsa44, Bytes(32, 3));
  ASSERT_TRUE(pair.ok());
  const uint8_t* where = pair->sec.bytes.data();
  SecretKey moved = std::move(pair->sec);
  EXPECT_TRUE(pair->sec.bytes.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(moved.bytes.data(), where);  // handed over, not copied
  SecretKey clone = moved.Clone();
  EXPECT_NE(clone.bytes.data(), moved.bytes.data());
  EXPECT_TRUE(std::ranges::equal(clone.bytes, moved.bytes));
  EXPECT_EQ(clone.id, moved.id);
  EXPECT_EQ(clone.alg, moved.alg);
}

// Records every SecretBytes buffer as the release hook sees it (wiped, not
// yet freed) while it is alive.
class ReleaseRecorder {
 public:
  ReleaseRecorder() {
    current_ = this;
    crypto::TEST_SetSecretBytesReleaseHook([](const uint8_t* data, size_t n) {
      current_->seen.emplace_back(data, data + n);
    });
  }
  ~ReleaseRecorder() {
    crypto::TEST_SetSecretBytesReleaseHook(nullptr);
    current_ = nullptr;
  }
  std::vector<std::vector<uint8_t>> seen;

 private:
  static inline ReleaseRecorder* current_ = nullptr;
};

bool AllZero(const std::vector<uint8_t>& b) {
  return std::ranges::all_of(b, [](uint8_t x) { return x == 0; });
}

TEST(KeysTest, SecretKeyBytesAreWipedWhenTheKeyDies) {
  ReleaseRecorder recorder;
  std::optional<KeyPair> pair;
  {
    Result<KeyPair> made = GenerateKeyPair(mldsa::Alg::kMlDsa87, Bytes(32, 4));
    ASSERT_TRUE(made.ok());
    pair.emplace(std::move(*made));
  }
  std::vector<uint8_t> held(pair->sec.bytes.begin(), pair->sec.bytes.end());
  ASSERT_FALSE(AllZero(held));  // so the check below can fail
  recorder.seen.clear();
  pair.reset();
  ASSERT_EQ(recorder.seen.size(), 1u);
  EXPECT_EQ(recorder.seen[0].size(), 4896u);
  EXPECT_TRUE(AllZero(recorder.seen[0]));
  // Loading a key: the file's bytes go straight into the key; nothing else
  // holding them is released along the way, and the key is wiped too.
  char dir[] = "/tmp/fog_keys_XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/k.key";
  ASSERT_TRUE(WriteFileAtomic(path, held, 0600).ok());
  recorder.seen.clear();
  { ASSERT_TRUE(LoadSecretKey(path).ok()); }
  ASSERT_EQ(recorder.seen.size(), 1u);
  EXPECT_TRUE(AllZero(recorder.seen[0]));
  std::fill(held.begin(), held.end(), 0);
}

}  // namespace
}  // namespace fog::trust
