// The scrape endpoint over HTTPS, with certificates of a real fog CA.

#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>

#include "metrics/exporter.h"
#include "tls/fog_ca.h"
#include "tls/http_client.h"

namespace fog::metrics {
namespace {

namespace fs = std::filesystem;

class ExporterTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("exporter_tls_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    Result<tls::CertKey> ca = tls::EnsureCa(dir_, "test CA");
    ASSERT_TRUE(ca.ok()) << ca.status().ToString();
    ca_ = *ca;
    Result<tls::CertKey> leaf =
        tls::EnsureServerCert(ca_, dir_, "metrics", {"127.0.0.1"});
    ASSERT_TRUE(leaf.ok()) << leaf.status().ToString();
    leaf_ = *leaf;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string dir_;
  tls::CertKey ca_, leaf_;
};

TEST_F(ExporterTlsTest, ServesHttpsOnlyVerifiedAgainstTheCa) {
  Exporter e("test");
  ASSERT_TRUE(e.Start("127.0.0.1", 0, {leaf_.cert, leaf_.key}).ok());
  const std::string url = "https://127.0.0.1:" + std::to_string(e.port());
  auto https = tls::MakeHttpClient(url, {ca_.cert, "", ""});
  auto res = https->Get("/metrics");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("fog_test_metrics_http_scrapes_total 1"),
            std::string::npos)
      << res->body;
  // Plain HTTP gets no HTTP answer.
  httplib::Client plain("127.0.0.1", e.port());
  plain.set_read_timeout(3);
  EXPECT_FALSE(plain.Get("/metrics"));
  // A client trusting another CA refuses the listener.
  Result<tls::CertKey> other = tls::EnsureCa(dir_ + "/other", "other CA");
  ASSERT_TRUE(other.ok());
  auto distrusting = tls::MakeHttpClient(url, {other->cert, "", ""});
  auto refused = distrusting->Get("/metrics");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), httplib::Error::SSLServerVerification);
  EXPECT_EQ(e.counters().Get("scrapes"), 1u);
}

TEST_F(ExporterTlsTest, BadTlsFilesAreErrors) {
  Exporter e("test");
  EXPECT_EQ(e.Start("127.0.0.1", 0, {leaf_.cert, ""}).code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(e.Start("127.0.0.1", 0, {dir_ + "/missing.crt", leaf_.key}).code(),
            Status::Code::kUnavailable);
  EXPECT_EQ(e.port(), 0);
}

}  // namespace
}  // namespace fog::metrics
