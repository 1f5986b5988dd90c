// A worker's repair of its own damaged packets: a record that fails its
// checksum is never served; the worker asks the other workers for the packet
// (the viewers' request/response on fog/get/<video_id>, for that one
// number), verifies the copy it gets as it would a dispatched packet, and
// stores it again (docs/durability.md).

#include <spdlog/spdlog.h>

#include "wire/get_range.h"
#include "wire/topics.h"
#include "worker/worker.h"

namespace fog::worker {

namespace {

constexpr auto kRepairRetry = std::chrono::seconds(5);
constexpr int kRepairAttempts = 24;  // two minutes of asking

}  // namespace

std::string Worker::RepairTopic() const {
  return "reply/repair/" + options_.name;
}

void Worker::RequestRepair(const PacketKey& key) {
  {
    std::lock_guard<std::mutex> lock(repair_mu_);
    auto [it, inserted] = repairs_.try_emplace(key);
    if (!inserted) return;  // already asking
    it->second = {.attempts = 1, .asked = std::chrono::steady_clock::now()};
  }
  counters_.Add("repairs_requested");
  spdlog::warn("worker {}: packet {}/{} is damaged here; asking the others",
               options_.name, key.video_id, key.packet_number);
  AskForCopy(key);
}

void Worker::AskForCopy(const PacketKey& key) {
  mqtt::Message ask{
      .topic = wire::topics::Get(key.video_id),
      .payload = wire::EncodeGetRange({key.packet_number, key.packet_number}),
      .qos = 1};
  ask.response_topic = RepairTopic();
  ask.correlation_data = Bytes(key.video_id.begin(), key.video_id.end());
  (void)client_.Publish(ask, /*wait=*/false);
}

void Worker::RetryRepairs() {
  const auto now = std::chrono::steady_clock::now();
  std::vector<PacketKey> again;
  {
    std::lock_guard<std::mutex> lock(repair_mu_);
    for (auto it = repairs_.begin(); it != repairs_.end();) {
      Repair& r = it->second;
      if (now - r.asked < kRepairRetry) {
        ++it;
      } else if (r.attempts >= kRepairAttempts) {
        counters_.Add("repairs_failed");
        spdlog::error("worker {}: no worker sent a good copy of {}/{}",
                      options_.name, it->first.video_id,
                      it->first.packet_number);
        it = repairs_.erase(it);
      } else {
        ++r.attempts;
        r.asked = now;
        again.push_back(it->first);
        ++it;
      }
    }
  }
  for (const PacketKey& key : again) AskForCopy(key);
}

void Worker::OnRepairReply(const mqtt::Message& m) {
  if (!m.UserProperty("end").empty() ||
      m.UserProperty("worker") == options_.name) {
    return;  // the end of one worker's answer, or our own
  }
  const std::string video_id(m.correlation_data.begin(),
                             m.correlation_data.end());
  IntakeResult r = Intake(m.payload_view(), video_id, trust_, options_.intake);
  if (r.refused) {
    reject_log_.Reject(
        counters_, "repair-" + r.refused->reason, video_id,
        "a copy offered for repair of " + video_id + ": " + r.refused->detail);
    return;
  }
  const PacketKey key{video_id, r.accepted->meta.packet_number};
  {
    std::lock_guard<std::mutex> lock(repair_mu_);
    if (!repairs_.contains(key)) return;  // not asked for, or done already
  }
  Result<PutOutcome> put = store_.Put(r.accepted->meta, m.payload_view());
  if (!put.ok() || *put == PutOutcome::kConflict) {
    counters_.Add("store_errors");
    spdlog::error("worker {}: storing the repaired {}/{}: {}", options_.name,
                  key.video_id, key.packet_number,
                  put.ok() ? "conflict" : put.status().ToString());
    return;
  }
  {
    std::lock_guard<std::mutex> lock(repair_mu_);
    repairs_.erase(key);
  }
  counters_.Add("packets_repaired");
  if (registrar_) registrar_->Note(key.video_id, r.accepted->publisher_key);
  spdlog::info("worker {}: repaired {}/{} from {}", options_.name, key.video_id,
               key.packet_number, m.UserProperty("worker"));
}

}  // namespace fog::worker
