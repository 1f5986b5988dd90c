// Backlog: what the master has taken from the broker and not yet settled
// (every copy stored, or refused), in packets and payload bytes, published
// retained on fog/backlog (wire/backlog.h) so that publishers can wait while
// the fog is behind (docs/durability.md, "Backpressure").
//
// "Over" begins once the bytes reach `limit_bytes` and ends once they fall
// below `resume_bytes` (3/4 of the limit by default): publishers resume while
// the fog still has work queued, so its ingest never runs dry waiting for
// them, and a backlog hovering at the limit does not flap. A crossing is
// published at once; other changes at most every `interval`, from a thread
// of its own, so the master's MQTT callback never publishes under its lock.
//
// What the broker holds (BrokerHeld: Mosquitto's count of the bytes in its
// store, every second) counts too: the report's bytes are the master's
// backlog plus the broker's, and "over" begins as well once the broker's
// bytes alone reach `broker_limit_bytes` (a quarter of the broker's queue
// bound for one client), ending below 3/4 of it. The broker drops what it
// queued for the master past its bound (max_queued_bytes, 512 MiB), so
// publishers must stop while the rest still fits: the other three quarters
// are room for what they send before they hear (docs/durability.md, "Why
// a cooperative publisher's packet is not dropped").
//
// Thread-safety: Taken/Settled/BrokerHeld/snapshot from any thread;
// Start/Stop from one.

#ifndef FOG_MASTER_BACKLOG_H_
#define FOG_MASTER_BACKLOG_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "master/placements.h"
#include "mqtt/client.h"
#include "wire/backlog.h"

namespace fog::master {

struct BacklogOptions {
  uint64_t limit_bytes = uint64_t{512} << 20;
  uint64_t resume_bytes = 0;  // 0: 3/4 of limit_bytes
  // The broker's bytes alone that make the backlog over; 0: none do.
  uint64_t broker_limit_bytes = uint64_t{128} << 20;
  std::chrono::milliseconds interval{250};
};

class Backlog {
 public:
  // Publishes one report (retained, QoS 1); must not block for long.
  using Publish = std::function<Status(const mqtt::Message&)>;

  Backlog(BacklogOptions options, Publish publish);
  ~Backlog();
  Backlog(const Backlog&) = delete;
  Backlog& operator=(const Backlog&) = delete;

  // A packet taken for placement; nothing if it is already in the backlog.
  void Taken(const PacketKey& key, uint64_t bytes);
  // A packet settled; nothing if it is not in the backlog.
  void Settled(const PacketKey& key);
  // The bytes the broker holds now (its latest figure replaces the last).
  void BrokerHeld(uint64_t bytes);

  wire::BacklogReport snapshot() const;

  // Publishes the current report and starts the reporting thread.
  void Start();
  // Publishes the current report again soon (after a reconnection).
  void Republish();
  void Stop();

  // The retained report message for `report`.
  static mqtt::Message Message(const wire::BacklogReport& report);

 private:
  // REQUIRES: mu_.
  wire::BacklogReport ReportLocked() const;
  void Changed();  // REQUIRES: mu_
  void Run();

  const BacklogOptions options_;
  const uint64_t resume_bytes_;
  const Publish publish_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<PacketKey, uint64_t> packets_;  // bytes by packet
  uint64_t bytes_ = 0;
  uint64_t broker_bytes_ = 0;
  bool over_ = false;
  bool crossed_ = false;  // over_ flipped since the last report
  bool dirty_ = false;    // changed since the last report
  uint64_t seq_ = 0;
  bool reported_over_ = false;  // the last report's state, for the log
  std::chrono::steady_clock::time_point last_report_{};
  bool running_ = false;
  std::thread thread_;
};

}  // namespace fog::master

#endif  // FOG_MASTER_BACKLOG_H_
