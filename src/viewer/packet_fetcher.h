// PacketFetcher: fetches packets of a video back from the workers with the
// MQTT v5 request/response of docs/topics.md (a request on fog/get/ID, one
// reply per packet, then an "end" reply from each worker). `fog get` and the
// API's HLS routes both fetch through it.
//
// One fetcher holds one connection and one reply subscription; requests are
// told apart by their correlation data, so many may run at once.
//
// Thread-safety: Fetch() may be called from any number of threads at once.

#ifndef FOG_VIEWER_PACKET_FETCHER_H_
#define FOG_VIEWER_PACKET_FETCHER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "wire/envelope.h"

namespace fog::mqtt {
struct ConnectOptions;
}

namespace fog::viewer {

struct FetchRequest {
  std::string video_id;
  int64_t first = 1;         // packet numbers first..last, inclusive
  int64_t last = INT64_MAX;  // INT64_MAX: up to the newest packet
  // The fetch ends when every packet first..last (or first..total, once a
  // packet carries the total) is here, or when `expected_ends` workers (0:
  // unknown) sent their end reply, or answers stopped for `quiet` after at
  // least one end, or at `timeout`.
  int expected_ends = 0;
  std::chrono::milliseconds timeout{30000};
  std::chrono::milliseconds quiet{2000};
};

struct FetchResult {
  std::vector<wire::Envelope> envelopes;  // any order, may hold duplicates
  int ends = 0;                           // workers that sent their end reply
  int undecodable = 0;  // replies that were not envelopes of this video
};

class PacketFetcher {
 public:
  // Connects with `options` (the viewer's credentials) and subscribes to a
  // private reply topic. Errors: Unavailable when the broker cannot be
  // reached within `timeout`, Unauthenticated when it refuses us.
  static Result<std::unique_ptr<PacketFetcher>> Connect(
      const mqtt::ConnectOptions& options, std::chrono::milliseconds timeout);

  PacketFetcher(const PacketFetcher&) = delete;
  PacketFetcher& operator=(const PacketFetcher&) = delete;
  ~PacketFetcher();

  // Sends one get request and collects the answers (see FetchRequest for
  // when it ends). Receiving nothing is not an error: the result is then
  // empty. Errors: InvalidArgument for a bad video id or range, Unavailable
  // when the request cannot be published.
  Result<FetchResult> Fetch(const FetchRequest& request);

  bool connected() const;

 private:
  class Impl;
  explicit PacketFetcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fog::viewer

#endif  // FOG_VIEWER_PACKET_FETCHER_H_
