// libFuzzer target: the fMP4 splitter that cuts a publisher's ffmpeg output
// into packets, fed in chunks of a size the input chooses (its first byte),
// with a small packet limit so the limit's paths run too. Whatever the
// input, the packets it emits concatenate to a prefix of the stream.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "media/fmp4_splitter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = size_t{data[0]} + 1;
  fog::ByteView stream(data + 1, size - 1);
  fog::media::Fmp4Splitter splitter({.max_packet_bytes = 64 * 1024});
  std::vector<fog::media::MediaPacket> packets;
  bool failed = false;
  for (size_t at = 0; at < stream.size() && !failed; at += chunk) {
    failed = !splitter
                  .Feed(stream.subspan(at, std::min(chunk, stream.size() - at)),
                        &packets)
                  .ok();
  }
  if (!failed) (void)splitter.Finish(&packets);
  // Packets are whole boxes of the stream, numbered 1, 2, ... in order.
  size_t total = 0;
  for (size_t i = 0; i < packets.size(); ++i) {
    if (packets[i].number != static_cast<int64_t>(i + 1)) __builtin_trap();
    total += packets[i].data.size();
  }
  if (total + splitter.dropped_bytes() > stream.size()) __builtin_trap();
  return 0;
}
