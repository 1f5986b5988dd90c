#include "wasm/stream_verifier.h"

#include <optional>
#include <string_view>
#include <utility>

#include "crypto/mldsa/mldsa.h"
#include "crypto/sis/sis_digest.h"
#include "trust/certificate_authority.h"
#include "trust/keys.h"
#include "wire/payload_format.h"

namespace fog::wasm {

const char* VerdictStatusName(VerdictStatus status) {
  switch (status) {
    case VerdictStatus::kVerified:
      return "verified";
    case VerdictStatus::kInvalid:
      return "invalid";
    case VerdictStatus::kUnsigned:
      return "unsigned";
    case VerdictStatus::kPending:
      return "pending";
  }
  return "invalid";
}

StreamVerifier::StreamVerifier(std::string video_id)
    : video_id_(std::move(video_id)) {}

Result<wire::KeyId> StreamVerifier::AddKey(ByteView public_key) {
  Result<trust::PublicKey> key =
      trust::ParsePublicKey(Bytes(public_key.begin(), public_key.end()));
  if (!key.ok()) return key.status();
  const wire::KeyId id = key->id;
  trust_.Add(std::move(*key));
  return id;
}

Result<wire::KeyId> StreamVerifier::AddAuthority(ByteView public_key) {
  Result<trust::PublicKey> key =
      trust::ParsePublicKey(Bytes(public_key.begin(), public_key.end()));
  if (!key.ok()) return key.status();
  const wire::KeyId id = key->id;
  trust_.AddAuthority(std::move(*key));
  return id;
}

Result<bool> StreamVerifier::OfferRevocations(ByteView encoded) {
  return trust_.OfferRevocations(encoded);
}

Verdict StreamVerifier::Base(const wire::Envelope& e,
                             const sis::Digest& digest) const {
  Verdict v;
  v.index = e.packet.packet_number;
  v.total_packets = e.packet.total_packets;
  v.digest_hex = ToHex(digest);
  return v;
}

void StreamVerifier::SettleUnsignedBelow(int64_t below, const char* reason,
                                         const std::string& detail,
                                         std::vector<Verdict>* out) {
  while (!pending_.empty() &&
         pending_.front().envelope.packet.packet_number < below) {
    Pending& p = pending_.front();
    Verdict v = Base(p.envelope, p.digest);
    v.status = VerdictStatus::kUnsigned;
    v.reason = reason;
    v.detail = detail;
    out->push_back(std::move(v));
    pending_bytes_ -= p.envelope.packet.data.size();
    pending_.pop_front();
  }
}

std::vector<Verdict> StreamVerifier::Push(int64_t number, ByteView payload) {
  std::vector<Verdict> out;
  Verdict bad;
  bad.index = number;
  bad.status = VerdictStatus::kInvalid;
  if (number <= last_pushed_) {
    // Numbers only grow: a repeated or earlier number was reordered or
    // replayed, and the state stays as it was.
    bad.reason = kReasonReordered;
    bad.detail = "packet " + std::to_string(number) + " arrived after packet " +
                 std::to_string(last_pushed_);
    out.push_back(std::move(bad));
    return out;
  }
  if (number > last_pushed_ + 1) {
    // A gap: the segment holding the absent packets can never be checked.
    SettleUnsignedBelow(number, kReasonSegmentGap,
                        "packet " + std::to_string(last_pushed_ + 1) +
                            " was not received; the signature of its segment "
                            "cannot be checked",
                        &out);
  }
  last_pushed_ = number;

  Result<wire::Envelope> decoded = wire::DecodeEnvelope(payload);
  if (!decoded.ok()) {
    const wire::PayloadFormat format = wire::DetectFormat(payload);
    if (format == wire::PayloadFormat::kLegacySis ||
        format == wire::PayloadFormat::kVideoPacket) {
      bad.status = VerdictStatus::kUnsigned;
      bad.reason = kReasonLegacy;
      bad.detail = std::string("a ") + wire::FormatName(format) +
                   " payload carries no signature";
    } else {
      bad.reason = kReasonMalformed;
      bad.detail = decoded.status().message();
    }
    out.push_back(std::move(bad));
    return out;
  }
  wire::Envelope e = std::move(*decoded);
  const sis::Digest digest = sis::SisDigest(e.packet.data);
  Verdict v = Base(e, digest);
  v.status = VerdictStatus::kInvalid;
  if (e.signature) v.key_id_hex = ToHex(e.signature->key_id);
  if (e.packet.packet_number != number) {
    v.index = number;
    v.reason = kReasonReordered;
    v.detail = "packet " + std::to_string(number) + " holds packet number " +
               std::to_string(e.packet.packet_number);
    out.push_back(std::move(v));
    return out;
  }
  if (e.packet.video_id != video_id_) {
    v.reason = kReasonWrongVideo;
    v.detail = "packet belongs to video " + e.packet.video_id;
    out.push_back(std::move(v));
    return out;
  }
  if (e.signature) {
    CloseSegment(std::move(e), digest, &out);
    return out;
  }
  // Unsigned: waits for the signature closing its segment, within bounds.
  const bool last = e.packet.total_packets != 0 &&
                    e.packet.packet_number == e.packet.total_packets;
  pending_bytes_ += e.packet.data.size();
  pending_.push_back({std::move(e), digest});
  while (pending_.size() > kMaxPendingPackets ||
         (pending_bytes_ > kMaxPendingBytes && pending_.size() > 1)) {
    SettleUnsignedBelow(pending_.front().envelope.packet.packet_number + 1,
                        kReasonSegmentTooLong,
                        "more packets wait for a signature than the verifier "
                        "holds",
                        &out);
  }
  if (last) {
    // No packet can follow the last one, so no signature will cover it.
    SettleUnsignedBelow(number + 1, kReasonNotCovered,
                        "the stream ended without a covering signature", &out);
    return out;
  }
  if (!pending_.empty() &&
      pending_.back().envelope.packet.packet_number == number) {
    Verdict waiting = Base(pending_.back().envelope, digest);
    waiting.status = VerdictStatus::kPending;
    out.push_back(std::move(waiting));
  }
  return out;
}

void StreamVerifier::CloseSegment(wire::Envelope e, const sis::Digest& digest,
                                  std::vector<Verdict>* out) {
  const wire::Signature& sig = *e.signature;
  const int64_t n = e.packet.packet_number;
  const int64_t first = sig.first;
  SettleUnsignedBelow(
      first, kReasonNotCovered,
      "the next signature starts at packet " + std::to_string(first), out);
  // The pending packets must be exactly first..n-1.
  int64_t expect = first;
  for (const Pending& p : pending_) {
    if (p.envelope.packet.packet_number != expect) break;
    ++expect;
  }
  const std::string key_hex = ToHex(sig.key_id);
  std::vector<Verdict> segment;
  for (const Pending& p : pending_) {
    segment.push_back(Base(p.envelope, p.digest));
    segment.back().key_id_hex = key_hex;
  }
  Verdict closing = Base(e, digest);
  closing.key_id_hex = key_hex;
  closing.prev_link_hex = ToHex(sig.prev);

  auto settle = [&](VerdictStatus status, const char* reason,
                    const std::string& detail) {
    segment.push_back(std::move(closing));
    for (Verdict& v : segment) {
      v.status = status;
      v.reason = reason;
      v.detail = detail;
      if (status != VerdictStatus::kVerified) v.media.clear();
      out->push_back(std::move(v));
    }
    pending_.clear();
    pending_bytes_ = 0;
  };

  if (expect != n) {
    settle(VerdictStatus::kUnsigned, kReasonSegmentGap,
           "segment " + std::to_string(first) + ".." + std::to_string(n) +
               " lacks packet " + std::to_string(expect) +
               "; its signature cannot be checked");
    return;
  }
  // Rebuild link_first .. link_n from "p" over the digests of the data held.
  wire::Link link = sig.prev;
  for (size_t i = 0; i < pending_.size(); ++i) {
    const wire::VideoPacket& p = pending_[i].envelope.packet;
    link = wire::ChainLink(p.video_id, p.packet_number, p.total_packets,
                           pending_[i].digest, link);
    segment[i].link_hex = ToHex(link);
  }
  link = wire::ChainLink(e.packet.video_id, n, e.packet.total_packets, digest,
                         link);
  closing.link_hex = ToHex(link);

  if (digest != sig.digest) {
    settle(VerdictStatus::kInvalid, kReasonDigest,
           "data does not match the packet's SIS digest");
    return;
  }
  // The key: the certificate's when the packet carries one, checked as a
  // worker checks it; else a bare trusted key.
  std::optional<trust::CertifiedSigner> certified;
  const trust::PublicKey* key = nullptr;
  if (!sig.certificate.empty()) {
    std::string code;
    Result<trust::CertifiedSigner> c = trust::CheckCertificate(
        sig.certificate, sig.key_id, e.packet.video_id,
        now_ != 0 ? now_ : trust::UnixNow(), trust_, &code);
    if (!c.ok()) {
      settle(VerdictStatus::kInvalid, code.c_str(), c.status().message());
      return;
    }
    certified = std::move(*c);
    key = &certified->key;
    for (Verdict& v : segment) v.publisher = certified->name;
    closing.publisher = certified->name;
  } else {
    key = trust_.Find(sig.key_id);
    if (key == nullptr) {
      settle(VerdictStatus::kInvalid, kReasonUnknownKey,
             "signed by key " + key_hex + ", which is not trusted");
      return;
    }
  }
  const std::string_view ctx = wire::kSignatureContext;
  if (!key->Verify(link, AsBytes(ctx), sig.sig)) {
    settle(VerdictStatus::kInvalid, kReasonBadSignature,
           "signature does not verify with key " + key_hex);
    return;
  }
  const bool chained =
      first == 1 ? sig.prev == wire::GenesisLink()
                 : verified_through_ != first - 1 || verified_link_ == sig.prev;
  if (!chained) {
    settle(VerdictStatus::kInvalid, kReasonChainBreak,
           "chain broken before packet " + std::to_string(first) +
               ": spliced, replayed or reordered");
    return;
  }
  for (size_t i = 0; i < pending_.size(); ++i) {
    segment[i].media = std::move(pending_[i].envelope.packet.data);
  }
  closing.media = std::move(e.packet.data);
  verified_through_ = n;
  verified_link_ = link;
  settle(VerdictStatus::kVerified, "", "");
}

std::vector<Verdict> StreamVerifier::Finish() {
  std::vector<Verdict> out;
  SettleUnsignedBelow(last_pushed_ + 1, kReasonNotCovered,
                      "the stream ended without a covering signature", &out);
  return out;
}

}  // namespace fog::wasm
