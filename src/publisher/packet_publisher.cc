#include "publisher/packet_publisher.h"

#include <fmt/format.h>

#include "mqtt/client.h"
#include "wire/envelope.h"
#include "wire/legacy_payload.h"
#include "wire/topics.h"

namespace fog::publisher {

namespace {

// The legacy check's matrix A is public and checks nothing secret (the seed
// sends it with every packet), so a non-cryptographic generator suffices.
std::mt19937_64 SeededRng() {
  std::random_device rd;
  std::seed_seq seq{rd(), rd(), rd(), rd()};
  return std::mt19937_64(seq);
}

}  // namespace

PacketPublisher::PacketPublisher(const StreamOptions& options,
                                 mqtt::Client& client)
    : options_(options),
      client_(client),
      topic_(wire::topics::Stream(options.video_id)),
      rng_(SeededRng()) {
  if (options_.format == PayloadFormat::kSigned) {
    signer_.emplace(
        options_.key->Clone(),
        trust::SignerOptions{options_.sign_every, options_.deterministic,
                             options_.certificate});
  }
}

Result<Bytes> PacketPublisher::Wrap(media::MediaPacket packet, bool last) {
  wire::VideoPacket vp{options_.video_id, packet.number,
                       last ? packet.number : 0, std::move(packet.data)};
  if (!signer_) return wire::MakeLegacyPayload(vp, rng_);
  Result<wire::Envelope> envelope = signer_->Next(std::move(vp), last);
  if (!envelope.ok()) return envelope.status();
  return wire::EncodeEnvelope(*envelope);
}

Status PacketPublisher::Publish(media::MediaPacket packet, bool last) {
  const int64_t number = packet.number;
  Result<Bytes> payload = Wrap(std::move(packet), last);
  if (!payload.ok()) return payload.status();
  if (payload->size() > options_.max_payload_bytes) {
    // The splitter's limit leaves PayloadReserve() free, so this means the
    // reserve is wrong: say so rather than let the broker drop the message.
    return Status::InvalidArgument(fmt::format(
        "packet {}: payload of {} bytes exceeds the maximum of {} bytes",
        number, payload->size(), options_.max_payload_bytes));
  }
  const size_t size = payload->size();
  mqtt::Message message;
  message.topic = topic_;
  message.payload = std::move(*payload);
  message.qos = 1;
  if (Status s = client_.Publish(message, /*wait=*/false); !s.ok()) return s;
  payload_bytes_ += size;
  ++in_flight_packets_;
  in_flight_bytes_ += size;
  if (in_flight_packets_ >= options_.window_packets ||
      in_flight_bytes_ >= options_.window_bytes) {
    return Flush();
  }
  return Status::OK();
}

Status PacketPublisher::Flush() {
  Status s = client_.Flush(options_.ack_timeout);
  if (!s.ok()) {
    return Status::Unavailable(
        fmt::format("the broker did not take every packet of {}: {}",
                    options_.video_id, s.message()));
  }
  in_flight_packets_ = 0;
  in_flight_bytes_ = 0;
  return Status::OK();
}

}  // namespace fog::publisher
