#include "worker/intake.h"

#include "trust/packet_verifier.h"
#include "wire/legacy_payload.h"
#include "wire/payload_format.h"

namespace fog::worker {

namespace {

IntakeResult Refuse(std::string reason, std::string detail) {
  return {std::nullopt, Refusal{std::move(reason), std::move(detail)}};
}

IntakeResult IntakeNative(ByteView payload, const std::string& video_id,
                          const trust::TrustStore& trust) {
  Result<wire::Envelope> e = wire::DecodeEnvelope(payload);
  if (!e.ok()) return Refuse("malformed", e.status().message());
  const wire::VideoPacket& p = e->packet;
  if (p.video_id != video_id) {
    return Refuse("video-id-mismatch", "packet of video " + p.video_id +
                                           " published under " + video_id);
  }
  if (!e->signature) {
    return Refuse("unsigned",
                  "unsigned packet (amortized mode): workers store "
                  "only packets that carry their own signature");
  }
  if (e->signature->first != p.packet_number) {
    return Refuse(
        "segment-signature",
        "signature covers a segment; workers need per-packet signatures");
  }
  trust::SignerInfo signer;
  Result<wire::Link> link = trust::VerifySignedPacket(*e, trust, &signer);
  if (!link.ok()) {
    return Refuse(signer.reason.empty() ? "bad-signature" : signer.reason,
                  link.status().message());
  }
  Accepted a;
  a.meta = {p.video_id, p.packet_number, p.total_packets, "native", true};
  a.publisher = signer.publisher;
  // The registry names a certified publisher with its key: "NAME:<key id>".
  a.publisher_key = (signer.publisher.empty() ? "" : signer.publisher + ":") +
                    ToHex(e->signature->key_id);
  a.link = *link;
  a.prev = e->signature->prev;
  a.timing = InspectPacketTiming(p.packet_number, p.data);
  return {std::move(a), std::nullopt};
}

IntakeResult IntakeLegacy(ByteView payload, const std::string& video_id,
                          const IntakeOptions& options) {
  if (!options.accept_legacy) {
    return Refuse("legacy-not-accepted",
                  "seed (legacy SIS) packets need --accept-legacy");
  }
  Result<wire::LegacyResult> r = wire::VerifyLegacyPayload(payload);
  if (!r.ok()) return Refuse("malformed", r.status().message());
  if (!r->valid) return Refuse("legacy-check-failed", r->reason);
  const wire::VideoPacket& p = r->packet;
  if (p.video_id != video_id) {
    return Refuse("video-id-mismatch", "packet of video " + p.video_id +
                                           " published under " + video_id);
  }
  if (p.packet_number < 1 || p.total_packets < 0) {
    return Refuse("malformed", "packet_number < 1 or total_packets < 0");
  }
  Accepted a;
  a.meta = {p.video_id, p.packet_number, p.total_packets, "legacy-sis", false};
  a.timing = InspectPacketTiming(p.packet_number, p.data);
  return {std::move(a), std::nullopt};
}

}  // namespace

IntakeResult Intake(ByteView payload, const std::string& video_id,
                    const trust::TrustStore& trust,
                    const IntakeOptions& options) {
  if (Status s = wire::ValidateVideoId(video_id); !s.ok()) {
    return Refuse("bad-video-id", s.message());
  }
  switch (wire::DetectFormat(payload)) {
    case wire::PayloadFormat::kNative:
      return IntakeNative(payload, video_id, trust);
    case wire::PayloadFormat::kLegacySis:
      return IntakeLegacy(payload, video_id, options);
    case wire::PayloadFormat::kVideoPacket:
      return Refuse("no-integrity", "bare VideoPacket without any check");
    case wire::PayloadFormat::kUnknown:
      break;
  }
  return Refuse("malformed", "not a msgpack payload of a known format");
}

}  // namespace fog::worker
