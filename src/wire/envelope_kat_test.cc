// Known answers for the chain link, the key id and the envelope bytes,
// computed by src/wire/gen_envelope_kat.py from docs/wire-format.md with an
// independent model (the Python SWIFFT model, hashlib's SHAKE256, msgpack
// encoded by hand), never by this code. A change to any of these bytes is a
// wire format change: both the model and the docs must change with it.

#include "wire/envelope_kat.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "crypto/sis/sis_digest.h"
#include "trust/keys.h"
#include "wire/envelope.h"

namespace fog::wire {
namespace {

// The inputs, as the generator's docstring defines them.
Bytes Data1() {
  Bytes b(300);
  for (size_t i = 0; i < b.size(); ++i)
    b[i] = static_cast<uint8_t>(7 * i % 251);
  return b;
}
Bytes Data2() {
  std::string s;
  for (int i = 0; i < 10; ++i) s += "fog";
  return Bytes(s.begin(), s.end());
}
Bytes PublicKey() {  // the size of an ML-DSA-44 public key
  Bytes b(1312);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(31 * i + 7);
  return b;
}
// A byte pattern of an ML-DSA-44 signature's size: the encoder carries the
// signature as it is, and ML-DSA is pinned by the ACVP vectors.
Bytes SignaturePattern() {
  Bytes b(2420);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(13 * i + 1);
  return b;
}

struct Chain {
  sis::Digest d1 = sis::SisDigest(Data1());
  sis::Digest d2 = sis::SisDigest(Data2());
  Link link1 = ChainLink(kat::kVideoId, 1, kat::kTotal, d1, GenesisLink());
  Link link2 = ChainLink(kat::kVideoId, 2, kat::kTotal, d2, link1);
  KeyId key_id = trust::KeyIdOf(PublicKey());
};

Envelope Make(int64_t number, const Bytes& data, const sis::Digest& digest,
              const Link& prev, int64_t first, const KeyId& key_id) {
  return Envelope{{kat::kVideoId, number, kat::kTotal, data},
                  Signature{.digest = digest,
                            .prev = prev,
                            .first = first,
                            .key_id = key_id,
                            .sig = SignaturePattern()}};
}

TEST(EnvelopeKatTest, DigestsOfTheData) {
  Chain c;
  EXPECT_EQ(ToHex(c.d1), kat::kDigest1Hex);
  EXPECT_EQ(ToHex(c.d2), kat::kDigest2Hex);
}

TEST(EnvelopeKatTest, ChainLinks) {
  Chain c;
  EXPECT_EQ(ToHex(GenesisLink()), std::string(144, '0'));
  EXPECT_EQ(ToHex(c.link1), kat::kLink1Hex);
  EXPECT_EQ(ToHex(c.link2), kat::kLink2Hex);
}

TEST(EnvelopeKatTest, KeyIdIsShake256OfThePublicKey) {
  EXPECT_EQ(ToHex(Chain().key_id), kat::kKeyIdHex);
}

TEST(EnvelopeKatTest, PerPacketEnvelopeBytes) {
  Chain c;
  EXPECT_EQ(
      ToHex(EncodeEnvelope(Make(1, Data1(), c.d1, GenesisLink(), 1, c.key_id))),
      kat::kEnvelope1Hex);
  EXPECT_EQ(ToHex(EncodeEnvelope(Make(2, Data2(), c.d2, c.link1, 2, c.key_id))),
            kat::kEnvelope2Hex);
}

TEST(EnvelopeKatTest, AmortizedEnvelopeBytes) {
  Chain c;
  EXPECT_EQ(
      ToHex(EncodeEnvelope(Make(2, Data2(), c.d2, GenesisLink(), 1, c.key_id))),
      kat::kEnvelope2SegmentHex);
  EXPECT_EQ(ToHex(EncodeEnvelope(
                Envelope{{kat::kVideoId, 1, kat::kTotal, Data1()}, {}})),
            kat::kEnvelope1UnsignedHex);
}

TEST(EnvelopeKatTest, TheKnownBytesDecodeBack) {
  Chain c;
  Result<Bytes> bytes = FromHex(kat::kEnvelope2Hex);
  ASSERT_TRUE(bytes.ok());
  Result<Envelope> e = DecodeEnvelope(*bytes);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(*e, Make(2, Data2(), c.d2, c.link1, 2, c.key_id));
}

}  // namespace
}  // namespace fog::wire
