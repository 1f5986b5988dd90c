#include "master/master.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>

#include "wire/envelope.h"
#include "wire/payload_format.h"
#include "wire/topics.h"

namespace fog::master {

namespace topics = wire::topics;

namespace {

std::string RandomSession() {
  std::random_device rd;
  return fmt::format("{:08x}", rd());
}

}  // namespace

Master::Master(MasterOptions options, mqtt::Client& client)
    : options_(options),
      client_(client),
      membership_(options.worker_timeout),
      session_(RandomSession()) {}

Master::~Master() { Stop(); }

mqtt::Message Master::StatusMessage(bool online) {
  nlohmann::json j = {{"role", "master"},
                      {"state", online ? "online" : "offline"}};
  std::string text = j.dump();
  return {.topic = topics::kMasterStatus,
          .payload = Bytes(text.begin(), text.end()),
          .qos = 1,
          .retained = true};
}

Status Master::Start() {
  client_.OnMessage([this](const mqtt::Message& m) { OnMessage(m); });
  for (const char* filter :
       {topics::kWorkerStatusFilter, topics::kHeartbeatFilter, topics::kPolicy,
        topics::kAck, topics::kSeedEndOfStream, topics::kStreamFilter}) {
    Status s = client_.Subscribe(filter, 1);
    if (!s.ok()) return s;
  }
  running_ = true;
  ticker_ = std::thread([this] { Tick(); });
  return client_.Publish(StatusMessage(true));
}

void Master::Stop() {
  if (!running_.exchange(false)) return;
  ticker_.join();
  (void)client_.Publish(StatusMessage(false));
}

void Master::Tick() {
  while (running_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    Drain();
    CheckInFlight();
  }
}

std::vector<std::string> Master::live_workers() const {
  return membership_.Live(Membership::Clock::now());
}

size_t Master::pending() const {
  std::lock_guard<std::mutex> lock(pending_mu_);
  return pending_.size();
}

size_t Master::in_flight() const {
  std::lock_guard<std::mutex> lock(pending_mu_);
  return in_flight_.size();
}

void Master::OnMessage(const mqtt::Message& m) {
  const auto now = Membership::Clock::now();
  if (auto id = topics::VideoIdOfStream(m.topic)) {
    OnStream(m, *id);
  } else if (m.topic.starts_with("fog/status/worker/")) {
    const bool online = topics::IsOnlineStatus(m.payload);
    membership_.OnStatus(std::string(topics::LastLevel(m.topic)), online, now);
    if (online) Drain();
  } else if (m.topic.starts_with("fog/heartbeat/")) {
    membership_.OnHeartbeat(std::string(topics::LastLevel(m.topic)), now);
  } else if (m.topic == topics::kPolicy) {
    Status s = dispatcher_.SetPolicy(std::string_view(
        reinterpret_cast<const char*>(m.payload.data()), m.payload.size()));
    if (!s.ok()) reject_log_.Reject(counters_, "bad-policy", "", s.message());
  } else if (m.topic == topics::kAck) {
    OnAck(m);
  } else if (m.topic == topics::kSeedEndOfStream) {
    counters_.Add("seed_end_of_stream");
  }
}

void Master::OnStream(const mqtt::Message& m, const std::string& video_id) {
  counters_.Add("packets_received");
  counters_.Add("bytes_received", m.payload.size());
  if (Status s = wire::ValidateVideoId(video_id); !s.ok()) {
    reject_log_.Reject(counters_, "bad-video-id", video_id,
                       "topic " + m.topic + ": " + s.message());
    return;
  }
  if (m.payload.size() > options_.max_packet_bytes) {
    reject_log_.Reject(counters_, "oversized", video_id,
                       "video " + video_id + ": packet of " +
                           std::to_string(m.payload.size()) + " bytes");
    return;
  }
  // One parse: a payload of no known format has no packet number either.
  Result<int64_t> number = wire::PeekPacketNumber(m.payload);
  if (!number.ok()) {
    reject_log_.Reject(
        counters_, "malformed", video_id,
        "video " + video_id +
            ": payload is not a known format: " + number.status().message());
    return;
  }
  const PacketKey key{video_id, *number};
  auto payload = std::make_shared<const Bytes>(m.payload);
  std::lock_guard<std::mutex> lock(pending_mu_);
  // Keep arrival order: while packets wait, new ones queue behind them.
  if (pending_.empty() && Dispatch(key, payload)) return;
  if (pending_.size() >= options_.max_pending_packets ||
      pending_bytes_ + m.payload.size() > options_.max_pending_bytes) {
    reject_log_.Reject(counters_, "no-worker-queue-full", video_id,
                       "no live worker and the hold queue is full");
    return;
  }
  if (pending_.empty()) spdlog::warn("no live worker: holding packets");
  pending_bytes_ += m.payload.size();
  pending_.push_back({key, std::move(payload)});
  counters_.Add("packets_held");
}

void Master::Drain() {
  std::lock_guard<std::mutex> lock(pending_mu_);
  while (!pending_.empty() &&
         Dispatch(pending_.front().key, pending_.front().payload)) {
    pending_bytes_ -= pending_.front().payload->size();
    pending_.pop_front();
  }
}

bool Master::Dispatch(const PacketKey& key, const Payload& payload,
                      const std::string& avoid) {
  std::vector<std::string> live = membership_.Live(Membership::Clock::now());
  if (!avoid.empty() && live.size() > 1) std::erase(live, avoid);
  std::optional<std::string> worker;
  auto placed = placed_.find(key);
  if (placed != placed_.end() &&
      std::find(live.begin(), live.end(), placed->second) != live.end()) {
    worker = placed->second;  // it has this packet, or is storing it
    counters_.Add("packets_to_holder");
  } else {
    worker = dispatcher_.Choose(live);
  }
  if (!worker) return false;
  const std::string dispatch_id =
      session_ + "-" + std::to_string(next_dispatch_id_++);
  mqtt::Message out{
      .topic = topics::Dispatch(*worker), .payload = *payload, .qos = 1};
  out.user_properties = {{"video-id", key.first}, {"dispatch-id", dispatch_id}};
  // Not waiting for the PUBACK: this runs on the client's callback thread,
  // which is the one that would receive it.
  Status s = client_.Publish(out, /*wait=*/false);
  if (!s.ok()) {
    spdlog::error("dispatch to {}: {}", *worker, s.ToString());
    return false;
  }
  in_flight_[dispatch_id] = {.key = key,
                             .payload = payload,
                             .worker = *worker,
                             .sent = std::chrono::steady_clock::now()};
  Place(key, *worker);
  counters_.Add("packets_dispatched");
  counters_.Add("dispatched." + *worker);
  return true;
}

void Master::Place(const PacketKey& key, const std::string& worker) {
  constexpr size_t kMaxPlaced = 1 << 18;
  auto [it, inserted] = placed_.insert_or_assign(key, worker);
  if (!inserted) return;
  placed_order_.push_back(key);
  if (placed_order_.size() > kMaxPlaced) {
    placed_.erase(placed_order_.front());
    placed_order_.pop_front();
  }
}

void Master::Redispatch(InFlight packet, const char* why) {
  counters_.Add(std::string("redispatched.") + why);
  // Another worker, unless it is the only one (Dispatch moves the placement).
  if (Dispatch(packet.key, packet.payload, packet.worker)) return;
  // No worker live: wait at the head of the hold queue (it was first).
  pending_bytes_ += packet.payload->size();
  pending_.push_front({std::move(packet.key), std::move(packet.payload)});
}

void Master::CheckInFlight() {
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::string> live = membership_.Live(Membership::Clock::now());
  std::lock_guard<std::mutex> lock(pending_mu_);
  std::vector<std::pair<InFlight, const char*>> again;
  for (auto it = in_flight_.begin(); it != in_flight_.end();) {
    const bool gone =
        std::find(live.begin(), live.end(), it->second.worker) == live.end();
    const bool late = now - it->second.sent > options_.ack_timeout;
    if (gone || late) {
      again.emplace_back(std::move(it->second),
                         gone ? "worker-left" : "timeout");
      it = in_flight_.erase(it);
    } else {
      ++it;
    }
  }
  if (!again.empty()) {
    spdlog::warn("master: dispatching {} unacknowledged packet(s) again",
                 again.size());
  }
  for (auto& [packet, why] : again) Redispatch(std::move(packet), why);
}

void Master::OnAck(const mqtt::Message& m) {
  std::string result, dispatch_id;
  try {
    nlohmann::json j =
        nlohmann::json::parse(m.payload.begin(), m.payload.end());
    result = j.at("result").get<std::string>();
    dispatch_id = j.at("dispatch_id").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    reject_log_.Reject(counters_, "bad-ack", "", e.what());
    return;
  }
  counters_.Add("acks." + result);
  std::lock_guard<std::mutex> lock(pending_mu_);
  auto it = in_flight_.find(dispatch_id);
  if (it == in_flight_.end()) {
    counters_.Add("acks_unknown");  // already re-dispatched, or not ours
    return;
  }
  if (ack_latency_ && (result == "stored" || result == "duplicate")) {
    ack_latency_(std::chrono::duration<double>(
                     std::chrono::steady_clock::now() - it->second.sent)
                     .count());
  }
  InFlight packet = std::move(it->second);
  in_flight_.erase(it);
  // "stored" and "duplicate" are done; "rejected" will never store (bad
  // packet, counted by the worker); "error" is the worker's trouble, not the
  // packet's: another worker gets it.
  if (result == "error") Redispatch(std::move(packet), "error");
}

}  // namespace fog::master
