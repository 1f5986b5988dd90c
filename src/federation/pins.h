// Pinning across sites (docs/federation.md, "Pinning"): `fog pin ID --to
// NAME` makes peer fog NAME fetch, verify and store a whole video with its
// own copies, and keep following it while it is live.
//
// Three parts live here:
// - the messages: the local command on this fog's broker (fog/federation/pin,
//   an MQTT v5 request answered on its response topic), the `pin` a fog sends
//   to the peer and the `pinned` answer that comes back;
// - the state file of the pins a fog holds (<dir>/federation/pins.json,
//   written atomically) so a restart resumes them;
// - Pinner, which fetches a pinned video page by page through the federation
//   (every packet verified by the federation before it gets here) and
//   publishes each payload unchanged into this fog's own ingest,
//   video/stream/<id>, QoS 1, paced by the master's backlog (fog/backlog):
//   this fog's master and workers then store it R times as for any
//   publisher.
//
// Bounds: at most `max_pins` pins (beyond: refused, with the reason); one
// page in flight at a time, of at most `page_bytes` (the bytes in flight).
//
// Thread-safety: PinStates codecs are reentrant. Pinner: Start/Stop from one
// thread; the rest from any. Pinner never calls the fetch function while
// holding its own lock, and OnPage may be called under the caller's lock.

#ifndef FOG_FEDERATION_PINS_H_
#define FOG_FEDERATION_PINS_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/bytes.h"
#include "common/counters.h"
#include "common/status.h"
#include "mqtt/client.h"

namespace fog::federation {

// The local command topic (this fog's broker): JSON {"video_id", "to"},
// answered on the response topic with PinReply's JSON.
inline constexpr char kPinCommandTopic[] = "fog/federation/pin";

struct PinCommand {
  std::string video_id;
  std::string to;  // the fog that is to hold the video
};
// InvalidArgument for a body that is not {"video_id": valid id, "to": valid
// fog name}.
Result<PinCommand> DecodePinCommand(ByteView body);
std::string EncodePinCommand(const PinCommand& c);

// The answer to a command, and the peer's answer to a pin (kind `pinned`).
// `status` follows HTTP: 200 accepted, 400 bad request, 404 unknown fog or
// video, 409 conflict, 429 too many pins, 503 peer down, 504 no answer.
struct PinReply {
  std::string id;  // the pin's id (peer answers); empty in a command answer
  std::string video_id;  // empty only when the command could not be read
  std::string to;
  int status = 200;
  std::string result;  // "accepted", "refused"
  std::string reason;  // why, for a refusal
};
std::string EncodePinReply(const PinReply& r);
Result<PinReply> DecodePinReply(ByteView body);

// fog/peer/<to>/<from>/pin: JSON {"id", "video_id"}.
struct PinAsk {
  std::string id;  // 1..64 chars, echoed in the `pinned` answer
  std::string video_id;
};
std::string EncodePinAsk(const PinAsk& a);
Result<PinAsk> DecodePinAsk(ByteView body);

// One video this fog holds because a peer pinned it here.
struct PinRecord {
  std::string video_id;
  std::string asked_by;  // the fog that sent the pin
  int64_t next = 1;      // the first packet not yet published here
  int64_t total = 0;     // the last packet's number once seen; 0: live
  int64_t pinned = 0;    // packets published here
  bool complete = false;
  bool operator==(const PinRecord&) const = default;
};
inline constexpr size_t kMaxPinRecords = 4096;
std::string EncodePins(const std::vector<PinRecord>& pins);
// InvalidArgument for anything but a list of valid records.
Result<std::vector<PinRecord>> DecodePins(ByteView body);
// A missing file is an empty list; a corrupt one is an error (never
// silently dropped: the operator must look).
Result<std::vector<PinRecord>> LoadPins(const std::string& path);
Status SavePins(const std::string& path, const std::vector<PinRecord>& pins);

// One page fetched through the federation: the verified payloads by packet
// number, and whether any peer answered at all.
struct PinPage {
  std::map<int64_t, Bytes> packets;
  bool found = false;
};
// Asks the federation for packets [first, ..] of `video_id`; `done` is
// called once with what was verified (possibly under the federation's lock:
// it must not block).
using PinFetch =
    std::function<void(const std::string& video_id, int64_t first,
                       int64_t page_bytes, std::function<void(PinPage)> done)>;

struct PinnerOptions {
  std::string name;            // this fog, for logs
  mqtt::ConnectOptions local;  // this fog's broker, the federation login
  std::string state_file;      // empty: pins are not kept across restarts
  size_t max_pins = 16;        // incomplete pins at once
  int64_t page_bytes = int64_t{8} << 20;  // one page in flight
  std::chrono::milliseconds page_timeout{12000};
  // How often a live (or not yet reachable) video is asked again.
  std::chrono::milliseconds poll{1000};
  // How long a packet may wait for the master's backlog to fall.
  std::chrono::milliseconds backlog_wait{30000};
};

class Pinner {
 public:
  Pinner(PinnerOptions options, PinFetch fetch, Counters& counters);
  ~Pinner();
  Pinner(const Pinner&) = delete;
  Pinner& operator=(const Pinner&) = delete;

  // Loads the state file, connects the publishing client (an error if this
  // fog's broker does not answer within 10 s) and resumes the pins.
  Status Start();
  void Stop();

  // A peer asks this fog to hold `video_id`. OK when accepted or already
  // pinned; Unavailable at max_pins (the message says so).
  Status Accept(const std::string& video_id, const std::string& asked_by);

  size_t active() const;  // pins not yet complete
  std::vector<PinRecord> pins() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fog::federation

#endif  // FOG_FEDERATION_PINS_H_
