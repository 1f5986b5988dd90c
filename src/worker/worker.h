// A worker node: verifies each packet the master dispatches to it, stores it
// durably (group commit: one fdatasync for the packets that arrived
// meanwhile), acknowledges it only then, keeps the registry told, and answers
// viewers in both protocols (the seed's packet-request and our MQTT v5
// request/response on fog/get/<video_id>, a page at a time) on a thread of
// their own from a bounded queue, so viewers never hold up the packets
// coming in (docs/topics.md, "Paging"), and answers the load balancer's
// pings with its CPU, memory and storage. A packet whose record turns out
// damaged is never served; the worker fetches a copy from another worker. It
// announces itself with a retained status (its last will says offline) and a
// heartbeat.
//
// Thread-safety: Start/Stop from one thread; counters() from any thread.

#ifndef FOG_WORKER_WORKER_H_
#define FOG_WORKER_WORKER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <thread>

#include "common/counters.h"
#include "mqtt/client.h"
#include "trust/trust_store.h"
#include "wire/ack.h"
#include "worker/intake.h"
#include "worker/registrar.h"
#include "worker/store/packet_store.h"
#include "worker/system_stats.h"
#include "worker/viewer_queue.h"

namespace fog::worker {

struct WorkerOptions {
  std::string name;  // unique in the fog; validated like a video id
  IntakeOptions intake;
  std::chrono::milliseconds heartbeat_period{1000};
  // When > 0, the store may hold at most this many bytes of segment files:
  // packets beyond it are refused ("store-full") and the free storage the
  // worker reports is what is left of it.
  uint64_t store_quota_bytes = 0;
  // Group commit: verified packets wait for the committer thread, which
  // stores up to this many (or max_batch_bytes) with one fdatasync and only
  // then acknowledges them, in one fog/ack/<worker> message. 1 = a sync per
  // packet.
  size_t max_batch_packets = 64;
  size_t max_batch_bytes = 16u << 20;
  // How long the committer waits after a batch's first packet for more to
  // join it, unless the batch fills first. Each packet waits at most this
  // much longer for its ack; under load a sync and an ack message serve
  // several packets. 0 = commit at once.
  std::chrono::microseconds commit_linger{2000};
  // Viewer requests (packet-request, fog/get) wait in their own bounded
  // queue for their own thread; past it they are refused "busy".
  ViewerQueueOptions viewer_queue;
  // The viewer thread publishes a reply only while at most this many
  // publishes wait in the client (acks included), so viewer replies never
  // crowd out the acks of stored packets.
  size_t viewer_backlog = 8;
  // Bytes per second of packets sent to viewers (fog/get pages, seed
  // answers), all viewers together; 0 = no limit. Keeps the broker's and
  // the disk's time for ingest while viewers ask for more.
  uint64_t viewer_bytes_per_second = 16u << 20;
};

class Worker {
 public:
  // Installs the client's message handler: construct the worker before the
  // client connects (a resumed session's dispatches arrive at once).
  Worker(WorkerOptions options, mqtt::Client& client, PacketStore& store,
         const trust::TrustStore& trust, Registrar* registrar);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // The retained status message; the offline one is the client's last will.
  static mqtt::Message StatusMessage(const std::string& name, bool online);

  // Subscribes and announces the worker online. REQUIRES: the client is
  // connected.
  Status Start();
  void Stop();

  // Answers viewers on `client` (connected, the worker's credentials, a
  // clean session) instead of the data connection, so their replies never
  // queue in front of acks and heartbeats. Call before Start(); must
  // outlive the worker.
  void SetViewerClient(mqtt::Client* client) { viewer_client_ = client; }

  const Counters& counters() const { return counters_; }
  // Packets verified and waiting in the commit queue for their batch.
  size_t commit_queue_packets() {
    std::lock_guard<std::mutex> lock(queue_mu_);
    return queue_.size();
  }
  // Metrics hook: called on the committer thread with the seconds from a
  // packet's arrival to its "stored" ack, sent after the fdatasync.
  // Call before Start().
  void ObserveStoreLatency(std::function<void(double)> observe) {
    store_latency_ = std::move(observe);
  }

 private:
  void OnMessage(const mqtt::Message& m);
  void OnDispatch(const mqtt::Message& m);
  // A verified packet on its way to the store.
  // When the master dispatched a copy and this worker received it, for the
  // copy's acks (wire::WorkerAck's times; 0: not known).
  struct CopyTimes {
    int64_t dispatched_at_us = 0;
    int64_t received_at_us = 0;
  };
  struct Verified {
    Accepted accepted;
    std::shared_ptr<const std::string> payload;  // never null
    std::string dispatch_id;
    std::chrono::steady_clock::time_point arrived;
    CopyTimes times;  // for its ack

    ByteView bytes() const { return AsBytes(*payload); }
    size_t size() const { return payload->size(); }
  };
  // The committer thread: stores queued packets in batches, then acks them.
  void CommitLoop();
  // REQUIRES: queue_mu_ held.
  bool BatchFull() const;
  void Commit(std::vector<Verified>& batch);
  // Repair (repair.cc): fetch a damaged packet again from another worker.
  std::string RepairTopic() const;
  void RequestRepair(const PacketKey& key);
  void AskForCopy(const PacketKey& key);
  void OnRepairReply(const mqtt::Message& m);
  // Asks again for what is still missing; gives up after a while.
  void RetryRepairs();
  // Viewer requests: queued by OnMessage, answered on the viewer thread
  // (viewer_requests.cc).
  void QueueViewerRequest(const mqtt::Message& m);
  void OnViewerRequest(const mqtt::Message& m);
  // Counts and logs a refused request; answers a fog/get one "busy".
  void RefuseBusy(const mqtt::Message& m, const std::string& why);
  // Waits until the client has room for a viewer reply (viewer_backlog).
  void WaitForPublishRoom();
  // Waits until sending `bytes` more keeps within viewer_bytes_per_second.
  void PaceViewerBytes(uint64_t bytes);
  mqtt::Client& viewer_client() {
    return viewer_client_ != nullptr ? *viewer_client_ : client_;
  }
  void OnSeedRequest(const mqtt::Message& m);
  // The master's word that a seed video ended (viewer_requests.cc): its
  // total goes to the registry with this worker's holdings.
  void OnSeedEnd(const mqtt::Message& m);
  void OnGet(const mqtt::Message& m, const std::string& video_id);
  // Answers the load balancer's ping with this node's stats.
  void OnPing(const mqtt::Message& m);
  // A signed revocation list (fog/revocations): kept when it verifies with
  // a trusted fog key and is newer than the one held.
  void OnRevocations(const mqtt::Message& m);
  // What may still be stored: the file system's free space, within the quota.
  uint64_t FreeStorage(const SystemStats& system,
                       const StoreStats& store) const;
  // Refuses a packet whose chain link disagrees with a neighbour we hold.
  std::optional<Refusal> CheckChain(const Accepted& a);
  // Legacy conflicts: a legacy packet whose number a different payload
  // claimed and this worker refused. fog/get replies carry the mark
  // (docs/legacy.md, "Conflicts"), so a reader knows the stored copy was
  // disputed. Kept in memory only, at most kMaxConflictMarks; at the bound
  // the oldest mark is forgotten (counted as conflict_marks_forgotten).
  void NoteLegacyConflict(const std::string& video_id, int64_t number);
  bool HasLegacyConflict(const std::string& video_id, int64_t number);
  wire::WorkerAck MakeAck(const std::string& dispatch_id,
                          const std::string& video_id, int64_t number,
                          const std::string& result, const std::string& reason,
                          const CopyTimes& times) const;
  // One fog/ack/<worker> message for all of `acks` (QoS 1).
  void PublishAcks(std::span<const wire::WorkerAck> acks);
  void PublishAck(const wire::WorkerAck& ack) { PublishAcks({&ack, 1}); }
  void Heartbeat();

  const WorkerOptions options_;
  mqtt::Client& client_;
  PacketStore& store_;
  const trust::TrustStore& trust_;
  Registrar* registrar_;
  SystemStatsSampler sampler_;  // used from the MQTT callback thread only
  Counters counters_;
  RejectLog reject_log_;
  mqtt::Client* viewer_client_ = nullptr;  // set before Start(), or client_
  // The viewer thread's pacing: when the bytes sent so far may all be out.
  std::chrono::steady_clock::time_point viewer_paced_until_{};
  // Declared after everything its handler uses, so it is built after them.
  std::unique_ptr<ViewerQueue> viewer_queue_;

  // Chain links of packets stored here: (video id, number) -> link_n, and
  // number -> its "p" (link_{n-1}), to check neighbours as they arrive.
  std::mutex links_mu_;
  std::map<std::pair<std::string, int64_t>, std::pair<wire::Link, wire::Link>>
      links_;

  std::mutex conflicts_mu_;
  std::set<std::pair<std::string, int64_t>> conflicts_;
  std::deque<std::pair<std::string, int64_t>> conflict_order_;  // oldest first

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;     // something to commit, or stop
  std::condition_variable queue_space_;  // the queue shrank
  std::vector<Verified> queue_;          // verified, not yet stored
  size_t queue_bytes_ = 0;
  bool stopping_ = false;
  std::thread committer_;

  // The committer's acks, published by a thread of their own: Paho's
  // receive thread holds the library's lock while OnDispatch waits for room
  // in the commit queue, so a committer publishing itself would wait for
  // that lock and never make the room (a deadlock under a burst). This
  // queue grows only while the receive thread waits, which ends with the
  // committer's next batch; bounded anyway (kMaxAcksOut messages).
  void SendAcks();
  static constexpr size_t kMaxAcksOut = 1024;
  std::mutex acks_mu_;
  std::condition_variable acks_cv_;
  std::deque<Bytes> acks_out_;
  bool acks_stopping_ = false;
  std::thread ack_sender_;

  struct Repair {
    int attempts = 0;
    std::chrono::steady_clock::time_point asked;
  };
  std::mutex repair_mu_;
  std::map<PacketKey, Repair> repairs_;  // damaged here, copy requested

  std::atomic<bool> running_{false};
  std::thread heartbeat_;
  std::function<void(double)> store_latency_;  // set before Start()
};

}  // namespace fog::worker

#endif  // FOG_WORKER_WORKER_H_
