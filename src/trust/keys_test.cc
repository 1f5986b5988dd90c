#include "trust/keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>

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
  EXPECT_EQ(sec->bytes, pair->sec.bytes);
  EXPECT_EQ(pub->id, pair->pub.id);
  // A wrong-length key file is a clear error.
  ASSERT_TRUE(WriteFileAtomic(name + ".bad", Bytes(100)).ok());
  Result<PublicKey> bad = LoadPublicKey(name + ".bad");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("1312"), std::string::npos);
}

}  // namespace
}  // namespace fog::trust
