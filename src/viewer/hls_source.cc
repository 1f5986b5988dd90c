#include "viewer/hls_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "media/fragment_inspector.h"
#include "viewer/hls_playlist.h"
#include "wire/legacy_payload.h"

namespace fog::viewer {

namespace {

// The report that says packet `n` failed verification, or nullptr.
const trust::PacketReport* FailedReport(const VerifiedPackets& verified,
                                        int64_t n) {
  for (const trust::PacketReport& r : verified.reports) {
    if (r.number <= n && n <= r.last &&
        r.status == trust::PacketStatus::kInvalid) {
      return &r;
    }
  }
  return nullptr;
}

// Envelopes verified end to end; or, for a video in the seed's format, each
// packet under the seed's check (valid ones carry no signature: they are
// never authenticated).
VerifiedPackets VerifyFetched(FetchResult& fetched,
                              const trust::TrustStore& trust) {
  if (fetched.legacy.empty()) {
    return VerifyPackets(std::move(fetched.envelopes), trust);
  }
  VerifiedPackets out;
  for (const Bytes& payload : fetched.legacy) {
    Result<wire::LegacyResult> r = wire::VerifyLegacyPayload(payload);
    if (!r.ok() || !r->packet_decoded) continue;  // bare or undecodable
    const int64_t n = r->packet.packet_number;
    out.total = std::max(out.total, r->packet.total_packets);
    if (r->valid) {
      out.valid[n] = wire::Envelope{.packet = std::move(r->packet)};
    } else {
      out.reports.push_back({.number = n,
                             .last = n,
                             .status = trust::PacketStatus::kInvalid,
                             .reason = "seed check: " + r->reason});
    }
  }
  return out;
}

// A fetch that may lack packets the workers hold: a holder refused it as
// busy, did not answer in time, or its packets did not all arrive; or a cap
// dropped replies.
bool ShortPage(const FetchResult& fetched, int holders) {
  return fetched.busy > 0 || fetched.over_budget > 0 || fetched.lost > 0 ||
         (holders > 0 && fetched.ends < holders);
}

}  // namespace

// What is known of one video: its verified contiguous prefix 1..prefix,
// every packet of which was parsed (and, while the cache keeps it, cached).
struct HlsSource::Video {
  explicit Video(std::string video_id) : id(std::move(video_id)) {}
  const std::string id;
  std::list<std::string>::iterator lru;  // guarded by HlsSource::mu_
  std::mutex mu;                         // serializes refreshes of this video
  // Guarded by mu:
  int64_t prefix = 0;
  int64_t total = 0;  // announced by the stream's last packet; 0 = unknown
  media::InitInfo init;
  std::vector<PlaylistSegment> segments;  // packets 2..prefix
  // Why packet prefix+1 cannot be shown: it failed verification or parsing.
  std::string broken;
  // Published in the seed's format: packets checked by the seed's check,
  // never authenticated; served only while they are fMP4 fragments.
  bool seed = false;
  // Readable without mu, so cache hits never wait for a refresh.
  std::atomic<bool> complete{false};

  void Reset() {
    prefix = total = 0;
    init = {};
    segments.clear();
    broken.clear();
    seed = false;
    complete = false;
  }
};

HlsSource::HlsSource(PacketFetcher& fetcher, const trust::TrustStore& trust,
                     HlsOptions options)
    : fetcher_(fetcher),
      trust_(trust),
      options_(options),
      cache_(options.cache_bytes) {}

HlsSource::~HlsSource() = default;

std::shared_ptr<HlsSource::Video> HlsSource::VideoFor(
    const std::string& video_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = videos_.find(video_id);
  if (it != videos_.end()) {
    lru_.splice(lru_.end(), lru_, it->second->lru);
    return it->second;
  }
  // Forget the least recently used video nobody is using; its packets may
  // stay in the cache and its state is rebuilt by the next request. When
  // every state is in use the table grows past max_videos by at most the
  // requests in progress.
  if (videos_.size() >= options_.max_videos) {
    for (auto v = lru_.begin(); v != lru_.end(); ++v) {
      auto state = videos_.find(*v);
      if (state->second.use_count() == 1) {
        videos_.erase(state);
        lru_.erase(v);
        break;
      }
    }
  }
  auto video = std::make_shared<Video>(video_id);
  video->lru = lru_.insert(lru_.end(), video_id);
  videos_[video_id] = video;
  return video;
}

Result<FetchResult> HlsSource::FetchRange(const std::string& video_id,
                                          int64_t first, int64_t last,
                                          int holders) {
  if (!fetcher_.connected()) {
    return Status::Unavailable("not connected to the fog's broker");
  }
  ++fetches_;
  // Holders send different packets (and copies of the same, dropped as they
  // arrive): a page each of request_bytes / holders keeps the fetch near
  // request_bytes.
  const size_t page =
      options_.request_bytes / static_cast<size_t>(std::max(holders, 1));
  Result<FetchResult> fetched = fetcher_.Fetch(
      {.video_id = video_id,
       .first = first,
       .last = last,
       .expected_ends = holders,
       .timeout = options_.fetch_timeout,
       .quiet = options_.fetch_quiet,
       .page_bytes = static_cast<int64_t>(std::max<size_t>(page, 1)),
       .max_bytes = options_.request_bytes});
  if (!fetched.ok()) return fetched;
  duplicates_ += fetched->duplicates;
  busy_ += fetched->busy;
  over_budget_ += fetched->over_budget;
  lost_ += fetched->lost;
  const bool none = fetched->envelopes.empty() && fetched->legacy.empty();
  if (none && fetched->busy > 0) {
    return Status::Unavailable("the workers are busy with other viewers");
  }
  if (none && fetched->over_budget > 0) {
    return Status::Unavailable("too many packets in flight for other viewers");
  }
  if (none && fetched->lost > 0) {
    return Status::Unavailable(
        fmt::format("{} packets the workers sent did not arrive within {} ms",
                    fetched->lost, options_.fetch_quiet.count()));
  }
  if (fetched->ends == 0 && none) {
    return Status::Unavailable("no worker answered within " +
                               std::to_string(options_.fetch_timeout.count()) +
                               " ms");
  }
  fetched_packets_ += fetched->envelopes.size() + fetched->legacy.size();
  return fetched;
}

Status SeedFormatRefusal(const std::string& video_id, const std::string& why) {
  return Status::InvalidArgument(
      std::string(kSeedFormatRefusal) + ": video " + video_id +
      " is in the seed's format and its packets are not fMP4 fragments (" +
      why +
      "): the seed's client cuts the MP4 byte stream at fixed sizes, not at "
      "fragments; fetch the file with `fog get " +
      video_id + "`");
}

bool IsSeedFormatRefusal(const Status& status) {
  return status.code() == Status::Code::kInvalidArgument &&
         status.message().starts_with(kSeedFormatRefusal);
}

Status HlsSource::Refresh(Video& video, int holders) {
  // Page by page: each page is verified, cached and let go before the next,
  // so a long video costs one page of memory, not its length.
  bool reset = false;
  while (!video.complete) {
    // Re-fetching the last verified packet anchors the chain: the next
    // segment's link is checked against it.
    const int64_t anchor = video.prefix;
    Result<FetchResult> fetched =
        FetchRange(video.id, std::max<int64_t>(anchor, 1), INT64_MAX, holders);
    if (!fetched.ok()) return fetched.status();
    ++pages_;
    const int64_t next = fetched->next;
    // A holder that did not answer in time counts as busy too, and so does
    // one whose packets did not all arrive.
    const bool short_page = ShortPage(*fetched, holders);
    if (!fetched->legacy.empty()) video.seed = true;
    VerifiedPackets verified = VerifyFetched(*fetched, trust_);
    if (anchor > 0 && !verified.valid.contains(anchor)) {
      if (short_page) {
        return Status::Unavailable("the workers are busy with other viewers");
      }
      if (reset) {
        return Status::Unavailable(fmt::format(
            "the workers no longer deliver packet {} of {} verified", anchor,
            video.id));
      }
      reset = true;
      video.Reset();  // the anchor did not verify again: start from packet 1
      continue;
    }
    Status s = Extend(video, verified);
    if (s.ok() && video.seed && !video.broken.empty()) {
      return SeedFormatRefusal(video.id, video.broken);
    }
    if (!s.ok() || !video.broken.empty()) return s;
    if (video.complete) return Status::OK();
    // A holder was busy or a cap cut the page short: what is verified is
    // kept, and the viewer asks again (503, Retry-After) rather than get a
    // playlist that stops early.
    if (short_page) {
      return Status::Unavailable("the workers are busy with other viewers");
    }
    // No progress (what follows is not there yet, or lacks a signature in
    // this page), or no worker cut its page: done for now.
    if (video.prefix <= anchor || next == 0) return Status::OK();
  }
  return Status::OK();
}

Status HlsSource::Extend(Video& video, VerifiedPackets& verified) {
  // Judged afresh on every fetch: a packet a worker sent corrupt may come
  // verified from another worker (or a repaired one) next time.
  video.broken.clear();
  video.total = std::max(video.total, verified.total);
  for (int64_t n = video.prefix + 1;; ++n) {
    auto it = verified.valid.find(n);
    if (it == verified.valid.end()) break;
    auto packet = std::make_shared<const wire::Envelope>(std::move(it->second));
    const ByteView data(packet->packet.data);
    if (n == 1) {
      Result<media::InitInfo> init = media::InspectInit(data);
      if (!init.ok()) {
        video.broken = "init segment: " + init.status().message();
        break;
      }
      video.init = std::move(*init);
    } else {
      Result<media::FragmentInfo> f = media::InspectFragment(data, video.init);
      Result<SegmentDuration> d =
          f.ok() ? FragmentDuration(*f, video.init) : f.status();
      if (!d.ok()) {
        video.broken = fmt::format("packet {}: {}", n, d.status().message());
        break;
      }
      video.segments.push_back({fmt::format("{}.m4s", n), *d});
    }
    cache_.Put(std::move(packet));
    video.prefix = n;
  }
  const int64_t next = video.prefix + 1;
  if (const trust::PacketReport* r = FailedReport(verified, next)) {
    ++unverified_;
    video.broken =
        fmt::format("packet {} failed verification: {}", next, r->reason);
  }
  video.complete = video.total > 0 && video.prefix >= video.total;
  return Status::OK();
}

Result<HlsPlaylistReply> HlsSource::Playlist(const std::string& video_id,
                                             int holders) {
  std::shared_ptr<Video> video = VideoFor(video_id);
  std::lock_guard<std::mutex> lock(video->mu);
  Status s = Refresh(*video, holders);
  if (!s.ok()) return s;
  if (!video->broken.empty()) return Status::Corruption(video->broken);
  if (video->prefix == 0) {
    if (video->total > 0) {
      ++missing_;
      return Status::Unavailable("no worker delivered the init segment");
    }
    return Status::NotFound("the fog holds no packets of video " + video_id);
  }
  if (video->total > 0 && !video->complete) {
    ++missing_;
    return Status::Unavailable(
        fmt::format("packet {} of {} is missing: no worker delivered it",
                    video->prefix + 1, video->total));
  }
  viewer::Playlist p;
  p.segments = video->segments;
  p.complete = video->complete;
  // The publisher cuts a fragment at every video keyframe (frag_keyframe,
  // docs/publisher.md), so each fragment decodes after the init segment.
  p.independent_segments = true;
  return HlsPlaylistReply{RenderPlaylist(p), video->complete};
}

Result<PacketCache::Entry> HlsSource::FetchOne(Video& video, int64_t number,
                                               int holders) {
  // The packet and its predecessor: the predecessor's link checks the chain.
  // Runs without video.mu, so misses of one video are fetched in parallel.
  const int64_t first = std::max<int64_t>(1, number - 1);
  Result<FetchResult> fetched = FetchRange(video.id, first, number, holders);
  if (!fetched.ok()) return fetched.status();
  VerifiedPackets verified = VerifyFetched(*fetched, trust_);
  if (verified.valid.contains(number) && verified.valid.contains(first)) {
    PacketCache::Entry wanted;
    for (auto& [n, e] : verified.valid) {
      auto packet = std::make_shared<const wire::Envelope>(std::move(e));
      if (n == number) wanted = packet;
      cache_.Put(std::move(packet));
    }
    return wanted;  // not from the cache: another miss may evict it at once
  }
  if (const trust::PacketReport* r = FailedReport(verified, number)) {
    ++unverified_;
    return Status::Corruption(
        fmt::format("packet {} failed verification: {}", number, r->reason));
  }
  if (ShortPage(*fetched, holders)) {
    return Status::Unavailable("the workers are busy with other viewers");
  }
  // Amortized signing: the signature covering the packet may be further
  // on. Verify the whole stream again, which caches every valid packet.
  std::lock_guard<std::mutex> lock(video.mu);
  video.Reset();
  Status s = Refresh(video, holders);
  if (!s.ok()) return s;
  if (PacketCache::Entry e = cache_.Get(video.id, number)) return e;
  ++missing_;
  return Status::Unavailable(fmt::format(
      "packet {} of {}: no worker delivered it verified", number, video.id));
}

Status HlsSource::WhyNotServed(const Video& video, int64_t number) {
  if (video.seed && !video.broken.empty()) {
    return SeedFormatRefusal(video.id, video.broken);
  }
  if (!video.broken.empty()) return Status::Corruption(video.broken);
  if (video.total > 0 && number > video.total) {
    return Status::NotFound(
        fmt::format("video {} has {} packets", video.id, video.total));
  }
  if (video.total > 0) {
    ++missing_;
    return Status::Unavailable(
        fmt::format("packet {} of {} is missing: no worker delivered it",
                    number, video.id));
  }
  if (video.prefix == 0) {
    return Status::NotFound("the fog holds no packets of video " + video.id);
  }
  return Status::NotFound(
      fmt::format("packet {} of {} is not published yet", number, video.id));
}

Result<HlsPacketReply> HlsSource::Packet(const std::string& video_id,
                                         int64_t number, int holders) {
  if (number < 1) return Status::InvalidArgument("packet numbers start at 1");
  std::shared_ptr<Video> video = VideoFor(video_id);
  if (PacketCache::Entry hit = cache_.Get(video_id, number)) {
    ++cache_hits_;
    return HlsPacketReply{std::move(hit), video->complete.load()};
  }
  {
    std::lock_guard<std::mutex> lock(video->mu);
    if (number > video->prefix) {
      Status s = Refresh(*video, holders);
      if (!s.ok()) return s;
    }
    if (number > video->prefix) return WhyNotServed(*video, number);
    // The refresh may just have cached it.
    if (PacketCache::Entry e = cache_.Get(video_id, number)) {
      return HlsPacketReply{std::move(e), video->complete.load()};
    }
  }
  Result<PacketCache::Entry> fetched = FetchOne(*video, number, holders);
  if (!fetched.ok()) return fetched.status();
  return HlsPacketReply{std::move(*fetched), video->complete.load()};
}

std::map<std::string, uint64_t> HlsSource::Counters() const {
  uint64_t videos;
  {
    std::lock_guard<std::mutex> lock(mu_);
    videos = videos_.size();
  }
  return {{"fetches", fetches_.load()},
          {"fetched_packets", fetched_packets_.load()},
          {"cache_hits", cache_hits_.load()},
          {"unverified", unverified_.load()},
          {"missing", missing_.load()},
          {"pages", pages_.load()},
          {"duplicates", duplicates_.load()},
          {"busy", busy_.load()},
          {"over_budget", over_budget_.load()},
          {"lost", lost_.load()},
          {"videos", videos}};
}

}  // namespace fog::viewer
