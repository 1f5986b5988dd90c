// The body of a packet request on fog/get/<video_id> (docs/topics.md): JSON
// {"first": n, "last": m, "max_bytes": b}, every field optional; an empty
// body asks for every packet within the default page budget.
//
// Paging: a worker answers packets first..last in order until the next one
// would take the page past `max_bytes` (the first two always go, so a page
// anchored on a packet the viewer holds still brings a new one), then ends
// with an end reply whose "next" user property names the first packet it
// did not send. A request for more is a new request from "next".

#ifndef FOG_WIRE_GET_RANGE_H_
#define FOG_WIRE_GET_RANGE_H_

#include <cstdint>
#include <limits>

#include "common/bytes.h"
#include "common/status.h"

namespace fog::wire {

// A request without "max_bytes" (as the first viewers sent) gets this page.
inline constexpr int64_t kDefaultPageBytes = int64_t{8} << 20;
// No worker sends a larger page, whatever it is asked.
inline constexpr int64_t kMaxPageBytes = int64_t{64} << 20;

struct GetRange {
  int64_t first = 1;
  int64_t last = std::numeric_limits<int64_t>::max();  // no upper bound
  int64_t max_bytes = 0;                               // 0: kDefaultPageBytes
};

// The body for `range`: empty for the whole video with the default page,
// "last" and "max_bytes" left out when unset.
Bytes EncodeGetRange(const GetRange& range);

// Parses a body; Corruption for one that is not such JSON, InvalidArgument
// for a negative "max_bytes".
Result<GetRange> DecodeGetRange(ByteView body);

// The page a worker sends for `range`: max_bytes, or the default when 0,
// never above kMaxPageBytes.
int64_t PageBytes(const GetRange& range);

}  // namespace fog::wire

#endif  // FOG_WIRE_GET_RANGE_H_
