#include "common/crc32c.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace fog::crc32c {
namespace {

Bytes RandomBytes(uint32_t seed, size_t size) {
  std::mt19937 rng(seed);
  Bytes out(size);
  for (uint8_t& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

// Known answers: the CRC-32C check value and the iSCSI vectors of
// RFC 3720, appendix B.4.
TEST(Crc32cTest, KnownAnswers) {
  EXPECT_EQ(Value(AsBytes("123456789")), 0xE3069283u);
  Bytes buf(32, 0x00);
  EXPECT_EQ(Value(buf), 0x8A9136AAu);
  std::fill(buf.begin(), buf.end(), 0xFF);
  EXPECT_EQ(Value(buf), 0x62A8AB43u);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(Value(buf), 0x46DD794Eu);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<uint8_t>(31 - i);
  EXPECT_EQ(Value(buf), 0x113FDB5Cu);
  EXPECT_EQ(Value({}), 0u);
}

TEST(Crc32cTest, ExtendComposes) {
  Bytes data = RandomBytes(1, 1000);
  ByteView all(data);
  for (size_t cut : {0, 1, 7, 8, 9, 500, 999, 1000}) {
    EXPECT_EQ(Extend(Value(all.first(cut)), all.subspan(cut)), Value(all));
  }
}

// The hardware and table paths agree on every length and alignment.
TEST(Crc32cTest, PortableMatchesDispatched) {
  Bytes data = RandomBytes(2, 3 * 65536 + 64);
  // Around one, two and several rounds of the three-stream loop (3 KiB).
  for (size_t start = 0; start < 16; ++start) {
    for (size_t len : {0, 1, 3, 7, 8, 15, 16, 63, 64, 65, 1000, 3071, 3072,
                       3073, 4096, 6144, 6151, 65536, 3 * 65536}) {
      ByteView v = ByteView(data).subspan(start, len);
      ASSERT_EQ(ExtendPortable(0x12345678u, v), Extend(0x12345678u, v))
          << "start " << start << " len " << len;
    }
  }
}

TEST(Crc32cTest, MaskRoundTripsAndChangesValue) {
  for (uint32_t crc : {0u, 1u, 0xE3069283u, 0xFFFFFFFFu}) {
    EXPECT_EQ(Unmask(Mask(crc)), crc);
    EXPECT_NE(Mask(crc), crc);
  }
}

}  // namespace
}  // namespace fog::crc32c
