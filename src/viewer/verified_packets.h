// Sorts fetched envelopes into the packets that may be shown (verified end
// to end by trust::VerifyStream) and a report on the others.
//
// Thread-safety: value types; functions are reentrant.

#ifndef FOG_VIEWER_VERIFIED_PACKETS_H_
#define FOG_VIEWER_VERIFIED_PACKETS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "trust/packet_verifier.h"
#include "trust/trust_store.h"
#include "wire/envelope.h"

namespace fog::viewer {

struct VerifiedPackets {
  // Packets reported valid, by number. Nothing else may reach a viewer.
  std::map<int64_t, wire::Envelope> valid;
  // VerifyStream's report, packets 1..max in order.
  std::vector<trust::PacketReport> reports;
  // The total the stream announced (its last packet carries it), 0 if none
  // of the valid packets did.
  int64_t total = 0;

  // Packets counted by status name ("valid", "invalid", ...).
  std::map<std::string, int64_t> Counts() const;
  // The highest n such that 1..n are all valid (0 if packet 1 is not).
  int64_t ValidPrefix() const;
};

// Verifies `envelopes` (consumed) against `trust`.
VerifiedPackets VerifyPackets(std::vector<wire::Envelope> envelopes,
                              const trust::TrustStore& trust);

}  // namespace fog::viewer

#endif  // FOG_VIEWER_VERIFIED_PACKETS_H_
