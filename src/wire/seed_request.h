// The seed's packet request, on `packet-request` (docs/topics.md, "Viewer
// protocols"): JSON {"video_id", "packet_number", "channel_uuid"}. The master
// routes it to one holder (fog/seed-request/<worker>) unchanged.
//
// Thread-safety: plain functions over values; safe from any thread.

#ifndef FOG_WIRE_SEED_REQUEST_H_
#define FOG_WIRE_SEED_REQUEST_H_

#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "common/status.h"

namespace fog::wire {

struct SeedRequest {
  std::string video_id;
  int64_t packet_number = 0;
  std::string channel_uuid;  // the topic the answer goes to
};

// Corruption, naming the fault, when the body is not a JSON object with the
// three fields of their types. The values are the caller's to judge (a
// valid video id, a channel it may publish to).
Result<SeedRequest> DecodeSeedRequest(ByteView body);

}  // namespace fog::wire

#endif  // FOG_WIRE_SEED_REQUEST_H_
