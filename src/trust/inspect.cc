#include "trust/inspect.h"

#include <nlohmann/json.hpp>

#include "trust/packet_verifier.h"
#include "wire/envelope.h"
#include "wire/legacy_payload.h"

namespace fog::trust {

namespace {

void Describe(const wire::VideoPacket& p, InspectReport* r) {
  r->video_id = p.video_id;
  r->packet_number = p.packet_number;
  r->total_packets = p.total_packets;
  r->data_bytes = p.data.size();
}

Result<InspectReport> InspectLegacy(ByteView payload) {
  Result<wire::LegacyResult> legacy = wire::VerifyLegacyPayload(payload);
  if (!legacy.ok()) return legacy.status();
  InspectReport r;
  r.format = wire::PayloadFormat::kLegacySis;
  if (legacy->packet_decoded) Describe(legacy->packet, &r);
  r.valid = legacy->valid;
  r.reason = legacy->reason;
  return r;
}

Result<InspectReport> InspectNative(ByteView payload, const TrustStore* trust) {
  Result<wire::Envelope> e = wire::DecodeEnvelope(payload);
  if (!e.ok()) return e.status();
  InspectReport r;
  r.format = wire::PayloadFormat::kNative;
  Describe(e->packet, &r);
  if (!e->signature) {
    r.reason =
        "unsigned: covered by a later packet's signature (amortized mode)";
    return r;
  }
  const wire::Signature& sig = *e->signature;
  if (sis::SisDigest(e->packet.data) != sig.digest) {
    r.reason = "data does not match the packet's SIS digest";
    return r;
  }
  if (sig.first == e->packet.packet_number) {
    r.link_hex =
        ToHex(wire::ChainLink(e->packet.video_id, e->packet.packet_number,
                              e->packet.total_packets, sig.digest, sig.prev));
  }
  if (trust == nullptr) {
    r.valid = true;
    r.reason = "digest intact; signature not checked (no trust store given)";
    return r;
  }
  if (sig.first != e->packet.packet_number) {
    r.valid = true;
    r.reason = "digest intact; the signature covers packets " +
               std::to_string(sig.first) + ".." +
               std::to_string(e->packet.packet_number) +
               " and needs the whole segment";
    return r;
  }
  SignerInfo signer;
  Result<wire::Link> link = VerifySignedPacket(*e, *trust, &signer);
  r.valid = link.ok();
  r.authenticated = link.ok();
  r.publisher = signer.publisher;
  if (!link.ok()) r.refusal = signer.reason;
  const std::string by =
      signer.publisher.empty() ? "" : "publisher " + signer.publisher + ", ";
  r.reason = link.ok()
                 ? "signature valid (" + by + "key " + ToHex(sig.key_id) + ")"
                 : link.status().message();
  return r;
}

}  // namespace

Result<InspectReport> InspectPayload(ByteView payload,
                                     const TrustStore* trust) {
  switch (wire::DetectFormat(payload)) {
    case wire::PayloadFormat::kLegacySis:
      return InspectLegacy(payload);
    case wire::PayloadFormat::kNative:
      return InspectNative(payload, trust);
    case wire::PayloadFormat::kVideoPacket: {
      Result<wire::VideoPacket> p = wire::DecodeVideoPacket(payload);
      if (!p.ok()) return p.status();
      InspectReport r;
      r.format = wire::PayloadFormat::kVideoPacket;
      Describe(*p, &r);
      r.reason = "bare VideoPacket: no integrity check at all";
      return r;
    }
    case wire::PayloadFormat::kUnknown:
      break;
  }
  return Status::InvalidArgument(
      "not a VideoPacket, VideoPacketSIS or signed envelope (msgpack map)");
}

std::string ReportJson(const InspectReport& r) {
  // Fields in the documented order, not sorted.
  nlohmann::ordered_json j = {
      {"format", wire::FormatName(r.format)},
      {"video_id", r.video_id},
      {"packet_number", r.packet_number},
      {"total_packets", r.total_packets},
      {"data_bytes", r.data_bytes},
      {"valid", r.valid},
      {"authenticated", r.authenticated},
      {"reason", r.reason},
  };
  if (!r.publisher.empty()) j["publisher"] = r.publisher;
  if (!r.refusal.empty()) j["refusal"] = r.refusal;
  if (!r.link_hex.empty()) j["link"] = r.link_hex;
  // The id comes from the network: replace invalid UTF-8 rather than throw.
  return j.dump(-1, ' ', false,
                nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace fog::trust
