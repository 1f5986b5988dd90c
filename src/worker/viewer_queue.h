// ViewerQueue: the worker's viewer requests wait here for their own thread,
// so that answering them (reading the store, publishing replies) never runs
// on the MQTT callback thread that takes in dispatched packets.
//
// Bounded by count and by bytes of request bodies: at the bound Push()
// refuses and the caller answers "busy" (a viewer retries later); nothing
// is dropped silently. Requests are handled one at a time in arrival order.
//
// Thread-safety: Push() and the accessors from any thread; Stop() from one.

#ifndef FOG_WORKER_VIEWER_QUEUE_H_
#define FOG_WORKER_VIEWER_QUEUE_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "mqtt/client.h"

namespace fog::worker {

struct ViewerQueueOptions {
  size_t max_requests = 16;
  size_t max_bytes = 1u << 20;  // request bodies and topics, queued
};

class ViewerQueue {
 public:
  using Handler = std::function<void(const mqtt::Message&)>;

  // Starts the thread that runs `handler` on each queued request.
  ViewerQueue(ViewerQueueOptions options, Handler handler);
  ~ViewerQueue();  // Stop()
  ViewerQueue(const ViewerQueue&) = delete;
  ViewerQueue& operator=(const ViewerQueue&) = delete;

  // Queues `m`; false (and nothing queued) when the queue is at its bound
  // or stopped.
  bool Push(const mqtt::Message& m);

  // Drops what is still queued (each counted in dropped_at_stop()), lets
  // the request in hand finish, and joins the thread.
  void Stop();

  size_t depth() const;
  size_t peak_depth() const;
  uint64_t refused() const;
  uint64_t dropped_at_stop() const;

 private:
  void Run();
  static size_t Cost(const mqtt::Message& m);

  const ViewerQueueOptions options_;
  const Handler handler_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<mqtt::Message> queue_;  // guarded by mu_
  size_t bytes_ = 0;
  size_t peak_ = 0;
  uint64_t refused_ = 0;
  uint64_t dropped_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace fog::worker

#endif  // FOG_WORKER_VIEWER_QUEUE_H_
