// Constants of the packet-store record format. The byte layout is specified
// in docs/store-format.md; change both together, and bump kFormatVersion for
// any change to the meta block.
//
// Thread-safety: constants only.

#ifndef FOG_WORKER_STORE_RECORD_FORMAT_H_
#define FOG_WORKER_STORE_RECORD_FORMAT_H_

#include <array>
#include <cstddef>
#include <cstdint>

namespace fog::worker::format {

// "FOGR": the first four bytes of every record.
inline constexpr std::array<uint8_t, 4> kMagic = {'F', 'O', 'G', 'R'};
// Version 2 stopped writing the payload's SHA-256 (see the meta block); a
// reader accepts every version from kOldestReadableVersion on.
inline constexpr uint16_t kFormatVersion = 2;
inline constexpr uint16_t kOldestReadableVersion = 1;

// Header: magic(4) version(2) type(1) flags(1) meta_length(4)
// payload_length(4) meta_crc(4) header_crc(4). Its layout is frozen across
// versions so a reader can always skip a record it does not understand. The
// meta CRC lets a reader trust the key of a record whose payload is damaged.
inline constexpr size_t kHeaderSize = 24;
inline constexpr size_t kMetaCrcOffset = 16;
inline constexpr size_t kHeaderCrcOffset = 20;
// Trailer: the masked CRC32C of header, meta block and payload.
inline constexpr size_t kTrailerSize = 4;

// Meta block: received_unix_micros(8) packet_number(8) total_packets(8)
// unused(32) video_id_length(2) format_length(1) reserved(1), then the video
// id and format bytes. The unused bytes held the payload's SHA-256 in
// version 1 and are zero from version 2 on; no reader needs them.
inline constexpr size_t kMetaFixedSize = 60;
inline constexpr size_t kMaxVideoIdBytes = 1024;
inline constexpr size_t kMaxFormatBytes = 255;
inline constexpr size_t kMaxMetaSize =
    kMetaFixedSize + kMaxVideoIdBytes + kMaxFormatBytes;
inline constexpr uint64_t kMaxPayloadBytes = 0xFFFFFFFFu;  // 32-bit length

enum class RecordType : uint8_t {
  kPacket = 1,     // one video packet
  kTombstone = 2,  // deletes every earlier packet of its video
};

inline constexpr uint8_t kFlagAuthenticated = 0x01;
inline constexpr uint8_t kKnownFlags = kFlagAuthenticated;

// Segment files are "<sequence>.log", the sequence zero-padded to at least
// this many digits so that names sort like numbers in a directory listing.
inline constexpr int kSegmentNameDigits = 6;
inline constexpr char kSegmentSuffix[] = ".log";
inline constexpr char kLockFileName[] = "LOCK";

}  // namespace fog::worker::format

#endif  // FOG_WORKER_STORE_RECORD_FORMAT_H_
