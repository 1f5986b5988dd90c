#include "worker/viewer_queue.h"

#include <algorithm>

namespace fog::worker {

ViewerQueue::ViewerQueue(ViewerQueueOptions options, Handler handler)
    : options_(options), handler_(std::move(handler)) {
  thread_ = std::thread([this] { Run(); });
}

ViewerQueue::~ViewerQueue() { Stop(); }

size_t ViewerQueue::Cost(const mqtt::Message& m) {
  return m.payload_view().size() + m.topic.size() + m.response_topic.size() +
         m.correlation_data.size();
}

bool ViewerQueue::Push(const mqtt::Message& m) {
  const size_t cost = Cost(m);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || queue_.size() >= options_.max_requests ||
        (!queue_.empty() && bytes_ + cost > options_.max_bytes)) {
      ++refused_;
      return false;
    }
    queue_.push_back(m);
    bytes_ += cost;
    peak_ = std::max(peak_, queue_.size());
  }
  cv_.notify_one();
  return true;
}

void ViewerQueue::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    dropped_ += queue_.size();
    queue_.clear();
    bytes_ = 0;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ViewerQueue::Run() {
  for (;;) {
    mqtt::Message m;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      m = std::move(queue_.front());
      queue_.pop_front();
      bytes_ -= Cost(m);
    }
    handler_(m);
  }
}

size_t ViewerQueue::depth() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

size_t ViewerQueue::peak_depth() const {
  std::lock_guard<std::mutex> lock(mu_);
  return peak_;
}

uint64_t ViewerQueue::refused() const {
  std::lock_guard<std::mutex> lock(mu_);
  return refused_;
}

uint64_t ViewerQueue::dropped_at_stop() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

}  // namespace fog::worker
