#include "wire/certificate.h"

#include <gtest/gtest.h>

#include <msgpack.hpp>

namespace fog::wire {
namespace {

Certificate Sample() {
  Certificate c;
  c.body.name = "camera-1";
  c.body.public_key = Bytes(1312, 7);
  c.body.prefix = "cam1-";
  c.body.not_before = 1700000000;
  c.body.not_after = 1700086400;
  c.body.serial = 3;
  c.body.issuer.fill(9);
  c.signature = Bytes(3309, 5);
  return c;
}

TEST(CertificateTest, RoundTrip) {
  const Certificate c = Sample();
  const Bytes bytes = EncodeCertificate(c);
  Result<Certificate> back = DecodeCertificate(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, c);
  // The signed body is the certificate without "s".
  EXPECT_LT(EncodeCertificateBody(c.body).size(), bytes.size());
  // A certificate for an ML-DSA-44 key under an ML-DSA-65 fog key: the key,
  // the signature and 70 bytes of fields, keys and headers (an 8-byte name,
  // a 5-byte prefix).
  EXPECT_EQ(bytes.size(), 1312 + 3309 + 70u);
}

TEST(CertificateTest, RefusesBadFields) {
  auto refused = [](Certificate c) {
    return !DecodeCertificate(EncodeCertificate(c)).ok();
  };
  Certificate c = Sample();
  c.body.name = "";
  EXPECT_TRUE(refused(c));
  c = Sample();
  c.body.name = "../etc";
  EXPECT_TRUE(refused(c));
  c = Sample();
  c.body.public_key.resize(1311);
  EXPECT_TRUE(refused(c));
  c = Sample();
  c.body.prefix = "a/b";
  EXPECT_TRUE(refused(c));
  c = Sample();
  c.body.serial = 0;
  EXPECT_TRUE(refused(c));
  c = Sample();
  c.body.not_after = c.body.not_before - 1;
  EXPECT_TRUE(refused(c));
  c = Sample();
  c.signature.clear();
  EXPECT_TRUE(refused(c));
  c = Sample();
  c.body.prefix = "";  // any video id: allowed
  EXPECT_FALSE(refused(c));
}

TEST(CertificateTest, RefusesNonCanonicalAndExtraInput) {
  Bytes bytes = EncodeCertificate(Sample());
  Bytes trailing = bytes;
  trailing.push_back(0xc0);
  EXPECT_FALSE(DecodeCertificate(trailing).ok());

  // The same fields in another order: a second encoding of one value.
  const Certificate c = Sample();
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> p(buf);
  p.pack_map(9);
  auto str = [&](const std::string& s) { p.pack(s); };
  auto bin = [&](const Bytes& b) {
    p.pack_bin(static_cast<uint32_t>(b.size()));
    p.pack_bin_body(reinterpret_cast<const char*>(b.data()),
                    static_cast<uint32_t>(b.size()));
  };
  str("n");
  str(c.body.name);
  str("v");
  p.pack_int64(1);
  str("k");
  bin(c.body.public_key);
  str("x");
  str(c.body.prefix);
  str("b");
  p.pack_int64(c.body.not_before);
  str("a");
  p.pack_int64(c.body.not_after);
  str("r");
  p.pack_int64(c.body.serial);
  str("i");
  bin(Bytes(c.body.issuer.begin(), c.body.issuer.end()));
  str("s");
  bin(c.signature);
  Bytes reordered(buf.data(), buf.data() + buf.size());
  Result<Certificate> r = DecodeCertificate(reordered);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("canonical"), std::string::npos);

  // Every truncation fails cleanly.
  for (size_t n = 0; n < bytes.size(); n += 97) {
    EXPECT_FALSE(DecodeCertificate(ByteView(bytes.data(), n)).ok());
  }
}

TEST(CertificateTest, EnvelopeCarriesCertificate) {
  Envelope e;
  e.packet = {"cam1-v", 1, 1, Bytes(10, 1)};
  e.signature = Signature{};
  e.signature->first = 1;
  e.signature->sig = Bytes(2420, 2);
  const size_t bare = EncodeEnvelope(e).size();
  e.signature->certificate = EncodeCertificate(Sample());
  const Bytes with = EncodeEnvelope(e);
  // "c" (2) + bin16 header (3) + the certificate.
  EXPECT_EQ(with.size(), bare + 5 + e.signature->certificate.size());
  Result<Envelope> back = DecodeEnvelope(with);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, e);
  // A "c" that is not a certificate is refused at decoding.
  e.signature->certificate = Bytes(100, 0);
  EXPECT_FALSE(DecodeEnvelope(EncodeEnvelope(e)).ok());
}

TEST(RevocationListTest, RoundTripAndStrictness) {
  RevocationList l;
  l.body.issuer.fill(4);
  l.body.version = 2;
  l.body.issued_at = 1700000000;
  l.body.serials = {1, 5, 9};
  l.signature = Bytes(3309, 1);
  Result<RevocationList> back = DecodeRevocationList(EncodeRevocationList(l));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, l);
  RevocationList bad = l;
  bad.body.serials = {5, 1};
  EXPECT_FALSE(DecodeRevocationList(EncodeRevocationList(bad)).ok());
  bad.body.serials = {1, 1};
  EXPECT_FALSE(DecodeRevocationList(EncodeRevocationList(bad)).ok());
  bad = l;
  bad.body.version = 0;
  EXPECT_FALSE(DecodeRevocationList(EncodeRevocationList(bad)).ok());
}

}  // namespace
}  // namespace fog::wire
