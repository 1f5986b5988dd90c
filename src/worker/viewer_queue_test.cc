#include "worker/viewer_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <string>

namespace fog::worker {
namespace {

mqtt::Message Request(size_t body_bytes) {
  return {.topic = "fog/get/v", .payload = Bytes(body_bytes, 'x')};
}

// A handler held until the test releases it, so the queue fills.
class Gate {
 public:
  void Handle(const mqtt::Message&) {
    std::unique_lock<std::mutex> lock(mu_);
    ++entered_;
    entered_cv_.notify_all();
    cv_.wait(lock, [&] { return open_; });
    ++handled_;
  }
  void WaitEntered(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    entered_cv_.wait(lock, [&] { return entered_ >= n; });
  }
  void Open() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  std::atomic<int> handled_{0};

 private:
  std::mutex mu_;
  std::condition_variable cv_, entered_cv_;
  bool open_ = false;
  int entered_ = 0;  // guarded by mu_
};

TEST(ViewerQueueTest, RefusesAtItsCountBoundAndHandlesTheRest) {
  Gate gate;
  ViewerQueue q({.max_requests = 3, .max_bytes = 1 << 20},
                [&](const mqtt::Message& m) { gate.Handle(m); });
  ASSERT_TRUE(q.Push(Request(10)));
  gate.WaitEntered(1);  // the thread holds the first; 3 more fit
  EXPECT_TRUE(q.Push(Request(10)));
  EXPECT_TRUE(q.Push(Request(10)));
  EXPECT_TRUE(q.Push(Request(10)));
  EXPECT_FALSE(q.Push(Request(10)));
  EXPECT_FALSE(q.Push(Request(10)));
  EXPECT_EQ(q.refused(), 2u);
  EXPECT_EQ(q.depth(), 3u);
  EXPECT_EQ(q.peak_depth(), 3u);
  gate.Open();
  q.Stop();
  // Stop may come before the thread took all three: each is then counted.
  EXPECT_EQ(gate.handled_ + static_cast<int>(q.dropped_at_stop()), 4);
}

TEST(ViewerQueueTest, RefusesAtItsByteBound) {
  Gate gate;
  ViewerQueue q({.max_requests = 100, .max_bytes = 1000},
                [&](const mqtt::Message& m) { gate.Handle(m); });
  ASSERT_TRUE(q.Push(Request(10)));
  gate.WaitEntered(1);
  EXPECT_TRUE(q.Push(Request(600)));
  EXPECT_FALSE(q.Push(Request(600)));  // 1200 bytes would be queued
  EXPECT_TRUE(q.Push(Request(100)));
  EXPECT_EQ(q.refused(), 1u);
  gate.Open();
}

TEST(ViewerQueueTest, OneLargeRequestAlwaysFitsAnEmptyQueue) {
  std::promise<size_t> got;
  ViewerQueue q(
      {.max_requests = 1, .max_bytes = 10},
      [&](const mqtt::Message& m) { got.set_value(m.payload.size()); });
  ASSERT_TRUE(q.Push(Request(500)));
  EXPECT_EQ(got.get_future().get(), 500u);
}

TEST(ViewerQueueTest, RefusesAfterStop) {
  ViewerQueue q({}, [](const mqtt::Message&) {});
  q.Stop();
  EXPECT_FALSE(q.Push(Request(1)));
  q.Stop();  // twice is fine
}

}  // namespace
}  // namespace fog::worker
