#include "master/fingerprints.h"

#include <gtest/gtest.h>

namespace fog::master {
namespace {

const Fingerprints::Key kKey = Fingerprints::RandomKey();

TEST(FingerprintsTest, TellsDifferentPayloadsApart) {
  const Fingerprints f(10, kKey);
  const Bytes a = {1, 2, 3}, b = {1, 2, 4};
  EXPECT_EQ(f.Of(a), f.Of(a));
  EXPECT_NE(f.Of(a), f.Of(b));
}

TEST(FingerprintsTest, IsPoly1305UnderItsKey) {
  // RFC 8439, section 2.5.2.
  const Fingerprints::Key key = {
      0x85, 0xd6, 0xbe, 0x78, 0x57, 0x55, 0x6d, 0x33, 0x7f, 0x44, 0x52,
      0xfe, 0x42, 0xd5, 0x06, 0xa8, 0x01, 0x03, 0x80, 0x8a, 0xfb, 0x0d,
      0xb2, 0xfd, 0x4a, 0xbf, 0xf6, 0xaf, 0x41, 0x49, 0xf5, 0x1b};
  const std::string text = "Cryptographic Forum Research Group";
  const Fingerprints::Digest want = {0xa8, 0x06, 0x1d, 0xc1, 0x30, 0x51,
                                     0x36, 0xc6, 0xc2, 0x2b, 0x8b, 0xaf,
                                     0x0c, 0x01, 0x27, 0xa9};
  EXPECT_EQ(Fingerprints(10, key).Of(AsBytes(text)), want);
}

TEST(FingerprintsTest, EachMasterDrawsItsOwnKey) {
  const Fingerprints::Key other = Fingerprints::RandomKey();
  ASSERT_NE(kKey, other);
  const Bytes a = {1, 2, 3};
  EXPECT_NE(Fingerprints(10, kKey).Of(a), Fingerprints(10, other).Of(a));
}

TEST(FingerprintsTest, RemembersAndReplaces) {
  Fingerprints f(10, kKey);
  const PacketKey k{"v", 1};
  EXPECT_FALSE(f.Get(k).has_value());
  f.Set(k, f.Of(Bytes{1}));
  EXPECT_EQ(f.Get(k), f.Of(Bytes{1}));
  f.Set(k, f.Of(Bytes{2}));
  EXPECT_EQ(f.Get(k), f.Of(Bytes{2}));
  EXPECT_EQ(f.size(), 1u);
}

TEST(FingerprintsTest, ForgetsTheOldestBeyondItsBound) {
  Fingerprints f(2, kKey);
  for (int64_t n = 1; n <= 3; ++n) f.Set({"v", n}, f.Of(Bytes{}));
  EXPECT_EQ(f.size(), 2u);
  EXPECT_FALSE(f.Get({"v", 1}).has_value());
  EXPECT_TRUE(f.Get({"v", 3}).has_value());
}

}  // namespace
}  // namespace fog::master
