#include "worker/worker.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "wire/dispatch_tag.h"
#include "wire/envelope.h"
#include "wire/legacy_payload.h"
#include "wire/payload_format.h"
#include "wire/topics.h"

namespace fog::worker {

namespace topics = wire::topics;

namespace {

// At most this many chain links are remembered; older ones are dropped.
constexpr size_t kMaxRememberedLinks = 1 << 16;
// Legacy conflict marks kept per worker (worker.h); about 100 bytes each.
constexpr size_t kMaxConflictMarks = 1 << 16;

Bytes JsonBytes(const nlohmann::json& j) {
  std::string text = j.dump();
  return Bytes(text.begin(), text.end());
}

}  // namespace

Worker::Worker(WorkerOptions options, mqtt::Client& client, PacketStore& store,
               const trust::TrustStore& trust, Registrar* registrar)
    : options_(std::move(options)),
      client_(client),
      store_(store),
      trust_(trust),
      registrar_(registrar),
      sampler_(store.dir()),
      viewer_queue_(std::make_unique<ViewerQueue>(
          options_.viewer_queue,
          [this](const mqtt::Message& m) { OnViewerRequest(m); })) {
  // Installed before the client connects: on a resumed session the broker
  // resends unacknowledged dispatches at once. Packets that arrive before
  // Start() wait in the commit queue.
  client_.OnMessage([this](const mqtt::Message& m) { OnMessage(m); });
  // A broker that restarted may have published our will meanwhile.
  client_.OnReconnect([this] {
    (void)client_.Publish(StatusMessage(options_.name, true), /*wait=*/false);
  });
}

Worker::~Worker() {
  Stop();
  viewer_queue_->Stop();  // also when never started
}

mqtt::Message Worker::StatusMessage(const std::string& name, bool online) {
  return {.topic = topics::WorkerStatus(name),
          .payload = JsonBytes(
              {{"worker", name}, {"state", online ? "online" : "offline"}}),
          .qos = 1,
          .retained = true};
}

Status Worker::Start() {
  for (const std::string& filter :
       {topics::Dispatch(options_.name), topics::SeedRequest(options_.name),
        std::string(topics::kSeedEnd), std::string(topics::kPing),
        std::string(topics::kGetFilter), RepairTopic()}) {
    Status s = client_.Subscribe(filter, 1);
    if (!s.ok()) return s;
  }
  // The revocation list is retained: it arrives now, then on each revoke.
  // A broker whose ACL predates it refuses the subscription; the worker
  // then knows only the list of its trust directory.
  if (Status s = client_.Subscribe(topics::kRevocations, 1); !s.ok()) {
    spdlog::warn(
        "cannot follow {} ({}): revocations reach this worker only "
        "from its trust directory",
        topics::kRevocations, s.ToString());
  }
  running_ = true;
  ack_sender_ = std::thread([this] { SendAcks(); });
  committer_ = std::thread([this] { CommitLoop(); });
  heartbeat_ = std::thread([this] { Heartbeat(); });
  Status online = client_.Publish(StatusMessage(options_.name, true));
  // Records found damaged when the store opened.
  for (const PacketKey& key : store_.stats().corrupt_keys) RequestRepair(key);
  return online;
}

void Worker::Stop() {
  if (!running_.exchange(false)) return;
  heartbeat_.join();
  viewer_queue_->Stop();  // the request in hand ends at its next reply
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  queue_space_.notify_all();
  committer_.join();  // stores and acks what was queued
  {
    std::lock_guard<std::mutex> lock(acks_mu_);
    acks_stopping_ = true;
  }
  acks_cv_.notify_all();
  ack_sender_.join();  // publishes the acks still queued
  // Bounded: with the broker gone a publish would wait for its return (the
  // broker's copy of our will says the same when it notices; an ack that
  // never left makes the master send the copy again).
  (void)client_.Publish(StatusMessage(options_.name, false), /*wait=*/false);
  (void)client_.Flush(std::chrono::seconds(2));
}

void Worker::Heartbeat() {
  uint64_t seq = 0;
  while (running_) {
    (void)client_.Publish(
        {.topic = topics::Heartbeat(options_.name),
         .payload = JsonBytes({{"worker", options_.name}, {"seq", seq++}}),
         .qos = 0},
        /*wait=*/false);
    RetryRepairs();
    auto until = std::chrono::steady_clock::now() + options_.heartbeat_period;
    while (running_ && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

void Worker::OnMessage(const mqtt::Message& m) {
  if (m.topic == topics::Dispatch(options_.name)) {
    OnDispatch(m);
  } else if (m.topic == topics::SeedRequest(options_.name) ||
             m.topic.starts_with("fog/get/")) {
    QueueViewerRequest(m);
  } else if (m.topic == topics::kSeedEnd) {
    OnSeedEnd(m);
  } else if (m.topic == topics::kPing) {
    OnPing(m);
  } else if (m.topic == RepairTopic()) {
    OnRepairReply(m);
  } else if (m.topic == topics::kRevocations) {
    OnRevocations(m);
  }
}

void Worker::OnRevocations(const mqtt::Message& m) {
  if (m.payload_view().empty()) return;  // a cleared retained message
  Result<bool> kept = trust_.OfferRevocations(m.payload_view());
  if (!kept.ok()) {
    reject_log_.Reject(counters_, "bad-revocation-list", "",
                       "revocation list refused: " + kept.status().message());
    return;
  }
  if (!*kept) return;  // an equal or older version: nothing changes
  counters_.Add("revocation_lists_accepted");
  spdlog::info("revocation list accepted from {}", topics::kRevocations);
}

void Worker::OnDispatch(const mqtt::Message& m) {
  const auto arrived = std::chrono::steady_clock::now();
  counters_.Add("packets_received");
  // The payload is kept by reference from here to the store (with a
  // client that delivers it so, ConnectOptions::shared_payloads).
  const std::shared_ptr<const std::string> payload =
      m.shared_payload ? m.shared_payload
                       : std::make_shared<const std::string>(m.payload.begin(),
                                                             m.payload.end());
  const ByteView bytes = AsBytes(*payload);
  counters_.Add("bytes_received", bytes.size());
  CopyTimes times{.received_at_us = wire::UnixMicrosNow()};
  Result<wire::DispatchTag> tag =
      wire::ParseDispatchTag(m.UserProperty(wire::kDispatchTagProperty));
  if (!tag.ok()) {
    // Only the master may write here (the broker's ACL): a bug, not a peer.
    Result<int64_t> claimed = wire::PeekPacketNumber(bytes);
    reject_log_.Reject(counters_, "bad-dispatch", "",
                       "a dispatch on " + m.topic + ": " +
                           std::string(tag.status().message()));
    PublishAck(MakeAck("", "", claimed.ok() ? *claimed : 0, "rejected",
                       "bad-dispatch", times));
    return;
  }
  const std::string& video_id = tag->video_id;
  const std::string& dispatch_id = tag->dispatch_id;
  times.dispatched_at_us = tag->dispatched_at_us;
  IntakeResult r = Intake(bytes, video_id, trust_, options_.intake);
  std::optional<Refusal> refusal = r.refused;
  if (!refusal) refusal = CheckChain(*r.accepted);
  if (refusal) {
    // The number as the payload claims it, so the ack and the log name the
    // packet even when the payload is refused unverified (0: unreadable).
    Result<int64_t> claimed = wire::PeekPacketNumber(bytes);
    const int64_t number = claimed.ok() ? *claimed : 0;
    reject_log_.Reject(counters_, refusal->reason, video_id,
                       "video " + video_id + " packet " +
                           std::to_string(number) + ": " + refusal->detail);
    PublishAck(MakeAck(dispatch_id, video_id, number, "rejected",
                       refusal->reason, times));
    return;
  }
  counters_.Add("packets_verified");
  const int64_t number = r.accepted->meta.packet_number;
  if (options_.store_quota_bytes > 0 &&
      store_.file_bytes() + bytes.size() > options_.store_quota_bytes) {
    reject_log_.Reject(counters_, "store-full", video_id,
                       "video " + video_id + ": the store quota of " +
                           std::to_string(options_.store_quota_bytes) +
                           " bytes is reached");
    PublishAck(
        MakeAck(dispatch_id, video_id, number, "error", "store-full", times));
    return;
  }
  bool wake = false;
  {
    // Back-pressure: while a few batches wait, hold the MQTT thread (the
    // broker then stops sending past the receive maximum).
    std::unique_lock<std::mutex> lock(queue_mu_);
    queue_space_.wait(lock, [&] {
      return stopping_ || queue_bytes_ < 4 * options_.max_batch_bytes;
    });
    if (stopping_) {
      // The committer has stored its last batch: the master sends this
      // packet elsewhere at once instead of after its ack timeout.
      lock.unlock();
      PublishAck(
          MakeAck(dispatch_id, video_id, number, "error", "stopping", times));
      return;
    }
    queue_bytes_ += bytes.size();
    queue_.push_back(
        {std::move(*r.accepted), payload, dispatch_id, arrived, times});
    // The committer needs waking for a batch's first packet and for a full
    // batch; while it lingers, packets in between just join.
    wake = queue_.size() == 1 || BatchFull();
  }
  if (wake) queue_cv_.notify_one();
}

void Worker::CommitLoop() {
  std::vector<Verified> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      // Linger for more packets, counted from the oldest one's arrival:
      // one fdatasync and one ack message then serve them all.
      queue_cv_.wait_until(lock,
                           queue_.front().arrived + options_.commit_linger,
                           [&] { return stopping_ || BatchFull(); });
      // Take what fits in one batch; the rest waits for the next sync.
      size_t n = 0, bytes = 0;
      while (n < queue_.size() && n < options_.max_batch_packets &&
             (n == 0 || bytes + queue_[n].size() <= options_.max_batch_bytes)) {
        bytes += queue_[n++].size();
      }
      batch.assign(std::make_move_iterator(queue_.begin()),
                   std::make_move_iterator(queue_.begin() + n));
      queue_.erase(queue_.begin(), queue_.begin() + n);
      queue_bytes_ -= bytes;
    }
    queue_space_.notify_all();
    Commit(batch);
    batch.clear();
  }
}

bool Worker::BatchFull() const {
  return queue_.size() >= options_.max_batch_packets ||
         queue_bytes_ >= options_.max_batch_bytes;
}

void Worker::Commit(std::vector<Verified>& batch) {
  std::vector<PacketStore::PutRequest> requests;
  requests.reserve(batch.size());
  for (const Verified& v : batch) {
    requests.push_back({.meta = v.accepted.meta, .payload = v.bytes()});
  }
  Result<std::vector<PutOutcome>> put = store_.PutBatch(requests);
  const int64_t durable_at_us = wire::UnixMicrosNow();
  counters_.Add("store_batches");
  std::vector<wire::WorkerAck> acks;
  acks.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    const Verified& v = batch[i];
    const std::string& video_id = v.accepted.meta.video_id;
    const int64_t number = v.accepted.meta.packet_number;
    auto ack = [&](const char* result, const std::string& reason) {
      wire::WorkerAck a =
          MakeAck(v.dispatch_id, video_id, number, result, reason, v.times);
      if (reason.empty() && put.ok()) a.stored_at_us = durable_at_us;
      acks.push_back(std::move(a));
    };
    if (!put.ok()) {
      counters_.Add("store_errors");
      ack("error", put.status().message());
      continue;
    }
    switch ((*put)[i]) {
      case PutOutcome::kReplacedDamaged:
        counters_.Add("damaged_copies_replaced");
        spdlog::warn(
            "worker {}: video {} packet {}: the stored copy was damaged on "
            "disk; this copy replaces it",
            options_.name, video_id, number);
        [[fallthrough]];
      case PutOutcome::kStored:
        counters_.Add("packets_stored");
        counters_.Add("bytes_stored", v.size());
        if (registrar_) {
          registrar_->Note(video_id, v.accepted.publisher_key, number,
                           v.accepted.timing);
        }
        ack("stored", "");
        break;
      case PutOutcome::kDuplicate:
        counters_.Add("packets_duplicate");
        ack("duplicate", "");
        break;
      case PutOutcome::kConflict:
        reject_log_.Reject(
            counters_, "conflict", video_id + " " + std::to_string(number),
            "video " + video_id + " packet " + std::to_string(number) +
                ": a different payload is already stored "
                "under this number");
        // A native packet's signature already decided; a legacy one has
        // nothing to decide by, so readers are told it was disputed.
        if (!v.accepted.link) NoteLegacyConflict(video_id, number);
        ack("rejected", "conflict");
        break;
    }
  }
  PublishAcks(acks);
  if (store_latency_ && put.ok()) {
    const auto now = std::chrono::steady_clock::now();
    for (size_t i = 0; i < batch.size(); ++i) {
      if (!Written((*put)[i])) continue;
      store_latency_(
          std::chrono::duration<double>(now - batch[i].arrived).count());
    }
  }
  if (!put.ok()) spdlog::error("store: {}", put.status().ToString());
}

uint64_t Worker::FreeStorage(const SystemStats& system,
                             const StoreStats& store) const {
  if (options_.store_quota_bytes == 0) return system.storage_free_bytes;
  const uint64_t left = options_.store_quota_bytes -
                        std::min(store.file_bytes, options_.store_quota_bytes);
  return std::min(left, system.storage_free_bytes);
}

void Worker::OnPing(const mqtt::Message& m) {
  const ByteView body = m.payload_view();
  nlohmann::json ping = nlohmann::json::parse(body.begin(), body.end(), nullptr,
                                              /*allow_exceptions=*/false);
  if (!ping.is_object() || !ping.contains("seq") ||
      !ping["seq"].is_number_unsigned()) {
    reject_log_.Reject(counters_, "bad-ping", "",
                       "ping payload is not JSON {\"seq\": n}");
    return;
  }
  Result<SystemStats> s = sampler_.Sample();
  if (!s.ok()) {
    reject_log_.Reject(counters_, "stats-unreadable", "", s.status().message());
    return;
  }
  const StoreStats store = store_.stats();
  nlohmann::json j = {{"worker", options_.name},
                      {"seq", ping["seq"]},
                      {"cpu", s->cpu_percent},
                      {"cpu_process", s->process_cpu_percent},
                      {"cpus", s->cpus},
                      {"mem_limit", s->mem_limit_bytes},
                      {"mem_used", s->mem_used_bytes},
                      {"mem_available", s->mem_available_bytes},
                      {"storage_total", s->storage_total_bytes},
                      {"free_storage", FreeStorage(*s, store)},
                      {"store_bytes", store.file_bytes},
                      {"store_packets", store.live_packets}};
  (void)client_.Publish({.topic = topics::Stats(options_.name),
                         .payload = JsonBytes(j),
                         .qos = 0},
                        /*wait=*/false);
  counters_.Add("pings_answered");
}

std::optional<Refusal> Worker::CheckChain(const Accepted& a) {
  if (!a.link) return std::nullopt;  // legacy packets carry no chain
  const std::string& id = a.meta.video_id;
  const int64_t n = a.meta.packet_number;
  std::lock_guard<std::mutex> lock(links_mu_);
  auto before = links_.find({id, n - 1});
  if (before != links_.end() && before->second.first != *a.prev) {
    return Refusal{"chain-broken", "packet " + std::to_string(n) +
                                       " does not follow the stored packet " +
                                       std::to_string(n - 1)};
  }
  auto after = links_.find({id, n + 1});
  if (after != links_.end() && after->second.second != *a.link) {
    return Refusal{"chain-broken", "packet " + std::to_string(n) +
                                       " does not precede the stored packet " +
                                       std::to_string(n + 1)};
  }
  auto same = links_.find({id, n});
  if (same != links_.end() && same->second.first != *a.link) {
    return Refusal{"conflict", "a different packet " + std::to_string(n) +
                                   " is already stored"};
  }
  if (links_.size() >= kMaxRememberedLinks) links_.clear();
  links_[{id, n}] = {*a.link, *a.prev};
  return std::nullopt;
}

void Worker::NoteLegacyConflict(const std::string& video_id, int64_t number) {
  std::lock_guard<std::mutex> lock(conflicts_mu_);
  if (!conflicts_.insert({video_id, number}).second) return;
  counters_.Add("legacy_conflicts_marked");
  conflict_order_.push_back({video_id, number});
  if (conflict_order_.size() > kMaxConflictMarks) {
    conflicts_.erase(conflict_order_.front());
    conflict_order_.pop_front();
    counters_.Add("conflict_marks_forgotten");
  }
}

bool Worker::HasLegacyConflict(const std::string& video_id, int64_t number) {
  std::lock_guard<std::mutex> lock(conflicts_mu_);
  return conflicts_.contains({video_id, number});
}

wire::WorkerAck Worker::MakeAck(const std::string& dispatch_id,
                                const std::string& video_id, int64_t number,
                                const std::string& result,
                                const std::string& reason,
                                const CopyTimes& times) const {
  return {.worker = options_.name,
          .dispatch_id = dispatch_id,
          .video_id = video_id,
          .packet_number = number,
          .result = result,
          .reason = reason,
          .dispatched_at_us = times.dispatched_at_us,
          .received_at_us = times.received_at_us};
}

void Worker::PublishAcks(std::span<const wire::WorkerAck> acks) {
  if (acks.empty()) return;
  Bytes payload = wire::EncodeAcks(acks);
  std::unique_lock<std::mutex> lock(acks_mu_);
  acks_cv_.wait(lock, [&] { return acks_out_.size() < kMaxAcksOut; });
  acks_out_.push_back(std::move(payload));
  acks_cv_.notify_all();
}

void Worker::SendAcks() {
  std::unique_lock<std::mutex> lock(acks_mu_);
  for (;;) {
    acks_cv_.wait(lock, [&] { return acks_stopping_ || !acks_out_.empty(); });
    if (acks_out_.empty()) return;  // stopping, all sent
    Bytes payload = std::move(acks_out_.front());
    acks_out_.pop_front();
    acks_cv_.notify_all();  // room for the committer
    lock.unlock();
    (void)client_.Publish({.topic = topics::Ack(options_.name),
                           .payload = std::move(payload),
                           .qos = 1},
                          /*wait=*/false);
    lock.lock();
  }
}

}  // namespace fog::worker
