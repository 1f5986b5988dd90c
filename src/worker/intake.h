// What a worker checks before it stores a packet, and what it stores.
//
// Native envelopes must carry their own signature (per-packet mode) from a
// key in the trust store or a certified key (a certificate from a trusted
// fog key, valid now, unrevoked, the video id inside its prefix), a digest
// matching the data, and the video id the master dispatched them under.
// Amortized-mode packets cannot be verified on their own, so a worker refuses
// them. Seed (legacy) packets pass only when the worker accepts legacy input,
// and are then stored as unauthenticated.
//
// Thread-safety: Intake() is reentrant; the TrustStore is only read.

#ifndef FOG_WORKER_INTAKE_H_
#define FOG_WORKER_INTAKE_H_

#include <string>

#include "common/bytes.h"
#include "trust/trust_store.h"
#include "wire/envelope.h"
#include "worker/media_timing.h"
#include "worker/store/store_types.h"

namespace fog::worker {

struct IntakeOptions {
  bool accept_legacy = false;
};

struct Accepted {
  PacketMeta meta;
  // Hex key id, "NAME:<hex key id>" for a certified publisher; empty for
  // legacy packets.
  std::string publisher_key;
  std::string publisher;           // the certificate's name, else empty
  std::optional<wire::Link> link;  // link_n of a native packet
  std::optional<wire::Link> prev;  // its "p"
  VideoTiming timing;              // what the data tells of the video's
                                   // duration (media_timing.h)
};

// A refusal: `reason` is a short stable code for counters ("malformed",
// "unsigned", "untrusted-key", ...), `detail` the human explanation.
struct Refusal {
  std::string reason;
  std::string detail;
};

// Checks `payload` dispatched for `video_id`. Exactly one of the two results
// is set.
struct IntakeResult {
  std::optional<Accepted> accepted;
  std::optional<Refusal> refused;
};

IntakeResult Intake(ByteView payload, const std::string& video_id,
                    const trust::TrustStore& trust,
                    const IntakeOptions& options);

}  // namespace fog::worker

#endif  // FOG_WORKER_INTAKE_H_
