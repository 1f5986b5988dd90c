// The revocation lists a receiver holds: for each certificate authority
// (fog key), the highest-versioned signed list it has seen. Lists arrive
// retained on fog/revocations and from the trust directory; an older or
// equal version never replaces a newer one, so a replayed old list cannot
// un-revoke a publisher.
//
// Thread-safety: all methods may be called concurrently (one mutex); a
// worker offers lists on its MQTT thread while its packets are checked.

#ifndef FOG_TRUST_REVOCATIONS_H_
#define FOG_TRUST_REVOCATIONS_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <set>

#include "wire/certificate.h"

namespace fog::trust {

class Revocations {
 public:
  Revocations() = default;
  Revocations(const Revocations&) = delete;
  Revocations& operator=(const Revocations&) = delete;

  // Keeps `list` (whose signature the caller has checked) when its version
  // is higher than the one held for its issuer. Returns true if it did.
  bool Accept(const wire::RevocationList& list);

  bool IsRevoked(const wire::KeyId& issuer, int64_t serial) const;
  // The version held for `issuer`; 0 when none.
  int64_t Version(const wire::KeyId& issuer) const;

 private:
  struct Held {
    int64_t version = 0;
    std::set<int64_t> serials;
  };
  mutable std::mutex mu_;
  std::map<wire::KeyId, Held> by_issuer_;
};

}  // namespace fog::trust

#endif  // FOG_TRUST_REVOCATIONS_H_
