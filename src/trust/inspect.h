// One verdict for one payload of any format, as `fog packet inspect` prints
// it and as a receiver logs it.
//
// Thread-safety: reentrant.

#ifndef FOG_TRUST_INSPECT_H_
#define FOG_TRUST_INSPECT_H_

#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "common/status.h"
#include "trust/trust_store.h"
#include "wire/payload_format.h"

namespace fog::trust {

struct InspectReport {
  wire::PayloadFormat format = wire::PayloadFormat::kUnknown;
  std::string video_id;
  int64_t packet_number = 0;
  int64_t total_packets = 0;
  size_t data_bytes = 0;
  bool valid = false;          // every check that could be made passed
  bool authenticated = false;  // a valid signature from a trusted key
  std::string reason;
  // The certificate's publisher name when a certified key signed it (and
  // the certificate passed), else empty. `refusal` is the stable code of
  // a failed check (packet_verifier.h, SignerInfo), else empty.
  std::string publisher;
  std::string refusal;
  std::string link_hex;  // native signed packets: link_n, for chaining with
                         // `fog packet sign --prev`
};

// Decodes and checks `payload`. `trust` may be null: native signatures are
// then not checked (valid means "well-formed and digest intact", never
// authenticated). Fails only when the payload is in no known format or its
// envelope does not decode (unusable input).
Result<InspectReport> InspectPayload(ByteView payload, const TrustStore* trust);

// The report as one JSON object (no trailing newline).
std::string ReportJson(const InspectReport& report);

}  // namespace fog::trust

#endif  // FOG_TRUST_INSPECT_H_
