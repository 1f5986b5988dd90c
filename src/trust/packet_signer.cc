#include "trust/packet_signer.h"

#include <array>

#include "crypto/random.h"

namespace fog::trust {

PacketSigner::PacketSigner(SecretKey key, SignerOptions options)
    : key_(std::move(key)),
      options_(options),
      link_(wire::GenesisLink()),
      segment_prev_(wire::GenesisLink()) {
  if (options_.every < 1) options_.every = 1;
}

void PacketSigner::ResumeAt(int64_t first, const wire::Link& prev) {
  next_number_ = segment_first_ = first;
  link_ = segment_prev_ = prev;
}

Result<wire::Envelope> PacketSigner::Next(wire::VideoPacket packet, bool last) {
  if (packet.packet_number != next_number_) {
    return Status::InvalidArgument(
        "packet " + std::to_string(packet.packet_number) +
        " out of order; expected " + std::to_string(next_number_));
  }
  Status id_ok = wire::ValidateVideoId(packet.video_id);
  if (!id_ok.ok()) return id_ok;
  const sis::Digest digest = sis::SisDigest(packet.data);
  link_ = wire::ChainLink(packet.video_id, packet.packet_number,
                          packet.total_packets, digest, link_);
  ++next_number_;

  wire::Envelope envelope{std::move(packet), std::nullopt};
  const int64_t number = envelope.packet.packet_number;
  if (!last && number - segment_first_ + 1 < options_.every) return envelope;

  wire::Signature sig;
  sig.digest = digest;
  sig.prev = segment_prev_;
  sig.first = segment_first_;
  sig.key_id = key_.id;
  sig.sig.resize(mldsa::SizesOf(key_.alg).signature);
  std::array<uint8_t, mldsa::kSeedBytes> rnd{};
  if (!options_.deterministic) {
    Status s = crypto::RandomBytes(rnd);
    if (!s.ok()) return s;
  }
  const std::string_view ctx = wire::kSignatureContext;
  Status s =
      mldsa::Sign(key_.alg, key_.bytes, link_, AsBytes(ctx), rnd, sig.sig);
  if (!s.ok()) return s;
  envelope.signature = std::move(sig);
  segment_first_ = number + 1;
  segment_prev_ = link_;
  return envelope;
}

}  // namespace fog::trust
