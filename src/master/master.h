// The master node: takes every packet published on video/stream/+ and hands
// it to one live worker, chosen by the load-balancing policy (round-robin
// when there is none). It keeps the workers' membership from their retained
// status and heartbeats, and holds packets (bounded) while no worker is live.
//
// A packet the master has placed before (a QoS 1 redelivery, a publisher
// sending it again) goes to the worker that holds it, which answers
// "duplicate", so repeats do not spread copies over the fog.
//
// Every dispatched packet stays tracked until its worker acknowledges it as
// durably stored (or refuses it as bad). A packet whose worker reports an
// error, leaves, or stays silent past the ack timeout is dispatched again,
// to another worker when there is one (docs/durability.md).
//
// The master checks only what routing needs (topic, video id, size, payload
// format); workers verify signatures before storing.
//
// Thread-safety: Start/Stop from one thread; stats() from any thread.

#ifndef FOG_MASTER_MASTER_H_
#define FOG_MASTER_MASTER_H_

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/counters.h"
#include "common/status.h"
#include "master/dispatcher.h"
#include "master/membership.h"
#include "mqtt/client.h"

namespace fog::master {

struct MasterOptions {
  size_t max_packet_bytes = 16u << 20;
  std::chrono::milliseconds worker_timeout{3000};
  size_t max_pending_packets = 4096;  // held while no worker is live
  size_t max_pending_bytes = 1u << 30;
  // A dispatched packet not acknowledged within this is sent again.
  std::chrono::milliseconds ack_timeout{10000};
};

class Master {
 public:
  Master(MasterOptions options, mqtt::Client& client);
  ~Master();
  Master(const Master&) = delete;
  Master& operator=(const Master&) = delete;

  // The retained status messages; the offline one is the client's last will.
  static mqtt::Message StatusMessage(bool online);

  // Subscribes and announces the master online. REQUIRES: the client is
  // connected and its message handler is not yet set.
  Status Start();
  // Announces offline and stops the background ticker.
  void Stop();

  const Counters& counters() const { return counters_; }
  std::map<std::string, double> policy() const { return dispatcher_.weights(); }
  std::vector<std::string> live_workers() const;
  size_t pending() const;
  // Packets dispatched and not yet acknowledged.
  size_t in_flight() const;
  // Metrics hook: called on the MQTT callback thread with the seconds from a
  // packet's last dispatch to its worker's "stored" or "duplicate" ack.
  // Call before Start().
  void ObserveAckLatency(std::function<void(double)> observe) {
    ack_latency_ = std::move(observe);
  }

 private:
  using Payload = std::shared_ptr<const Bytes>;
  using PacketKey = std::pair<std::string, int64_t>;  // video id, number
  struct Pending {
    PacketKey key;
    Payload payload;
  };
  struct InFlight {
    PacketKey key;
    Payload payload;
    std::string worker;
    std::chrono::steady_clock::time_point sent;
  };

  void OnMessage(const mqtt::Message& m);
  void OnStream(const mqtt::Message& m, const std::string& video_id);
  void OnAck(const mqtt::Message& m);
  // Sends what waits in pending_ to live workers.
  void Drain();
  // Publishes one packet to a live worker, avoiding `avoid` when another
  // is live, and tracks it; false when none is live. REQUIRES: pending_mu_.
  bool Dispatch(const PacketKey& key, const Payload& payload,
                const std::string& avoid = "");
  // Remembers which worker got `key` (bounded: the oldest are forgotten).
  // REQUIRES: pending_mu_.
  void Place(const PacketKey& key, const std::string& worker);
  // Sends a tracked packet again (error, timeout, worker gone), or holds it
  // when no worker is live. REQUIRES: pending_mu_.
  void Redispatch(InFlight packet, const char* why);
  // Re-dispatches packets past the ack timeout or whose worker left.
  void CheckInFlight();
  void Tick();

  const MasterOptions options_;
  mqtt::Client& client_;
  Membership membership_;
  Dispatcher dispatcher_;
  Counters counters_;
  RejectLog reject_log_;
  // Dispatch ids are "<session>-<n>": a restarted master never takes a
  // stale ack for one of its own.
  const std::string session_;
  uint64_t next_dispatch_id_ = 1;  // guarded by pending_mu_

  mutable std::mutex pending_mu_;
  std::deque<Pending> pending_;
  size_t pending_bytes_ = 0;
  std::map<std::string, InFlight> in_flight_;  // by dispatch id
  std::map<PacketKey, std::string> placed_;    // where each packet went
  std::deque<PacketKey> placed_order_;         // oldest first, for eviction

  std::atomic<bool> running_{false};
  std::thread ticker_;
  std::function<void(double)> ack_latency_;  // set before Start()
};

}  // namespace fog::master

#endif  // FOG_MASTER_MASTER_H_
