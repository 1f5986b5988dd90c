// PacketFetcher: fetches packets of a video back from the workers with the
// MQTT v5 request/response of docs/topics.md (a request on fog/get/ID, one
// reply per packet, then an "end" reply from each worker). `fog get` and the
// API's HLS routes both fetch through it.
//
// One fetcher holds one connection and one reply subscription; requests are
// told apart by their correlation data, so many may run at once.
//
// Memory: workers answer a page at a time (a byte budget per request, the
// end reply saying where the page ended); replies are kept once per packet
// number (later copies are dropped as they arrive); each fetch keeps at most
// FetchRequest::max_bytes and all fetches together at most
// FetcherLimits::max_total_bytes of packets. Replies past a cap are dropped
// and counted (FetchResult::over_budget), never queued.
//
// Thread-safety: Fetch() may be called from any number of threads at once.

#ifndef FOG_VIEWER_PACKET_FETCHER_H_
#define FOG_VIEWER_PACKET_FETCHER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
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
  // unknown) sent their end reply and every packet the end replies counted
  // has arrived, or answers stopped for `quiet` after at least one end and
  // every responder that announced it is working (a reply with the user
  // property "working" = "1": the federation, fetching from other fogs)
  // sent its end (a page such a responder answered with packets ends at its
  // end, once the replies it counted are here), or at `timeout`.
  int expected_ends = 0;
  // Each applies to one page.
  std::chrono::milliseconds timeout{30000};
  std::chrono::milliseconds quiet{2000};
  // Each worker sends at most this many bytes per page (0: the workers'
  // default, wire::kDefaultPageBytes).
  int64_t page_bytes = 0;
  // true: ask again from where the pages ended until the range is done (or
  // a cap is reached), and ask again for a page that a worker refused as
  // busy (up to 20 times, some 20 s in all); false: one page, the caller
  // pages with `next`.
  bool all_pages = false;
  // At most this many bytes of packets kept for this fetch (but always the
  // first two packets, as a page always holds two); 0 = no cap.
  size_t max_bytes = 0;
  // Also keep each envelope's payload exactly as the worker sent it
  // (FetchResult::payloads), for callers that pass packets on unchanged.
  bool keep_payloads = false;
};

struct FetchResult {
  std::vector<wire::Envelope> envelopes;  // any order, one per packet number
  // With FetchRequest::keep_payloads: payloads[i] is the payload that
  // envelopes[i] was decoded from, byte for byte; else empty.
  std::vector<Bytes> payloads;
  // Seed-format payloads of this video (VideoPacketSIS, or a bare seed
  // VideoPacket), unverified, any order, one per packet number; the caller
  // checks them (wire::VerifyLegacyPayload). A video is all one or the other.
  std::vector<Bytes> legacy;
  int ends = 0;  // workers that sent their end reply
  // Packet numbers kept here that some worker marked as disputed (the
  // reply property `conflict` = "1", docs/topics.md): another payload
  // claimed the number and was refused. One entry per packet kept at most.
  std::set<int64_t> conflicts;
  // Replies that were neither envelopes nor seed payloads of this video.
  int undecodable = 0;
  int duplicates = 0;  // replies for a packet number already kept
  int busy = 0;        // end replies saying the worker's queue was full
  // Fogs that hold the video and were down when the federation asked
  // (its end reply's `unreachable`, docs/federation.md): why a video of
  // the federation came back empty.
  std::set<std::string> unreachable;
  // Replies dropped because this fetch's or the fetcher's cap was reached.
  int over_budget = 0;
  // Packet replies the workers' end replies counted ("end" = packets sent)
  // that never arrived: lost on the way, or still late when the fetch
  // ended. The fetch then lacks packets a holder has.
  int lost = 0;
  // Where the last page ended: the lowest packet number a worker left out
  // for its page budget, 0 when every worker sent all it holds in range.
  int64_t next = 0;
  size_t bytes = 0;  // bytes of packets kept
  // When the first packet reply of this fetch arrived (kept or not); the
  // epoch (a default time point) when none did. For timing only.
  std::chrono::steady_clock::time_point first_packet_at{};
  // Holds `bytes` against FetcherLimits::max_total_bytes until the result
  // is destroyed.
  std::shared_ptr<void> reservation;
};

struct FetcherLimits {
  // All fetches together keep at most this many bytes; 0 = no cap.
  size_t max_total_bytes = 0;
};

// The seed VideoPacket inside a seed-format payload (VideoPacketSIS or a bare
// VideoPacket), its check not verified; InvalidArgument for anything else.
Result<wire::VideoPacket> SeedPacketOf(ByteView payload);

class PacketFetcher {
 public:
  // Connects with `options` (the viewer's credentials) and subscribes to a
  // private reply topic. Errors: Unavailable when the broker cannot be
  // reached within `timeout`, Unauthenticated when it refuses us.
  static Result<std::unique_ptr<PacketFetcher>> Connect(
      const mqtt::ConnectOptions& options, std::chrono::milliseconds timeout,
      FetcherLimits limits = {});

  PacketFetcher(const PacketFetcher&) = delete;
  PacketFetcher& operator=(const PacketFetcher&) = delete;
  ~PacketFetcher();

  // Sends one get request and collects the answers (see FetchRequest for
  // when it ends). Receiving nothing is not an error: the result is then
  // empty. Errors: InvalidArgument for a bad video id or range, Unavailable
  // when the request cannot be published.
  Result<FetchResult> Fetch(const FetchRequest& request);

  bool connected() const;
  // Bytes of packets held by fetches and by results not yet destroyed.
  size_t inflight_bytes() const;
  size_t peak_inflight_bytes() const;

 private:
  class Impl;
  explicit PacketFetcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fog::viewer

#endif  // FOG_VIEWER_PACKET_FETCHER_H_
