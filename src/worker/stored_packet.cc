#include "worker/stored_packet.h"

#include "wire/envelope.h"
#include "wire/legacy_payload.h"
#include "wire/payload_format.h"

namespace fog::worker {

Result<wire::VideoPacket> StoredVideoPacket(ByteView stored) {
  switch (wire::DetectFormat(stored)) {
    case wire::PayloadFormat::kNative: {
      Result<wire::Envelope> e = wire::DecodeEnvelope(stored);
      if (!e.ok()) return e.status();
      return std::move(e->packet);
    }
    case wire::PayloadFormat::kLegacySis: {
      Result<wire::LegacyResult> r = wire::VerifyLegacyPayload(stored);
      if (!r.ok()) return r.status();
      return std::move(r->packet);
    }
    case wire::PayloadFormat::kVideoPacket:
      return wire::DecodeVideoPacket(stored);
    case wire::PayloadFormat::kUnknown:
      break;
  }
  return Status::InvalidArgument("not a packet payload");
}

}  // namespace fog::worker
