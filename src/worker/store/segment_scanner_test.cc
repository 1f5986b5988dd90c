#include "worker/store/segment_scanner.h"

#include <gtest/gtest.h>

#include "worker/store/store_test_util.h"

namespace fog::worker {
namespace {

// A segment image of `count` packet records of video "v", packets 1..count.
struct Image {
  Bytes bytes;
  std::vector<uint64_t> offsets;  // start of each record, then the end
};

Image MakeImage(int count) {
  Image img;
  for (int i = 1; i <= count; ++i) {
    Bytes payload = testing::Payload(i, 30 + i);
    RecordMeta m;
    m.packet_number = i;
    m.video_id = "v";
    EncodedRecord rec = EncodeRecord(m, payload);
    img.offsets.push_back(img.bytes.size());
    img.bytes.insert(img.bytes.end(), rec.prefix.begin(), rec.prefix.end());
    img.bytes.insert(img.bytes.end(), payload.begin(), payload.end());
    img.bytes.insert(img.bytes.end(), rec.trailer.begin(), rec.trailer.end());
  }
  img.offsets.push_back(img.bytes.size());
  return img;
}

std::vector<int64_t> RecordNumbers(const SegmentScan& scan) {
  std::vector<int64_t> out;
  for (const ScanEvent& ev : scan.events) {
    if (ev.kind == ScanEvent::Kind::kRecord)
      out.push_back(ev.meta.packet_number);
  }
  return out;
}

TEST(SegmentScannerTest, CleanSegment) {
  Image img = MakeImage(3);
  SegmentScan scan = ScanSegment(img.bytes, true);
  EXPECT_EQ(RecordNumbers(scan), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(scan.valid_end, img.bytes.size());
  EXPECT_EQ(scan.events[1].offset, img.offsets[1]);
  EXPECT_EQ(scan.events[1].payload_size, 32u);
}

// Every cut inside the last record: the newest segment reports a torn tail
// at the record's start; an older segment reports the stub as corrupt.
TEST(SegmentScannerTest, EveryCutOfLastRecord) {
  Image img = MakeImage(3);
  for (uint64_t cut = img.offsets[2] + 1; cut < img.offsets[3]; ++cut) {
    ByteView data = ByteView(img.bytes).first(cut);
    SegmentScan newest = ScanSegment(data, true);
    ASSERT_EQ(RecordNumbers(newest), (std::vector<int64_t>{1, 2})) << cut;
    ASSERT_EQ(newest.valid_end, img.offsets[2]) << cut;
    ASSERT_EQ(newest.events.size(), 2u) << cut;
    SegmentScan older = ScanSegment(data, false);
    ASSERT_EQ(older.events.size(), 3u) << cut;
    EXPECT_EQ(older.events[2].kind, ScanEvent::Kind::kCorrupt);
    EXPECT_EQ(older.valid_end, cut);
  }
}

TEST(SegmentScannerTest, ZeroFilledTailIsTorn) {
  Image img = MakeImage(2);
  img.bytes.resize(img.bytes.size() + 4096, 0);
  SegmentScan scan = ScanSegment(img.bytes, true);
  EXPECT_EQ(RecordNumbers(scan), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(scan.valid_end, img.offsets[2]);
}

// Garbage between records is skipped and reported; scanning resumes at the
// next record.
TEST(SegmentScannerTest, ResynchronisesAfterGarbage) {
  Image img = MakeImage(3);
  Bytes junk = testing::Payload(99, 77);
  img.bytes.insert(img.bytes.begin() + img.offsets[1], junk.begin(),
                   junk.end());
  SegmentScan scan = ScanSegment(img.bytes, true);
  EXPECT_EQ(RecordNumbers(scan), (std::vector<int64_t>{1, 2, 3}));
  ASSERT_EQ(scan.events.size(), 4u);
  EXPECT_EQ(scan.events[1].kind, ScanEvent::Kind::kCorrupt);
  EXPECT_EQ(scan.events[1].size, 77u);
  EXPECT_FALSE(scan.events[1].key_known);
  EXPECT_EQ(scan.valid_end, img.bytes.size());
}

// Non-zero garbage at the end of the newest segment is not what a crash
// leaves: it is reported, not truncated.
TEST(SegmentScannerTest, GarbageTailIsCorruptNotTorn) {
  Image img = MakeImage(1);
  Bytes junk = testing::Payload(7, 100);
  img.bytes.insert(img.bytes.end(), junk.begin(), junk.end());
  SegmentScan scan = ScanSegment(img.bytes, true);
  ASSERT_EQ(scan.events.size(), 2u);
  EXPECT_EQ(scan.events[1].kind, ScanEvent::Kind::kCorrupt);
  EXPECT_EQ(scan.valid_end, img.bytes.size());
}

TEST(SegmentScannerTest, PayloadDamageKeepsKey) {
  Image img = MakeImage(3);
  img.bytes[img.offsets[2] - 10] ^= 0x01;  // inside record 2's payload
  SegmentScan scan = ScanSegment(img.bytes, true);
  EXPECT_EQ(RecordNumbers(scan), (std::vector<int64_t>{1, 3}));
  ASSERT_EQ(scan.events[1].kind, ScanEvent::Kind::kCorrupt);
  EXPECT_TRUE(scan.events[1].key_known);
  EXPECT_EQ(scan.events[1].meta.packet_number, 2);
  EXPECT_EQ(scan.events[1].size, img.offsets[2] - img.offsets[1]);
}

TEST(SegmentScannerTest, EmptySegment) {
  SegmentScan scan = ScanSegment({}, true);
  EXPECT_TRUE(scan.events.empty());
  EXPECT_EQ(scan.valid_end, 0u);
}

}  // namespace
}  // namespace fog::worker
