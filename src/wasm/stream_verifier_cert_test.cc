// The browser verifier's certificate checks, natively: packets of a
// certified publisher are accepted with the publisher's name, and each kind
// of certificate refusal reports the worker's reason code. The checks are
// trust::CheckCertificate's; these tests pin that the verifier applies them
// (to whole amortized segments too) and keeps bare keys working.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "trust/certificate_authority.h"
#include "trust/keys.h"
#include "trust/packet_signer.h"
#include "wasm/stream_verifier.h"
#include "wire/certificate.h"

namespace fog::wasm {
namespace {

constexpr int64_t kNow = 1700000000;
constexpr char kVideo[] = "cam-1";

trust::KeyPair Key(mldsa::Alg alg, uint8_t seed) {
  Result<trust::KeyPair> pair = trust::GenerateKeyPair(alg, Bytes(32, seed));
  EXPECT_TRUE(pair.ok());
  return std::move(*pair);
}

class StreamVerifierCertTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fog_ = Key(trust::kAuthorityAlg, 1);
    other_fog_ = Key(trust::kAuthorityAlg, 2);
    publisher_ = Key(trust::kPublisherAlg, 3);
  }

  wire::CertificateBody Body() const {
    return {.name = "cam",
            .public_key = publisher_.pub.bytes,
            .prefix = "cam-",
            .not_before = kNow - 10,
            .not_after = kNow + 100,
            .serial = 7};
  }

  Bytes Issue(const wire::CertificateBody& body, const trust::KeyPair& by) {
    Result<wire::Certificate> c = trust::IssueCertificate(by.sec, body);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return wire::EncodeCertificate(*c);
  }

  // `count` packets of `video`, a signature every `every`, carrying `cert`.
  std::vector<Bytes> Packets(const Bytes& cert, int count, int every,
                             const std::string& video = kVideo) {
    trust::PacketSigner signer(publisher_.sec.Clone(),
                               {.every = every, .certificate = cert});
    std::vector<Bytes> out;
    for (int n = 1; n <= count; ++n) {
      Result<wire::Envelope> e =
          signer.Next({video, n, count, Bytes(50 + n, 1)}, n == count);
      EXPECT_TRUE(e.ok()) << e.status().ToString();
      out.push_back(wire::EncodeEnvelope(*e));
    }
    return out;
  }

  StreamVerifier Verifier(const std::string& video = kVideo) {
    StreamVerifier v(video);
    EXPECT_TRUE(v.AddAuthority(fog_.pub.bytes).ok());
    v.SetNow(kNow);
    return v;
  }

  // "status:reason:publisher" of every verdict, space separated.
  static std::string PushAll(StreamVerifier& v,
                             const std::vector<Bytes>& packets) {
    std::string s;
    for (size_t i = 0; i < packets.size(); ++i) {
      for (const Verdict& verdict :
           v.Push(static_cast<int64_t>(i + 1), packets[i])) {
        s += std::to_string(verdict.index) + ":" +
             VerdictStatusName(verdict.status) + ":" + verdict.reason + ":" +
             verdict.publisher + " ";
      }
    }
    return s;
  }

  // The verdict of a one-packet stream of `video` carrying `cert`.
  Verdict One(StreamVerifier& v, const Bytes& cert,
              const std::string& video = kVideo) {
    std::vector<Verdict> out = v.Push(1, Packets(cert, 1, 1, video)[0]);
    EXPECT_EQ(out.size(), 1u);
    return out.empty() ? Verdict{} : out[0];
  }

  Bytes Revoking(std::vector<int64_t> serials, int64_t version) {
    Result<wire::RevocationList> list = trust::SignRevocationList(
        fog_.sec, {.version = version, .issued_at = kNow, .serials = serials});
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    return wire::EncodeRevocationList(*list);
  }

  trust::KeyPair fog_;
  trust::KeyPair other_fog_;
  trust::KeyPair publisher_;
};

TEST_F(StreamVerifierCertTest, GoodCertificateIsAcceptedWithThePublisher) {
  StreamVerifier v = Verifier();
  Verdict out = One(v, Issue(Body(), fog_));
  EXPECT_EQ(out.status, VerdictStatus::kVerified) << out.reason << out.detail;
  EXPECT_EQ(out.publisher, "cam");
  EXPECT_FALSE(out.media.empty());
}

TEST_F(StreamVerifierCertTest, AmortizedSegmentNamesThePublisher) {
  StreamVerifier v = Verifier();
  EXPECT_EQ(PushAll(v, Packets(Issue(Body(), fog_), 3, 3)),
            "1:pending:: 2:pending:: 1:verified::cam 2:verified::cam "
            "3:verified::cam ");
}

TEST_F(StreamVerifierCertTest, RevokedCertificateIsRefused) {
  StreamVerifier v = Verifier();
  Result<bool> kept = v.OfferRevocations(Revoking({3, 7}, 2));
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_TRUE(*kept);
  Verdict out = One(v, Issue(Body(), fog_));
  EXPECT_EQ(out.status, VerdictStatus::kInvalid);
  EXPECT_EQ(out.reason, "revoked");
  EXPECT_NE(out.detail.find("publisher cam (serial 7)"), std::string::npos)
      << out.detail;
  EXPECT_TRUE(out.media.empty());
}

TEST_F(StreamVerifierCertTest, OlderRevocationListCannotUnrevoke) {
  StreamVerifier v = Verifier();
  ASSERT_TRUE(v.OfferRevocations(Revoking({7}, 2)).ok());
  Result<bool> older = v.OfferRevocations(Revoking({}, 1));
  ASSERT_TRUE(older.ok());
  EXPECT_FALSE(*older);
  EXPECT_EQ(One(v, Issue(Body(), fog_)).reason, "revoked");
}

TEST_F(StreamVerifierCertTest, RevocationListOfAForeignFogIsRefused) {
  StreamVerifier v = Verifier();
  Result<wire::RevocationList> list = trust::SignRevocationList(
      other_fog_.sec, {.version = 5, .issued_at = kNow, .serials = {7}});
  ASSERT_TRUE(list.ok());
  Result<bool> kept = v.OfferRevocations(wire::EncodeRevocationList(*list));
  EXPECT_EQ(kept.status().code(), Status::Code::kUnauthenticated);
  EXPECT_EQ(v.OfferRevocations(Bytes{1, 2, 3}).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(One(v, Issue(Body(), fog_)).status, VerdictStatus::kVerified);
}

TEST_F(StreamVerifierCertTest, ExpiredAndNotYetValidAreRefused) {
  wire::CertificateBody body = Body();
  body.not_before = kNow - 100;
  body.not_after = kNow;  // exclusive: expired at kNow
  StreamVerifier expired = Verifier();
  EXPECT_EQ(One(expired, Issue(body, fog_)).reason, "expired");

  body.not_before = kNow + 1;
  body.not_after = kNow + 100;
  StreamVerifier early = Verifier();
  EXPECT_EQ(One(early, Issue(body, fog_)).reason, "not-yet-valid");
}

TEST_F(StreamVerifierCertTest, VideoOutsideThePrefixIsRefused) {
  StreamVerifier v = Verifier("dog-1");
  Verdict out = One(v, Issue(Body(), fog_), "dog-1");
  EXPECT_EQ(out.status, VerdictStatus::kInvalid);
  EXPECT_EQ(out.reason, "outside-prefix");
}

TEST_F(StreamVerifierCertTest, ForeignAuthorityIsRefused) {
  StreamVerifier v = Verifier();
  Verdict out = One(v, Issue(Body(), other_fog_));
  EXPECT_EQ(out.reason, "unknown-authority");
  // A refused certificate refuses every packet its signature covers.
  StreamVerifier amortized = Verifier();
  EXPECT_EQ(PushAll(amortized, Packets(Issue(Body(), other_fog_), 2, 2)),
            "1:pending:: 1:invalid:unknown-authority: "
            "2:invalid:unknown-authority: ");
}

TEST_F(StreamVerifierCertTest, CertificateForAnotherKeyIsRefused) {
  wire::CertificateBody body = Body();
  body.public_key = Key(trust::kPublisherAlg, 9).pub.bytes;
  StreamVerifier v = Verifier();
  EXPECT_EQ(One(v, Issue(body, fog_)).reason, "bad-certificate");
}

TEST_F(StreamVerifierCertTest, BareKeysKeepWorkingBesideAnAuthority) {
  StreamVerifier v = Verifier();
  ASSERT_TRUE(v.AddKey(publisher_.pub.bytes).ok());
  Verdict out = One(v, Bytes{});
  EXPECT_EQ(out.status, VerdictStatus::kVerified) << out.reason;
  EXPECT_EQ(out.publisher, "");
  // Without the bare key, an uncertified packet is from an unknown key.
  StreamVerifier only_authority = Verifier();
  EXPECT_EQ(One(only_authority, Bytes{}).reason, kReasonUnknownKey);
}

TEST_F(StreamVerifierCertTest, AuthorityMustBeAnMlDsaKey) {
  StreamVerifier v(kVideo);
  EXPECT_EQ(v.AddAuthority(Bytes(10, 0)).status().code(),
            Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace fog::wasm
