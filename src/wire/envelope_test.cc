#include "wire/envelope.h"

#include <gtest/gtest.h>

namespace fog::wire {
namespace {

Envelope Signed(int64_t number, int64_t first) {
  Envelope e{{"cam-1", number, 0, Bytes(100, 9)}, Signature{}};
  e.signature->digest = sis::SisDigest(e.packet.data);
  e.signature->prev.fill(3);
  e.signature->first = first;
  e.signature->key_id.fill(7);
  e.signature->sig = Bytes(2420, 5);
  return e;
}

TEST(EnvelopeTest, RoundTripsSignedAndUnsigned) {
  for (const Envelope& e :
       {Signed(5, 5), Signed(20, 5), Envelope{{"cam-1", 3, 10, {1, 2}}, {}}}) {
    Result<Envelope> back = DecodeEnvelope(EncodeEnvelope(e));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, e);
  }
}

TEST(EnvelopeTest, SeedReadersStillFindTheVideoPacketFields) {
  // The four seed fields come first, in the seed's order and encoding.
  Envelope e = Signed(5, 5);
  Bytes seed = EncodeVideoPacket(e.packet);
  Bytes native = EncodeEnvelope(e);
  ASSERT_GT(native.size(), seed.size());
  EXPECT_TRUE(std::equal(seed.begin() + 1, seed.end(), native.begin() + 1));
}

TEST(EnvelopeTest, PerPacketOverheadWithMlDsa44) {
  Envelope e = Signed(5, 5);
  size_t overhead =
      EncodeEnvelope(e).size() - EncodeVideoPacket(e.packet).size();
  EXPECT_EQ(overhead, 2600u);  // docs/wire-format.md states this number
  Envelope unsigned_e{e.packet, std::nullopt};
  EXPECT_EQ(
      EncodeEnvelope(unsigned_e).size() - EncodeVideoPacket(e.packet).size(),
      3u);
}

TEST(EnvelopeTest, RejectsMalformedEnvelopes) {
  Envelope e = Signed(5, 5);
  Bytes good = EncodeEnvelope(e);
  EXPECT_FALSE(DecodeEnvelope(Bytes(good.begin(), good.end() - 1)).ok());
  Envelope bad_id = e;
  bad_id.packet.video_id = "../../etc/passwd";
  EXPECT_FALSE(DecodeEnvelope(EncodeEnvelope(bad_id)).ok());
  Envelope zero = e;
  zero.packet.packet_number = 0;
  EXPECT_FALSE(DecodeEnvelope(EncodeEnvelope(zero)).ok());
  Envelope past_total = e;
  past_total.packet.total_packets = 4;
  EXPECT_FALSE(DecodeEnvelope(EncodeEnvelope(past_total)).ok());
  // A seed VideoPacket is not an envelope (no "v").
  EXPECT_FALSE(DecodeEnvelope(EncodeVideoPacket(e.packet)).ok());
}

TEST(EnvelopeTest, ValidatesVideoIds) {
  EXPECT_TRUE(ValidateVideoId("3f1c9a52-7d4e-4b1a-9c2f-0e8d6b5a4c31").ok());
  for (const char* bad : {"", ".", "..", "a/b", "a+b", "a#", "a b", "..\\x"}) {
    EXPECT_FALSE(ValidateVideoId(bad).ok()) << bad;
  }
  EXPECT_FALSE(ValidateVideoId(std::string(256, 'a')).ok());
}

TEST(EnvelopeTest, ChainLinkBindsEveryField) {
  sis::Digest d = sis::SisDigest(AsBytes("x"));
  Link base = ChainLink("a", 1, 0, d, GenesisLink());
  EXPECT_NE(base, ChainLink("b", 1, 0, d, GenesisLink()));
  EXPECT_NE(base, ChainLink("a", 2, 0, d, GenesisLink()));
  EXPECT_NE(base, ChainLink("a", 1, 1, d, GenesisLink()));
  EXPECT_NE(base,
            ChainLink("a", 1, 0, sis::SisDigest(AsBytes("y")), GenesisLink()));
  EXPECT_NE(base, ChainLink("a", 1, 0, d, base));
}

}  // namespace
}  // namespace fog::wire
