#include "worker/store/record.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/crc32c.h"
#include "worker/store/store_test_util.h"

namespace fog::worker {
namespace {

RecordMeta SampleMeta() {
  RecordMeta m;
  m.authenticated = true;
  m.received_unix_micros = 1700000000123456;
  m.packet_number = 7;
  m.total_packets = 42;
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
  RecordMeta in = SampleMeta();
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
  EXPECT_EQ(out.video_id, "cam-1");
  EXPECT_EQ(out.format, "native");
}

TEST(RecordTest, HeaderLayoutIsAsDocumented) {
  Bytes payload(3, 0xAB);
  EncodedRecord rec = EncodeRecord(SampleMeta(), payload);
  const Bytes& h = rec.prefix;
  EXPECT_EQ(Bytes(h.begin(), h.begin() + 4), Bytes({'F', 'O', 'G', 'R'}));
  EXPECT_EQ(h[4], 2);  // version, little-endian
  EXPECT_EQ(h[5], 0);
  EXPECT_EQ(h[6], 1);  // packet
  EXPECT_EQ(h[7], 1);  // authenticated
  EXPECT_EQ(h[8], format::kMetaFixedSize + 11);
  EXPECT_EQ(h[12], 3);
}

// Every single-byte change anywhere in a record is caught.
TEST(RecordTest, EveryByteFlipIsDetected) {
  Bytes payload = testing::Payload(4, 40);
  EncodedRecord rec = EncodeRecord(SampleMeta(), payload);
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
  EncodedRecord rec = EncodeRecord(SampleMeta(), payload);
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
  EncodedRecord rec = EncodeRecord(SampleMeta(), payload);
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

// `flat` as another version wrote it: the version field, and the meta
// block's unused bytes (record_format.h), then every CRC made anew.
Bytes AsVersion(Bytes flat, uint16_t version, uint8_t unused_fill) {
  const size_t meta_len = GetLe(flat.data() + 8, 4);
  const size_t prefix = format::kHeaderSize + meta_len;
  const size_t payload = GetLe(flat.data() + 12, 4);
  PutLe(flat.data() + 4, version, 2);
  std::fill(flat.begin() + format::kHeaderSize + 24,
            flat.begin() + format::kHeaderSize + 56, unused_fill);
  PutLe(flat.data() + format::kMetaCrcOffset,
        crc32c::Mask(crc32c::Value(
            ByteView(flat).subspan(format::kHeaderSize, meta_len))),
        4);
  PutLe(flat.data() + format::kHeaderCrcOffset,
        crc32c::Mask(
            crc32c::Value(ByteView(flat).first(format::kHeaderCrcOffset))),
        4);
  PutLe(flat.data() + prefix + payload,
        crc32c::Mask(crc32c::Value(ByteView(flat).first(prefix + payload))), 4);
  return flat;
}

// Version 1 kept the payload's SHA-256 in the meta block; its records are
// read as before, the digest ignored.
TEST(RecordTest, AVersionOneRecordIsStillRead) {
  Bytes payload = testing::Payload(6, 50);
  EncodedRecord rec = EncodeRecord(SampleMeta(), payload);
  const Bytes v1 = AsVersion(Flatten(rec), 1, 0xC3);
  RecordMeta out;
  ASSERT_TRUE(CheckFlat(v1, rec.prefix.size(), payload.size(), &out).ok());
  EXPECT_EQ(out.video_id, "cam-1");
  EXPECT_EQ(out.packet_number, 7);
  EXPECT_EQ(out.total_packets, 42);
  EXPECT_TRUE(out.authenticated);
}

TEST(RecordTest, ANewerVersionIsRefused) {
  Bytes payload = testing::Payload(6, 50);
  EncodedRecord rec = EncodeRecord(SampleMeta(), payload);
  const Bytes v3 = AsVersion(Flatten(rec), format::kFormatVersion + 1, 0);
  RecordMeta out;
  Status s = CheckFlat(v3, rec.prefix.size(), payload.size(), &out);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_EQ(s.message(), "unsupported record version 3");
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
