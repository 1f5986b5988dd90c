#include "common/packet_ranges.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace fog {
namespace {

TEST(PacketRangesTest, RangesOfNumbers) {
  EXPECT_TRUE(RangesOf({}).empty());
  EXPECT_EQ(RangesOf({1, 2, 3, 5, 7, 8}),
            (PacketRanges{{1, 3}, {5, 5}, {7, 8}}));
  EXPECT_EQ(CountOf(RangesOf({1, 2, 3, 5, 7, 8})), 6);
}

TEST(PacketRangesTest, UnionMergesOverlappingAndAdjacentRanges) {
  EXPECT_EQ(UnionOf({}), PacketRanges{});
  EXPECT_EQ(FormatRanges(UnionOf({{{1, 10}}, {{5, 12}}, {{20, 20}}})),
            "1-12,20");
  EXPECT_EQ(FormatRanges(UnionOf({{{3, 4}, {9, 9}}, {{1, 2}, {5, 5}}})),
            "1-5,9");
  EXPECT_EQ(FormatRanges(UnionOf({{{1, 10}}, {{2, 3}}})), "1-10");
}

TEST(PacketRangesTest, UnionCountsEachNumberOnce) {
  EXPECT_EQ(UnionCount({}), 0);
  EXPECT_EQ(UnionCount({{{1, 10}}, {{5, 12}}, {{20, 20}}}), 13);
  EXPECT_EQ(UnionCount({{{1, 10}}, {{2, 3}, {5, 6}}}), 10);
  // Against a set, on random subsets of 1..200 spread over 4 holders.
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::set<int64_t> all;
    std::vector<PacketRanges> sets;
    for (int w = 0; w < 4; ++w) {
      std::vector<int64_t> mine;
      for (int64_t n = 1; n <= 200; ++n) {
        if (rng() % 3 == 0) {
          mine.push_back(n);
          all.insert(n);
        }
      }
      sets.push_back(RangesOf(mine));
    }
    ASSERT_EQ(UnionCount(sets), static_cast<int64_t>(all.size()));
  }
}

TEST(PacketRangesTest, TextRoundTrip) {
  PacketRanges r{{1, 20}, {22, 22}, {25, 30}};
  EXPECT_EQ(FormatRanges(r), "1-20,22,25-30");
  EXPECT_EQ(*ParseRanges("1-20,22,25-30"), r);
  EXPECT_TRUE(ParseRanges("")->empty());
  for (const char* bad : {"1-", "-1", "1,,2", "1,", "a", "1-2-3", "1 ,2", "+1",
                          "99999999999999999999"}) {
    EXPECT_FALSE(ParseRanges(bad).ok()) << bad;
  }
}

TEST(PacketRangesTest, Validation) {
  EXPECT_TRUE(ValidateRanges({{1, 3}, {5, 9}}, 100, 10).ok());
  EXPECT_FALSE(ValidateRanges({{0, 3}}, 100, 10).ok());
  EXPECT_FALSE(ValidateRanges({{4, 3}}, 100, 10).ok());
  EXPECT_FALSE(ValidateRanges({{1, 101}}, 100, 10).ok());
  EXPECT_FALSE(ValidateRanges({{1, 3}, {4, 5}}, 100, 10).ok());  // adjacent
  EXPECT_FALSE(ValidateRanges({{5, 6}, {1, 2}}, 100, 10).ok());  // descending
  EXPECT_FALSE(ValidateRanges({{1, 1}, {3, 3}, {5, 5}}, 100, 2).ok());
}

}  // namespace
}  // namespace fog
