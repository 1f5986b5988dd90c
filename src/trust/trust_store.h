// The trust store: the publishers whose packets this node accepts, loaded
// from a directory of NAME.pub files (keys.h).
//
// Thread-safety: const methods may be called concurrently; Add() and Load()
// need external synchronisation.

#ifndef FOG_TRUST_TRUST_STORE_H_
#define FOG_TRUST_TRUST_STORE_H_

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "trust/keys.h"

namespace fog::trust {

class TrustStore {
 public:
  TrustStore() = default;

  // Loads every *.pub file in `dir`. A file that is not a valid public key is
  // skipped and described in `rejected` (one line each); a missing or
  // unreadable directory is an error.
  static Result<TrustStore> LoadDir(const std::string& dir,
                                    std::vector<std::string>* rejected);

  void Add(PublicKey key);

  // The trusted key with this id, or nullptr.
  const PublicKey* Find(const wire::KeyId& id) const;

  size_t size() const { return keys_.size(); }

 private:
  std::map<wire::KeyId, PublicKey> keys_;
};

}  // namespace fog::trust

#endif  // FOG_TRUST_TRUST_STORE_H_
