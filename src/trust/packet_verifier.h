// Verifies native envelopes: one signed packet on its own, or a whole stream
// with a per-packet status as signed-video systems report it.
//
// Thread-safety: reentrant; the TrustStore is only read.

#ifndef FOG_TRUST_PACKET_VERIFIER_H_
#define FOG_TRUST_PACKET_VERIFIER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "trust/trust_store.h"
#include "wire/envelope.h"

namespace fog::trust {

// Who signed a packet, or why it was refused.
struct SignerInfo {
  std::string publisher;  // the certificate's name; empty for a bare key
  // On failure, a stable code: digest-mismatch, unsigned, segment-signature,
  // untrusted-key, bad-signature, or a certificate refusal
  // (CheckCertificate in certificate_authority.h).
  std::string reason;
};

// Checks a signed envelope whose signature covers only itself (first ==
// packet_number): the digest of its data, the publisher key, the signature.
// The key is the certificate's when the envelope carries one ("c"), checked
// against the trust store's authorities and revocation lists at unix time
// `now` (0: the current time); else a bare key the trust store holds.
// On success returns link_n, which the caller compares with the next
// packet's "p" to check the chain. Errors: Corruption (digest mismatch),
// Unauthenticated (unsigned, unknown key, wrong key size, bad signature,
// certificate refused), InvalidArgument (a segment signature: use
// VerifyStream). `info`, when given, names the publisher or the reason.
Result<wire::Link> VerifySignedPacket(const wire::Envelope& envelope,
                                      const TrustStore& trust,
                                      SignerInfo* info = nullptr,
                                      int64_t now = 0);

enum class PacketStatus { kValid, kInvalid, kMissing, kUnsigned };
const char* PacketStatusName(PacketStatus status);

// One packet, or a run of missing packets number..last.
struct PacketReport {
  int64_t number = 0;
  int64_t last = 0;  // == number except for a run of missing packets
  PacketStatus status = PacketStatus::kMissing;
  std::string reason;
};

// Verifies every packet of one video. `envelopes` may come in any order and
// hold exact duplicates; two different payloads with one number make that
// number invalid. Reports packets 1..max(highest number, total_packets) in
// order, consecutive missing packets as one run (so a hostile packet number
// costs nothing):
//   valid    covered by a valid signature from a trusted key, chain intact;
//   invalid  digest, signature or chain check failed, or conflicting copies;
//   missing  not received;
//   unsigned received but no signature covers it (or its segment lacks a
//            packet, so the signature cannot be checked).
std::vector<PacketReport> VerifyStream(
    const std::vector<wire::Envelope>& envelopes, const TrustStore& trust);

}  // namespace fog::trust

#endif  // FOG_TRUST_PACKET_VERIFIER_H_
