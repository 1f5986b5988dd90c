// Internal to the publisher: wraps media packets into payloads (signed
// envelope or legacy) and publishes them QoS 1 with a bounded window of
// unacknowledged messages.
//
// Thread-safety: not thread-safe; one per stream.

#ifndef FOG_PUBLISHER_PACKET_PUBLISHER_H_
#define FOG_PUBLISHER_PACKET_PUBLISHER_H_

#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include "common/bytes.h"
#include "common/status.h"
#include "media/fmp4_splitter.h"
#include "publisher/publisher.h"
#include "trust/packet_signer.h"

namespace fog::publisher {

class PacketPublisher {
 public:
  // REQUIRES: options validated (key present for kSigned); `options` and
  // `client` outlive this object.
  PacketPublisher(const StreamOptions& options, mqtt::Client& client);
  PacketPublisher(const PacketPublisher&) = delete;
  PacketPublisher& operator=(const PacketPublisher&) = delete;

  // Wraps and publishes `packet`. When `last`, total_packets = its number
  // and the packet is signed; otherwise total_packets = 0. Waits for the
  // broker when the window is full. Errors: InvalidArgument (payload over
  // max_payload_bytes), Unauthenticated/Internal (signing), Unavailable.
  // REQUIRES: packets come numbered 1, 2, ... without gaps.
  Status Publish(media::MediaPacket packet, bool last);

  // Waits until the broker acknowledged every publish.
  Status Flush();

  uint64_t payload_bytes() const { return payload_bytes_; }

 private:
  Result<Bytes> Wrap(media::MediaPacket packet, bool last);

  const StreamOptions& options_;
  mqtt::Client& client_;
  const std::string topic_;
  std::optional<trust::PacketSigner> signer_;  // kSigned only
  std::mt19937_64 rng_;                        // kLegacy: the public matrix A
  int in_flight_packets_ = 0;
  size_t in_flight_bytes_ = 0;
  uint64_t payload_bytes_ = 0;
};

}  // namespace fog::publisher

#endif  // FOG_PUBLISHER_PACKET_PUBLISHER_H_
