// The publisher: runs ffmpeg on a video, cuts its fragmented MP4 output into
// packets (init segment, then one fragment per packet), wraps each packet in
// a signed envelope (or the seed's legacy payload) and publishes it with QoS
// 1 to video/stream/<video_id>. docs/publisher.md has the details.
//
// A one-packet lookahead lets the last packet carry total_packets = N and
// the closing signature; it is published only after ffmpeg exited cleanly
// and the splitter accepted the end of the stream, so a failed run never
// leaves a stream that claims to be complete.
//
// Thread-safety: StreamVideo() may run concurrently for different videos on
// different clients; a ProgressSink is called from the calling thread only.

#ifndef FOG_PUBLISHER_PUBLISHER_H_
#define FOG_PUBLISHER_PUBLISHER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "media/fmp4_splitter.h"
#include "trust/keys.h"
#include "wire/backlog.h"

namespace fog::mqtt {
class Client;
}  // namespace fog::mqtt

namespace fog::publisher {

class BacklogGate;

enum class PayloadFormat {
  kSigned,  // native envelope (wire/envelope.h), ML-DSA signatures
  kLegacy,  // the seed's VideoPacketSIS (wire/legacy_payload.h)
};

// Bytes kept free in each MQTT payload for the wrapping around the media:
// envelope fields and the largest ML-DSA signature, or the legacy check's
// 64x1537 matrix (at most 2 bytes per entry). A media packet may hold at most
// max_payload_bytes minus this. A signed stream that carries a certificate
// of `certificate_bytes` in each signed envelope keeps room for it too.
size_t PayloadReserve(PayloadFormat format, size_t certificate_bytes = 0);

struct StreamOptions {
  std::string input;     // file path, "-" (standard input) or URL
  std::string video_id;  // must pass wire::ValidateVideoId
  PayloadFormat format = PayloadFormat::kSigned;
  std::optional<trust::SecretKey> key;  // REQUIRED for kSigned
  // The key's certificate (wire/certificate.h, encoded), carried in every
  // signed envelope ("c"); empty for a key the fog trusts bare.
  Bytes certificate;
  int sign_every = 1;          // >= 1; k > 1 signs every k-th packet + the last
  bool deterministic = false;  // deterministic ML-DSA (reproducible output)
  bool transcode = false;      // see publisher/ffmpeg_command.h
  bool realtime = false;
  // Largest MQTT payload to publish (the broker's message size limit).
  size_t max_payload_bytes = media::kDefaultMaxPacketBytes;
  std::string ffmpeg = "ffmpeg";
  // Publishes are asynchronous; after this many packets or bytes in flight
  // the publisher waits for every PUBACK before going on, which bounds
  // memory while keeping the link busy.
  int window_packets = 16;
  size_t window_bytes = size_t{32} << 20;
  std::chrono::milliseconds ack_timeout{60000};
  // When set, each packet waits while the fog's backlog is over its limit
  // (publisher/backlog_gate.h), at most backlog_wait_max per packet; not
  // owned, already subscribed.
  BacklogGate* backlog = nullptr;
  std::chrono::milliseconds backlog_wait_max{300000};
};

// Counters for progress and the final summary.
struct StreamStats {
  int64_t packets = 0;         // published so far
  uint64_t media_bytes = 0;    // fMP4 bytes published (packets' data)
  uint64_t payload_bytes = 0;  // MQTT payload bytes published
  double media_seconds = 0;    // media time published (longest track)
  double elapsed_seconds = 0;
  uint64_t expected_media_bytes = 0;  // estimate of the total; 0 = unknown
  int64_t held_count = 0;             // times held back by the fog's backlog
  double held_seconds = 0;            // time held back, in total
};

struct StreamSummary {
  std::string video_id;
  StreamStats stats;
  uint64_t dropped_bytes = 0;  // stream bytes in no packet (mfra, trailers)
};

// Receives progress; implementations must not block for long.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // After each published packet.
  virtual void OnPacket(const StreamStats& stats) = 0;
  // Once, when the stream is complete (not called on failure).
  virtual void OnDone(const StreamSummary& summary) = 0;
  // The next packet waits: the fog's backlog is over its limit.
  virtual void OnHeld(const wire::BacklogReport& /*backlog*/) {}
  // It goes on after `seconds` held back.
  virtual void OnResumed(double /*seconds*/) {}
};

// Streams options.input to the broker `client` is connected to.
// REQUIRES: client is connected; options.key set when format is kSigned.
// Errors: InvalidArgument (bad options, video id, not a usable video, a
// packet over the size limit), NotFound (no input file, no ffmpeg), IoError
// (ffmpeg failed: the message holds the tail of its standard error),
// Unavailable (publishing failed or PUBACKs did not come in time, or the
// fog's backlog stayed over its limit past backlog_wait_max). After an
// error the packets already published carry total_packets = 0 and no
// closing signature, so no consumer takes the stream for complete.
// `progress` may be null.
Result<StreamSummary> StreamVideo(const StreamOptions& options,
                                  mqtt::Client& client, ProgressSink* progress);

// A random (version 4) UUID in lowercase, from the OS CSPRNG.
std::string RandomVideoId();

}  // namespace fog::publisher

#endif  // FOG_PUBLISHER_PUBLISHER_H_
