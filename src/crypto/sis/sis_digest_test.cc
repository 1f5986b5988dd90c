#include "crypto/sis/sis_digest.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "crypto/sis/swifft.h"
#include "crypto/sis/swifft_internal.h"

namespace fog::sis {
namespace {

std::vector<SwifftPath> AvailablePaths() {
  std::vector<SwifftPath> paths;
  for (SwifftPath p :
       {SwifftPath::kPortable, SwifftPath::kAvx2, SwifftPath::kAvx512}) {
    if (SwifftPathAvailable(p)) paths.push_back(p);
  }
  return paths;
}

Bytes RandomBytes(std::mt19937_64& rng, size_t n) {
  Bytes out(n);
  for (auto& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

// Known answers of our own construction (no external vectors exist). They
// come from the independent Python model in src/crypto/sis/gen_swifft_tables.py
// (`python3 src/crypto/sis/gen_swifft_tables.py --kat`).
TEST(SisDigestTest, KnownAnswers) {
  Bytes pattern;
  for (int r = 0; r < 4; ++r) {
    for (int b = 0; b < 256; ++b) pattern.push_back(static_cast<uint8_t>(b));
  }
  const struct {
    Bytes message;
    const char* hex;
  } kCases[] = {
      {{},
       "dc6a7cbbbc8a27faec45905168764cc0df43c44e0b5e30a414209ba86c14e0c892ea9d"
       "0f5dbca564962ad7ffed3f30e00f4462b637db0382de93a7f28d2a858b0000000000000"
       "0"
       "00"},
      {{'a', 'b', 'c'},
       "8be20d70255b6e94cc1cf1c465060990b30f4fee0891bd835c1fb83539e1dccb5ddde1"
       "7b27c4e959eba811184ec4300ddf58b2904d5db3dc13e44b69580807830000000000000"
       "000"},
      {pattern,
       "1698ab820245c64030d1f62dc35e4d6ba39f10f419f30fbad67e3588fa71bd74a92910"
       "95cea64c72ef02cbc49902529363a6dd7b12e3fd0a437bf8d2d36fb55e0000000000000"
       "000"},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(ToHex(SisDigest(c.message)), c.hex);
    for (SwifftPath path : AvailablePaths()) {
      EXPECT_EQ(ToHex(SisDigestWith(path, c.message)), c.hex)
          << SwifftPathName(path);
    }
  }
}

TEST(SisDigestTest, EmptyInputDiffersFromZeroByte) {
  const Digest empty = SisDigest({});
  const uint8_t zero = 0;
  EXPECT_NE(empty, SisDigest({&zero, 1}));
  SisHasher hasher;
  hasher.Update({});
  EXPECT_EQ(hasher.Final(), empty);
}

// The chained kernels agree with SwifftCompress + EncodeSwifft72, including
// outputs with coordinates equal to 256 (the flag bytes).
TEST(SisDigestTest, ChainMatchesCompressAndEncode) {
  std::mt19937_64 rng(11);
  const Bytes data = RandomBytes(rng, 56 * 3000);
  for (SwifftPath path : AvailablePaths()) {
    uint8_t state[72];
    std::memcpy(state, internal::kSisDigestIv, 72);
    uint8_t input[128];
    std::memcpy(input, internal::kSisDigestIv, 72);
    internal::KernelFor(path)->chain(state, data.data(), 3000);
    int with256 = 0;
    for (int c = 0; c < 3000; ++c) {
      std::memcpy(input + 72, data.data() + 56 * c, 56);
      const SwifftValues z = SwifftCompressWith(SwifftPath::kPortable, input);
      for (int k = 64; k < 72; ++k) with256 += input[k] != 0;
      const auto enc = EncodeSwifft72(z);
      std::memcpy(input, enc.data(), 72);
    }
    EXPECT_EQ(0, std::memcmp(state, input, 72)) << SwifftPathName(path);
    EXPECT_GT(with256, 0);
  }
}

TEST(SisDigestTest, EverySingleByteChangeOfSmallMessages) {
  std::mt19937_64 rng(12);
  for (size_t len : {1, 2, 47, 48, 55, 56, 57, 111, 112, 113, 200, 300}) {
    const Bytes msg = RandomBytes(rng, len);
    const Digest base = SisDigest(msg);
    for (size_t pos = 0; pos < len; ++pos) {
      for (uint8_t delta : {0x01, 0x80, 0xff}) {
        Bytes changed = msg;
        changed[pos] ^= delta;
        ASSERT_NE(SisDigest(changed), base) << len << " " << pos;
      }
    }
  }
}

TEST(SisDigestTest, SampledByteChangesOfLargeMessage) {
  std::mt19937_64 rng(13);
  Bytes msg = RandomBytes(rng, 1 << 20);
  const Digest base = SisDigest(msg);
  for (int n = 0; n < 24; ++n) {
    const size_t pos =
        n < 4 ? (n < 2 ? n : msg.size() - 4 + n) : rng() % msg.size();
    msg[pos] ^= 0x10;
    ASSERT_NE(SisDigest(msg), base) << pos;
    msg[pos] ^= 0x10;
  }
  EXPECT_EQ(SisDigest(msg), base);
}

TEST(SisDigestTest, MessagesDifferingOnlyInLength) {
  std::set<Digest> seen;
  Bytes msg;
  for (int len = 0; len <= 300; ++len) {
    EXPECT_TRUE(seen.insert(SisDigest(msg)).second) << len;
    msg.push_back(0);  // zero padding of the previous message
  }
}

TEST(SisDigestTest, IncrementalEqualsOneShotOnRandomSplits) {
  std::mt19937_64 rng(14);
  for (int n = 0; n < 200; ++n) {
    const Bytes msg = RandomBytes(rng, rng() % 3000);
    for (SwifftPath path : AvailablePaths()) {
      SisHasher hasher(path);
      size_t pos = 0;
      while (pos < msg.size()) {
        const size_t take = std::min<size_t>(
            msg.size() - pos, rng() % 3 == 0 ? rng() % 8 : rng() % 300);
        hasher.Update({msg.data() + pos, take});
        pos += take;
      }
      ASSERT_EQ(hasher.Final(), SisDigest(msg)) << n;
    }
  }
}

TEST(SisDigestTest, PortableEqualsFastOnRandomLengths) {
  std::mt19937_64 rng(15);
  const std::vector<SwifftPath> paths = AvailablePaths();
  for (int n = 0; n < 400; ++n) {
    const size_t len = n <= 200 ? n : rng() % 5001;
    const Bytes msg = RandomBytes(rng, len);
    const Digest want = SisDigestWith(SwifftPath::kPortable, msg);
    for (SwifftPath path : paths) {
      ASSERT_EQ(SisDigestWith(path, msg), want) << SwifftPathName(path) << len;
    }
  }
}

}  // namespace
}  // namespace fog::sis
