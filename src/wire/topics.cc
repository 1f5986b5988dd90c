#include "wire/topics.h"

#include <nlohmann/json.hpp>

namespace fog::wire::topics {

namespace {

constexpr std::string_view kStreamPrefix = "video/stream/";

}  // namespace

std::string Stream(std::string_view video_id) {
  return std::string(kStreamPrefix) + std::string(video_id);
}

std::optional<std::string> VideoIdOfStream(std::string_view topic) {
  if (!topic.starts_with(kStreamPrefix)) return std::nullopt;
  std::string_view id = topic.substr(kStreamPrefix.size());
  if (id.empty() || id.find('/') != std::string_view::npos) return std::nullopt;
  return std::string(id);
}

std::string Dispatch(std::string_view worker) {
  return "fog/dispatch/" + std::string(worker);
}

std::string SeedRequest(std::string_view worker) {
  return "fog/seed-request/" + std::string(worker);
}

std::string WorkerStatus(std::string_view worker) {
  return "fog/status/worker/" + std::string(worker);
}

std::string Heartbeat(std::string_view worker) {
  return "fog/heartbeat/" + std::string(worker);
}

std::string Ack(std::string_view worker) {
  return "fog/ack/" + std::string(worker);
}

std::string Stats(std::string_view worker) {
  return "fog/stats/" + std::string(worker);
}

std::string_view LastLevel(std::string_view topic) {
  size_t slash = topic.rfind('/');
  return slash == std::string_view::npos ? topic : topic.substr(slash + 1);
}

bool IsOnlineStatus(std::span<const uint8_t> payload) {
  nlohmann::json j = nlohmann::json::parse(payload.begin(), payload.end(),
                                           nullptr, /*allow_exceptions=*/false);
  return j.is_object() && j.value("state", "") == "online";
}

std::string Get(std::string_view video_id) {
  return "fog/get/" + std::string(video_id);
}

}  // namespace fog::wire::topics
