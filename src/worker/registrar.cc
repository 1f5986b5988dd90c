#include "worker/registrar.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "common/packet_ranges.h"
#include "tls/http_client.h"

namespace fog::worker {

namespace {

// {"<track id>": value, ...}: JSON object keys are the decimal track ids.
template <typename T>
nlohmann::json ByTrack(const std::map<uint32_t, T>& values) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [track, value] : values) j[std::to_string(track)] = value;
  return j;
}

}  // namespace

Registrar::Registrar(RegistrarOptions options, PacketStore& store,
                     Counters& counters)
    : options_(std::move(options)), store_(store), counters_(counters) {
  if (!options_.api_url.empty()) thread_ = std::thread([this] { Run(); });
}

Registrar::~Registrar() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (!options_.api_url.empty()) (void)Flush();
}

void Registrar::MarkDirty(const std::string& video_id, const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  dirty_.insert(video_id);
  if (!key.empty()) publisher_keys_[video_id] = key;
}

void Registrar::Note(const std::string& video_id, const std::string& key) {
  {
    std::lock_guard<std::mutex> lock(timing_mu_);
    timing_.Unread(video_id);
  }
  MarkDirty(video_id, key);
}

void Registrar::Note(const std::string& video_id, const std::string& key,
                     int64_t packet_number, const VideoTiming& timing) {
  {
    std::lock_guard<std::mutex> lock(timing_mu_);
    timing_.Add(video_id, packet_number, timing);
  }
  MarkDirty(video_id, key);
}

void Registrar::SetTotal(const std::string& video_id, int64_t total) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!totals_.contains(video_id) && totals_.size() >= kMaxTotals) {
    totals_.erase(totals_.begin());
  }
  totals_[video_id] = std::max(totals_[video_id], total);
  dirty_.insert(video_id);
}

void Registrar::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, options_.period);
    if (stop_) break;
    lock.unlock();
    (void)Flush();
    lock.lock();
  }
}

Status Registrar::Flush() {
  std::set<std::string> videos;
  {
    std::lock_guard<std::mutex> lock(mu_);
    videos.swap(dirty_);
  }
  if (videos.empty() || options_.api_url.empty()) return Status::OK();
  // One connection for the round's posts (a round posts every video stored
  // into since the last): a connection, and with TLS a handshake, per post
  // cost the API more than the registry's work.
  std::unique_ptr<httplib::Client> client = tls::MakeHttpClient(
      options_.api_url,
      {options_.ca_file, options_.cert_file, options_.key_file});
  client->set_connection_timeout(2);
  client->set_read_timeout(5);
  client->set_keep_alive(true);
  Status result = Status::OK();
  // Only the noted videos are summarised, from the totals the store's index
  // keeps: a round costs their ranges, not the packets the store holds.
  for (const std::string& id : videos) {
    std::optional<VideoSummary> v = store_.Video(id);
    if (!v) continue;  // deleted meanwhile
    Status s = Post(*client, *v);
    if (!s.ok()) {
      result = s;
      std::lock_guard<std::mutex> lock(mu_);
      dirty_.insert(id);  // retried next round
    }
  }
  return result;
}

Status Registrar::Post(httplib::Client& client, const VideoSummary& v) {
  std::string key;
  int64_t total = v.max_total_packets;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = publisher_keys_.find(v.video_id);
    if (it != publisher_keys_.end()) key = it->second;
    auto t = totals_.find(v.video_id);
    if (t != totals_.end()) total = std::max(total, t->second);
  }
  nlohmann::json body = {
      {"video_id", v.video_id},
      {"worker", options_.worker},
      // The summary is one look at the store: count and ranges agree.
      {"packets", v.packet_count},
      {"bytes", v.payload_bytes},
      {"total_packets", total},
      {"publisher_key", key},
      {"authenticated", v.all_authenticated},
      {"ranges", FormatRanges(v.ranges)},
  };
  // Track timing for the registry's duration (worker/media_timing.h).
  VideoTiming timing;
  {
    std::lock_guard<std::mutex> lock(timing_mu_);
    timing = timing_.Update(store_, v.video_id);
  }
  if (!timing.timescales.empty()) {
    body["timescales"] = ByTrack(timing.timescales);
  }
  if (!timing.track_end_ticks.empty()) {
    body["track_end_ticks"] = ByTrack(timing.track_end_ticks);
  }
  httplib::Headers headers = {{"Authorization", "Bearer " + options_.token}};
  auto res = client.Post("/videos", headers, body.dump(), "application/json");
  if (!res || res->status != 200) {
    counters_.Add("registry_post_failures");
    std::string why =
        res ? "HTTP " + std::to_string(res->status) + " " + res->body
            : httplib::to_string(res.error());
    spdlog::warn("registry: cannot report {}: {}", v.video_id, why);
    return Status::Unavailable("registry: " + why);
  }
  counters_.Add("registry_posts");
  return Status::OK();
}

}  // namespace fog::worker
