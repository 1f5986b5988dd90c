// The API over HTTPS: served with a fog CA's certificate, verified by a
// client that trusts that CA, refused by one that trusts another; a
// certificate that cannot be loaded fails Start() with a clear error.

#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>

#include "api/api_server.h"
#include "registry/registry.h"
#include "tls/fog_ca.h"
#include "tls/http_client.h"

namespace fog::api {
namespace {

namespace fs = std::filesystem;

class ApiHttpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fog_api_https_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    Result<tls::CertKey> ca = tls::EnsureCa(dir_ + "/ca", "ca");
    ASSERT_TRUE(ca.ok());
    ca_ = *ca;
    Result<tls::CertKey> leaf =
        tls::EnsureServerCert(*ca, dir_ + "/ca", "https", {"127.0.0.1"});
    ASSERT_TRUE(leaf.ok());
    leaf_ = *leaf;
    auto opened =
        registry::Registry::Open("sqlite3://" + dir_ + "/registry.sqlite");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    registry_ = std::move(opened).value();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string dir_;
  tls::CertKey ca_, leaf_;
  std::unique_ptr<registry::Registry> registry_;
};

TEST_F(ApiHttpsTest, ServesHttpsVerifiedAgainstTheCa) {
  ApiServer server(
      {.port = 0, .tls_cert_file = leaf_.cert, .tls_key_file = leaf_.key},
      *registry_);
  ASSERT_TRUE(server.Start().ok());
  const std::string url = "https://127.0.0.1:" + std::to_string(server.port());
  auto good = tls::MakeHttpClient(url, {.ca_file = ca_.cert});
  auto res = good->Get("/openapi.json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);

  Result<tls::CertKey> other = tls::EnsureCa(dir_ + "/other", "other");
  ASSERT_TRUE(other.ok());
  auto bad = tls::MakeHttpClient(url, {.ca_file = other->cert});
  auto refused = bad->Get("/openapi.json");
  EXPECT_FALSE(refused);
  EXPECT_EQ(refused.error(), httplib::Error::SSLServerVerification);

  // Plain HTTP to the HTTPS port gets no HTTP answer.
  httplib::Client plain("http://127.0.0.1:" + std::to_string(server.port()));
  EXPECT_FALSE(plain.Get("/openapi.json"));
  server.Stop();
}

TEST_F(ApiHttpsTest, AnUnusableCertificateFailsStart) {
  ApiServer server({.port = 0,
                    .tls_cert_file = dir_ + "/missing.crt",
                    .tls_key_file = leaf_.key},
                   *registry_);
  Status s = server.Start();
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("missing.crt"), std::string::npos);
}

}  // namespace
}  // namespace fog::api
