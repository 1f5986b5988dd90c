#include "trust/trust_store.h"

#include <filesystem>
#include <system_error>

namespace fog::trust {

Result<TrustStore> TrustStore::LoadDir(const std::string& dir,
                                       std::vector<std::string>* rejected) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) {
    return Status::IoError("cannot read trust store " + dir + ": " +
                           ec.message());
  }
  TrustStore store;
  for (const auto& entry : it) {
    if (entry.path().extension() != ".pub") continue;
    Result<PublicKey> key = LoadPublicKey(entry.path().string());
    if (!key.ok()) {
      if (rejected) rejected->push_back(key.status().ToString());
      continue;
    }
    store.Add(std::move(*key));
  }
  return store;
}

void TrustStore::Add(PublicKey key) {
  wire::KeyId id = key.id;
  keys_.insert_or_assign(id, std::move(key));
}

const PublicKey* TrustStore::Find(const wire::KeyId& id) const {
  auto it = keys_.find(id);
  return it == keys_.end() ? nullptr : &it->second;
}

}  // namespace fog::trust
