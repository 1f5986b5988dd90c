// libFuzzer target: the seed's VideoPacket decoder, and the format router.

#include <cstddef>
#include <cstdint>

#include "wire/payload_format.h"
#include "wire/video_packet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fog::ByteView in(data, size);
  (void)fog::wire::DetectFormat(in);
  fog::Result<fog::wire::VideoPacket> p = fog::wire::DecodeVideoPacket(in);
  if (p.ok()) {
    // Whatever decodes must re-encode to something that decodes the same.
    fog::Bytes again = fog::wire::EncodeVideoPacket(*p);
    fog::Result<fog::wire::VideoPacket> q = fog::wire::DecodeVideoPacket(again);
    if (!q.ok() || !(*q == *p)) __builtin_trap();
  }
  return 0;
}
