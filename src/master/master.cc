#include "master/master.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <random>

#include "wire/ack.h"
#include "wire/dispatch_tag.h"
#include "wire/envelope.h"
#include "wire/payload_format.h"
#include "wire/topics.h"

namespace fog::master {

namespace topics = wire::topics;

namespace {

// Mosquitto's count of the payload bytes it holds (every queued and
// in-flight message, retained ones included), published every
// `sys_interval` seconds (src/up/broker_setup.cc sets 1).
constexpr char kBrokerStoreBytes[] = "$SYS/broker/store/messages/bytes";

std::string RandomSession() {
  std::random_device rd;
  return fmt::format("{:08x}", rd());
}

}  // namespace

Master::Master(MasterOptions options, mqtt::Client& client,
               mqtt::Client* intake)
    : options_(options),
      client_(client),
      intake_(intake != nullptr ? *intake : client),
      membership_(options.worker_timeout),
      session_(RandomSession()),
      memory_(options.memory_budget),
      // On the intake connection, which publishes nothing else: behind
      // the dispatches on the control one, a report waited for every
      // dispatch's PUBACK before it, the longer the further behind the fog
      // was.
      backlog_(options.backlog, [this](const mqtt::Message& m) {
        return intake_.Publish(m, /*wait=*/false);
      }) {
  // Runs wherever a buffer is freed (under the MQTT client's locks, or
  // ours): it only signals the ticker.
  memory_.OnFree([this] {
    std::lock_guard<std::mutex> lock(wake_mu_);
    wake_ = true;
    wake_cv_.notify_one();
  });
}

Master::~Master() {
  Stop();
  memory_.OnFree(nullptr);
}

JournalStats Master::journal_stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return journal_ ? journal_->stats() : JournalStats{};
}

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
        Journal::Open(options_.journal_dir, options_.journal, &replay);
    if (!journal.ok()) return journal.status();
    Recover(std::move(*journal), std::move(replay));
  }
  client_.OnMessage([this](const mqtt::Message& m) { OnMessage(m); });
  if (&intake_ != &client_) {
    intake_.OnMessage([this](const mqtt::Message& m) { OnMessage(m); });
  }
  // A broker that restarted may have published our will meanwhile.
  const bool one_connection = &intake_ == &client_;
  client_.OnReconnect([this, one_connection] {
    connected_since_ = Membership::Clock::now();
    (void)client_.Publish(StatusMessage(true), /*wait=*/false);
    if (one_connection) backlog_.Republish();
  });
  if (!one_connection) intake_.OnReconnect([this] { backlog_.Republish(); });
  return Status::OK();
}

Status Master::Start() {
  const std::string copies = CopyTopic();
  const std::vector<const char*> control = {
      topics::kWorkerStatusFilter, topics::kHeartbeatFilter, topics::kPolicy,
      topics::kAckFilter, copies.c_str()};
  for (const char* filter : control) {
    Status s = client_.Subscribe(filter, 1);
    if (!s.ok()) return s;
  }
  if (&intake_ != &client_) {
    // A session saved by a master of one connection may still carry these
    // on the intake connection; they belong to the control one only.
    for (const char* filter : control) (void)intake_.Unsubscribe(filter);
    (void)intake_.Unsubscribe(topics::kSeedPacketRequest);
  }
  // The seed client's end of stream follows its last packet on the same
  // connection, so the broker delivers it after that packet only to the
  // session that takes the packets: on the control connection it could
  // overtake packets still queued for the intake, and end the video short.
  for (const char* filter : {topics::kStreamFilter, topics::kSeedEndOfStream}) {
    if (Status s = intake_.Subscribe(filter, 1); !s.ok()) return s;
  }
  // What the broker holds counts in the backlog: without it a master that
  // takes packets slower than they arrive would see a small backlog while
  // the broker's queue for it fills (docs/durability.md). A broker that
  // does not offer the figure leaves the backlog to what the master took.
  if (Status s = client_.Subscribe(kBrokerStoreBytes, 0); !s.ok()) {
    spdlog::warn("master: {}: the backlog counts only what the master took",
                 s.ToString());
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
    // Settled short (too few workers were live): copied once more are.
    if (s.holders.size() < replicas() &&
        under_replicated_.size() < kMaxUnderReplicated) {
      under_replicated_.emplace(
          s.key, Short{std::nullopt, std::chrono::steady_clock::now()});
    }
  }
  // Unsettled packets wait for the workers to show up, their payloads in
  // the journal; the ticker sends them.
  for (const JournalReplay::Packet& p : replay.unsettled) {
    const size_t bytes = p.where.payload_bytes;
    pending_bytes_ += bytes;
    pending_.push_back({p.key, bytes, p.where, {}});
    backlog_.Taken(p.key, bytes);
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
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    wake_cv_.notify_all();
  }
  ticker_.join();
  backlog_.Stop();
  // Bounded: with the broker gone a publish would wait for its return
  // (the broker's copy of our will says the same when it notices).
  (void)client_.Publish(StatusMessage(false), /*wait=*/false);
  (void)client_.Flush(std::chrono::seconds(2));
}

void Master::Tick() {
  auto next = std::chrono::steady_clock::now();
  for (int tick = 0; running_;) {
    bool freed = false;
    {
      std::unique_lock<std::mutex> lock(wake_mu_);
      wake_cv_.wait_until(lock, next, [&] { return wake_ || !running_; });
      freed = std::exchange(wake_, false);
    }
    // A freed buffer makes room for what waits in the journal.
    if (freed) Drain();
    if (std::chrono::steady_clock::now() < next) continue;
    next = std::max(next + std::chrono::milliseconds(200),
                    std::chrono::steady_clock::now());
    Drain();
    CheckInFlight();
    if (tick++ % 5 == 0) {
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
    const bool online = topics::IsOnlineStatus(m.payload_view());
    membership_.OnStatus(std::string(topics::LastLevel(m.topic)), online, now);
    if (online) {
      Drain();
      TopUp();  // what was placed short gets its missing copies now
    }
  } else if (m.topic.starts_with("fog/heartbeat/")) {
    membership_.OnHeartbeat(std::string(topics::LastLevel(m.topic)), now);
  } else if (m.topic == topics::kPolicy) {
    const ByteView body = m.payload_view();
    Status s = dispatcher_.SetPolicy(std::string_view(
        reinterpret_cast<const char*>(body.data()), body.size()));
    if (!s.ok()) reject_log_.Reject(counters_, "bad-policy", "", s.message());
  } else if (m.topic.starts_with("fog/ack/")) {
    OnAck(m);
  } else if (m.topic == topics::kSeedEndOfStream) {
    OnSeedEndOfStream(m);
  } else if (m.topic == topics::kSeedPacketRequest) {
    OnSeedRequest(m);
  } else if (m.topic == CopyTopic()) {
    OnCopy(m);
  } else if (m.topic == kBrokerStoreBytes) {
    OnBrokerStoreBytes(m);
  }
}

void Master::OnBrokerStoreBytes(const mqtt::Message& m) {
  const ByteView body = m.payload_view();
  uint64_t bytes = 0;
  const char* first = reinterpret_cast<const char*>(body.data());
  const auto [end, ec] = std::from_chars(first, first + body.size(), bytes);
  if (ec != std::errc() || end != first + body.size()) {
    reject_log_.Reject(counters_, "bad-broker-figure", "",
                       std::string(kBrokerStoreBytes) + ": not a number");
    return;
  }
  backlog_.BrokerHeld(bytes);
}

void Master::OnStream(const mqtt::Message& m, const std::string& video_id) {
  const ByteView view = m.payload_view();
  counters_.Add("packets_received");
  counters_.Add("bytes_received", view.size());
  if (Status s = wire::ValidateVideoId(video_id); !s.ok()) {
    reject_log_.Reject(counters_, "bad-video-id", video_id,
                       "topic " + m.topic + ": " + s.message());
    return;
  }
  if (view.size() > options_.max_packet_bytes) {
    // Named by the number it claims, read without decoding the rest.
    Result<int64_t> claimed = wire::PeekPacketNumber(view);
    reject_log_.Reject(
        counters_, "oversized", video_id,
        "video " + video_id + " packet " +
            (claimed.ok() ? std::to_string(*claimed) : std::string("?")) +
            ": " + std::to_string(view.size()) + " bytes");
    return;
  }
  // One parse: a payload of no known format has no packet number either.
  Result<int64_t> number = wire::PeekPacketNumber(view);
  if (!number.ok()) {
    reject_log_.Reject(
        counters_, "malformed", video_id,
        "video " + video_id +
            ": payload is not a known format: " + number.status().message());
    return;
  }
  NoteSeedPacket(video_id, *number, view);
  const PacketKey key{video_id, *number};
  // The MQTT library's buffer itself, shared from here to the dispatch
  // (copied only when the client does not deliver by reference). It lives
  // until this handler returns whatever we do, so it counts until then.
  Payload payload =
      memory_.Track(m.shared_payload ? m.shared_payload
                                     : std::make_shared<const std::string>(
                                           m.payload.begin(), m.payload.end()));
  const uint64_t ticket = Hold(key, payload);
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
  if (taken_) taken_(key);
}

uint64_t Master::Hold(const PacketKey& key, const Payload& payload) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t ticket = 0;
  Where where;
  if (journal_) {
    Result<Journal::Appended> appended =
        journal_->Received(key, AsBytes(*payload));
    if (appended.ok()) {
      ticket = appended->ticket;
      where = appended->where;
    } else {
      counters_.Add("journal_errors");
      spdlog::error("master: {}", appended.status().ToString());
    }
  }
  HoldJournaled(key, payload, where);
  return ticket;
}

void Master::HoldJournaled(const PacketKey& key, const Payload& payload,
                           const Where& where) {
  if (TakeConflict(key, payload)) return;
  if (copies_in_flight_.contains(key)) {
    counters_.Add("packets_repeated");  // its copies are on their way
    return;
  }
  backlog_.Taken(key, payload.size());
  // Keep arrival order: while packets wait, new ones queue behind them.
  if (pending_.empty() && Fits(payload.size(), /*resident=*/true) &&
      Place(key, payload, where) > 0) {
    return;
  }
  Wait(key, payload.size(), payload, where, /*front=*/false);
}

void Master::Wait(const PacketKey& key, size_t bytes, const Payload& payload,
                  const Where& where, bool front) {
  // Without the journal the payload waits in memory: the budget bounds it.
  const size_t max_bytes =
      where ? options_.max_pending_bytes
            : std::min(options_.max_pending_bytes, options_.memory_budget);
  if (!front && (pending_.size() >= options_.max_pending_packets ||
                 pending_bytes_ + bytes > max_bytes)) {
    reject_log_.Reject(counters_, "no-worker-queue-full", key.first,
                       "video " + key.first + " packet " +
                           std::to_string(key.second) +
                           ": the hold queue is full");
    return;
  }
  if (pending_.empty() && membership_.Live(Membership::Clock::now()).empty()) {
    spdlog::warn("no live worker: holding packets");
  }
  pending_bytes_ += bytes;
  // In the journal, the payload waits there only: it leaves memory now.
  Pending p{key, bytes, where, where ? Payload() : payload};
  if (front) {
    pending_.push_front(std::move(p));
  } else {
    pending_.push_back(std::move(p));
  }
  counters_.Add("packets_held");
}

bool Master::Fits(size_t bytes, bool resident) const {
  const size_t used = memory_.used();
  if (used <= (resident ? bytes : 0)) return true;  // one packet always goes
  const size_t need = (resident ? 0 : bytes) + replicas() * bytes +
                      std::min(options_.max_packet_bytes, memory_.budget());
  return used + need <= memory_.budget();
}

Master::Payload Master::Load(const Where& where, const Payload& strong,
                             const PayloadMemory::Weak& cached) {
  if (strong) return strong;
  if (Payload p = PayloadMemory::Lock(cached)) return p;
  if (!where || !journal_) return {};
  Result<std::shared_ptr<const std::string>> back = journal_->Read(*where);
  if (!back.ok()) {
    counters_.Add("journal_errors");
    spdlog::error("master: {}", back.status().ToString());
    return {};
  }
  counters_.Add("journal_readback");
  return memory_.Track(std::move(*back));
}

void Master::Drain() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    while (!pending_.empty() &&
           !membership_.Live(Membership::Clock::now()).empty()) {
      Pending& front = pending_.front();
      if (!Fits(front.bytes, static_cast<bool>(front.payload))) break;
      Payload payload = Load(front.where, front.payload, {});
      if (payload && Place(front.key, payload, front.where) == 0) break;
      // Placed, or unreadable (counted and logged by Load).
      pending_bytes_ -= front.bytes;
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
                     const Where& where, const std::string& avoid) {
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
    Send(key, payload, where, *worker);
    ++have;
  }
  if (have > 0 && have < replicas()) {
    counters_.Add("packets_under_replicated");
    // Copied again when more workers are live (TopUp).
    auto it = under_replicated_.find(key);
    if (it != under_replicated_.end()) {
      if (where) it->second.where = where;
    } else if (under_replicated_.size() < kMaxUnderReplicated) {
      under_replicated_.emplace(key,
                                Short{where, std::chrono::steady_clock::now()});
    }
  } else if (have > 0) {
    under_replicated_.erase(key);
  }
  if (have > 0 && !copies_in_flight_.contains(key) &&
      MaySettle(key, live.size())) {
    Settle(key);
  }
  return have;
}

void Master::Send(const PacketKey& key, const Payload& payload,
                  const Where& where, const std::string& worker,
                  std::optional<Fingerprints::Digest> conflict) {
  const std::string dispatch_id =
      session_ + "-" + std::to_string(next_dispatch_id_++);
  // By reference: the MQTT client publishes the shared buffer itself, and
  // its library's copy counts against the budget until the buffer is freed.
  mqtt::Message out{.topic = topics::Dispatch(worker), .qos = 1};
  out.shared_payload = payload.buffer();
  payload.Charge(payload.size());
  out.user_properties = {
      {wire::kDispatchTagProperty,
       wire::FormatDispatchTag({.dispatch_id = dispatch_id,
                                .dispatched_at_us = wire::UnixMicrosNow(),
                                .video_id = key.first})}};
  outbox_.push_back(std::move(out));
  // A conflicting payload is never sent again (AbandonConflict); any other
  // is read back from the journal when it is there.
  const bool keep = !conflict && !where;
  in_flight_[dispatch_id] = {
      .key = key,
      .bytes = payload.size(),
      .where = conflict ? Where() : where,
      .payload = keep ? payload : Payload(),
      .cached = PayloadMemory::WeakOf(payload),
      .worker = worker,
      .sent = std::chrono::steady_clock::now(),
      .conflict = conflict.has_value(),
      .digest = conflict.value_or(Fingerprints::Digest{})};
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
  // Short while more workers are live: TopUp sends the missing copies and
  // their acks settle it.
  if (MaySettle(copy.key, membership_.Live(Membership::Clock::now()).size())) {
    Settle(copy.key);
  }
}

bool Master::MaySettle(const PacketKey& key, size_t live) const {
  auto it = under_replicated_.find(key);
  if (it == under_replicated_.end() || !it->second.where) return true;
  return live < replicas() &&
         std::chrono::steady_clock::now() - it->second.since >=
             options_.gone_after;
}

void Master::Settle(const PacketKey& key) {
  // Settled short, its journal record may go: topped up from a holder.
  if (auto it = under_replicated_.find(key); it != under_replicated_.end()) {
    it->second.where.reset();
  }
  // The journal first: an empty backlog then means every record is written.
  if (journal_) {
    if (Status s = journal_->Settled(key, placements_.Holders(key)); !s.ok()) {
      counters_.Add("journal_errors");
      spdlog::error("master: {}", s.ToString());
    }
  }
  backlog_.Settled(key);
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
  const bool resident = copy.payload || !copy.cached.expired();
  Payload payload;
  if (Fits(copy.bytes, resident)) {
    payload = Load(copy.where, copy.payload, copy.cached);
    if (!payload) return;  // unreadable: counted and logged
    if (Place(copy.key, payload, copy.where, copy.worker) > 0) return;
  }
  // No worker live, or no room: wait at the head of the hold queue (it was
  // first), in the journal when it is there.
  Wait(copy.key, copy.bytes, payload ? payload : copy.payload, copy.where,
       /*front=*/true);
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
  Result<std::vector<wire::WorkerAck>> acks =
      wire::DecodeAcks(m.payload_view());
  if (!acks.ok()) {
    reject_log_.Reject(counters_, "bad-ack", "", acks.status().message());
    return;
  }
  // The broker lets only worker W's login write fog/ack/W: an ack that
  // names another worker there is one worker speaking for another.
  const std::string_view sender = topics::LastLevel(m.topic);
  for (const wire::WorkerAck& ack : *acks) {
    if (ack.worker != sender) {
      reject_log_.Reject(
          counters_, "ack-wrong-worker", ack.video_id,
          "an ack on " + m.topic + " names worker '" + ack.worker + "'");
      continue;
    }
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
  if (it->second.worker != ack.worker) {
    // A dispatch sent to another worker: only its addressee answers it.
    counters_.Add("acks_wrong_worker");
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
