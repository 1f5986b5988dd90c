// Tells which of the formats a payload on `video/stream/<id>` is in, so the
// receiver can route it to the right strict decoder.
//
// Thread-safety: reentrant.

#ifndef FOG_WIRE_PAYLOAD_FORMAT_H_
#define FOG_WIRE_PAYLOAD_FORMAT_H_

#include <cstdint>

#include "common/bytes.h"
#include "common/status.h"

namespace fog::wire {

enum class PayloadFormat {
  kNative,       // our signed envelope: a VideoPacket map with key "v"
  kLegacySis,    // the seed's VideoPacketSIS {packet, a, v}
  kVideoPacket,  // a bare seed VideoPacket, no integrity check at all
  kUnknown,      // not msgpack, or a map of none of these shapes
};

// Looks only at the top-level keys; the full decoder still validates.
PayloadFormat DetectFormat(ByteView payload);

// "native", "legacy-sis", "video-packet" or "unknown".
const char* FormatName(PayloadFormat format);

// The packet number of a payload of any known format, read without copying
// or verifying anything else (the master routes by it).
Result<int64_t> PeekPacketNumber(ByteView payload);

}  // namespace fog::wire

#endif  // FOG_WIRE_PAYLOAD_FORMAT_H_
