// The body of a packet request on fog/get/<video_id> (docs/topics.md): JSON
// {"first": n, "last": m}, both optional; an empty body asks for every
// packet.

#ifndef FOG_WIRE_GET_RANGE_H_
#define FOG_WIRE_GET_RANGE_H_

#include <cstdint>
#include <limits>

#include "common/bytes.h"
#include "common/status.h"

namespace fog::wire {

struct GetRange {
  int64_t first = 1;
  int64_t last = std::numeric_limits<int64_t>::max();  // no upper bound
};

// The body for `range`: empty for the whole video, "last" left out when
// unbounded.
Bytes EncodeGetRange(const GetRange& range);

// Parses a body; Corruption for one that is not such JSON.
Result<GetRange> DecodeGetRange(const Bytes& body);

}  // namespace fog::wire

#endif  // FOG_WIRE_GET_RANGE_H_
