#include "wire/video_packet.h"

#include <gtest/gtest.h>

namespace fog::wire {
namespace {

TEST(VideoPacketTest, EncodesLikeTheGoClient) {
  // pos-data-1 from the legacy vectors: fixint numbers, str8 id, bin8 data.
  VideoPacket p{"3f1c9a52-7d4e-4b1a-9c2f-0e8d6b5a4c31", 2, 0, {0xb0}};
  std::string id_hex = ToHex(AsBytes(p.video_id));
  EXPECT_EQ(ToHex(EncodeVideoPacket(p)), "84a8766964656f5f6964d924" + id_hex +
                                             "ad7061636b65745f6e756d62657202"
                                             "ad746f74616c5f7061636b6574730"
                                             "0a464617461c401b0");
  auto back = DecodeVideoPacket(EncodeVideoPacket(p));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, p);
}

TEST(VideoPacketTest, RoundTripsLargeAndNegativeIntegers) {
  VideoPacket p{"v", int64_t{1} << 32, -1, Bytes(70000, 7)};
  auto back = DecodeVideoPacket(EncodeVideoPacket(p));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, p);
}

TEST(VideoPacketTest, RejectsMalformedInput) {
  EXPECT_FALSE(DecodeVideoPacket(Bytes{}).ok());
  EXPECT_FALSE(DecodeVideoPacket(Bytes{0xc1}).ok());        // never-used byte
  EXPECT_FALSE(DecodeVideoPacket(Bytes{0x92, 0x01}).ok());  // truncated array
  EXPECT_FALSE(DecodeVideoPacket(Bytes{0x80}).ok());        // empty map
  VideoPacket p{"v", 1, 0, {1, 2}};
  Bytes extra = EncodeVideoPacket(p);
  extra.push_back(0x00);  // trailing byte after the map
  auto r = DecodeVideoPacket(extra);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("trailing"), std::string::npos);
  // A bin32 header that claims 4 GB must fail cleanly, not allocate.
  Bytes huge = {0x81, 0xa4, 'd', 'a', 't', 'a', 0xc6, 0xff, 0xff, 0xff, 0xff};
  EXPECT_FALSE(DecodeVideoPacket(huge).ok());
}

}  // namespace
}  // namespace fog::wire
