// The worker's answers to viewers: the seed's packet-request protocol and our
// MQTT v5 request/response (docs/topics.md). They run on the viewer queue's
// thread, never on the MQTT callback thread that takes in packets: a slow
// or abusive viewer delays other viewers, not ingest. Also the seed's end of
// stream, which the master passes on (small; on the callback thread).

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "wire/envelope.h"
#include "wire/get_range.h"
#include "wire/seed_request.h"
#include "wire/topics.h"
#include "worker/stored_packet.h"
#include "worker/worker.h"

namespace fog::worker {

namespace {

// A channel topic must be a plain topic we may publish to: no wildcards, not
// a $-system topic, not one of the fog's own trees.
bool IsPlainReplyTopic(const std::string& t) {
  return !t.empty() && t.size() <= 256 && t[0] != '$' &&
         t.find_first_of("+#") == std::string::npos && !t.starts_with("fog/") &&
         !t.starts_with("video/") && t != wire::topics::kSeedPacketRequest;
}

}  // namespace

void Worker::QueueViewerRequest(const mqtt::Message& m) {
  if (viewer_queue_->Push(m)) return;
  RefuseBusy(m, running_ ? "viewer-queue-full" : "stopping");
}

// On the callback thread: one small reply at most, nothing read from disk.
void Worker::RefuseBusy(const mqtt::Message& m, const std::string& why) {
  reject_log_.Reject(
      counters_, "viewer-busy", m.topic,
      "viewer request refused (" + why + "): the viewer queue holds at most " +
          std::to_string(options_.viewer_queue.max_requests) + " requests");
  // The seed's protocol has no way to say busy: its viewer times out and
  // asks again. Ours gets an end reply that says so at once.
  if (!m.topic.starts_with("fog/get/") || m.response_topic.empty() ||
      !IsPlainReplyTopic(m.response_topic)) {
    return;
  }
  mqtt::Message busy{.topic = m.response_topic, .qos = 1};
  busy.correlation_data = m.correlation_data;
  busy.user_properties = {
      {"end", "0"}, {"worker", options_.name}, {"busy", why}};
  (void)viewer_client().Publish(busy, /*wait=*/false);
}

void Worker::OnViewerRequest(const mqtt::Message& m) {
  if (m.topic == wire::topics::SeedRequest(options_.name)) {
    OnSeedRequest(m);
  } else {
    OnGet(m, std::string(wire::topics::LastLevel(m.topic)));
  }
}

void Worker::WaitForPublishRoom() {
  // Polls: the client has no signal for "its queue shrank", and the wait is
  // on the viewer thread only.
  while (running_ &&
         viewer_client().publish_queue().waiting > options_.viewer_backlog) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void Worker::PaceViewerBytes(uint64_t bytes) {
  if (options_.viewer_bytes_per_second == 0) return;
  // A virtual clock: each reply moves "paced until" on by its share of a
  // second; the thread sleeps while that lies ahead (at most a burst of
  // 100 ms may run ahead of it).
  const auto now = std::chrono::steady_clock::now();
  if (viewer_paced_until_ < now - std::chrono::milliseconds(100)) {
    viewer_paced_until_ = now - std::chrono::milliseconds(100);
  }
  viewer_paced_until_ += std::chrono::microseconds(
      bytes * 1000000 / options_.viewer_bytes_per_second);
  while (running_ && std::chrono::steady_clock::now() < viewer_paced_until_) {
    std::this_thread::sleep_until(std::min(
        viewer_paced_until_,
        std::chrono::steady_clock::now() + std::chrono::milliseconds(50)));
  }
}

void Worker::OnSeedRequest(const mqtt::Message& m) {
  Result<wire::SeedRequest> request = wire::DecodeSeedRequest(m.payload_view());
  if (!request.ok()) {
    reject_log_.Reject(counters_, "bad-request", "",
                       request.status().message());
    return;
  }
  const std::string& video_id = request->video_id;
  const int64_t number = request->packet_number;
  const std::string& channel = request->channel_uuid;
  if (!IsPlainReplyTopic(channel) || !wire::ValidateVideoId(video_id).ok()) {
    reject_log_.Reject(counters_, "bad-request", channel,
                       "packet-request with an unusable video id or channel");
    return;
  }
  // The master routed the request here because its placements name this
  // worker; a copy lost since then is not answered (the viewer asks again).
  if (!store_.Info(video_id, number)) {
    counters_.Add("seed_requests_not_held");
    return;
  }
  Result<Bytes> stored = store_.Get(video_id, number);
  if (!stored.ok()) {
    counters_.Add("serve_errors");
    spdlog::warn("packet-request {}/{}: {}", video_id, number,
                 stored.status().ToString());
    if (stored.status().code() == Status::Code::kCorruption) {
      RequestRepair({video_id, number});
    }
    return;
  }
  Result<wire::VideoPacket> packet = StoredVideoPacket(*stored);
  if (!packet.ok()) return;
  WaitForPublishRoom();
  PaceViewerBytes(stored->size());
  (void)viewer_client().Publish(
      {.topic = channel, .payload = wire::EncodeVideoPacket(*packet), .qos = 1},
      /*wait=*/false);
  counters_.Add("seed_requests_answered");
}

void Worker::OnSeedEnd(const mqtt::Message& m) {
  std::string video_id;
  int64_t total = 0;
  try {
    const ByteView body = m.payload_view();
    nlohmann::json j = nlohmann::json::parse(body.begin(), body.end());
    video_id = j.at("video_id").get<std::string>();
    // A float is refused: converting one out of range is undefined.
    const nlohmann::json& t = j.at("total_packets");
    if (t.is_number_integer()) total = t.get<int64_t>();
  } catch (const nlohmann::json::exception& e) {
    reject_log_.Reject(counters_, "bad-request", "",
                       std::string("seed end: ") + e.what());
    return;
  }
  if (!wire::ValidateVideoId(video_id).ok() || total < 1) {
    reject_log_.Reject(counters_, "bad-request", video_id,
                       "seed end with an unusable video id or total");
    return;
  }
  // Kept even before this worker stores a packet of the video (the end can
  // overtake the last dispatches); only holders ever report it.
  if (registrar_ != nullptr) registrar_->SetTotal(video_id, total);
  counters_.Add("seed_videos_ended");
}

void Worker::OnGet(const mqtt::Message& m, const std::string& video_id) {
  if (m.response_topic.empty() || !IsPlainReplyTopic(m.response_topic) ||
      !wire::ValidateVideoId(video_id).ok()) {
    reject_log_.Reject(counters_, "bad-request", video_id,
                       "get request without a usable response topic or id");
    return;
  }
  Result<wire::GetRange> range = wire::DecodeGetRange(m.payload_view());
  if (!range.ok()) {
    reject_log_.Reject(counters_, "bad-request", video_id,
                       "get request: " + range.status().message());
    return;
  }
  const int64_t first = range->first, last = range->last;
  // Paging: stop before the packet that would take this answer past its
  // byte budget (the first two always go: a viewer anchors its page on a
  // packet it holds) and tell the viewer where to go on.
  const int64_t budget = wire::PageBytes(*range);
  int64_t sent = 0, bytes = 0, next = 0;
  const std::vector<int64_t> held = store_.PacketNumbers(video_id);
  for (int64_t n : held) {
    if (n < first || n > last) continue;
    if (!running_) break;  // stopping: the viewer asks again
    const std::optional<PacketInfo> info = store_.Info(video_id, n);
    const int64_t size = info ? static_cast<int64_t>(info->payload_size) : 0;
    if (sent > 1 && bytes + size > budget) {
      next = n;
      break;
    }
    Result<Bytes> stored = store_.Get(video_id, n);
    if (!stored.ok()) {
      counters_.Add("serve_errors");  // corrupt records are never served
      if (stored.status().code() == Status::Code::kCorruption) {
        RequestRepair({video_id, n});
      }
      continue;
    }
    mqtt::Message reply{
        .topic = m.response_topic, .payload = std::move(*stored), .qos = 1};
    reply.correlation_data = m.correlation_data;
    reply.user_properties = {{"packet-number", std::to_string(n)},
                             {"worker", options_.name}};
    // A legacy packet this worker saw disputed: the reader must not take
    // it as certain (docs/legacy.md, "Conflicts").
    if (HasLegacyConflict(video_id, n)) {
      reply.user_properties.push_back({"conflict", "1"});
    }
    WaitForPublishRoom();
    PaceViewerBytes(static_cast<uint64_t>(size));
    (void)viewer_client().Publish(reply, /*wait=*/false);
    bytes += size;
    ++sent;
  }
  mqtt::Message end{.topic = m.response_topic, .qos = 1};
  end.correlation_data = m.correlation_data;
  end.user_properties = {{"end", std::to_string(sent)},
                         {"worker", options_.name}};
  if (next > 0) {
    end.user_properties.push_back({"next", std::to_string(next)});
    counters_.Add("get_pages_cut");
  }
  // A worker that holds nothing of the video says so: a viewer waiting for
  // the registry's holders does not take this end for one of theirs.
  if (held.empty()) end.user_properties.push_back({"holds", "0"});
  (void)viewer_client().Publish(end, /*wait=*/false);
  counters_.Add("get_requests_answered");
  counters_.Add("get_bytes_sent", bytes);
}

}  // namespace fog::worker
