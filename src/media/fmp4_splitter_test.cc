#include "media/fmp4_splitter.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "media/box.h"
#include "media/box_test_util.h"
#include "media/test_video.h"

namespace fog::media {
namespace {

using testing::Concat;
using testing::MakeBox;

std::vector<FourCc> TopLevelTypes(ByteView data) {
  std::vector<FourCc> types;
  BoxIterator it(data);
  while (auto box = it.Next()) types.push_back(box->type);
  EXPECT_TRUE(it.status().ok()) << it.status().ToString();
  return types;
}

// Splits `stream` fed in chunks of 1..max_chunk bytes (seeded, reproducible).
Result<std::vector<MediaPacket>> Split(ByteView stream, size_t max_chunk,
                                       SplitterOptions options = {}) {
  Fmp4Splitter splitter(options);
  std::vector<MediaPacket> packets;
  std::mt19937 rng(42);
  std::uniform_int_distribution<size_t> size(1, max_chunk);
  for (size_t i = 0; i < stream.size();) {
    size_t n = std::min(size(rng), stream.size() - i);
    if (Status s = splitter.Feed(stream.subspan(i, n), &packets); !s.ok())
      return s;
    i += n;
  }
  if (Status s = splitter.Finish(&packets); !s.ok()) return s;
  return packets;
}

// The real thing: ffmpeg's fMP4 of a 4 s H.264 + AAC video, made once.
class RealVideoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    source_ = dir_->path() + "/source.mp4";
    ASSERT_TRUE(testing::MakeTestVideo(source_, 4).ok());
    Result<Bytes> fmp4 = testing::FragmentWithFfmpeg(source_);
    ASSERT_TRUE(fmp4.ok()) << fmp4.status().ToString();
    fmp4_ = new Bytes(std::move(*fmp4));
  }
  static void TearDownTestSuite() {
    delete fmp4_;
    delete dir_;
  }
  static testing::TempDir* dir_;
  static std::string source_;
  static Bytes* fmp4_;
};
testing::TempDir* RealVideoTest::dir_ = nullptr;
std::string RealVideoTest::source_;
Bytes* RealVideoTest::fmp4_ = nullptr;

TEST_F(RealVideoTest, CutsInitAndFragmentsWhateverTheChunkSize) {
  for (size_t max_chunk : {size_t{1} << 16, size_t{977}, size_t{7}}) {
    auto packets = Split(*fmp4_, max_chunk);
    ASSERT_TRUE(packets.ok()) << packets.status().ToString();
    ASSERT_GE(packets->size(), 4u);
    EXPECT_EQ((*packets)[0].kind, PacketKind::kInit);
    EXPECT_EQ(TopLevelTypes((*packets)[0].data),
              (std::vector<FourCc>{MakeFourCc("ftyp"), MakeFourCc("moov")}));
    Bytes joined;
    for (size_t i = 0; i < packets->size(); ++i) {
      const MediaPacket& p = (*packets)[i];
      EXPECT_EQ(p.number, static_cast<int64_t>(i + 1));
      if (i > 0) {
        EXPECT_EQ(p.kind, PacketKind::kFragment);
        std::vector<FourCc> types = TopLevelTypes(p.data);
        ASSERT_FALSE(types.empty());
        EXPECT_EQ(types.front(), MakeFourCc("moof")) << "packet " << p.number;
        EXPECT_EQ(types.back(), MakeFourCc("mdat")) << "packet " << p.number;
      }
      joined.insert(joined.end(), p.data.begin(), p.data.end());
    }
    // The stream minus its trailing mfra.
    std::vector<FourCc> types = TopLevelTypes(*fmp4_);
    ASSERT_EQ(types.back(), MakeFourCc("mfra"));
    EXPECT_LT(joined.size(), fmp4_->size());
    EXPECT_TRUE(std::equal(joined.begin(), joined.end(), fmp4_->begin()));
    EXPECT_EQ(TopLevelTypes(ByteView(*fmp4_).subspan(joined.size())),
              std::vector<FourCc>{MakeFourCc("mfra")});
  }
}

TEST_F(RealVideoTest, PacketsConcatenatedDecodeToTheSameFrames) {
  auto packets = Split(*fmp4_, 4096);
  ASSERT_TRUE(packets.ok()) << packets.status().ToString();
  std::string joined = dir_->path() + "/joined.mp4";
  {
    std::ofstream out(joined, std::ios::binary);
    for (const MediaPacket& p : *packets) {
      out.write(reinterpret_cast<const char*>(p.data.data()),
                static_cast<std::streamsize>(p.data.size()));
    }
  }
  auto want = testing::FrameHashes(source_);
  auto got = testing::FrameHashes(joined);
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(want->size(), 2u);          // video and audio
  EXPECT_EQ(want->at(0).size(), 100u);  // 4 s at 25 fps
  EXPECT_EQ(*got, *want);
}

TEST_F(RealVideoTest, EnforcesTheMaximumPacketSizeNamingThePacket) {
  auto packets = Split(*fmp4_, 65536, {.max_packet_bytes = 20000});
  ASSERT_FALSE(packets.ok());
  EXPECT_NE(packets.status().message().find("packet 2 (fragment)"),
            std::string::npos)
      << packets.status().message();
  EXPECT_NE(packets.status().message().find("20000 bytes"), std::string::npos);
}

Bytes Init() {
  return Concat({MakeBox("ftyp", Bytes(8, 0)), MakeBox("moov", Bytes(30, 1))});
}
Bytes Fragment(uint8_t fill, size_t mdat = 50) {
  return Concat(
      {MakeBox("moof", Bytes(20, fill)), MakeBox("mdat", Bytes(mdat, fill))});
}

Status SplitError(ByteView stream, SplitterOptions options = {}) {
  auto packets = Split(stream, 5, options);
  return packets.ok() ? Status::OK() : packets.status();
}

void ExpectError(const Status& s, const std::string& needle) {
  ASSERT_FALSE(s.ok()) << "expected an error containing: " << needle;
  EXPECT_NE(s.message().find(needle), std::string::npos) << s.message();
}

TEST(Fmp4SplitterTest, PrefixBoxesJoinTheirFragmentAndTrailersAreDropped) {
  Bytes styp = MakeBox("styp", Bytes(8, 9));
  Bytes sidx = MakeBox("sidx", Bytes(24, 9));
  Bytes free_box = MakeBox("free", Bytes(3, 0));
  Bytes stream =
      Concat({Init(), MakeBox("free", {}), styp, sidx, Fragment(1), free_box,
              Fragment(2), MakeBox("mfra", Bytes(16, 0)), free_box});
  auto packets = Split(stream, 3);
  ASSERT_TRUE(packets.ok()) << packets.status().ToString();
  ASSERT_EQ(packets->size(), 3u);
  EXPECT_EQ((*packets)[0].data, Concat({Init(), MakeBox("free", {})}));
  EXPECT_EQ((*packets)[1].data, Concat({styp, sidx, Fragment(1)}));
  EXPECT_EQ((*packets)[2].data, Concat({free_box, Fragment(2)}));
}

TEST(Fmp4SplitterTest, AcceptsLargeSizeBoxesAndSeveralMdats) {
  Bytes frag = Concat({MakeBox("moof", Bytes(20, 1)),
                       MakeBox("mdat", Bytes(40, 2), true),
                       MakeBox("mdat", Bytes(10, 3))});
  auto packets = Split(Concat({Init(), frag}), 11);
  ASSERT_TRUE(packets.ok()) << packets.status().ToString();
  ASSERT_EQ(packets->size(), 2u);
  EXPECT_EQ((*packets)[1].data, frag);
}

TEST(Fmp4SplitterTest, RejectsMalformedStreams) {
  ExpectError(SplitError(Concat({MakeBox("ftyp", {}), Fragment(1)})),
              "a fragment before the moov");
  ExpectError(
      SplitError(Concat({MakeBox("ftyp", {}), MakeBox("mdat", Bytes(9, 0)),
                         MakeBox("moov", {})})),
      "not a fragmented MP4");
  ExpectError(SplitError(Concat({Init(), MakeBox("mdat", Bytes(9, 0))})),
              "not a fragmented MP4");
  ExpectError(SplitError(Concat({Init(), MakeBox("moof", {}), Fragment(2)})),
              "packet 2 has a moof without mdat");
  ExpectError(SplitError(Concat({Init(), Fragment(1), MakeBox("moof", {})})),
              "packet 3 is a fragment with a moof but no mdat");
  ExpectError(SplitError(Concat({Init(), Fragment(1), MakeBox("moov", {})})),
              "a second moov");
  ExpectError(SplitError(Init()), "no media fragment");
  ExpectError(SplitError(Bytes()), "no moov");
  Bytes truncated = Concat({Init(), Fragment(1)});
  truncated.pop_back();
  ExpectError(SplitError(truncated), "truncated stream");
  ExpectError(
      SplitError(Concat({Init(), Bytes{0, 0, 0, 4, 'm', 'o', 'o', 'f'}})),
      "less than its 8-byte header");
  ExpectError(
      SplitError(Concat({Init(), Bytes{0, 0, 0, 0, 'm', 'd', 'a', 't'}})),
      "size 0");
}

TEST(Fmp4SplitterTest, LimitAppliesBeforeTheBoxIsBuffered) {
  // A header announcing a 1 GiB mdat fails at once, with 16 bytes fed.
  Fmp4Splitter splitter({.max_packet_bytes = 1000});
  std::vector<MediaPacket> out;
  ASSERT_TRUE(
      splitter.Feed(Concat({Init(), MakeBox("moof", Bytes(20, 0))}), &out)
          .ok());
  Bytes header = {0, 0, 0, 1, 'm', 'd', 'a', 't', 0, 0, 0, 0, 0x40, 0, 0, 0};
  Status s = splitter.Feed(header, &out);
  ExpectError(s, "packet 2 (fragment) would be at least 1073741852 bytes");
  ExpectError(splitter.Feed(Bytes(10, 0), &out), "packet 2");  // sticky
  ExpectError(SplitError(Concat({Init(), Fragment(1, 2000)}),
                         {.max_packet_bytes = 1000}),
              "maximum packet size of 1000 bytes");
}

}  // namespace
}  // namespace fog::media
