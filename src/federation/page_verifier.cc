#include "federation/page_verifier.h"

#include "trust/packet_verifier.h"
#include "wire/envelope.h"

namespace fog::federation {

VerifiedPage VerifyPage(const std::string& video_id,
                        const std::vector<Bytes>& payloads,
                        const trust::TrustStore& trust) {
  VerifiedPage page;
  std::vector<wire::Envelope> envelopes;
  std::map<int64_t, const Bytes*> by_number;
  for (const Bytes& p : payloads) {
    Result<wire::Envelope> e = wire::DecodeEnvelope(p);
    if (!e.ok() || e->packet.video_id != video_id) {
      ++page.unverifiable;
      continue;
    }
    by_number.emplace(e->packet.packet_number, &p);
    envelopes.push_back(std::move(*e));
  }
  for (const trust::PacketReport& r : trust::VerifyStream(envelopes, trust)) {
    switch (r.status) {
      case trust::PacketStatus::kValid:
        if (auto it = by_number.find(r.number); it != by_number.end()) {
          page.valid.emplace(r.number, *it->second);
        }
        break;
      case trust::PacketStatus::kInvalid:
        ++page.forged;
        break;
      case trust::PacketStatus::kUnsigned:
        page.unchecked += r.last - r.number + 1;
        break;
      case trust::PacketStatus::kMissing:
        break;
    }
  }
  return page;
}

}  // namespace fog::federation
