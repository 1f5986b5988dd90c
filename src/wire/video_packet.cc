#include "wire/video_packet.h"

#include "wire/msgpack_util.h"

namespace fog::wire {

Bytes EncodeVideoPacket(const VideoPacket& packet) {
  msgpack::sbuffer buf;
  Packer p(buf);
  p.pack_map(4);
  PackStr(p, "video_id");
  PackStr(p, packet.video_id);
  PackStr(p, "packet_number");
  p.pack_int64(packet.packet_number);
  PackStr(p, "total_packets");
  p.pack_int64(packet.total_packets);
  PackStr(p, "data");
  PackBin(p, packet.data);
  return Bytes(buf.data(), buf.data() + buf.size());
}

Result<VideoPacket> DecodeVideoPacket(ByteView payload) {
  Result<DecodedMap> map = DecodeMap(payload, kMaxPayloadBytes);
  if (!map.ok()) return map.status();
  if (map->fields.size() != 4) {
    return Status::InvalidArgument("VideoPacket must have exactly 4 fields");
  }
  VideoPacket out;
  Result<std::string> id = GetString(*map, "video_id");
  if (!id.ok()) return id.status();
  Result<int64_t> number = GetInt(*map, "packet_number");
  if (!number.ok()) return number.status();
  Result<int64_t> total = GetInt(*map, "total_packets");
  if (!total.ok()) return total.status();
  Result<Bytes> data = GetBin(*map, "data");
  if (!data.ok()) return data.status();
  out.video_id = std::move(*id);
  out.packet_number = *number;
  out.total_packets = *total;
  out.data = std::move(*data);
  return out;
}

}  // namespace fog::wire
