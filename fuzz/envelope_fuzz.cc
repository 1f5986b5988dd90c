// libFuzzer target: the signed envelope decoder and verifier, and the
// one-payload inspector that routes between all formats.

#include <cstddef>
#include <cstdint>

#include "trust/inspect.h"
#include "trust/packet_verifier.h"
#include "wire/envelope.h"

namespace {

const fog::trust::TrustStore& Trust() {
  static const fog::trust::TrustStore* store = [] {
    auto* s = new fog::trust::TrustStore();
    auto pair = fog::trust::GenerateKeyPair(fog::mldsa::Alg::kMlDsa44,
                                            fog::Bytes(32, 0x42));
    if (pair.ok()) s->Add(pair->pub);
    return s;
  }();
  return *store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fog::ByteView in(data, size);
  (void)fog::trust::InspectPayload(in, &Trust());
  fog::Result<fog::wire::Envelope> e = fog::wire::DecodeEnvelope(in);
  if (e.ok()) {
    (void)fog::trust::VerifySignedPacket(*e, Trust());
    (void)fog::trust::VerifyStream({*e, *e}, Trust());
    fog::Result<fog::wire::Envelope> again =
        fog::wire::DecodeEnvelope(fog::wire::EncodeEnvelope(*e));
    if (!again.ok() || !(*again == *e)) __builtin_trap();
  }
  return 0;
}
