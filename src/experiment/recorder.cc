#include "experiment/recorder.h"

#include <cstdio>

#include "wire/ack.h"

namespace fog::experiment {

void Recorder::Expect(const std::string& video, const std::string& fog) {
  videos_[video] = fog;
}

void Recorder::set_bounds(size_t copies, size_t views) {
  max_copies_ = copies;
  max_views_ = views;
}

double Recorder::Now() const {
  return std::chrono::duration<double, std::milli>(Clock::now() - start_)
      .count();
}

size_t Recorder::AddPacket(PacketEvent e) {
  std::lock_guard<std::mutex> lock(mu_);
  events_.packets.push_back(std::move(e));
  return events_.packets.size() - 1;
}

void Recorder::Acked(size_t index, double at_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  events_.packets[index].broker_acked_ms = at_ms;
  ++acked_;
}

void Recorder::OnAck(ByteView payload) {
  Result<std::vector<wire::WorkerAck>> acks = wire::DecodeAcks(payload);
  const double now = Now();
  if (!acks.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    if (events_.acks_unreadable++ == 0) {
      std::fprintf(stderr,
                   "experiment: an ack payload does not decode (%s); such "
                   "payloads are counted in summary.json's events_dropped\n",
                   acks.status().ToString().c_str());
    }
    return;
  }
  // The acks' times are on the machine's wall clock, which NTP may slew or
  // step during a run: it is tied to the run's clock at each arrival.
  const int64_t wall_at_start_us =
      wire::UnixMicrosNow() - static_cast<int64_t>(now * 1000);
  auto since_start = [wall_at_start_us](int64_t unix_us) {
    return unix_us > 0 ? (unix_us - wall_at_start_us) / 1000.0 : -1;
  };
  std::lock_guard<std::mutex> lock(mu_);
  for (const wire::WorkerAck& a : *acks) {
    auto fog = videos_.find(a.video_id);
    if (fog == videos_.end()) continue;  // not ours
    if (events_.copies.size() >= max_copies_) {
      Drop(&events_.copies_dropped, max_copies_, "worker acks");
    } else {
      events_.copies.push_back(
          {.video = a.video_id,
           .packet = a.packet_number,
           .worker = a.worker,
           .stored_ms = now,
           .verdict = a.result,
           .reason = a.reason,
           .dispatched_ms = since_start(a.dispatched_at_us),
           .received_ms = since_start(a.received_at_us),
           .durable_ms = since_start(a.stored_at_us)});
    }
    if (a.result != "stored" && a.result != "duplicate") continue;
    std::set<std::string>& holders = holders_[{a.video_id, a.packet_number}];
    if (holders.insert(a.worker).second &&
        holders.size() == static_cast<size_t>(replicas_)) {
      ++complete_;
      complete_list_.push_back({a.video_id, a.packet_number});
      complete_by_fog_[fog->second].push_back({a.video_id, a.packet_number});
    }
  }
}

void Recorder::AddView(ViewEvent v) {
  std::lock_guard<std::mutex> lock(mu_);
  if (events_.views.size() >= max_views_) {
    Drop(&events_.views_dropped, max_views_, "viewer requests");
    return;
  }
  events_.views.push_back(std::move(v));
}

void Recorder::AddFault(FaultEvent f) {
  std::lock_guard<std::mutex> lock(mu_);
  events_.faults.push_back(std::move(f));
}

bool Recorder::PickComplete(std::mt19937_64& rng, const std::string& fog,
                            std::string* video, int64_t* n) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::vector<Key>& list = complete_by_fog_[fog];
  if (list.empty()) return false;
  const Key& p = list[rng() % list.size()];
  *video = p.first;
  *n = p.second;
  return true;
}

bool Recorder::PickHeldBy(const std::string& worker, std::string* video,
                          int64_t* n) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const Key& key : complete_list_) {
    auto it = holders_.find(key);
    if (it == holders_.end() || !it->second.count(worker)) continue;
    *video = key.first;
    *n = key.second;
    return true;
  }
  return false;
}

int64_t Recorder::acked() const {
  std::lock_guard<std::mutex> lock(mu_);
  return acked_;
}

int64_t Recorder::complete() const {
  std::lock_guard<std::mutex> lock(mu_);
  return complete_;
}

int64_t Recorder::published() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(events_.packets.size());
}

Events Recorder::Take() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::move(events_);
}

void Recorder::Drop(int64_t* dropped, size_t bound, const char* what) {
  if ((*dropped)++ > 0) return;
  std::fprintf(stderr,
               "experiment: more than %zu %s; the rest are counted in "
               "summary.json's events_dropped, not kept\n",
               bound, what);
}

}  // namespace fog::experiment
