// The seed's published payload, VideoPacketSIS: msgpack map {packet, a, v}
// where `packet` is a msgpack VideoPacket and (a, v) the legacy SIS check
// (sis/legacy_check.h). Decoding is strict: exactly these three binary
// fields, nothing after the map (docs/legacy.md lists where Go is lenient).
//
// Thread-safety: value type; functions are reentrant.

#ifndef FOG_WIRE_LEGACY_PAYLOAD_H_
#define FOG_WIRE_LEGACY_PAYLOAD_H_

#include <random>

#include "common/bytes.h"
#include "common/status.h"
#include "wire/video_packet.h"

namespace fog::wire {

struct LegacyPayload {
  Bytes packet;  // msgpack VideoPacket
  Bytes a;       // 98,368 zig-zag varints
  Bytes v;       // 64 zig-zag varints
};

Bytes EncodeLegacyPayload(const LegacyPayload& payload);
Result<LegacyPayload> DecodeLegacyPayload(ByteView payload);

// Builds a legacy payload for `packet` with a fresh random check.
Bytes MakeLegacyPayload(const VideoPacket& packet, std::mt19937_64& rng);

// The outcome of verifying a legacy payload.
struct LegacyResult {
  bool valid = false;
  std::string reason;
  VideoPacket packet;  // meaningful when the inner packet decoded
  bool packet_decoded = false;
};

// Decodes and verifies a legacy payload exactly as the seed's receiver does
// (Deserialize A, V; Validate; Unmarshal packet), strictly. Fails only when
// `payload` is not a VideoPacketSIS at all; a failed check is a result.
Result<LegacyResult> VerifyLegacyPayload(ByteView payload);

}  // namespace fog::wire

#endif  // FOG_WIRE_LEGACY_PAYLOAD_H_
