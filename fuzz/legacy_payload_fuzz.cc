// libFuzzer target: the seed's VideoPacketSIS decoder and legacy check.

#include <cstddef>
#include <cstdint>

#include "crypto/sis/legacy_check.h"
#include "wire/legacy_payload.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fog::ByteView in(data, size);
  (void)fog::wire::VerifyLegacyPayload(in);
  // The varint reader on raw bytes, as both A and V.
  (void)fog::sis::legacy::DecodeVarints(in, 64, "V");
  (void)fog::sis::legacy::Verify(in, in, in);
  return 0;
}
