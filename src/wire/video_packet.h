// VideoPacket: the seed's packet, msgpack map {video_id, packet_number,
// total_packets, data} with string keys in that order (docs/wire-format.md).
// Native envelopes extend the same map, so old readers still find these
// four fields.
//
// Thread-safety: value type; functions are reentrant.

#ifndef FOG_WIRE_VIDEO_PACKET_H_
#define FOG_WIRE_VIDEO_PACKET_H_

#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "common/status.h"

namespace fog::wire {

// Largest packet payload any decoder accepts (the broker's limit is lower).
inline constexpr size_t kMaxPayloadBytes = 256u << 20;

struct VideoPacket {
  std::string video_id;
  int64_t packet_number = 0;  // starts at 1
  int64_t total_packets = 0;  // 0 = not known yet
  Bytes data;

  bool operator==(const VideoPacket&) const = default;
};

// Encodes exactly as the seed's Go client does: fixmap of 4, str keys,
// the most compact integer forms, `data` as bin. Byte-identical to Go.
Bytes EncodeVideoPacket(const VideoPacket& packet);

// Decodes a seed VideoPacket. Unknown extra keys are an error here (use the
// envelope decoder for native payloads); integers may be any msgpack int.
Result<VideoPacket> DecodeVideoPacket(ByteView payload);

}  // namespace fog::wire

#endif  // FOG_WIRE_VIDEO_PACKET_H_
