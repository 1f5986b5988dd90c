#include "master/fingerprints.h"

#include "crypto/keccak.h"

namespace fog::master {

Fingerprints::Digest Fingerprints::Of(ByteView payload) {
  Digest d{};
  crypto::Shake256Hash(payload, d);
  return d;
}

void Fingerprints::Set(const PacketKey& key, const Digest& digest) {
  auto [it, inserted] = digests_.insert_or_assign(key, digest);
  if (!inserted) return;
  order_.push_back(key);
  while (order_.size() > capacity_) {
    digests_.erase(order_.front());
    order_.pop_front();
  }
}

std::optional<Fingerprints::Digest> Fingerprints::Get(
    const PacketKey& key) const {
  auto it = digests_.find(key);
  if (it == digests_.end()) return std::nullopt;
  return it->second;
}

}  // namespace fog::master
