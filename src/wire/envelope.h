// The signed packet envelope: our native wire format (docs/wire-format.md).
//
// A native payload is the seed's VideoPacket map {video_id, packet_number,
// total_packets, data} with extra keys, so old readers still find the four
// seed fields:
//   "v"  format version (1)                                     always
//   "d"  SIS digest of `data` (72 bytes)                        signed only
//   "p"  chain link before the signed segment (72 bytes)        signed only
//   "f"  first packet number of the segment, when != number     signed only
//   "k"  publisher key id (16 bytes)                            signed only
//   "s"  ML-DSA signature over the link of this packet          signed only
//   "c"  the publisher's certificate (wire/certificate.h)       optional,
//        signed only; absent for a key the receiver trusts bare
//
// The chain: d_n = SisDigest(data_n) and
//   link_n = SisDigest("fog-link-v1" 0x00 || u16be len(id) || id ||
//                      u64be n || u64be total_n || d_n || link_{n-1}),
// link_0 = 72 zero bytes. A signed packet n with segment start f carries
// p = link_{f-1}; its signature is ML-DSA.Sign(sk, link_n, ctx="fog-video-v1").
// Per-packet mode signs every packet (f = n); amortized mode signs every k-th
// packet and the last one, leaving the packets in between unsigned.
//
// Thread-safety: value types; functions are reentrant.

#ifndef FOG_WIRE_ENVELOPE_H_
#define FOG_WIRE_ENVELOPE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "common/bytes.h"
#include "common/status.h"
#include "crypto/sis/sis_digest.h"
#include "wire/video_packet.h"

namespace fog::wire {

inline constexpr int kEnvelopeVersion = 1;
inline constexpr size_t kKeyIdBytes = 16;
inline constexpr char kSignatureContext[] = "fog-video-v1";

using Link = sis::Digest;
using KeyId = std::array<uint8_t, kKeyIdBytes>;

struct Signature {
  sis::Digest digest{};  // "d"
  Link prev{};           // "p": link_{first-1}
  int64_t first = 0;     // "f": first packet number the signature covers
  KeyId key_id{};        // "k"
  Bytes sig;             // "s"
  Bytes certificate;     // "c": an encoded certificate; empty = none

  bool operator==(const Signature&) const = default;
};

struct Envelope {
  VideoPacket packet;
  std::optional<Signature> signature;  // absent: unsigned (amortized mode)

  bool operator==(const Envelope&) const = default;
};

// The first link of every stream: 72 zero bytes.
Link GenesisLink();

// link_n as defined above.
Link ChainLink(const std::string& video_id, int64_t number, int64_t total,
               const sis::Digest& digest, const Link& prev);

Bytes EncodeEnvelope(const Envelope& envelope);

// Strict decoding: the four seed fields plus "v" == 1, and either all of
// d, p, k, s (f and c optional) or none of them; no other keys; field sizes
// exact (the signature length is checked against the key later); a "c" that
// is not a strictly valid certificate (its signature is checked later, by
// the verifier) is refused here. packet_number
// >= 1, total_packets >= 0, first in [1, packet_number], video id 1..255
// bytes of printable ASCII.
Result<Envelope> DecodeEnvelope(ByteView payload);

// Checks a video id for use anywhere (topics, registry, storage keys): 1 to
// 255 bytes of printable ASCII other than '/', '+', '#', and not "." or "..".
Status ValidateVideoId(std::string_view id);

}  // namespace fog::wire

#endif  // FOG_WIRE_ENVELOPE_H_
