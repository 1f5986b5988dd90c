#include "wire/get_range.h"

#include <gtest/gtest.h>

#include <string>

namespace fog::wire {
namespace {

std::string Text(const Bytes& b) { return std::string(b.begin(), b.end()); }

TEST(GetRangeTest, EncodesOnlyWhatBoundsTheRange) {
  EXPECT_TRUE(EncodeGetRange({}).empty());
  EXPECT_EQ(Text(EncodeGetRange({.first = 3, .last = 7})),
            R"({"first":3,"last":7})");
  EXPECT_EQ(Text(EncodeGetRange({.first = 5})), R"({"first":5})");
}

TEST(GetRangeTest, DecodesWhatItEncodes) {
  for (GetRange r :
       {GetRange{}, GetRange{.first = 2, .last = 2}, GetRange{.first = 9}}) {
    Result<GetRange> back = DecodeGetRange(EncodeGetRange(r));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->first, r.first);
    EXPECT_EQ(back->last, r.last);
  }
}

TEST(GetRangeTest, RefusesWhatIsNotJson) {
  const std::string junk = "{first: 1";
  Result<GetRange> r = DecodeGetRange(Bytes(junk.begin(), junk.end()));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
}

}  // namespace
}  // namespace fog::wire
