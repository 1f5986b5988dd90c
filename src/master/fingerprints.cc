#include "master/fingerprints.h"

#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <memory>

#include "crypto/random.h"

namespace fog::master {

Fingerprints::Key Fingerprints::RandomKey() {
  Key key{};
  Status s = crypto::RandomBytes(key);
  if (!s.ok()) {
    spdlog::critical("master: no key for payload fingerprints: {}",
                     s.ToString());
    std::abort();
  }
  return key;
}

Fingerprints::Digest Fingerprints::Of(ByteView payload) const {
  // Fetched once: a fetch looks the algorithm up in OpenSSL's provider
  // tables under a lock. A context per call keeps Of() free of shared state.
  static EVP_MAC* const poly1305 = EVP_MAC_fetch(nullptr, "POLY1305", nullptr);
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(
      poly1305 ? EVP_MAC_CTX_new(poly1305) : nullptr, EVP_MAC_CTX_free);
  Digest d{};
  size_t len = 0;
  // Fails only when OpenSSL cannot allocate or lacks Poly1305 (its default
  // provider has it); a master without either cannot go on placing packets.
  if (!ctx || EVP_MAC_init(ctx.get(), key_.data(), key_.size(), nullptr) != 1 ||
      EVP_MAC_update(ctx.get(), payload.data(), payload.size()) != 1 ||
      EVP_MAC_final(ctx.get(), d.data(), &len, d.size()) != 1 ||
      len != d.size()) {
    spdlog::critical(
        "master: OpenSSL could not compute a Poly1305 fingerprint");
    std::abort();
  }
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
