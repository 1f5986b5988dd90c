#include "wire/payload_format.h"

#include <gtest/gtest.h>

#include <random>

#include "wire/envelope.h"
#include "wire/legacy_payload.h"
#include "wire/video_packet.h"

namespace fog::wire {
namespace {

TEST(PayloadFormatTest, PeeksThePacketNumberOfEveryFormat) {
  const VideoPacket packet{"cam-1", 42, 50, Bytes(300, 1)};
  std::mt19937_64 rng(7);
  const Bytes seed = EncodeVideoPacket(packet);
  const Bytes native = EncodeEnvelope(Envelope{packet, {}});
  const Bytes legacy = MakeLegacyPayload(packet, rng);
  EXPECT_EQ(DetectFormat(seed), PayloadFormat::kVideoPacket);
  EXPECT_EQ(DetectFormat(native), PayloadFormat::kNative);
  EXPECT_EQ(DetectFormat(legacy), PayloadFormat::kLegacySis);
  for (const Bytes& payload : {seed, native, legacy}) {
    Result<int64_t> n = PeekPacketNumber(payload);
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    EXPECT_EQ(*n, 42);
  }
}

TEST(PayloadFormatTest, PeekRefusesWhatHasNoPacketNumber) {
  EXPECT_FALSE(PeekPacketNumber(Bytes{0xc1}).ok());  // not msgpack
  EXPECT_FALSE(PeekPacketNumber(Bytes{0x80}).ok());  // an empty map
  // A legacy shape whose inner packet is garbage.
  LegacyPayload broken{Bytes{1, 2, 3}, Bytes(10, 0), Bytes(10, 0)};
  EXPECT_FALSE(PeekPacketNumber(EncodeLegacyPayload(broken)).ok());
}

}  // namespace
}  // namespace fog::wire
