// HlsSource: a fog video as HLS, from packets fetched over MQTT from the
// workers (PacketFetcher), verified end to end (VerifyPackets) and kept in a
// bounded PacketCache. docs/api.md describes the rules; in short:
//  - the playlist lists the verified contiguous prefix 2..P of the video
//    (packet 1 is the init segment); once P reaches the total the stream
//    announced, the playlist is complete (VOD), else live (EVENT) and it
//    grows on each request;
//  - a segment is served only from the cache or from a fetch in which it
//    verified; the chain to its predecessor is checked as well.
//
// Thread-safety: every method may be called from any thread. Requests for
// one video are serialized; different videos proceed in parallel.

#ifndef FOG_VIEWER_HLS_SOURCE_H_
#define FOG_VIEWER_HLS_SOURCE_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"
#include "trust/trust_store.h"
#include "viewer/packet_cache.h"
#include "viewer/packet_fetcher.h"
#include "viewer/verified_packets.h"

namespace fog::viewer {

struct HlsOptions {
  size_t cache_bytes = 256u << 20;
  std::chrono::milliseconds fetch_timeout{10000};
  // After a worker's end reply, how long a pause in answers ends a fetch
  // when not every holder has answered.
  std::chrono::milliseconds fetch_quiet{500};
  // Per-video playlist states kept, least recently used forgotten first
  // (the API asks only for videos its registry knows).
  size_t max_videos = 4096;
  // One fetch keeps at most this many bytes of packets; each of the video's
  // holders is asked for a page of request_bytes / holders. A playlist of a
  // longer video is built page by page, each page verified, cached and let
  // go before the next.
  size_t request_bytes = 16u << 20;
};

struct HlsPlaylistReply {
  std::string text;
  bool complete = false;
};

struct HlsPacketReply {
  PacketCache::Entry packet;  // never null in a reply
  bool complete = false;      // the video's playlist is complete
};

// A video published in the seed's format is served as HLS only while its
// packets are an init segment and fMP4 fragments (as `fog stream --legacy`
// cuts them), each valid under the seed's check (never authenticated). The
// seed's own client cuts at fixed sizes: such a video is refused
// (InvalidArgument, message starting with kSeedFormatRefusal, saying why);
// the API answers it 422.
inline constexpr char kSeedFormatRefusal[] = "not playable as HLS";
Status SeedFormatRefusal(const std::string& video_id, const std::string& why);
bool IsSeedFormatRefusal(const Status& status);

class HlsSource {
 public:
  // `fetcher` and `trust` must outlive the source.
  HlsSource(PacketFetcher& fetcher, const trust::TrustStore& trust,
            HlsOptions options);
  HlsSource(const HlsSource&) = delete;
  HlsSource& operator=(const HlsSource&) = delete;
  ~HlsSource();

  // `holders`: how many workers hold packets of the video (the registry's
  // view), so a fetch can end as soon as all have answered; 0 = unknown.
  //
  // Errors: NotFound (no verified init segment and nothing invalid: the
  // workers hold nothing), Corruption (the next packet after the verified
  // prefix, or the init segment, failed verification or does not parse),
  // Unavailable (the broker connection is down).
  Result<HlsPlaylistReply> Playlist(const std::string& video_id, int holders);

  // Packet `number` (1 = init segment). Errors: NotFound (beyond the end of
  // a complete video, or not published yet), Corruption (the packet failed
  // verification), Unavailable (no worker delivered it, or the broker
  // connection is down).
  Result<HlsPacketReply> Packet(const std::string& video_id, int64_t number,
                                int holders);

  // Counters by name: fetches, fetched_packets, cache_hits, unverified,
  // missing, pages, duplicates, busy (a worker's viewer queue was full),
  // over_budget (replies dropped at a byte cap), lost (packets a worker's
  // end reply counted that did not arrive), videos (states kept).
  std::map<std::string, uint64_t> Counters() const;
  const PacketCache& cache() const { return cache_; }

 private:
  struct Video;
  std::shared_ptr<Video> VideoFor(const std::string& video_id);
  Status Refresh(Video& video, int holders);
  Status Extend(Video& video, VerifiedPackets& verified);
  // REQUIRES: video.mu not held.
  Result<PacketCache::Entry> FetchOne(Video& video, int64_t number,
                                      int holders);
  // The error for a packet past the verified prefix. REQUIRES: video.mu.
  Status WhyNotServed(const Video& video, int64_t number);
  Result<FetchResult> FetchRange(const std::string& video_id, int64_t first,
                                 int64_t last, int holders);

  PacketFetcher& fetcher_;
  const trust::TrustStore& trust_;
  const HlsOptions options_;
  PacketCache cache_;
  mutable std::mutex mu_;
  // Guarded by mu_: the states, and their ids by last use (front = oldest).
  std::map<std::string, std::shared_ptr<Video>> videos_;
  std::list<std::string> lru_;
  std::atomic<uint64_t> fetches_{0}, fetched_packets_{0}, cache_hits_{0},
      unverified_{0}, missing_{0}, pages_{0}, duplicates_{0}, busy_{0},
      over_budget_{0}, lost_{0};
};

}  // namespace fog::viewer

#endif  // FOG_VIEWER_HLS_SOURCE_H_
