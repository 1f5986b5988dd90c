#include "tls/fog_ca.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "common/bytes.h"

namespace fog::tls {
namespace {

namespace fs = std::filesystem;

class FogCaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fog_ca_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

std::string Text(const std::string& path) {
  Result<Bytes> b = ReadFile(path);
  return b.ok() ? std::string(b->begin(), b->end()) : "";
}

TEST_F(FogCaTest, MakesTheCaOnceAndKeepsIt) {
  Result<CertKey> ca = EnsureCa(dir_, "test fog CA");
  ASSERT_TRUE(ca.ok()) << ca.status().ToString();
  const std::string first = Text(ca->cert);
  EXPECT_NE(first.find("BEGIN CERTIFICATE"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(ca->key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Self-signed: it verifies under itself.
  EXPECT_TRUE(VerifyIssuedBy(ca->cert, ca->cert).ok());
  Result<CertKey> again = EnsureCa(dir_, "test fog CA");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Text(again->cert), first);
}

TEST_F(FogCaTest, AMismatchedCaKeyIsRefusedNotReplaced) {
  ASSERT_TRUE(EnsureCa(dir_ + "/a", "a").ok());
  ASSERT_TRUE(EnsureCa(dir_ + "/b", "b").ok());
  fs::copy_file(dir_ + "/b/ca.key", dir_ + "/a/ca.key",
                fs::copy_options::overwrite_existing);
  Result<CertKey> ca = EnsureCa(dir_ + "/a", "a");
  ASSERT_FALSE(ca.ok());
  EXPECT_EQ(ca.status().code(), Status::Code::kCorruption);
}

TEST_F(FogCaTest, ServerCertCarriesTheSansAndIsReused) {
  Result<CertKey> ca = EnsureCa(dir_, "ca");
  ASSERT_TRUE(ca.ok());
  Result<CertKey> leaf =
      EnsureServerCert(*ca, dir_, "mqtt", {"broker.fog", "10.0.0.1", "::1"});
  ASSERT_TRUE(leaf.ok()) << leaf.status().ToString();
  EXPECT_TRUE(VerifyIssuedBy(leaf->cert, ca->cert).ok());
  Result<std::vector<std::string>> sans = SubjectAltNames(leaf->cert);
  ASSERT_TRUE(sans.ok());
  EXPECT_EQ(*sans, (std::vector<std::string>{"broker.fog", "10.0.0.1", "::1"}));
  const std::string first = Text(leaf->cert);
  // The same or fewer names: kept.
  ASSERT_TRUE(EnsureServerCert(*ca, dir_, "mqtt", {"10.0.0.1"}).ok());
  EXPECT_EQ(Text(leaf->cert), first);
  // A new name: issued again, with it.
  ASSERT_TRUE(EnsureServerCert(*ca, dir_, "mqtt", {"10.0.0.2"}).ok());
  EXPECT_NE(Text(leaf->cert), first);
  sans = SubjectAltNames(leaf->cert);
  ASSERT_TRUE(sans.ok());
  EXPECT_EQ(*sans, (std::vector<std::string>{"10.0.0.2"}));
}

TEST_F(FogCaTest, ACertOfAnotherCaIsIssuedAgain) {
  Result<CertKey> a = EnsureCa(dir_ + "/a", "a");
  Result<CertKey> b = EnsureCa(dir_ + "/b", "b");
  ASSERT_TRUE(a.ok() && b.ok());
  Result<CertKey> leaf = EnsureServerCert(*b, dir_, "api", {"localhost"});
  ASSERT_TRUE(leaf.ok());
  Status foreign = VerifyIssuedBy(leaf->cert, a->cert);
  EXPECT_EQ(foreign.code(), Status::Code::kUnauthenticated);
  ASSERT_TRUE(EnsureServerCert(*a, dir_, "api", {"localhost"}).ok());
  EXPECT_TRUE(VerifyIssuedBy(leaf->cert, a->cert).ok());
}

TEST_F(FogCaTest, ClientCertVerifies) {
  Result<CertKey> ca = EnsureCa(dir_, "ca");
  ASSERT_TRUE(ca.ok());
  Result<CertKey> client = EnsureClientCert(*ca, dir_ + "/clients", "worker-1");
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_TRUE(VerifyIssuedBy(client->cert, ca->cert).ok());
}

TEST_F(FogCaTest, BadNamesAreRefused) {
  Result<CertKey> ca = EnsureCa(dir_, "ca");
  ASSERT_TRUE(ca.ok());
  EXPECT_EQ(EnsureServerCert(*ca, dir_, "x", {}).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(EnsureServerCert(*ca, dir_, "x", {"a,DNS:b"}).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(EnsureClientCert(*ca, dir_, "../x").status().code(),
            Status::Code::kInvalidArgument);
}

TEST(SansForBindTest, LoopbackWildcardAndAddress) {
  EXPECT_EQ(SansForBind("127.0.0.1", {}),
            (std::vector<std::string>{"127.0.0.1", "localhost"}));
  EXPECT_EQ(SansForBind("10.1.0.2", {"broker", "10.1.0.2"}),
            (std::vector<std::string>{"broker", "10.1.0.2"}));
  std::vector<std::string> any = SansForBind("0.0.0.0", {});
  EXPECT_NE(std::find(any.begin(), any.end(), "127.0.0.1"), any.end());
}

}  // namespace
}  // namespace fog::tls
