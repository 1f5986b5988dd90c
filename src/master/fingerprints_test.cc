#include "master/fingerprints.h"

#include <gtest/gtest.h>

namespace fog::master {
namespace {

TEST(FingerprintsTest, TellsDifferentPayloadsApart) {
  const Bytes a = {1, 2, 3}, b = {1, 2, 4};
  EXPECT_EQ(Fingerprints::Of(a), Fingerprints::Of(a));
  EXPECT_NE(Fingerprints::Of(a), Fingerprints::Of(b));
}

TEST(FingerprintsTest, IsTheFirstHalfOfSha256) {
  // FIPS 180-2, appendix B.1: SHA-256("abc").
  const Bytes abc = {'a', 'b', 'c'};
  const Fingerprints::Digest want = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01,
                                     0xcf, 0xea, 0x41, 0x41, 0x40, 0xde,
                                     0x5d, 0xae, 0x22, 0x23};
  EXPECT_EQ(Fingerprints::Of(abc), want);
}

TEST(FingerprintsTest, RemembersAndReplaces) {
  Fingerprints f(10);
  const PacketKey k{"v", 1};
  EXPECT_FALSE(f.Get(k).has_value());
  f.Set(k, Fingerprints::Of(Bytes{1}));
  EXPECT_EQ(f.Get(k), Fingerprints::Of(Bytes{1}));
  f.Set(k, Fingerprints::Of(Bytes{2}));
  EXPECT_EQ(f.Get(k), Fingerprints::Of(Bytes{2}));
  EXPECT_EQ(f.size(), 1u);
}

TEST(FingerprintsTest, ForgetsTheOldestBeyondItsBound) {
  Fingerprints f(2);
  for (int64_t n = 1; n <= 3; ++n) f.Set({"v", n}, Fingerprints::Of(Bytes{}));
  EXPECT_EQ(f.size(), 2u);
  EXPECT_FALSE(f.Get({"v", 1}).has_value());
  EXPECT_TRUE(f.Get({"v", 3}).has_value());
}

}  // namespace
}  // namespace fog::master
