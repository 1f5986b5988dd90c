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
  for (GetRange r : {GetRange{}, GetRange{.first = 2, .last = 2},
                     GetRange{.first = 9}, GetRange{.max_bytes = 77}}) {
    Result<GetRange> back = DecodeGetRange(EncodeGetRange(r));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->first, r.first);
    EXPECT_EQ(back->last, r.last);
    EXPECT_EQ(back->max_bytes, r.max_bytes);
  }
}

TEST(GetRangeTest, CarriesThePageBudget) {
  EXPECT_EQ(Text(EncodeGetRange({.first = 4, .max_bytes = 1000})),
            R"({"first":4,"max_bytes":1000})");
  Result<GetRange> back = DecodeGetRange(
      EncodeGetRange({.first = 4, .last = 9, .max_bytes = 1000}));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->max_bytes, 1000);
  EXPECT_EQ(PageBytes(*back), 1000);
}

TEST(GetRangeTest, OldRequestsGetTheDefaultPage) {
  const std::string old = R"({"first":3,"last":7})";
  Result<GetRange> r = DecodeGetRange(Bytes(old.begin(), old.end()));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->max_bytes, 0);
  EXPECT_EQ(PageBytes(*r), kDefaultPageBytes);
  EXPECT_EQ(PageBytes({}), kDefaultPageBytes);
}

TEST(GetRangeTest, CapsThePageAndRefusesANegativeBudget) {
  EXPECT_EQ(PageBytes({.max_bytes = kMaxPageBytes * 4}), kMaxPageBytes);
  const std::string bad = R"({"first":1,"max_bytes":-5})";
  Result<GetRange> r = DecodeGetRange(Bytes(bad.begin(), bad.end()));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
}

TEST(GetRangeTest, RefusesWhatIsNotJson) {
  const std::string junk = "{first: 1";
  Result<GetRange> r = DecodeGetRange(Bytes(junk.begin(), junk.end()));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
}

TEST(GetRangeTest, RefusesANumberThatIsNotAnInteger) {
  for (const char* body :
       {R"({"first": 2.5})", R"({"last": 1e300})", R"({"max_bytes": "9"})"}) {
    const std::string text = body;
    Result<GetRange> r = DecodeGetRange(Bytes(text.begin(), text.end()));
    EXPECT_FALSE(r.ok()) << body;
  }
}

}  // namespace
}  // namespace fog::wire
