#include "master/backlog.h"

#include <spdlog/spdlog.h>

#include "wire/topics.h"

namespace fog::master {

Backlog::Backlog(BacklogOptions options, Publish publish)
    : options_(options),
      resume_bytes_(options.resume_bytes > 0
                        ? std::min(options.resume_bytes, options.limit_bytes)
                        : options.limit_bytes / 4 * 3),
      publish_(std::move(publish)) {}

Backlog::~Backlog() { Stop(); }

mqtt::Message Backlog::Message(const wire::BacklogReport& report) {
  const std::string text = wire::EncodeBacklog(report);
  return {.topic = wire::topics::kBacklog,
          .payload = Bytes(text.begin(), text.end()),
          .qos = 1,
          .retained = true};
}

void Backlog::Taken(const PacketKey& key, uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!packets_.emplace(key, bytes).second) return;
  bytes_ += bytes;
  Changed();
}

void Backlog::Settled(const PacketKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = packets_.find(key);
  if (it == packets_.end()) return;
  bytes_ -= it->second;
  packets_.erase(it);
  Changed();
}

void Backlog::BrokerHeld(uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  if (bytes == broker_bytes_) return;
  broker_bytes_ = bytes;
  Changed();
}

void Backlog::Changed() {
  const uint64_t total = bytes_ + broker_bytes_;
  const uint64_t broker_limit = options_.broker_limit_bytes;
  const bool broker_over =
      broker_limit > 0 &&
      broker_bytes_ >= (over_ ? broker_limit / 4 * 3 : broker_limit);
  const bool over = broker_over || (over_ ? total >= resume_bytes_
                                          : total >= options_.limit_bytes);
  if (over != over_) {
    over_ = over;
    crossed_ = true;
    cv_.notify_all();
  } else if (!dirty_) {
    cv_.notify_all();  // the first change since a report starts its timer
  }
  dirty_ = true;
}

wire::BacklogReport Backlog::ReportLocked() const {
  return {.packets = packets_.size(),
          .bytes = bytes_ + broker_bytes_,
          .broker_bytes = broker_bytes_,
          .limit_bytes = options_.limit_bytes,
          .resume_bytes = resume_bytes_,
          .over = over_,
          .seq = seq_};
}

wire::BacklogReport Backlog::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ReportLocked();
}

void Backlog::Start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (running_) return;
    running_ = true;
    crossed_ = true;  // the first report goes out at once
  }
  thread_ = std::thread([this] { Run(); });
}

void Backlog::Republish() {
  std::lock_guard<std::mutex> lock(mu_);
  crossed_ = true;
  cv_.notify_all();
}

void Backlog::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_) return;
    running_ = false;
    cv_.notify_all();
  }
  thread_.join();
}

void Backlog::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (running_) {
    const auto now = std::chrono::steady_clock::now();
    const auto due = last_report_ + options_.interval;
    if (crossed_ || (dirty_ && now >= due)) {
      crossed_ = dirty_ = false;
      ++seq_;
      last_report_ = now;
      const wire::BacklogReport report = ReportLocked();
      const bool flipped = report.over != reported_over_;
      reported_over_ = report.over;
      lock.unlock();
      if (flipped) {
        spdlog::info(
            "master: backlog {} ({} packets, {} bytes; limit {}, resume "
            "below {}): publishers that follow {} {}",
            report.over ? "over its limit" : "below its resume mark",
            report.packets, report.bytes, report.limit_bytes,
            report.resume_bytes, wire::topics::kBacklog,
            report.over ? "wait" : "go on");
      }
      if (Status s = publish_(Message(report)); !s.ok()) {
        spdlog::warn("master: backlog report not published: {}", s.ToString());
      }
      lock.lock();
      continue;
    }
    if (dirty_) {
      cv_.wait_until(lock, due);
    } else {
      cv_.wait(lock);
    }
  }
}

}  // namespace fog::master
