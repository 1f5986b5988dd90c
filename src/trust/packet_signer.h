// Signs a stream of packets into native envelopes (wire/envelope.h), either
// every packet (k = 1, the default) or once every k packets (amortized mode).
//
// Thread-safety: not thread-safe; one signer per stream.

#ifndef FOG_TRUST_PACKET_SIGNER_H_
#define FOG_TRUST_PACKET_SIGNER_H_

#include "common/status.h"
#include "trust/keys.h"
#include "wire/envelope.h"

namespace fog::trust {

struct SignerOptions {
  int every = 1;               // sign every k-th packet (>= 1)
  bool deterministic = false;  // FIPS 204 deterministic variant (rnd = 0)
  // The key's certificate, encoded (wire/certificate.h): carried as "c" in
  // every signed envelope, since each worker sees only some of a stream's
  // packets. Empty: none (a key the receivers trust bare).
  Bytes certificate;
};

class PacketSigner {
 public:
  // Takes the key over; pass key.Clone() to keep a copy of it.
  PacketSigner(SecretKey key, SignerOptions options);
  PacketSigner(const PacketSigner&) = delete;
  PacketSigner& operator=(const PacketSigner&) = delete;

  // Wraps the next packet of the stream. REQUIRES: packets come in order,
  // numbered 1, 2, ... without gaps. The packet is signed when it closes a
  // segment of k packets or when `last` is true (the final packet of the
  // stream must be signed so nothing trails unsigned). On an error
  // (out of order, a bad video id, the CSPRNG failing for a hedged
  // signature) the signer is unchanged and the packet may be offered again.
  Result<wire::Envelope> Next(wire::VideoPacket packet, bool last);

  // Starts the chain from `prev` at packet `first`, for a publisher that
  // resumes a stream (and for tests). Defaults: genesis link, packet 1.
  void ResumeAt(int64_t first, const wire::Link& prev);

 private:
  SecretKey key_;
  SignerOptions options_;
  wire::Link link_;            // link of the last packet wrapped
  wire::Link segment_prev_;    // link before the open segment
  int64_t segment_first_ = 1;  // first packet of the open segment
  int64_t next_number_ = 1;
};

}  // namespace fog::trust

#endif  // FOG_TRUST_PACKET_SIGNER_H_
