#include "federation/page_verifier.h"

#include <gtest/gtest.h>

#include "trust/keys.h"
#include "trust/packet_signer.h"
#include "wire/envelope.h"

namespace fog::federation {
namespace {

class PageVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<trust::KeyPair> pair =
        trust::GenerateKeyPair(mldsa::Alg::kMlDsa44, Bytes(32, 7));
    ASSERT_TRUE(pair.ok());
    trust_.Add(pair->pub);
    trust::PacketSigner signer(std::move(pair->sec), {});
    for (int64_t n = 1; n <= 4; ++n) {
      wire::VideoPacket p{.video_id = "v",
                          .packet_number = n,
                          .total_packets = 4,
                          .data = Bytes(100, static_cast<uint8_t>(n))};
      Result<wire::Envelope> e = signer.Next(std::move(p), n == 4);
      ASSERT_TRUE(e.ok());
      payloads_.push_back(wire::EncodeEnvelope(*e));
    }
  }
  trust::TrustStore trust_;
  std::vector<Bytes> payloads_;
};

TEST_F(PageVerifierTest, KeepsAPageFromTheMiddle) {
  std::vector<Bytes> page(payloads_.begin() + 1, payloads_.end());
  VerifiedPage v = VerifyPage("v", page, trust_);
  EXPECT_EQ(v.valid.size(), 3u);
  EXPECT_EQ(v.forged, 0);
  EXPECT_EQ(v.valid.at(2), payloads_[1]);
}

TEST_F(PageVerifierTest, DropsAnAlteredPacket) {
  std::vector<Bytes> page = payloads_;
  Result<wire::Envelope> e = wire::DecodeEnvelope(page[2]);
  ASSERT_TRUE(e.ok());
  e->packet.data[0] ^= 1;
  page[2] = wire::EncodeEnvelope(*e);
  VerifiedPage v = VerifyPage("v", page, trust_);
  EXPECT_EQ(v.forged, 1);
  EXPECT_FALSE(v.valid.contains(3));
  EXPECT_TRUE(v.valid.contains(1));
}

TEST_F(PageVerifierTest, AnUntrustedKeyIsForged) {
  trust::TrustStore empty;
  VerifiedPage v = VerifyPage("v", payloads_, empty);
  EXPECT_TRUE(v.valid.empty());
  EXPECT_EQ(v.forged, 4);
}

TEST_F(PageVerifierTest, OtherVideosAndJunkAreUnverifiable) {
  VerifiedPage v = VerifyPage("w", {payloads_[0], Bytes{1, 2, 3}}, trust_);
  EXPECT_TRUE(v.valid.empty());
  EXPECT_EQ(v.unverifiable, 2);
}

}  // namespace
}  // namespace fog::federation
