#include "api/fog_view.h"

#include <nlohmann/json.hpp>

#include "wire/topics.h"

namespace fog::api {

namespace {

using json = nlohmann::json;

constexpr std::string_view kStatus = "fog/status/";
constexpr std::string_view kFederationStatus = "fog/status/federation";
constexpr std::string_view kWorkerStatus = "fog/status/worker/";
constexpr std::string_view kStats = "fog/stats/";
constexpr std::string_view kPolicy = wire::topics::kPolicy;

json ParseObject(std::span<const uint8_t> payload) {
  json j = json::parse(payload.begin(), payload.end(), nullptr,
                       /*allow_exceptions=*/false);
  return j.is_object() ? j : json();
}

}  // namespace

void FogView::OnMessage(std::string_view topic,
                        std::span<const uint8_t> payload) {
  std::lock_guard<std::mutex> lock(mu_);
  if (topic.starts_with(kWorkerStatus)) {
    std::string name(topic.substr(kWorkerStatus.size()));
    if (!name.empty()) workers_[name] = wire::topics::IsOnlineStatus(payload);
  } else if (topic.starts_with(kStatus)) {
    roles_[std::string(topic.substr(kStatus.size()))] =
        wire::topics::IsOnlineStatus(payload);
    // The federation's peers and catalog (docs/federation.md).
    if (topic == kFederationStatus) {
      json j = ParseObject(payload);
      if (j.is_null()) {
        ++rejected_;
        return;
      }
      federation_ = j.dump();
    }
  } else if (topic.starts_with(kStats) || topic == kPolicy) {
    json j = ParseObject(payload);
    if (j.is_null()) {
      ++rejected_;
      return;
    }
    if (topic == kPolicy) {
      policy_ = j.dump();
    } else {
      stats_[std::string(topic.substr(kStats.size()))] = j.dump();
    }
  }
}

HealthReport FogView::Health(bool mqtt_connected) const {
  HealthReport r;
  r.components.push_back({"registry", "ok"});
  r.components.push_back({"mqtt", mqtt_connected ? "ok" : "down"});
  std::lock_guard<std::mutex> lock(mu_);
  auto role_state = [&](const std::string& role) {
    auto it = roles_.find(role);
    return it == roles_.end() ? "unknown" : it->second ? "ok" : "down";
  };
  const bool master = roles_.count("master") && roles_.at("master");
  const bool balancer = roles_.count("balancer") && roles_.at("balancer");
  r.components.push_back({"master", role_state("master")});
  if (options_.expect_balancer || roles_.count("balancer")) {
    r.components.push_back({"balancer", role_state("balancer")});
  }
  int online = 0;
  for (const auto& [name, up] : workers_) {
    online += up;
    r.components.push_back({name, up ? "ok" : "down"});
  }
  r.ok = mqtt_connected && master && online >= options_.expected_workers &&
         (balancer || !options_.expect_balancer);
  return r;
}

std::string FogView::FogJson(bool mqtt_connected) const {
  HealthReport health = Health(mqtt_connected);
  json components = json::array();
  for (const ComponentHealth& c : health.components) {
    components.push_back({{"name", c.name}, {"state", c.state}});
  }
  std::lock_guard<std::mutex> lock(mu_);
  json workers = json::object();
  for (const auto& [name, up] : workers_) {
    auto stats = stats_.find(name);
    workers[name] = {
        {"state", up ? "online" : "offline"},
        {"stats", stats == stats_.end() ? json() : json::parse(stats->second)}};
  }
  return json{
      {"status", health.ok ? "ok" : "unavailable"},
      {"components", std::move(components)},
      {"workers", std::move(workers)},
      {"policy", policy_.empty() ? json() : json::parse(policy_)},
      {"federation", federation_.empty() ? json() : json::parse(federation_)}}
      .dump();
}

std::string FogView::FederationJson() const {
  std::lock_guard<std::mutex> lock(mu_);
  return federation_;
}

uint64_t FogView::rejected_payloads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rejected_;
}

}  // namespace fog::api
