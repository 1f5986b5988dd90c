// Record encoding and checking. Integers are little-endian (PutLe, GetLe).

#include "worker/store/record.h"

#include <algorithm>
#include <cstring>

#include "common/crc32c.h"

namespace fog::worker {
namespace {

using format::kHeaderSize;
using format::kMetaFixedSize;

uint32_t HeaderCrc(const uint8_t* header) {
  return crc32c::Mask(crc32c::Value({header, format::kHeaderCrcOffset}));
}

void EncodeMeta(const RecordMeta& meta, uint8_t* m) {
  PutLe(m + 0, static_cast<uint64_t>(meta.received_unix_micros), 8);
  PutLe(m + 8, static_cast<uint64_t>(meta.packet_number), 8);
  PutLe(m + 16, static_cast<uint64_t>(meta.total_packets), 8);
  // m + 24 .. m + 56: unused, left zero (record_format.h).
  PutLe(m + 56, meta.video_id.size(), 2);
  m[58] = static_cast<uint8_t>(meta.format.size());
  m[59] = 0;  // reserved
  std::memcpy(m + kMetaFixedSize, meta.video_id.data(), meta.video_id.size());
  std::memcpy(m + kMetaFixedSize + meta.video_id.size(), meta.format.data(),
              meta.format.size());
}

// Meta length implied by the block's own id and format length fields.
size_t ImpliedMetaLength(const uint8_t* m) {
  return kMetaFixedSize + GetLe(m + 56, 2) + m[58];
}

}  // namespace

EncodedRecord EncodeRecord(const RecordMeta& meta, ByteView payload) {
  EncodedRecord rec;
  rec.payload = payload;
  const size_t meta_len =
      kMetaFixedSize + meta.video_id.size() + meta.format.size();
  rec.prefix.assign(kHeaderSize + meta_len, 0);
  uint8_t* h = rec.prefix.data();
  uint8_t* m = h + kHeaderSize;
  EncodeMeta(meta, m);
  std::copy(format::kMagic.begin(), format::kMagic.end(), h);
  PutLe(h + 4, format::kFormatVersion, 2);
  h[6] = static_cast<uint8_t>(meta.type);
  h[7] = meta.authenticated ? format::kFlagAuthenticated : 0;
  PutLe(h + 8, meta_len, 4);
  PutLe(h + 12, payload.size(), 4);
  PutLe(h + format::kMetaCrcOffset, crc32c::Mask(crc32c::Value({m, meta_len})),
        4);
  PutLe(h + format::kHeaderCrcOffset, HeaderCrc(h), 4);

  uint32_t crc = crc32c::Extend(crc32c::Value(rec.prefix), payload);
  PutLe(rec.trailer.data(), crc32c::Mask(crc), 4);
  return rec;
}

HeaderCheck DecodeHeader(ByteView bytes, RecordHeader* header) {
  if (bytes.size() < kHeaderSize) return HeaderCheck::kTooShort;
  const uint8_t* h = bytes.data();
  if (!std::equal(format::kMagic.begin(), format::kMagic.end(), h)) {
    return HeaderCheck::kBad;
  }
  if (GetLe(h + format::kHeaderCrcOffset, 4) != HeaderCrc(h)) {
    return HeaderCheck::kBad;
  }
  header->version = static_cast<uint16_t>(GetLe(h + 4, 2));
  header->type = h[6];
  header->flags = h[7];
  header->meta_length = static_cast<uint32_t>(GetLe(h + 8, 4));
  header->payload_length = static_cast<uint32_t>(GetLe(h + 12, 4));
  header->meta_crc = crc32c::Unmask(
      static_cast<uint32_t>(GetLe(h + format::kMetaCrcOffset, 4)));
  // A meta length no writer produces would make us skip far ahead (or treat
  // the rest of the segment as a torn tail); resynchronise instead.
  if (header->meta_length > format::kMaxMetaSize) return HeaderCheck::kBad;
  return HeaderCheck::kOk;
}

bool DecodeMeta(const RecordHeader& header, ByteView meta_bytes,
                RecordMeta* meta) {
  if (meta_bytes.size() != header.meta_length ||
      meta_bytes.size() < kMetaFixedSize ||
      crc32c::Value(meta_bytes) != header.meta_crc) {
    return false;
  }
  const uint8_t* m = meta_bytes.data();
  const size_t id_len = GetLe(m + 56, 2);
  if (ImpliedMetaLength(m) != meta_bytes.size() ||
      id_len > format::kMaxVideoIdBytes) {
    return false;
  }
  meta->type = static_cast<format::RecordType>(header.type);
  meta->authenticated = (header.flags & format::kFlagAuthenticated) != 0;
  meta->received_unix_micros = static_cast<int64_t>(GetLe(m + 0, 8));
  meta->packet_number = static_cast<int64_t>(GetLe(m + 8, 8));
  meta->total_packets = static_cast<int64_t>(GetLe(m + 16, 8));
  const char* text = reinterpret_cast<const char*>(m + kMetaFixedSize);
  meta->video_id.assign(text, id_len);
  meta->format.assign(text + id_len, m[58]);
  return true;
}

bool SalvageMeta(ByteView region, RecordMeta* meta) {
  if (region.size() < kHeaderSize + kMetaFixedSize) return false;
  const uint8_t* h = region.data();
  RecordHeader guess;
  guess.meta_length = static_cast<uint32_t>(ImpliedMetaLength(h + kHeaderSize));
  if (region.size() < kHeaderSize + guess.meta_length) return false;
  guess.meta_crc = crc32c::Unmask(
      static_cast<uint32_t>(GetLe(h + format::kMetaCrcOffset, 4)));
  // The type and flags bytes are not trusted: report it as a packet.
  guess.type = static_cast<uint8_t>(format::RecordType::kPacket);
  return DecodeMeta(guess, region.subspan(kHeaderSize, guess.meta_length),
                    meta);
}

namespace {

// The checks that need the decoded meta block: what a version-1 writer can
// produce, and nothing else.
Status CheckSemantics(const RecordHeader& header, const RecordMeta& meta) {
  if ((header.flags & ~format::kKnownFlags) != 0) {
    return Status::Corruption("unknown record flags");
  }
  if (meta.video_id.empty()) return Status::Corruption("empty video id");
  if (meta.type == format::RecordType::kPacket) {
    if (meta.packet_number < 1 || meta.total_packets < 0) {
      return Status::Corruption("packet number out of range");
    }
    return Status::OK();
  }
  if (meta.type == format::RecordType::kTombstone) {
    if (meta.packet_number != 0 || header.payload_length != 0) {
      return Status::Corruption("malformed tombstone");
    }
    return Status::OK();
  }
  return Status::Corruption("unknown record type");
}

}  // namespace

Status CheckRecord(ByteView prefix, ByteView payload, ByteView trailer,
                   RecordMeta* meta) {
  RecordHeader header;
  if (DecodeHeader(prefix, &header) != HeaderCheck::kOk) {
    return Status::Corruption("bad record header");
  }
  if (prefix.size() != header.prefix_size() ||
      payload.size() != header.payload_length ||
      trailer.size() != format::kTrailerSize) {
    return Status::Corruption("record lengths disagree with its header");
  }
  uint32_t crc = crc32c::Extend(crc32c::Value(prefix), payload);
  if (crc32c::Unmask(static_cast<uint32_t>(GetLe(trailer.data(), 4))) != crc) {
    return Status::Corruption("record checksum mismatch");
  }
  if (header.version < format::kOldestReadableVersion ||
      header.version > format::kFormatVersion) {
    return Status::Corruption("unsupported record version " +
                              std::to_string(header.version));
  }
  if (!DecodeMeta(header, prefix.subspan(kHeaderSize), meta)) {
    return Status::Corruption("malformed meta block");
  }
  return CheckSemantics(header, *meta);
}

}  // namespace fog::worker
