// libFuzzer target: the certificate and revocation-list decoders, and the
// certificate check a worker runs on a packet's "c".

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "trust/certificate_authority.h"
#include "trust/trust_store.h"
#include "wire/certificate.h"

namespace {

const fog::trust::TrustStore& Trust() {
  static const fog::trust::TrustStore* store = [] {
    auto* s = new fog::trust::TrustStore();
    auto pair = fog::trust::GenerateKeyPair(fog::trust::kAuthorityAlg,
                                            fog::Bytes(32, 0x42));
    if (pair.ok()) s->AddAuthority(pair->pub);
    return s;
  }();
  return *store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fog::ByteView in(data, size);
  fog::Result<fog::wire::Certificate> c = fog::wire::DecodeCertificate(in);
  if (c.ok()) {
    // Canonical: what decodes re-encodes to the same bytes.
    fog::Bytes again = fog::wire::EncodeCertificate(*c);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data))
      __builtin_trap();
  }
  std::string reason;
  (void)fog::trust::CheckCertificate(in, fog::wire::KeyId{}, "video", 0,
                                     Trust(), &reason);
  fog::Result<fog::wire::RevocationList> l =
      fog::wire::DecodeRevocationList(in);
  if (l.ok()) {
    fog::Bytes again = fog::wire::EncodeRevocationList(*l);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data))
      __builtin_trap();
  }
  (void)Trust().OfferRevocations(in);
  return 0;
}
