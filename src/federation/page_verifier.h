// Checks the packets a peer sent before this fog serves or caches any: a
// peer is trusted no more than a publisher, so each packet must carry a
// valid signature from a key in this fog's trust store, its SIS digest must
// match, and the chain must hold within the page (trust::VerifyStream).
//
// Thread-safety: reentrant; the TrustStore is only read.

#ifndef FOG_FEDERATION_PAGE_VERIFIER_H_
#define FOG_FEDERATION_PAGE_VERIFIER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "trust/trust_store.h"

namespace fog::federation {

struct VerifiedPage {
  std::map<int64_t, Bytes> valid;  // payload as received, by packet number
  // Packets that failed a check: a forged or altered answer.
  int64_t forged = 0;
  // Payloads that were no envelope of this video, or seed-format packets,
  // which carry no signature a peer's answer could be checked against.
  int64_t unverifiable = 0;
  // Valid envelopes whose signature lies in a packet outside the page.
  int64_t unchecked = 0;
};

VerifiedPage VerifyPage(const std::string& video_id,
                        const std::vector<Bytes>& payloads,
                        const trust::TrustStore& trust);

}  // namespace fog::federation

#endif  // FOG_FEDERATION_PAGE_VERIFIER_H_
