// The master's backlog report on fog/backlog (retained, QoS 1): how much it
// has taken from the broker and not yet settled (stored R times, or refused),
// and the limit past which publishers should wait. JSON, like the other
// fog/ status messages (docs/topics.md, docs/durability.md).
//
// Thread-safety: pure functions.

#ifndef FOG_WIRE_BACKLOG_H_
#define FOG_WIRE_BACKLOG_H_

#include <cstdint>
#include <span>
#include <string>

#include "common/status.h"

namespace fog::wire {

struct BacklogReport {
  uint64_t packets = 0;       // taken, not yet settled
  uint64_t bytes = 0;         // their payload bytes, plus broker_bytes
  uint64_t broker_bytes = 0;  // what the broker holds (0: not known)
  uint64_t limit_bytes = 0;   // "over" once bytes reach this
  uint64_t resume_bytes = 0;  // "over" ends once bytes fall below this
  bool over = false;          // publishers wait while true
  uint64_t seq = 0;           // increases with every report of one master
};

std::string EncodeBacklog(const BacklogReport& report);

// InvalidArgument naming the field when `payload` is not a JSON object with
// non-negative integer "packets", "bytes", "limit_bytes", "resume_bytes",
// "seq" and a boolean "over", or an optional "broker_bytes" that is not one
// (unknown fields are ignored).
Result<BacklogReport> DecodeBacklog(std::span<const uint8_t> payload);

}  // namespace fog::wire

#endif  // FOG_WIRE_BACKLOG_H_
