// Encoding and checking of single packet-store records
// (docs/store-format.md). Pure functions over byte buffers: no I/O.
//
// Thread-safety: all functions are reentrant.

#ifndef FOG_WORKER_STORE_RECORD_H_
#define FOG_WORKER_STORE_RECORD_H_

#include <array>
#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "common/status.h"
#include "worker/store/record_format.h"

namespace fog::worker {

// Where a record lives: segment sequence number, byte offset, total size.
struct RecordLocation {
  uint64_t segment = 0;
  uint64_t offset = 0;
  uint64_t size = 0;

  bool operator==(const RecordLocation&) const = default;
};

// Everything a record says about its payload.
struct RecordMeta {
  format::RecordType type = format::RecordType::kPacket;
  bool authenticated = false;
  int64_t received_unix_micros = 0;
  int64_t packet_number = 0;  // 0 in a tombstone
  int64_t total_packets = 0;  // 0 = unknown
  std::string video_id;
  std::string format;
};

// The fixed header, decoded.
struct RecordHeader {
  uint16_t version = 0;
  uint8_t type = 0;
  uint8_t flags = 0;
  uint32_t meta_length = 0;
  uint32_t payload_length = 0;
  uint32_t meta_crc = 0;  // unmasked

  uint64_t prefix_size() const { return format::kHeaderSize + meta_length; }
  uint64_t record_size() const {
    return prefix_size() + payload_length + format::kTrailerSize;
  }
};

// A record ready to write: `prefix` (header and meta block), the caller's
// payload (not copied), then `trailer`. The pieces are kept apart so the
// writer can hand them to pwritev without copying a 16 MiB payload.
struct EncodedRecord {
  Bytes prefix;
  ByteView payload;
  std::array<uint8_t, format::kTrailerSize> trailer{};

  uint64_t size() const {
    return prefix.size() + payload.size() + trailer.size();
  }
};

// Encodes a record. REQUIRES: meta.video_id.size() <= kMaxVideoIdBytes,
// meta.format.size() <= kMaxFormatBytes, payload.size() <= kMaxPayloadBytes.
// `payload` must outlive the result.
EncodedRecord EncodeRecord(const RecordMeta& meta, ByteView payload);

enum class HeaderCheck {
  kOk,        // magic and header CRC match, meta length within limits
  kTooShort,  // fewer than kHeaderSize bytes
  kBad,       // not the start of a record
};

// Decodes the header at the start of `bytes`. Only the frozen layout is
// checked here (magic, header CRC, meta length bound): a kOk header's lengths
// can be trusted to find the next record even if CheckRecord() then rejects
// this one.
HeaderCheck DecodeHeader(ByteView bytes, RecordHeader* header);

// Fully checks one record given as its three pieces: header, version, type,
// flags, the record CRC, and the meta block's internal consistency. On
// success fills `meta`. Returns Corruption (with the reason) otherwise.
Status CheckRecord(ByteView prefix, ByteView payload, ByteView trailer,
                   RecordMeta* meta);

// Decodes a meta block, checking it against `header` (length, meta CRC) and
// for internal consistency, but not the record CRC: used to name the key of
// a record whose payload is damaged. Returns false if the block fails.
bool DecodeMeta(const RecordHeader& header, ByteView meta_bytes,
                RecordMeta* meta);

// For a record whose header is damaged: `region` starts where the header
// should be. Finds the meta block from its own length fields and accepts it
// if the meta CRC slot of the header still matches, so damage to any other
// header field still leaves the key known. Returns false otherwise.
bool SalvageMeta(ByteView region, RecordMeta* meta);

}  // namespace fog::worker

#endif  // FOG_WORKER_STORE_RECORD_H_
