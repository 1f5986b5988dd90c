// The seed client's end of stream. It publishes "EOSTREAMING" on
// go-streaming after its last packet, without naming the video and without
// a total in any packet (total_packets stays 0). The master sees every
// packet, so it knows each seed-format video's highest packet number; on the
// end message it takes that as the video's total and tells the workers
// (fog/seed-end), whose registry reports then make the video complete
// (docs/legacy.md#end-of-stream).
//
// Which video: "EOSTREAMING <video_id>" names it; the seed's bare
// "EOSTREAMING" ends the seed-format video whose last packet came most
// recently (the seed client streams one video per connection and sends the
// end right after that video's last packet).

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string_view>

#include "master/master.h"
#include "wire/envelope.h"
#include "wire/payload_format.h"
#include "wire/topics.h"

namespace fog::master {

namespace topics = wire::topics;

namespace {

constexpr std::string_view kEndMarker = "EOSTREAMING";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' ||
                        s.back() == ' ' || s.back() == '\0')) {
    s.remove_suffix(1);
  }
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

}  // namespace

void Master::NoteSeedPacket(const std::string& video_id, int64_t number,
                            ByteView payload) {
  const wire::PayloadFormat format = wire::DetectFormat(payload);
  if (format != wire::PayloadFormat::kLegacySis &&
      format != wire::PayloadFormat::kVideoPacket) {
    return;
  }
  std::lock_guard<std::mutex> lock(seed_mu_);
  auto it = seed_videos_.find(video_id);
  if (it == seed_videos_.end()) {
    if (seed_videos_.size() >= kMaxSeedVideos) {
      // At the bound the video silent for longest is forgotten: an end
      // message for it finds nothing to complete (counted, logged).
      auto oldest = std::min_element(
          seed_videos_.begin(), seed_videos_.end(), [](auto& a, auto& b) {
            return a.second.last_seen < b.second.last_seen;
          });
      seed_videos_.erase(oldest);
      counters_.Add("seed_videos_forgotten");
    }
    it = seed_videos_.emplace(video_id, SeedVideo{}).first;
  }
  it->second.highest = std::max(it->second.highest, number);
  it->second.last_seen = ++seed_seq_;
}

void Master::OnSeedEndOfStream(const mqtt::Message& m) {
  counters_.Add("seed_end_of_stream");
  std::string_view text = Trim(
      std::string_view(reinterpret_cast<const char*>(m.payload_view().data()),
                       m.payload_view().size()));
  if (!text.starts_with(kEndMarker)) {
    reject_log_.Reject(counters_, "bad-end-of-stream", "",
                       "go-streaming: the message is not EOSTREAMING");
    return;
  }
  std::string named(Trim(text.substr(kEndMarker.size())));
  if (!named.empty() && !wire::ValidateVideoId(named).ok()) {
    reject_log_.Reject(counters_, "bad-end-of-stream", "",
                       "go-streaming: EOSTREAMING names an unusable video id");
    return;
  }
  std::string video_id;
  int64_t total = 0;
  {
    std::lock_guard<std::mutex> lock(seed_mu_);
    auto it = seed_videos_.end();
    if (!named.empty()) {
      it = seed_videos_.find(named);
    } else {
      it = std::max_element(seed_videos_.begin(), seed_videos_.end(),
                            [](auto& a, auto& b) {
                              return a.second.last_seen < b.second.last_seen;
                            });
    }
    if (it != seed_videos_.end()) {
      video_id = it->first;
      total = it->second.highest;
      seed_videos_.erase(it);
    }
  }
  if (video_id.empty()) {
    counters_.Add("seed_end_of_stream_unmatched");
    spdlog::warn("go-streaming: EOSTREAMING{} but no seed-format video is live",
                 named.empty() ? "" : " " + named);
    return;
  }
  nlohmann::json j = {{"video_id", video_id}, {"total_packets", total}};
  const std::string body = j.dump();
  Status s = client_.Publish({.topic = topics::kSeedEnd,
                              .payload = Bytes(body.begin(), body.end()),
                              .qos = 1},
                             /*wait=*/false);
  if (!s.ok()) {
    counters_.Add("seed_end_errors");
    spdlog::error("go-streaming: {}", s.ToString());
    return;
  }
  counters_.Add("seed_videos_ended");
  spdlog::info("go-streaming: video {} ended with {} packets", video_id, total);
}

}  // namespace fog::master
