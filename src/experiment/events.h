// What an experiment observed, in memory until the run ends: one record per
// published packet, per stored copy (a worker's ack) and per viewer request.
// Times are milliseconds since the experiment's start (steady clock); -1 is
// "never". The records are bounded by the experiment itself: packets are
// duration * streams / GOP, viewer requests duration * rate; copies are
// R per packet unless copies are sent again, so the runner keeps at most
// R + 8 per packet and counts the rest in `copies_dropped` (summary.json's
// `events_dropped`, and a warning), as it does viewer requests beyond
// duration * rate.
//
// Thread-safety: plain values.

#ifndef FOG_EXPERIMENT_EVENTS_H_
#define FOG_EXPERIMENT_EVENTS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace fog::experiment {

struct PacketEvent {
  std::string video;
  int64_t packet = 0;
  double published_ms = -1;     // handed to the MQTT client
  double broker_acked_ms = -1;  // the broker's PUBACK (the publish returned)
  double scheduled_ms = -1;     // its real-time slot
};

// One worker's ack for one packet: its first "stored" or "duplicate", or a
// refusal ("rejected", "error").
struct CopyEvent {
  std::string video;
  int64_t packet = 0;
  std::string worker;
  double stored_ms = -1;  // when the ack reached the experiment
  std::string verdict;    // the ack's result
  std::string reason;     // the ack's reason, for "rejected" and "error"
  // From the ack (wire/ack.h), on the machine's clock, -1 when the ack did
  // not carry it: the master dispatched the copy, the worker received it,
  // the worker's commit made it durable.
  double dispatched_ms = -1;
  double received_ms = -1;
  double durable_ms = -1;
};

struct ViewEvent {
  std::string video;
  int64_t packet = 0;
  std::string kind;  // packet, hls or get
  double at_ms = 0;
  double latency_ms = 0;
  int status = 0;   // HTTP status (get: as docs/experiments.md); 0: none
  std::string fog;  // the fog whose API was asked
};

struct FaultEvent {
  double at_ms = 0;
  std::string action;
  std::string target;
  std::string result;  // "ok" or why it failed
  // The packet it concerns: the one corrupted (corrupt-packet), the filler
  // video (fill-quota, packet 0); empty otherwise.
  std::string video;
  int64_t packet = 0;
  std::string fog;  // the fog of a process target; empty for a link
};

struct Events {
  std::vector<PacketEvent> packets;
  std::vector<CopyEvent> copies;
  std::vector<ViewEvent> views;
  std::vector<FaultEvent> faults;
  int64_t copies_dropped = 0;  // past the runner's bound (above)
  int64_t views_dropped = 0;
  int64_t acks_unreadable = 0;  // ack payloads that did not decode
};

}  // namespace fog::experiment

#endif  // FOG_EXPERIMENT_EVENTS_H_
