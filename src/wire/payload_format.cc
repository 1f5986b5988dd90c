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
