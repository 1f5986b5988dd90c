#include "media/box_reader.h"

#include <gtest/gtest.h>

#include "media/box.h"
#include "media/box_test_util.h"

namespace fog::media {
namespace {

using testing::Concat;
using testing::MakeBox;

TEST(BoxHeaderTest, ParsesCompactAndLargeSizes) {
  Bytes compact = MakeBox("ftyp", Bytes(12, 1));
  auto h = ParseBoxHeader(compact);
  ASSERT_TRUE(h.ok());
  ASSERT_TRUE(h->has_value());
  EXPECT_EQ((*h)->type, MakeFourCc("ftyp"));
  EXPECT_EQ((*h)->size, 20u);
  EXPECT_EQ((*h)->header_size, 8u);

  Bytes large = MakeBox("mdat", Bytes(5, 2), /*large=*/true);
  h = ParseBoxHeader(large);
  ASSERT_TRUE(h.ok() && h->has_value());
  EXPECT_EQ((*h)->size, 21u);
  EXPECT_EQ((*h)->header_size, 16u);
  // Not enough bytes for the largesize yet: ask for more.
  h = ParseBoxHeader(ByteView(large).first(12));
  ASSERT_TRUE(h.ok());
  EXPECT_FALSE(h->has_value());
}

TEST(BoxHeaderTest, RejectsMalformedHeaders) {
  Bytes zero = {0, 0, 0, 0, 'm', 'd', 'a', 't'};
  auto h = ParseBoxHeader(zero);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.status().message().find("size 0"), std::string::npos);

  Bytes tiny = {0, 0, 0, 7, 'f', 'r', 'e', 'e'};
  EXPECT_FALSE(ParseBoxHeader(tiny).ok());

  Bytes small_large = {0, 0, 0, 1, 'm', 'd', 'a', 't', 0, 0, 0, 0, 0, 0, 0, 15};
  EXPECT_FALSE(ParseBoxHeader(small_large).ok());

  Bytes absurd = {0, 0, 0, 1, 'm', 'd', 'a', 't', 0xff, 0, 0, 0, 0, 0, 0, 0};
  h = ParseBoxHeader(absurd);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.status().message().find("absurd"), std::string::npos);

  Bytes garbage = {0, 0, 0, 16, 0x01, 0xfe, 'x', 'y'};
  h = ParseBoxHeader(garbage);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.status().message().find("not an ISO-BMFF"), std::string::npos);
}

TEST(BoxReaderTest, AssemblesBoxesFedOneByteAtATime) {
  Bytes stream =
      Concat({MakeBox("ftyp", Bytes(20, 1)),
              MakeBox("mdat", Bytes(300, 2), true), MakeBox("free", {})});
  BoxReader reader;
  Bytes out;
  std::vector<FourCc> types;
  for (uint8_t b : stream) {
    reader.Append(ByteView(&b, 1));
    for (;;) {
      auto h = reader.Next(&out);
      ASSERT_TRUE(h.ok()) << h.status().ToString();
      if (!h->has_value()) break;
      types.push_back((*h)->type);
    }
  }
  EXPECT_EQ(types, (std::vector<FourCc>{MakeFourCc("ftyp"), MakeFourCc("mdat"),
                                        MakeFourCc("free")}));
  EXPECT_EQ(out, stream);
  EXPECT_EQ(reader.buffered(), 0u);
  EXPECT_EQ(reader.offset(), stream.size());
}

TEST(BoxReaderTest, ReportsTheStreamOffsetOfABadHeader) {
  Bytes stream =
      Concat({MakeBox("ftyp", Bytes(4, 0)), {0, 0, 0, 3, 'b', 'a', 'd', '!'}});
  BoxReader reader;
  reader.Append(stream);
  Bytes out;
  ASSERT_TRUE(reader.Next(&out).ok());
  auto h = reader.Next(&out);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.status().message().find("offset 12"), std::string::npos)
      << h.status().message();
}

TEST(BoxIteratorTest, StopsWithAnErrorOnATruncatedChild) {
  Bytes data =
      Concat({MakeBox("tkhd", Bytes(4, 0)), MakeBox("mdia", Bytes(10, 0))});
  data.resize(data.size() - 3);
  BoxIterator it(data);
  EXPECT_TRUE(it.Next().has_value());
  EXPECT_FALSE(it.Next().has_value());
  EXPECT_FALSE(it.status().ok());
}

}  // namespace
}  // namespace fog::media
