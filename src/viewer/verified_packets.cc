#include "viewer/verified_packets.h"

#include <algorithm>

namespace fog::viewer {

std::map<std::string, int64_t> VerifiedPackets::Counts() const {
  std::map<std::string, int64_t> counts;
  for (const trust::PacketReport& r : reports) {
    counts[trust::PacketStatusName(r.status)] += r.last - r.number + 1;
  }
  return counts;
}

int64_t VerifiedPackets::ValidPrefix() const {
  int64_t n = 0;
  for (auto it = valid.begin(); it != valid.end() && it->first == n + 1; ++it)
    ++n;
  return n;
}

VerifiedPackets VerifyPackets(std::vector<wire::Envelope> envelopes,
                              const trust::TrustStore& trust) {
  VerifiedPackets out;
  out.reports = trust::VerifyStream(envelopes, trust);
  std::map<int64_t, wire::Envelope*> by_number;
  for (wire::Envelope& e : envelopes) by_number[e.packet.packet_number] = &e;
  for (const trust::PacketReport& r : out.reports) {
    if (r.status != trust::PacketStatus::kValid) continue;
    wire::Envelope& e = *by_number[r.number];
    // Only a signed packet's total is covered by a signature the walk
    // checked; a valid packet's total is covered through its segment.
    out.total = std::max(out.total, e.packet.total_packets);
    out.valid.emplace(r.number, std::move(e));
  }
  return out;
}

}  // namespace fog::viewer
