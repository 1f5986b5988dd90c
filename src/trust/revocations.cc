#include "trust/revocations.h"

namespace fog::trust {

bool Revocations::Accept(const wire::RevocationList& list) {
  std::lock_guard<std::mutex> lock(mu_);
  Held& held = by_issuer_[list.body.issuer];
  if (list.body.version <= held.version) return false;
  held.version = list.body.version;
  held.serials = {list.body.serials.begin(), list.body.serials.end()};
  return true;
}

bool Revocations::IsRevoked(const wire::KeyId& issuer, int64_t serial) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_issuer_.find(issuer);
  return it != by_issuer_.end() && it->second.serials.count(serial) > 0;
}

int64_t Revocations::Version(const wire::KeyId& issuer) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_issuer_.find(issuer);
  return it == by_issuer_.end() ? 0 : it->second.version;
}

}  // namespace fog::trust
