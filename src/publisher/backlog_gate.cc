#include "publisher/backlog_gate.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "mqtt/client.h"
#include "wire/topics.h"

namespace fog::publisher {

namespace {

std::string MiB(uint64_t bytes) {
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20));
}

}  // namespace

BacklogGate::BacklogGate(mqtt::Client& client) : client_(client) {
  client_.OnMessage([state = state_](const mqtt::Message& m) {
    if (m.topic == wire::topics::kBacklog) Take(*state, m.payload);
  });
}

void BacklogGate::Take(State& state, const std::vector<uint8_t>& payload) {
  // An empty retained message clears the report: no master says anything.
  Result<wire::BacklogReport> r =
      payload.empty() ? Result<wire::BacklogReport>(wire::BacklogReport{})
                      : wire::DecodeBacklog(payload);
  std::lock_guard<std::mutex> lock(state.mu);
  if (!r.ok()) {
    if (state.bad_reports++ == 0) {
      spdlog::warn("{}: ignoring a report that cannot be read: {}",
                   wire::topics::kBacklog, r.status().message());
    }
    return;
  }
  if (payload.empty()) {
    state.last.reset();
  } else {
    state.last = *r;
  }
  state.cv.notify_all();
}

Status BacklogGate::Subscribe() {
  if (Status s = client_.Subscribe(wire::topics::kBacklog, 1); !s.ok()) {
    return s;
  }
  // The broker queues its retained report right after the SUBACK; the
  // answer to a second SUBSCRIBE comes after that report on the same
  // connection, and the client reads both in order on one thread. So once
  // it returns, the report (if any) has been taken in, and the first packet
  // is already held back when it should be.
  return client_.Subscribe(wire::topics::kBacklog, 1);
}

Status BacklogGate::WaitWhileOver(
    std::chrono::milliseconds max_wait,
    const std::function<void(const wire::BacklogReport&)>& on_held,
    double* held_seconds) {
  if (held_seconds != nullptr) *held_seconds = 0;
  State& st = *state_;
  std::unique_lock<std::mutex> lock(st.mu);
  auto over = [&st] { return st.last && st.last->over; };
  if (!over()) return Status::OK();
  const wire::BacklogReport report = *st.last;
  lock.unlock();
  if (on_held) on_held(report);
  lock.lock();
  const auto start = std::chrono::steady_clock::now();
  const bool drained = st.cv.wait_for(lock, max_wait, [&] { return !over(); });
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (held_seconds != nullptr) *held_seconds = waited;
  if (drained) return Status::OK();
  const wire::BacklogReport now = st.last ? *st.last : report;
  return Status::Unavailable(fmt::format(
      "the fog's backlog stayed over its limit for {:.0f} s ({} in {} "
      "packets, limit {}; --backlog-wait-max): the fog stores less than is "
      "published, or its master is gone",
      waited, MiB(now.bytes), now.packets, MiB(now.limit_bytes)));
}

std::optional<wire::BacklogReport> BacklogGate::last() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->last;
}

uint64_t BacklogGate::bad_reports() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->bad_reports;
}

}  // namespace fog::publisher
