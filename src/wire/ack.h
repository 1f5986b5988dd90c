// A worker's answer to a dispatch, on fog/ack/<worker> (docs/topics.md).
//
// A worker stores packets in group commits and answers each commit with one
// message: a JSON array holding an ack per packet. A single ack object is
// read as an array of one.
//
// Thread-safety: plain functions over values; safe from any thread.

#ifndef FOG_WIRE_ACK_H_
#define FOG_WIRE_ACK_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace fog::wire {

struct WorkerAck {
  std::string worker;
  std::string dispatch_id;
  std::string video_id;
  int64_t packet_number = 0;  // 0 only when the payload has no readable number
  std::string result;         // "stored", "duplicate", "rejected" or "error"
  std::string reason;         // why, for "rejected" and "error"
  // When, in microseconds since the Unix epoch (0: not known): the master
  // dispatched the copy (its `dispatched-at` property), the worker received
  // it, and the worker's commit made it durable ("stored" and "duplicate"
  // only). For studies of where a copy's time goes (`fog experiment`); the
  // clocks are the master's and the worker's own.
  int64_t dispatched_at_us = 0;
  int64_t received_at_us = 0;
  int64_t stored_at_us = 0;
};

// Microseconds since the Unix epoch now, for the times above.
int64_t UnixMicrosNow();

// A JSON array of `acks`. Text that is not valid UTF-8 (a reason quoting a
// file system error, say) is replaced, never refused.
Bytes EncodeAcks(std::span<const WorkerAck> acks);

// Parses an array of acks or one ack object. Corruption, naming the first
// fault, when it is not JSON, an ack lacks a field or has one of the wrong
// type (the three times are optional, non-negative integers), or a result
// is none of the four; then none of its acks is returned
// (they come from one worker's commit, which is broken as a whole).
Result<std::vector<WorkerAck>> DecodeAcks(ByteView payload);

}  // namespace fog::wire

#endif  // FOG_WIRE_ACK_H_
