#include "trust/packet_signer.h"

#include <array>

#include "crypto/random.h"
#include "crypto/secret.h"

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
  const int64_t number = packet.packet_number;
  const bool sign = last || number - segment_first_ + 1 >= options_.every;
  // rnd for hedged signing (FIPS 204 Alg. 2 step 5). The signer's state
  // changes only once the packet is wrapped: if the CSPRNG (or signing)
  // fails, the error is returned, nothing is signed, and the same packet
  // may be offered again.
  crypto::Secret<std::array<uint8_t, mldsa::kSeedBytes>> rnd;
  rnd->fill(0);  // the deterministic variant signs with rnd = 0^32
  if (sign && !options_.deterministic) {
    if (Status s = crypto::RandomBytes(*rnd); !s.ok()) return s;
  }
  const sis::Digest digest = sis::SisDigest(packet.data);
  const wire::Link link = wire::ChainLink(packet.video_id, number,
                                          packet.total_packets, digest, link_);
  wire::Envelope envelope{std::move(packet), std::nullopt};
  if (!sign) {
    link_ = link;
    ++next_number_;
    return envelope;
  }

  wire::Signature sig;
  sig.digest = digest;
  sig.prev = segment_prev_;
  sig.first = segment_first_;
  sig.key_id = key_.id;
  sig.certificate = options_.certificate;
  sig.sig.resize(mldsa::SizesOf(key_.alg).signature);
  const std::string_view ctx = wire::kSignatureContext;
  Status s =
      mldsa::Sign(key_.alg, key_.bytes, link, AsBytes(ctx), *rnd, sig.sig);
  if (!s.ok()) return s;
  envelope.signature = std::move(sig);
  link_ = segment_prev_ = link;
  ++next_number_;
  segment_first_ = number + 1;
  return envelope;
}

}  // namespace fog::trust
