#include "wire/legacy_payload.h"

#include "crypto/sis/legacy_check.h"
#include "wire/msgpack_util.h"

namespace fog::wire {

Bytes EncodeLegacyPayload(const LegacyPayload& payload) {
  msgpack::sbuffer buf;
  Packer p(buf);
  p.pack_map(3);
  PackStr(p, "packet");
  PackBin(p, payload.packet);
  PackStr(p, "a");
  PackBin(p, payload.a);
  PackStr(p, "v");
  PackBin(p, payload.v);
  return Bytes(buf.data(), buf.data() + buf.size());
}

Result<LegacyPayload> DecodeLegacyPayload(ByteView payload) {
  Result<DecodedMap> map = DecodeMap(payload, kMaxPayloadBytes);
  if (!map.ok()) return map.status();
  if (map->fields.size() != 3) {
    return Status::InvalidArgument(
        "VideoPacketSIS must have exactly the fields packet, a, v");
  }
  LegacyPayload out;
  Result<Bytes> packet = GetBin(*map, "packet");
  if (!packet.ok()) return packet.status();
  Result<Bytes> a = GetBin(*map, "a");
  if (!a.ok()) return a.status();
  Result<Bytes> v = GetBin(*map, "v");
  if (!v.ok()) return v.status();
  out.packet = std::move(*packet);
  out.a = std::move(*a);
  out.v = std::move(*v);
  return out;
}

Bytes MakeLegacyPayload(const VideoPacket& packet, std::mt19937_64& rng) {
  LegacyPayload payload;
  payload.packet = EncodeVideoPacket(packet);
  sis::legacy::Check check = sis::legacy::Generate(payload.packet, rng);
  payload.a = std::move(check.a);
  payload.v = std::move(check.v);
  return EncodeLegacyPayload(payload);
}

Result<LegacyResult> VerifyLegacyPayload(ByteView payload) {
  Result<LegacyPayload> decoded = DecodeLegacyPayload(payload);
  if (!decoded.ok()) return decoded.status();
  LegacyResult out;
  sis::legacy::Verdict verdict =
      sis::legacy::Verify(decoded->packet, decoded->a, decoded->v);
  out.valid = verdict.valid;
  out.reason = std::move(verdict.reason);
  Result<VideoPacket> packet = DecodeVideoPacket(decoded->packet);
  if (packet.ok()) {
    out.packet = std::move(*packet);
    out.packet_decoded = true;
  } else if (out.valid) {
    // The seed's receiver rejects a packet it cannot unmarshal after Validate.
    out.valid = false;
    out.reason = "inner VideoPacket: " + packet.status().message();
  }
  return out;
}

}  // namespace fog::wire
