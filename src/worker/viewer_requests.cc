// The worker's answers to viewers: the seed's packet-request protocol and our
// MQTT v5 request/response (docs/topics.md).

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "wire/envelope.h"
#include "wire/get_range.h"
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

void Worker::OnSeedRequest(const mqtt::Message& m) {
  std::string video_id, channel;
  int64_t number = 0;
  try {
    nlohmann::json j =
        nlohmann::json::parse(m.payload.begin(), m.payload.end());
    video_id = j.at("video_id").get<std::string>();
    number = j.at("packet_number").get<int64_t>();
    channel = j.at("channel_uuid").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    reject_log_.Reject(counters_, "bad-request", "",
                       std::string("packet-request: ") + e.what());
    return;
  }
  if (!IsPlainReplyTopic(channel) || !wire::ValidateVideoId(video_id).ok()) {
    reject_log_.Reject(counters_, "bad-request", channel,
                       "packet-request with an unusable video id or channel");
    return;
  }
  if (!store_.Info(video_id, number)) return;  // another worker holds it
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
  (void)client_.Publish(
      {.topic = channel, .payload = wire::EncodeVideoPacket(*packet), .qos = 1},
      /*wait=*/false);
  counters_.Add("seed_requests_answered");
}

void Worker::OnGet(const mqtt::Message& m, const std::string& video_id) {
  if (m.response_topic.empty() || !IsPlainReplyTopic(m.response_topic) ||
      !wire::ValidateVideoId(video_id).ok()) {
    reject_log_.Reject(counters_, "bad-request", video_id,
                       "get request without a usable response topic or id");
    return;
  }
  Result<wire::GetRange> range = wire::DecodeGetRange(m.payload);
  if (!range.ok()) {
    reject_log_.Reject(counters_, "bad-request", video_id,
                       "get request: " + range.status().message());
    return;
  }
  const auto [first, last] = *range;
  int64_t sent = 0;
  for (int64_t n : store_.PacketNumbers(video_id)) {
    if (n < first || n > last) continue;
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
    (void)client_.Publish(reply, /*wait=*/false);
    ++sent;
  }
  mqtt::Message end{.topic = m.response_topic, .qos = 1};
  end.correlation_data = m.correlation_data;
  end.user_properties = {{"end", std::to_string(sent)},
                         {"worker", options_.name}};
  (void)client_.Publish(end, /*wait=*/false);
  counters_.Add("get_requests_answered");
}

}  // namespace fog::worker
