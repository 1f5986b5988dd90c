#include "worker/store/record.h"

#include <gtest/gtest.h>

#include "worker/store/store_test_util.h"

namespace fog::worker {
namespace {

RecordMeta SampleMeta(ByteView payload) {
  RecordMeta m;
  m.authenticated = true;
  m.received_unix_micros = 1700000000123456;
  m.packet_number = 7;
  m.total_packets = 42;
  m.payload_sha256 = Sha256(payload);
  m.video_id = "cam-1";
  m.format = "native";
  return m;
}

Bytes Flatten(const EncodedRecord& rec) {
  Bytes out(rec.prefix);
  out.insert(out.end(), rec.payload.begin(), rec.payload.end());
  out.insert(out.end(), rec.trailer.begin(), rec.trailer.end());
  return out;
}

Status CheckFlat(const Bytes& flat, size_t prefix, size_t payload,
                 RecordMeta* meta) {
  ByteView v(flat);
  return CheckRecord(v.first(prefix), v.subspan(prefix, payload),
                     v.subspan(prefix + payload), meta);
}

TEST(RecordTest, EncodeThenCheckRoundTrips) {
  Bytes payload = testing::Payload(3, 100);
  RecordMeta in = SampleMeta(payload);
  EncodedRecord rec = EncodeRecord(in, payload);
  EXPECT_EQ(rec.size(), format::kHeaderSize + format::kMetaFixedSize + 5 + 6 +
                            100 + format::kTrailerSize);
  RecordMeta out;
  ASSERT_TRUE(CheckRecord(rec.prefix, rec.payload, rec.trailer, &out).ok());
  EXPECT_EQ(out.type, format::RecordType::kPacket);
  EXPECT_TRUE(out.authenticated);
  EXPECT_EQ(out.received_unix_micros, in.received_unix_micros);
  EXPECT_EQ(out.packet_number, 7);
  EXPECT_EQ(out.total_packets, 42);
  EXPECT_EQ(out.payload_sha256, in.payload_sha256);
  EXPECT_EQ(out.video_id, "cam-1");
  EXPECT_EQ(out.format, "native");
}

TEST(RecordTest, HeaderLayoutIsAsDocumented) {
  Bytes payload(3, 0xAB);
  EncodedRecord rec = EncodeRecord(SampleMeta(payload), payload);
  const Bytes& h = rec.prefix;
  EXPECT_EQ(Bytes(h.begin(), h.begin() + 4), Bytes({'F', 'O', 'G', 'R'}));
  EXPECT_EQ(h[4], 1);  // version, little-endian
  EXPECT_EQ(h[5], 0);
  EXPECT_EQ(h[6], 1);  // packet
  EXPECT_EQ(h[7], 1);  // authenticated
  EXPECT_EQ(h[8], format::kMetaFixedSize + 11);
  EXPECT_EQ(h[12], 3);
}

// Every single-byte change anywhere in a record is caught.
TEST(RecordTest, EveryByteFlipIsDetected) {
  Bytes payload = testing::Payload(4, 40);
  EncodedRecord rec = EncodeRecord(SampleMeta(payload), payload);
  const Bytes flat = Flatten(rec);
  for (size_t i = 0; i < flat.size(); ++i) {
    for (uint8_t mask : {0x01, 0x80, 0xFF}) {
      Bytes bad = flat;
      bad[i] ^= mask;
      RecordMeta meta;
      Status s = CheckFlat(bad, rec.prefix.size(), payload.size(), &meta);
      ASSERT_EQ(s.code(), Status::Code::kCorruption) << "byte " << i;
    }
  }
}

TEST(RecordTest, DecodeHeaderRejectsShortAndForeignBytes) {
  Bytes payload(1, 0);
  EncodedRecord rec = EncodeRecord(SampleMeta(payload), payload);
  RecordHeader h;
  EXPECT_EQ(
      DecodeHeader(ByteView(rec.prefix).first(format::kHeaderSize - 1), &h),
      HeaderCheck::kTooShort);
  EXPECT_EQ(DecodeHeader(rec.prefix, &h), HeaderCheck::kOk);
  EXPECT_EQ(h.payload_length, 1u);
  Bytes zeros(64, 0);
  EXPECT_EQ(DecodeHeader(zeros, &h), HeaderCheck::kBad);
}

// A damaged header (here the payload length) still yields the key, because
// the meta block and its CRC slot are intact.
TEST(RecordTest, SalvageMetaRecoversKeyFromDamagedHeader) {
  Bytes payload = testing::Payload(5, 10);
  EncodedRecord rec = EncodeRecord(SampleMeta(payload), payload);
  Bytes flat = Flatten(rec);
  flat[12] ^= 0x40;
  RecordHeader h;
  EXPECT_EQ(DecodeHeader(flat, &h), HeaderCheck::kBad);
  RecordMeta meta;
  ASSERT_TRUE(SalvageMeta(flat, &meta));
  EXPECT_EQ(meta.video_id, "cam-1");
  EXPECT_EQ(meta.packet_number, 7);
  flat[format::kHeaderSize + 3] ^= 0x01;  // now the meta is damaged too
  EXPECT_FALSE(SalvageMeta(flat, &meta));
}

TEST(RecordTest, TombstoneRoundTrips) {
  RecordMeta t;
  t.type = format::RecordType::kTombstone;
  t.video_id = "gone";
  EncodedRecord rec = EncodeRecord(t, {});
  RecordMeta out;
  ASSERT_TRUE(CheckRecord(rec.prefix, rec.payload, rec.trailer, &out).ok());
  EXPECT_EQ(out.type, format::RecordType::kTombstone);
  EXPECT_EQ(out.video_id, "gone");
}

}  // namespace
}  // namespace fog::worker
