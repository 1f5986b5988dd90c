#include "worker/intake.h"

#include <gtest/gtest.h>

#include "trust/packet_signer.h"
#include "wire/legacy_payload.h"

namespace fog::worker {
namespace {

class IntakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pair_ = trust::GenerateKeyPair(mldsa::Alg::kMlDsa44, Bytes(32, 9)).value();
    trust_.Add(pair_.pub);
  }

  Bytes SignedPayload(const std::string& id, int64_t n, int every = 1) {
    trust::PacketSigner signer(pair_.sec.Clone(), {every, true});
    wire::Envelope e;
    for (int64_t i = 1; i <= n; ++i) {
      e = *signer.Next({id, i, 0, Bytes(300, uint8_t(i))}, false);
    }
    return wire::EncodeEnvelope(e);
  }

  std::string Reason(const IntakeResult& r) {
    return r.refused ? r.refused->reason : "accepted";
  }

  trust::KeyPair pair_;
  trust::TrustStore trust_;
  IntakeOptions options_;
};

TEST_F(IntakeTest, AcceptsSignedPacketFromTrustedKey) {
  IntakeResult r = Intake(SignedPayload("cam", 2), "cam", trust_, options_);
  ASSERT_TRUE(r.accepted) << r.refused->detail;
  EXPECT_EQ(r.accepted->meta.packet_number, 2);
  EXPECT_TRUE(r.accepted->meta.authenticated);
  EXPECT_EQ(r.accepted->meta.format, "native");
  EXPECT_EQ(r.accepted->publisher_key, ToHex(pair_.pub.id));
}

TEST_F(IntakeTest, RefusesEveryBadInput) {
  Bytes good = SignedPayload("cam", 1);
  Bytes tampered = good;
  tampered[60] ^= 1;  // inside data
  EXPECT_EQ(Reason(Intake(tampered, "cam", trust_, options_)),
            "digest-mismatch");
  EXPECT_EQ(Reason(Intake(good, "other", trust_, options_)),
            "video-id-mismatch");
  trust::TrustStore empty;
  EXPECT_EQ(Reason(Intake(good, "cam", empty, options_)), "untrusted-key");
  EXPECT_EQ(Reason(Intake(SignedPayload("cam", 2, 4), "cam", trust_, options_)),
            "unsigned");
  EXPECT_EQ(Reason(Intake(AsBytes("garbage"), "cam", trust_, options_)),
            "malformed");
  EXPECT_EQ(Reason(Intake(good, "../../etc/passwd", trust_, options_)),
            "bad-video-id");
  EXPECT_EQ(Reason(Intake(wire::EncodeVideoPacket({"cam", 1, 0, {1}}), "cam",
                          trust_, options_)),
            "no-integrity");
}

TEST_F(IntakeTest, LegacyOnlyWhenAcceptedAndNeverAuthenticated) {
  std::mt19937_64 rng(5);
  Bytes legacy = wire::MakeLegacyPayload({"cam", 1, 0, Bytes(100, 1)}, rng);
  EXPECT_EQ(Reason(Intake(legacy, "cam", trust_, options_)),
            "legacy-not-accepted");
  IntakeOptions accept{.accept_legacy = true};
  IntakeResult r = Intake(legacy, "cam", trust_, accept);
  ASSERT_TRUE(r.accepted);
  EXPECT_FALSE(r.accepted->meta.authenticated);
  EXPECT_EQ(r.accepted->meta.format, "legacy-sis");
  EXPECT_EQ(Reason(Intake(legacy, "other", trust_, accept)),
            "video-id-mismatch");
}

}  // namespace
}  // namespace fog::worker
