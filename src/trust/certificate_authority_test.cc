#include "trust/certificate_authority.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <functional>

#include "trust/inspect.h"
#include "trust/packet_signer.h"
#include "trust/packet_verifier.h"
#include "trust/trust_store.h"

namespace fog::trust {
namespace {

constexpr int64_t kNow = 1700000000;

KeyPair Key(mldsa::Alg alg, uint8_t seed) {
  Result<KeyPair> pair = GenerateKeyPair(alg, Bytes(32, seed));
  EXPECT_TRUE(pair.ok());
  return std::move(*pair);
}

class CertificateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fog_ = Key(kAuthorityAlg, 1);
    other_fog_ = Key(kAuthorityAlg, 2);
    publisher_ = Key(kPublisherAlg, 3);
    trust_.AddAuthority(fog_.pub);
  }

  wire::CertificateBody Body() const {
    return {.name = "cam",
            .public_key = publisher_.pub.bytes,
            .prefix = "cam-",
            .not_before = kNow - 10,
            .not_after = kNow + 100,
            .serial = 7};
  }

  Bytes Issue(const wire::CertificateBody& body, const KeyPair& by) {
    Result<wire::Certificate> c = IssueCertificate(by.sec, body);
    EXPECT_TRUE(c.ok());
    return wire::EncodeCertificate(*c);
  }

  wire::Envelope Packet(const std::string& id, const Bytes& cert) {
    SignerOptions o{1, true, cert};
    PacketSigner signer(publisher_.sec.Clone(), o);
    Result<wire::Envelope> e = signer.Next({id, 1, 1, Bytes(50, 1)}, true);
    EXPECT_TRUE(e.ok());
    return *e;
  }

  // The refusal code of VerifySignedPacket, or "ok:<publisher>".
  std::string Verdict(const wire::Envelope& e, int64_t now = kNow) {
    SignerInfo info;
    Result<wire::Link> r = VerifySignedPacket(e, trust_, &info, now);
    return r.ok() ? "ok:" + info.publisher : info.reason;
  }

  void Revoke(int64_t version, std::vector<int64_t> serials) {
    wire::RevocationBody body{
        .version = version, .issued_at = kNow, .serials = std::move(serials)};
    Result<wire::RevocationList> l = SignRevocationList(fog_.sec, body);
    ASSERT_TRUE(l.ok());
    Result<bool> kept = trust_.OfferRevocations(EncodeRevocationList(*l));
    ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  }

  KeyPair fog_, other_fog_, publisher_;
  TrustStore trust_;
};

TEST_F(CertificateTest, IssueAndVerify) {
  Result<wire::Certificate> c = IssueCertificate(fog_.sec, Body());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->body.issuer, fog_.pub.id);
  EXPECT_TRUE(VerifyCertificate(*c, fog_.pub));
  EXPECT_FALSE(VerifyCertificate(*c, other_fog_.pub));
}

TEST_F(CertificateTest, TamperingBreaksTheSignature) {
  Result<wire::Certificate> c = IssueCertificate(fog_.sec, Body());
  ASSERT_TRUE(c.ok());
  for (auto tamper : std::vector<std::function<void(wire::Certificate&)>>{
           [](wire::Certificate& t) { t.body.prefix = ""; },
           [](wire::Certificate& t) { t.body.not_after += 1; },
           [](wire::Certificate& t) { t.body.serial = 8; },
           [](wire::Certificate& t) { t.body.name = "cam2"; },
           [](wire::Certificate& t) { t.body.public_key[5] ^= 1; },
           [](wire::Certificate& t) { t.signature[10] ^= 1; }}) {
    wire::Certificate t = *c;
    tamper(t);
    EXPECT_FALSE(VerifyCertificate(t, fog_.pub));
  }
  // The packet context cannot be replayed as a certificate context: a
  // signature over the same bytes under "fog-video-v1" does not verify.
  Bytes sig(mldsa::SizesOf(kAuthorityAlg).signature);
  std::array<uint8_t, mldsa::kSeedBytes> rnd{};
  const Bytes body = wire::EncodeCertificateBody(c->body);
  ASSERT_TRUE(mldsa::Sign(kAuthorityAlg, fog_.sec.bytes, body,
                          AsBytes(wire::kSignatureContext), rnd, sig)
                  .ok());
  wire::Certificate cross = *c;
  cross.signature = sig;
  EXPECT_FALSE(VerifyCertificate(cross, fog_.pub));
}

TEST_F(CertificateTest, CertifiedPacketVerifiesAndNamesThePublisher) {
  EXPECT_EQ(Verdict(Packet("cam-1", Issue(Body(), fog_))), "ok:cam");
  // The inspector checks at the current time.
  wire::CertificateBody now = Body();
  now.not_before = UnixNow() - 10;
  now.not_after = UnixNow() + 3600;
  Result<InspectReport> report = InspectPayload(
      wire::EncodeEnvelope(Packet("cam-1", Issue(now, fog_))), &trust_);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->authenticated);
  EXPECT_EQ(report->publisher, "cam");
  EXPECT_NE(ReportJson(*report).find("\"publisher\":\"cam\""),
            std::string::npos);
}

TEST_F(CertificateTest, RefusalsNameTheirReason) {
  const Bytes cert = Issue(Body(), fog_);
  EXPECT_EQ(Verdict(Packet("dog-1", cert)), "outside-prefix");
  EXPECT_EQ(Verdict(Packet("cam-1", cert), kNow + 100), "expired");
  EXPECT_EQ(Verdict(Packet("cam-1", cert), kNow - 11), "not-yet-valid");
  EXPECT_EQ(Verdict(Packet("cam-1", Issue(Body(), other_fog_))),
            "unknown-authority");
  // A certificate for another key than the one that signed.
  wire::CertificateBody other = Body();
  other.public_key = Key(kPublisherAlg, 9).pub.bytes;
  EXPECT_EQ(Verdict(Packet("cam-1", Issue(other, fog_))), "bad-certificate");
  // Without a certificate the key is unknown: it is not trusted bare.
  EXPECT_EQ(Verdict(Packet("cam-1", {})), "untrusted-key");
}

TEST_F(CertificateTest, RevocationByVersion) {
  const wire::Envelope e = Packet("cam-1", Issue(Body(), fog_));
  Revoke(1, {7});
  EXPECT_EQ(Verdict(e), "revoked");
  EXPECT_EQ(trust_.revocations().Version(fog_.pub.id), 1);
  Revoke(3, {});
  EXPECT_EQ(Verdict(e), "ok:cam");
  // An older list (a replay) changes nothing.
  wire::RevocationBody old{.version = 2, .issued_at = kNow, .serials = {7}};
  Result<wire::RevocationList> l = SignRevocationList(fog_.sec, old);
  ASSERT_TRUE(l.ok());
  Result<bool> kept = trust_.OfferRevocations(EncodeRevocationList(*l));
  ASSERT_TRUE(kept.ok());
  EXPECT_FALSE(*kept);
  EXPECT_EQ(Verdict(e), "ok:cam");
  // A list from a foreign fog, or a forged one, is refused.
  Result<wire::RevocationList> foreign =
      SignRevocationList(other_fog_.sec, {.version = 9, .serials = {7}});
  ASSERT_TRUE(foreign.ok());
  EXPECT_FALSE(trust_.OfferRevocations(EncodeRevocationList(*foreign)).ok());
  wire::RevocationList forged = *l;
  forged.body.version = 10;
  EXPECT_FALSE(trust_.OfferRevocations(EncodeRevocationList(forged)).ok());
  EXPECT_EQ(Verdict(e), "ok:cam");
}

TEST_F(CertificateTest, ARememberedCertificateIsCheckedOnEveryUse) {
  const Bytes cert = Issue(Body(), fog_);
  const wire::Envelope e = Packet("cam-1", cert);
  EXPECT_EQ(trust_.certificates_remembered(), 0u);
  EXPECT_EQ(Verdict(e), "ok:cam");
  EXPECT_EQ(trust_.certificates_remembered(), 1u);
  EXPECT_EQ(Verdict(e), "ok:cam");
  EXPECT_EQ(trust_.certificates_remembered(), 1u);
  // What depends on the packet, the time and the lists is not remembered.
  EXPECT_EQ(Verdict(Packet("dog-1", cert)), "outside-prefix");
  EXPECT_EQ(Verdict(e, kNow + 100), "expired");
  EXPECT_EQ(Verdict(e, kNow - 11), "not-yet-valid");
  wire::Envelope other_signer = Packet("cam-1", cert);
  other_signer.signature->key_id = other_fog_.pub.id;
  EXPECT_EQ(Verdict(other_signer), "bad-certificate");
  // Other bytes are another certificate: a changed signature is checked.
  Bytes forged = cert;
  forged[forged.size() - 5] ^= 0x01;
  EXPECT_EQ(Verdict(Packet("cam-1", forged)), "bad-certificate");
  EXPECT_EQ(trust_.certificates_remembered(), 1u);
  Revoke(1, {7});
  EXPECT_EQ(Verdict(e), "revoked");
}

TEST_F(CertificateTest, ACopyWithoutTheAuthorityDoesNotTrustItsCache) {
  TrustStore before;
  const TrustStore copy = before;  // shares the cache, not the authority
  before.AddAuthority(fog_.pub);
  const wire::Envelope e = Packet("cam-1", Issue(Body(), fog_));
  SignerInfo info;
  EXPECT_TRUE(VerifySignedPacket(e, before, &info, kNow).ok());
  EXPECT_EQ(copy.certificates_remembered(), 1u);
  EXPECT_FALSE(VerifySignedPacket(e, copy, &info, kNow).ok());
  EXPECT_EQ(info.reason, "unknown-authority");
}

TEST_F(CertificateTest, RememberedCertificatesAreBounded) {
  const size_t n = TrustStore::kMaxVerifiedCertificates + 20;
  std::vector<wire::Envelope> packets;
  for (size_t i = 0; i < n; ++i) {
    wire::CertificateBody body = Body();
    body.serial = static_cast<int64_t>(100 + i);
    packets.push_back(Packet("cam-1", Issue(body, fog_)));
    EXPECT_EQ(Verdict(packets.back()), "ok:cam") << i;
  }
  EXPECT_EQ(trust_.certificates_remembered(),
            TrustStore::kMaxVerifiedCertificates);
  // The oldest were dropped; they verify in full again.
  for (size_t i = 0; i < 20; ++i) EXPECT_EQ(Verdict(packets[i]), "ok:cam");
  EXPECT_EQ(trust_.certificates_remembered(),
            TrustStore::kMaxVerifiedCertificates);
}

TEST_F(CertificateTest, BareKeysKeepWorking) {
  trust_.Add(publisher_.pub);
  EXPECT_EQ(Verdict(Packet("anything", {})), "ok:");
}

TEST(AuthorityKeyTest, MadeOnceKeptAfterSecret0600) {
  char tmpl[] = "/tmp/fog-ca-test-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  Result<KeyPair> first = LoadOrMakeAuthorityKey(dir);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->pub.alg, kAuthorityAlg);
  Result<KeyPair> again = LoadOrMakeAuthorityKey(dir);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->pub.id, first->pub.id);
  struct stat st {};
  ASSERT_EQ(::stat((AuthorityKeyPath(dir) + ".key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fog::trust
