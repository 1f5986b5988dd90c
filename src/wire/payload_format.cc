#include "wire/payload_format.h"

#include "wire/msgpack_util.h"
#include "wire/video_packet.h"

namespace fog::wire {

PayloadFormat DetectFormat(ByteView payload) {
  Result<DecodedMap> map = DecodeMap(payload, kMaxPayloadBytes);
  if (!map.ok()) return PayloadFormat::kUnknown;
  if (map->Find("video_id") != nullptr) {
    return map->Find("v") != nullptr ? PayloadFormat::kNative
                                     : PayloadFormat::kVideoPacket;
  }
  if (map->Find("packet") != nullptr) return PayloadFormat::kLegacySis;
  return PayloadFormat::kUnknown;
}

Result<int64_t> PeekPacketNumber(ByteView payload) {
  Result<DecodedMap> map = DecodeMap(payload, kMaxPayloadBytes);
  if (!map.ok()) return map.status();
  if (map->Find("video_id") == nullptr) {  // legacy: the packet is nested
    Result<ByteView> inner = GetBinView(*map, "packet");
    if (!inner.ok()) return inner.status();
    Result<DecodedMap> packet = DecodeMap(*inner, kMaxPayloadBytes);
    if (!packet.ok()) return packet.status();
    return GetInt(*packet, "packet_number");
  }
  return GetInt(*map, "packet_number");
}

const char* FormatName(PayloadFormat format) {
  switch (format) {
    case PayloadFormat::kNative:
      return "native";
    case PayloadFormat::kLegacySis:
      return "legacy-sis";
    case PayloadFormat::kVideoPacket:
      return "video-packet";
    case PayloadFormat::kUnknown:
      break;
  }
  return "unknown";
}

}  // namespace fog::wire
