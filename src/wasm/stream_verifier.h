// Verifies the packets of one video as a browser receives them: one at a
// time, in number order, each settled as soon as it can be. This is the state
// machine behind the WebAssembly verifier (verify_glue.cc); it uses the same
// digest, chain and signature code as the workers (trust/packet_verifier.h)
// and reports per packet what docs/wire-format.md describes.
//
// Trust: bare publisher keys (AddKey) and fog keys (AddAuthority). A signed
// packet carrying a certificate ("c") is checked like a worker checks it
// (trust::CheckCertificate): issued by a trusted fog key, for the packet's
// key, not on the issuer's verified revocation list, valid now, the video id
// inside its prefix. The verdict then names the publisher; a refusal gives
// the worker's reason code (revoked, expired, ...).
//
// Per-packet mode: every signed packet settles itself at once. Amortized
// mode: unsigned packets stay pending until the signed packet closing their
// segment arrives; that signature settles the whole segment, verified or
// invalid. A gap in the numbers, a segment longer than the bound, or the end
// of the stream turns pending packets into `unsigned` (never played).
//
// Bound: at most kMaxPendingPackets packets and kMaxPendingBytes bytes of
// media wait for a signature; past either bound the oldest pending packet is
// settled `unsigned` ("segment too long"), so the memory a hostile stream can
// pin is bounded.
//
// Thread-safety: not thread-safe; one object per stream.

#ifndef FOG_WASM_STREAM_VERIFIER_H_
#define FOG_WASM_STREAM_VERIFIER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"
#include "trust/trust_store.h"
#include "wire/envelope.h"

namespace fog::wasm {

inline constexpr size_t kMaxPendingPackets = 1024;
inline constexpr size_t kMaxPendingBytes = size_t{256} << 20;

enum class VerdictStatus { kVerified, kInvalid, kUnsigned, kPending };
const char* VerdictStatusName(VerdictStatus status);

// The reasons, stable strings the UI and its tests match on.
inline constexpr char kReasonMalformed[] = "malformed";
inline constexpr char kReasonReordered[] = "reordered";
inline constexpr char kReasonWrongVideo[] = "wrong video id";
inline constexpr char kReasonDigest[] = "digest mismatch";
inline constexpr char kReasonUnknownKey[] = "unknown key";
inline constexpr char kReasonBadSignature[] = "bad signature";
inline constexpr char kReasonChainBreak[] = "chain break";
inline constexpr char kReasonNotCovered[] = "no signature covers this packet";
inline constexpr char kReasonSegmentGap[] = "segment lacks a packet";
inline constexpr char kReasonSegmentTooLong[] = "segment too long";
inline constexpr char kReasonLegacy[] = "legacy format";
// Certificate refusals use trust::CheckCertificate's codes: "bad-certificate",
// "unknown-authority", "revoked", "not-yet-valid", "expired",
// "outside-prefix".

struct Verdict {
  int64_t index = 0;
  VerdictStatus status = VerdictStatus::kInvalid;
  std::string reason;  // empty unless invalid or unsigned
  std::string detail;  // a longer explanation, may be empty
  int64_t total_packets = 0;
  std::string key_id_hex;     // signed packets and the packets they cover
  std::string digest_hex;     // empty when the payload did not decode
  std::string link_hex;       // empty until the packet's link is known
  std::string prev_link_hex;  // "p" of a signed packet
  std::string publisher;      // the certificate's name, once it checked out
  Bytes media;                // the data; set only when verified
};

class StreamVerifier {
 public:
  explicit StreamVerifier(std::string video_id);

  // Trusts a raw FIPS 204 public key; returns its key id.
  // Errors: InvalidArgument when the length matches no parameter set.
  Result<wire::KeyId> AddKey(ByteView public_key);

  // Trusts a fog key (raw FIPS 204 public key) to vouch for publishers;
  // returns its key id. Errors: InvalidArgument as AddKey.
  Result<wire::KeyId> AddAuthority(ByteView public_key);

  // Takes a signed revocation list (wire/certificate.h) when a trusted fog
  // key signed it and it is newer than the one held (add the authority
  // first). Returns true when kept, false for an equal or older version;
  // InvalidArgument (does not decode), Unauthenticated (unknown issuer, bad
  // signature).
  Result<bool> OfferRevocations(ByteView encoded);

  // The time certificates are checked at, unix seconds; 0 (the default)
  // reads the system clock (in a browser, the browser's clock) per packet.
  void SetNow(int64_t unix_seconds) { now_ = unix_seconds; }

  // Takes packet `number` (1, 2, ...). Returns the verdicts that this packet
  // decided, in number order, and a `pending` verdict for a packet that now
  // waits for its segment's signature (it is later decided again).
  std::vector<Verdict> Push(int64_t number, ByteView payload);

  // The stream has ended: every pending packet becomes `unsigned`.
  std::vector<Verdict> Finish();

 private:
  struct Pending {
    wire::Envelope envelope;
    sis::Digest digest;
  };

  Verdict Base(const wire::Envelope& e, const sis::Digest& digest) const;
  // Settles every pending packet with number < `below` as unsigned.
  void SettleUnsignedBelow(int64_t below, const char* reason,
                           const std::string& detail,
                           std::vector<Verdict>* out);
  void CloseSegment(wire::Envelope e, const sis::Digest& digest,
                    std::vector<Verdict>* out);

  std::string video_id_;
  trust::TrustStore trust_;
  int64_t now_ = 0;
  int64_t last_pushed_ = 0;
  std::deque<Pending> pending_;
  size_t pending_bytes_ = 0;
  int64_t verified_through_ = 0;  // closing number of the last good segment
  wire::Link verified_link_ = wire::GenesisLink();
};

}  // namespace fog::wasm

#endif  // FOG_WASM_STREAM_VERIFIER_H_
