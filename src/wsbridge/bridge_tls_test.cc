// The bridge's wss:// listener with certificates of a real fog CA: the TLS
// files are checked at Start, a client that verifies against the CA is
// served (GET /health over HTTPS), a plaintext client and one without the
// certificate mutual TLS asks for are refused in the handshake and counted.
// The relay over TLS to a real broker is tests/e2e/tls_test.sh's.

#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "tls/fog_ca.h"
#include "wsbridge/bridge.h"

namespace fog::wsbridge {
namespace {

namespace fs = std::filesystem;

class BridgeTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("bridge_tls_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    Result<tls::CertKey> ca = tls::EnsureCa(dir_, "test CA");
    ASSERT_TRUE(ca.ok()) << ca.status().ToString();
    ca_ = *ca;
    Result<tls::CertKey> wss =
        tls::EnsureServerCert(ca_, dir_, "wss", {"127.0.0.1", "localhost"});
    ASSERT_TRUE(wss.ok()) << wss.status().ToString();
    wss_ = *wss;
    Result<tls::CertKey> client = tls::EnsureClientCert(ca_, dir_, "viewer");
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = *client;
  }
  void TearDown() override { fs::remove_all(dir_); }

  BridgeOptions Options() const {
    // /health needs no broker: the port is never dialled.
    return {.listen_port = 0,
            .broker_port = 1,
            .tls_cert_file = wss_.cert,
            .tls_key_file = wss_.key};
  }

  std::unique_ptr<httplib::Client> Https(int port, bool with_cert) const {
    auto c = with_cert ? std::make_unique<httplib::Client>(
                             "https://127.0.0.1:" + std::to_string(port),
                             client_.cert, client_.key)
                       : std::make_unique<httplib::Client>(
                             "https://127.0.0.1:" + std::to_string(port));
    c->set_ca_cert_path(ca_.cert);
    c->enable_server_certificate_verification(true);
    c->set_connection_timeout(5);
    c->set_read_timeout(5);
    return c;
  }

  std::string dir_;
  tls::CertKey ca_, wss_, client_;
};

TEST_F(BridgeTlsTest, ServesHealthOverHttpsVerifiedAgainstTheCa) {
  Bridge bridge(Options());
  ASSERT_TRUE(bridge.Start().ok());
  EXPECT_TRUE(bridge.tls());
  auto res = Https(bridge.port(), false)->Get("/health");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "ok\n");
  EXPECT_EQ(bridge.stats().tls_errors.load(), 0u);
}

TEST_F(BridgeTlsTest, APlaintextClientGetsNoAnswerAndIsCounted) {
  Bridge bridge(Options());
  ASSERT_TRUE(bridge.Start().ok());
  httplib::Client plain("127.0.0.1", bridge.port());
  plain.set_read_timeout(5);
  auto res = plain.Get("/health");
  EXPECT_FALSE(res);  // no HTTP answer, only a TLS alert
  for (int i = 0; i < 200 && bridge.stats().tls_errors.load() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(bridge.stats().tls_errors.load(), 1u);
}

TEST_F(BridgeTlsTest, MutualTlsRefusesAClientWithoutACertificate) {
  BridgeOptions o = Options();
  o.tls_client_ca_file = ca_.cert;
  Bridge bridge(o);
  ASSERT_TRUE(bridge.Start().ok());
  auto refused = Https(bridge.port(), false)->Get("/health");
  EXPECT_FALSE(refused);
  auto res = Https(bridge.port(), true)->Get("/health");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_GE(bridge.stats().tls_errors.load(), 1u);
}

TEST_F(BridgeTlsTest, TlsFilesAreCheckedAtStart) {
  BridgeOptions o = Options();
  o.tls_key_file.clear();
  EXPECT_EQ(Bridge(o).Start().code(), Status::Code::kInvalidArgument);
  o = Options();
  o.tls_cert_file = dir_ + "/missing.crt";
  EXPECT_EQ(Bridge(o).Start().code(), Status::Code::kIoError);
  o = Options();
  o.tls_cert_file.clear();
  o.tls_key_file.clear();
  o.tls_client_ca_file = ca_.cert;  // mutual TLS without TLS
  EXPECT_EQ(Bridge(o).Start().code(), Status::Code::kInvalidArgument);
  o = Options();
  o.broker_cert_file = client_.cert;  // a client certificate, no broker CA
  o.broker_key_file = client_.key;
  EXPECT_EQ(Bridge(o).Start().code(), Status::Code::kInvalidArgument);
  o = Options();
  o.broker_ca_file = dir_ + "/missing-ca.crt";
  EXPECT_EQ(Bridge(o).Start().code(), Status::Code::kIoError);
}

}  // namespace
}  // namespace fog::wsbridge
