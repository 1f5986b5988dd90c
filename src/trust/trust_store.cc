#include "trust/trust_store.h"

#include <filesystem>
#include <system_error>

#include "trust/certificate_authority.h"

namespace fog::trust {

Result<TrustStore> TrustStore::LoadDir(const std::string& dir,
                                       std::vector<std::string>* rejected) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) {
    return Status::IoError("cannot read trust store " + dir + ": " +
                           ec.message());
  }
  auto reject = [&](const Status& s) {
    if (rejected) rejected->push_back(s.ToString());
  };
  TrustStore store;
  std::vector<std::string> lists;
  for (const auto& entry : it) {
    const std::string ext = entry.path().extension().string();
    const std::string path = entry.path().string();
    if (ext == ".revocations") {
      lists.push_back(path);  // checked once every authority is known
      continue;
    }
    if (ext != ".pub" && ext != ".authority") continue;
    Result<PublicKey> key = LoadPublicKey(path);
    if (!key.ok()) {
      reject(key.status());
      continue;
    }
    if (ext == ".pub") {
      store.Add(std::move(*key));
    } else {
      store.AddAuthority(std::move(*key));
    }
  }
  for (const std::string& path : lists) {
    Result<Bytes> bytes = ReadFile(path);
    Result<bool> kept = bytes.ok() ? store.OfferRevocations(*bytes)
                                   : Result<bool>(bytes.status());
    if (!kept.ok()) {
      reject(Status::InvalidArgument(path + ": " + kept.status().message()));
    }
  }
  return store;
}

void TrustStore::Add(PublicKey key) {
  wire::KeyId id = key.id;
  keys_.insert_or_assign(id, std::move(key));
}

void TrustStore::AddAuthority(PublicKey key) {
  wire::KeyId id = key.id;
  authorities_.insert_or_assign(id, std::move(key));
}

const PublicKey* TrustStore::Find(const wire::KeyId& id) const {
  auto it = keys_.find(id);
  return it == keys_.end() ? nullptr : &it->second;
}

const PublicKey* TrustStore::FindAuthority(const wire::KeyId& id) const {
  auto it = authorities_.find(id);
  return it == authorities_.end() ? nullptr : &it->second;
}

Result<bool> TrustStore::OfferRevocations(ByteView encoded) const {
  Result<wire::RevocationList> list = wire::DecodeRevocationList(encoded);
  if (!list.ok()) return list.status();
  const PublicKey* authority = FindAuthority(list->body.issuer);
  if (authority == nullptr) {
    return Status::Unauthenticated("revocation list from unknown authority " +
                                   ToHex(list->body.issuer));
  }
  if (!VerifyRevocationList(*list, *authority)) {
    return Status::Unauthenticated(
        "revocation list signature does not verify with authority " +
        ToHex(list->body.issuer));
  }
  return revocations_->Accept(*list);
}

std::shared_ptr<const VerifiedCertificate> TrustStore::FindCertificate(
    ByteView encoded) const {
  const std::string_view key(reinterpret_cast<const char*>(encoded.data()),
                             encoded.size());
  std::lock_guard<std::mutex> lock(certificates_->mu);
  auto it = certificates_->by_encoding.find(key);
  return it == certificates_->by_encoding.end() ? nullptr : it->second;
}

void TrustStore::RememberCertificate(
    ByteView encoded,
    std::shared_ptr<const VerifiedCertificate> verified) const {
  std::string key(reinterpret_cast<const char*>(encoded.data()),
                  encoded.size());
  std::lock_guard<std::mutex> lock(certificates_->mu);
  CertificateCache& cache = *certificates_;
  if (cache.by_encoding.contains(key)) return;
  if (cache.order.size() >= kMaxVerifiedCertificates) {
    cache.by_encoding.erase(cache.order.front());
    cache.order.pop_front();
  }
  cache.order.push_back(
      cache.by_encoding.emplace(std::move(key), std::move(verified)).first);
}

size_t TrustStore::certificates_remembered() const {
  std::lock_guard<std::mutex> lock(certificates_->mu);
  return certificates_->by_encoding.size();
}

}  // namespace fog::trust
