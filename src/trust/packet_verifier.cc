#include "trust/packet_verifier.h"

#include <algorithm>
#include <optional>

#include "trust/certificate_authority.h"

namespace fog::trust {

namespace {

// Checks the signature of `e` over `link`; `link` must already include e's
// recomputed digest. The key comes from e's certificate when it carries
// one, else from the bare keys of `trust`.
Status CheckSignature(const wire::Envelope& e, const wire::Link& link,
                      const TrustStore& trust, int64_t now, SignerInfo* info) {
  const wire::Signature& sig = *e.signature;
  std::string reason;
  auto fail = [&](std::string code, Status s) {
    if (info) info->reason = std::move(code);
    return s;
  };
  std::optional<CertifiedSigner> certified;
  const PublicKey* key = nullptr;
  if (!sig.certificate.empty()) {
    Result<CertifiedSigner> c =
        CheckCertificate(sig.certificate, sig.key_id, e.packet.video_id,
                         now != 0 ? now : UnixNow(), trust, &reason);
    if (!c.ok()) return fail(reason, c.status());
    certified = std::move(*c);
    key = &certified->key;
  } else {
    key = trust.Find(sig.key_id);
    if (key == nullptr) {
      return fail("untrusted-key",
                  Status::Unauthenticated("unknown publisher key " +
                                          ToHex(sig.key_id)));
    }
  }
  const std::string_view ctx = wire::kSignatureContext;
  if (!key->Verify(link, AsBytes(ctx), sig.sig)) {
    return fail("bad-signature",
                Status::Unauthenticated("signature does not verify with key " +
                                        ToHex(sig.key_id)));
  }
  if (info && certified) info->publisher = certified->name;
  return Status::OK();
}

}  // namespace

Result<wire::Link> VerifySignedPacket(const wire::Envelope& e,
                                      const TrustStore& trust, SignerInfo* info,
                                      int64_t now) {
  if (!e.signature) {
    if (info) info->reason = "unsigned";
    return Status::Unauthenticated("packet is unsigned");
  }
  const wire::Signature& sig = *e.signature;
  if (sig.first != e.packet.packet_number) {
    if (info) info->reason = "segment-signature";
    return Status::InvalidArgument(
        "signature covers packets " + std::to_string(sig.first) + ".." +
        std::to_string(e.packet.packet_number) + "; verify the whole segment");
  }
  const sis::Digest digest = sis::SisDigest(e.packet.data);
  if (digest != sig.digest) {
    if (info) info->reason = "digest-mismatch";
    return Status::Corruption("data does not match the packet's SIS digest");
  }
  wire::Link link = wire::ChainLink(e.packet.video_id, e.packet.packet_number,
                                    e.packet.total_packets, digest, sig.prev);
  Status s = CheckSignature(e, link, trust, now, info);
  if (!s.ok()) return s;
  return link;
}

const char* PacketStatusName(PacketStatus status) {
  switch (status) {
    case PacketStatus::kValid:
      return "valid";
    case PacketStatus::kInvalid:
      return "invalid";
    case PacketStatus::kMissing:
      return "missing";
    case PacketStatus::kUnsigned:
      return "unsigned";
  }
  return "unknown";
}

namespace {

// The stream walk: segments are closed by signed packets, in number order.
class StreamWalk {
 public:
  StreamWalk(std::map<int64_t, const wire::Envelope*> packets,
             std::map<int64_t, std::string> conflicts, const TrustStore& trust)
      : packets_(std::move(packets)),
        conflicts_(std::move(conflicts)),
        trust_(trust) {}

  std::vector<PacketReport> Run() {
    int64_t last = 0;
    for (const auto& [n, e] : packets_) {
      last = std::max({last, n, e->packet.total_packets});
      received_[n] = {n, n, PacketStatus::kUnsigned,
                      "no signature covers this packet"};
    }
    for (const auto& [n, e] : packets_) {
      if (e->signature) CheckSegment(*e);
    }
    for (const auto& [n, reason] : conflicts_) {
      last = std::max(last, n);
      received_[n] = {n, n, PacketStatus::kInvalid, reason};
    }
    return WithMissingRuns(last);
  }

 private:
  // Sets the status of every received packet in [first, last]. A packet
  // that a valid signature already covers stays valid: another (bogus)
  // signature claiming to cover it must not downgrade it.
  void SetRange(int64_t first, int64_t last, PacketStatus status,
                const std::string& reason) {
    for (auto it = received_.lower_bound(first);
         it != received_.end() && it->first <= last; ++it) {
      if (it->second.status == PacketStatus::kValid) continue;
      it->second.status = status;
      it->second.reason = reason;
    }
  }

  std::vector<PacketReport> WithMissingRuns(int64_t last) {
    std::vector<PacketReport> out;
    int64_t next = 1;
    auto missing_until = [&](int64_t end) {
      if (next <= end) {
        out.push_back({next, end, PacketStatus::kMissing, "not received"});
      }
    };
    for (auto& [n, report] : received_) {
      missing_until(n - 1);
      out.push_back(std::move(report));
      next = n + 1;
    }
    missing_until(last);
    return out;
  }

  void CheckSegment(const wire::Envelope& closing) {
    const wire::Signature& sig = *closing.signature;
    const int64_t last = closing.packet.packet_number;
    if (sig.first < 1 || sig.first > last) {  // the decoder rejects this too
      SetRange(last, last, PacketStatus::kInvalid, "bad signature range");
      return;
    }
    wire::Link link = sig.prev;
    for (int64_t n = sig.first; n <= last; ++n) {
      auto it = packets_.find(n);
      if (it == packets_.end()) {
        SetRange(sig.first, last, PacketStatus::kUnsigned,
                 "segment " + std::to_string(sig.first) + ".." +
                     std::to_string(last) + " lacks packet " +
                     std::to_string(n) + "; its signature cannot be checked");
        return;
      }
      const wire::VideoPacket& p = it->second->packet;
      if (p.video_id != closing.packet.video_id) {
        SetRange(sig.first, last, PacketStatus::kInvalid, "mixed video ids");
        return;
      }
      link = wire::ChainLink(p.video_id, n, p.total_packets,
                             sis::SisDigest(p.data), link);
    }
    Status s = Status::OK();
    if (sis::SisDigest(closing.packet.data) != sig.digest) {
      s = Status::Corruption("data does not match the packet's SIS digest");
    } else {
      s = CheckSignature(closing, link, trust_, 0, nullptr);
    }
    if (s.ok() && sig.first > 1) s = CheckChain(sig.first - 1, sig.prev);
    if (s.ok() && sig.first == 1 && sig.prev != wire::GenesisLink()) {
      s = Status::Corruption(
          "first segment does not start from the genesis link");
    }
    if (!s.ok()) {
      SetRange(sig.first, last, PacketStatus::kInvalid, s.message());
      return;
    }
    SetRange(sig.first, last, PacketStatus::kValid, "");
    verified_links_[last] = link;
  }

  // The segment's "p" must be the link of the packet before it, when that
  // packet's segment verified; otherwise the stream was spliced or reordered.
  Status CheckChain(int64_t before, const wire::Link& prev) {
    auto it = verified_links_.find(before);
    if (it == verified_links_.end()) return Status::OK();  // reported there
    if (it->second != prev) {
      return Status::Corruption("chain broken before packet " +
                                std::to_string(before + 1) +
                                ": spliced, replayed or reordered");
    }
    return Status::OK();
  }

  std::map<int64_t, const wire::Envelope*> packets_;
  std::map<int64_t, std::string> conflicts_;
  const TrustStore& trust_;
  std::map<int64_t, PacketReport> received_;
  std::map<int64_t, wire::Link> verified_links_;  // by closing packet number
};

}  // namespace

std::vector<PacketReport> VerifyStream(
    const std::vector<wire::Envelope>& envelopes, const TrustStore& trust) {
  std::map<int64_t, const wire::Envelope*> packets;
  std::map<int64_t, std::string> conflicts;
  for (const wire::Envelope& e : envelopes) {
    const int64_t n = e.packet.packet_number;
    auto [it, inserted] = packets.emplace(n, &e);
    if (!inserted && !(*it->second == e)) {
      conflicts[n] = "two different packets carry number " + std::to_string(n);
    }
  }
  for (const auto& [n, reason] : conflicts) packets.erase(n);
  return StreamWalk(std::move(packets), std::move(conflicts), trust).Run();
}

}  // namespace fog::trust
