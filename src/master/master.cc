#include "master/master.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>

#include "wire/ack.h"
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
      session_(RandomSession()),
      backlog_(options.backlog, [this](const mqtt::Message& m) {
        return client_.Publish(m, /*wait=*/false);
      }) {}

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

Status Master::Open() {
  if (!options_.journal_dir.empty()) {
    JournalReplay replay;
    Result<std::unique_ptr<Journal>> journal =
        Journal::Open(options_.journal_dir, {}, &replay);
    if (!journal.ok()) return journal.status();
    Recover(std::move(*journal), std::move(replay));
  }
  client_.OnMessage([this](const mqtt::Message& m) { OnMessage(m); });
  // A broker that restarted may have published our will meanwhile.
  client_.OnReconnect([this] {
    connected_since_ = Membership::Clock::now();
    (void)client_.Publish(StatusMessage(true), /*wait=*/false);
    backlog_.Republish();
  });
  return Status::OK();
}

Status Master::Start() {
  const std::string copies = CopyTopic();
  for (const char* filter :
       {topics::kWorkerStatusFilter, topics::kHeartbeatFilter, topics::kPolicy,
        topics::kAck, topics::kSeedEndOfStream, topics::kStreamFilter,
        copies.c_str()}) {
    Status s = client_.Subscribe(filter, 1);
    if (!s.ok()) return s;
  }
  // QoS 0: the persistent session keeps no stale viewer requests while the
  // master is away (the viewer asks again).
  if (Status s = client_.Subscribe(topics::kSeedPacketRequest, 0); !s.ok()) {
    return s;
  }
  running_ = true;
  ticker_ = std::thread([this] { Tick(); });
  backlog_.Start();
  return client_.Publish(StatusMessage(true));
}

void Master::Recover(std::unique_ptr<Journal> journal, JournalReplay replay) {
  std::lock_guard<std::mutex> lock(mu_);
  journal_ = std::move(journal);
  for (const JournalReplay::Settled& s : replay.settled) {
    for (const std::string& worker : s.holders) placements_.Add(s.key, worker);
  }
  // Unsettled packets wait for the workers to show up; the ticker sends them.
  for (JournalReplay::Packet& p : replay.unsettled) {
    Result<std::shared_ptr<const std::string>> payload =
        journal_->Read(p.where);
    if (!payload.ok()) {
      counters_.Add("journal_errors");
      spdlog::error("master: {}", payload.status().ToString());
      continue;
    }
    const std::string& b = **payload;
    backlog_.Taken(p.key, b.size());
    pending_bytes_ += b.size();
    pending_.push_back(
        {p.key, std::make_shared<const Bytes>(b.begin(), b.end())});
  }
  counters_.Add("journal_replayed", replay.unsettled.size());
  if (replay.dropped_bytes > 0) {
    counters_.Add("journal_dropped_bytes", replay.dropped_bytes);
  }
  spdlog::info("master: journal {}: {} packet(s) to dispatch again, {} placed",
               options_.journal_dir, replay.unsettled.size(),
               replay.settled.size());
}

void Master::Stop() {
  if (!running_.exchange(false)) return;
  ticker_.join();
  backlog_.Stop();
  (void)client_.Publish(StatusMessage(false));
}

void Master::Tick() {
  for (int tick = 0; running_; ++tick) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    Drain();
    CheckInFlight();
    if (tick % 5 == 0) {
      WriteOffDepartedWorkers();
      TopUp();
      AskForCopies();
    }
  }
}

std::vector<std::string> Master::live_workers() const {
  return membership_.Live(Membership::Clock::now());
}

size_t Master::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_.size();
}

size_t Master::in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
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
    OnSeedEndOfStream(m);
  } else if (m.topic == topics::kSeedPacketRequest) {
    OnSeedRequest(m);
  } else if (m.topic == CopyTopic()) {
    OnCopy(m);
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
    // Named by the number it claims, read without decoding the rest.
    Result<int64_t> claimed = wire::PeekPacketNumber(m.payload);
    reject_log_.Reject(
        counters_, "oversized", video_id,
        "video " + video_id + " packet " +
            (claimed.ok() ? std::to_string(*claimed) : std::string("?")) +
            ": " + std::to_string(m.payload.size()) + " bytes");
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
  NoteSeedPacket(video_id, *number, m.payload);
  const uint64_t ticket = Hold(PacketKey{video_id, *number},
                               std::make_shared<const Bytes>(m.payload));
  FlushOutbox();
  // On disk before this callback returns, that is before the broker counts
  // the packet delivered (Paho sends the PUBACK after the handler). The
  // copies already went out meanwhile: a worker may store a packet before
  // the master's sync completes, which only a crash of the master's machine
  // in between could tell (the broker then delivers it again, and the
  // worker answers "duplicate").
  if (ticket > 0) {
    if (Status s = journal_->WaitDurable(ticket); !s.ok()) {
      counters_.Add("journal_errors");
      spdlog::error("master: {}", s.ToString());
    }
  }
}

uint64_t Master::Hold(const PacketKey& key, const Payload& payload) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t ticket = 0;
  if (journal_) {
    Result<Journal::Appended> appended = journal_->Received(key, *payload);
    if (appended.ok()) {
      ticket = appended->ticket;
    } else {
      counters_.Add("journal_errors");
      spdlog::error("master: {}", appended.status().ToString());
    }
  }
  HoldJournaled(key, payload);
  return ticket;
}

void Master::HoldJournaled(const PacketKey& key, const Payload& payload) {
  if (TakeConflict(key, payload)) return;
  if (copies_in_flight_.contains(key)) {
    counters_.Add("packets_repeated");  // its copies are on their way
    return;
  }
  backlog_.Taken(key, payload->size());
  // Keep arrival order: while packets wait, new ones queue behind them.
  if (pending_.empty() && Place(key, payload) > 0) return;
  if (pending_.size() >= options_.max_pending_packets ||
      pending_bytes_ + payload->size() > options_.max_pending_bytes) {
    reject_log_.Reject(counters_, "no-worker-queue-full", key.first,
                       "video " + key.first + " packet " +
                           std::to_string(key.second) +
                           ": no live worker and the hold queue is full");
    return;
  }
  if (pending_.empty()) spdlog::warn("no live worker: holding packets");
  pending_bytes_ += payload->size();
  pending_.push_back({key, payload});
  counters_.Add("packets_held");
}

void Master::Drain() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    while (!pending_.empty() &&
           Place(pending_.front().key, pending_.front().payload) > 0) {
      pending_bytes_ -= pending_.front().payload->size();
      pending_.pop_front();
    }
  }
  FlushOutbox();
}

size_t Master::replicas() const {
  return static_cast<size_t>(std::max(options_.replicas, 1));
}

size_t Master::CopiesWanted(size_t live) const {
  return std::min(replicas(), live);
}

size_t Master::Place(const PacketKey& key, const Payload& payload,
                     const std::string& avoid) {
  const std::vector<std::string> live =
      membership_.Live(Membership::Clock::now());
  const std::vector<std::string> holders = placements_.Holders(key);
  std::vector<std::string> candidates;
  size_t have = 0;
  for (const std::string& w : live) {
    if (std::binary_search(holders.begin(), holders.end(), w)) {
      ++have;
    } else {
      candidates.push_back(w);
    }
  }
  // Shun `avoid` unless it is the only place left for the only copy.
  if (have > 0 || candidates.size() > 1) std::erase(candidates, avoid);
  const size_t want = CopiesWanted(live.size());
  if (have > 0 && have >= want) counters_.Add("packets_already_placed");
  while (have < want && !candidates.empty()) {
    std::optional<std::string> worker = dispatcher_.Choose(candidates);
    std::erase(candidates, *worker);
    Send(key, payload, *worker);
    ++have;
  }
  if (have > 0 && have < replicas()) {
    counters_.Add("packets_under_replicated");
    // Copied again when more workers are live (TopUp).
    if (under_replicated_.size() < kMaxUnderReplicated) {
      under_replicated_.insert(key);
    }
  } else if (have > 0) {
    under_replicated_.erase(key);
  }
  if (have > 0 && !copies_in_flight_.contains(key)) Settle(key);
  return have;
}

void Master::Send(const PacketKey& key, const Payload& payload,
                  const std::string& worker, bool conflict) {
  const std::string dispatch_id =
      session_ + "-" + std::to_string(next_dispatch_id_++);
  mqtt::Message out{
      .topic = topics::Dispatch(worker), .payload = *payload, .qos = 1};
  out.user_properties = {{"video-id", key.first}, {"dispatch-id", dispatch_id}};
  outbox_.push_back(std::move(out));
  in_flight_[dispatch_id] = {.key = key,
                             .payload = payload,
                             .worker = worker,
                             .sent = std::chrono::steady_clock::now(),
                             .conflict = conflict};
  ++copies_in_flight_[key];
  placements_.Add(key, worker);
  counters_.Add("packets_dispatched");
  counters_.Add("dispatched." + worker);
}

void Master::FlushOutbox() {
  std::vector<mqtt::Message> out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    out.swap(outbox_);
  }
  for (const mqtt::Message& m : out) {
    // Not waiting for the PUBACK: on the client's callback thread that
    // would wait for ourselves. A copy that fails here is sent again after
    // the ack timeout.
    Status s = client_.Publish(m, /*wait=*/false);
    if (!s.ok()) {
      counters_.Add("dispatch_errors");
      spdlog::error("dispatch: {}", s.ToString());
    }
  }
}

void Master::Finish(const InFlight& copy) {
  auto it = copies_in_flight_.find(copy.key);
  if (it == copies_in_flight_.end() || --it->second > 0) return;
  copies_in_flight_.erase(it);
  Settle(copy.key);
}

void Master::Settle(const PacketKey& key) {
  backlog_.Settled(key);
  if (!journal_) return;
  if (Status s = journal_->Settled(key, placements_.Holders(key)); !s.ok()) {
    counters_.Add("journal_errors");
    spdlog::error("master: {}", s.ToString());
  }
}

void Master::Redispatch(InFlight copy, const char* why) {
  if (copy.conflict) {
    AbandonConflict(copy, why);
    return;
  }
  counters_.Add(std::string("redispatched.") + why);
  placements_.Remove(copy.key, copy.worker);
  auto it = copies_in_flight_.find(copy.key);
  if (it != copies_in_flight_.end() && --it->second == 0) {
    copies_in_flight_.erase(it);
  }
  if (Place(copy.key, copy.payload, copy.worker) > 0) return;
  // No worker live: wait at the head of the hold queue (it was first).
  pending_bytes_ += copy.payload->size();
  pending_.push_front({std::move(copy.key), std::move(copy.payload)});
}

void Master::CheckInFlight() {
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::string> live = membership_.Live(Membership::Clock::now());
  std::unique_lock<std::mutex> lock(mu_);
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
    spdlog::warn("master: dispatching {} unacknowledged copies again",
                 again.size());
  }
  for (auto& [copy, why] : again) Redispatch(std::move(copy), why);
  lock.unlock();
  FlushOutbox();
}

void Master::OnAck(const mqtt::Message& m) {
  Result<std::vector<wire::WorkerAck>> acks = wire::DecodeAcks(m.payload);
  if (!acks.ok()) {
    reject_log_.Reject(counters_, "bad-ack", "", acks.status().message());
    return;
  }
  for (const wire::WorkerAck& ack : *acks) {
    counters_.Add("acks." + ack.result);
    ApplyAck(ack);
  }
  FlushOutbox();
}

void Master::ApplyAck(const wire::WorkerAck& ack) {
  const std::string& dispatch_id = ack.dispatch_id;
  const std::string& result = ack.result;
  std::lock_guard<std::mutex> lock(mu_);
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
  InFlight copy = std::move(it->second);
  in_flight_.erase(it);
  // "stored" and "duplicate" are done; "rejected" will never store (bad
  // packet, counted by the worker); "error" is the worker's trouble, not the
  // packet's: another worker gets it.
  if (result == "error") {
    Redispatch(std::move(copy), "error");
    return;
  }
  if (result == "rejected") OnRejected(copy, ack);
  if (result == "stored" && copy.conflict) OnConflictStored(copy);
  Finish(copy);
}

}  // namespace fog::master
