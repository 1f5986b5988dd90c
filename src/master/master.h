// The master node: takes every packet published on video/stream/+ and hands
// copies of it to R distinct live workers (R = `replicas`, fewer while fewer
// are live), chosen by the load-balancing policy (round-robin when there is
// none). It keeps the workers' membership from their retained status and
// heartbeats, and holds packets (bounded) while no worker is live.
//
// Every copy stays tracked until its worker acknowledges it as durably
// stored (or refuses it as bad). A copy whose worker reports an error,
// leaves, or stays silent past the ack timeout is sent again, to a worker
// that does not hold the packet when there is one. A packet seen again (a
// QoS 1 redelivery, a publisher repeating itself) goes only where copies are
// missing, so repeats do not spread copies over the fog.
//
// With a journal directory, every packet is written to the journal and
// synced to disk before the broker counts it delivered, and marked settled
// once all its copies are acknowledged; a restarted master dispatches the
// unsettled ones again (docs/durability.md).
//
// Memory: the payloads the master holds (its own buffers, shared from
// arrival to dispatch, and the MQTT library's copies of its publishes) stay
// within `memory_budget` (PayloadMemory). A packet that does not fit waits
// in the journal only, in arrival order, and is read back from it when
// there is room; a copy to send again is read back too.
//
// The master checks only what routing needs (topic, video id, size, payload
// format); workers verify signatures before storing. A second, different
// payload for a packet number already placed is a conflict: the master
// counts and logs it and sends it to a worker holding the number, whose
// verification and store give the verdict (docs/durability.md, "Conflicts").
//
// Two MQTT connections: stream packets (and the seed client's end of
// stream, which must not overtake them) arrive on the intake connection,
// whose callback waits for each packet's journal sync (Paho C acknowledges
// a QoS 1 message when its handler returns), and everything else (workers'
// acks, heartbeats and status, the dispatches and their PUBACKs, the
// backlog reports) goes over the control connection. On one connection a
// burst queued every ack, heartbeat and PUBACK behind the stream packets
// the broker had already sent (up to the receive maximum): dispatches went
// out one PUBACK round trip at a time, workers looked gone, and the
// backlog report waited behind the dispatches, so publishers never heard
// that the fog was behind (docs/durability.md, "Backpressure").
//
// Thread-safety: Start/Stop from one thread; the accessors from any thread.

#ifndef FOG_MASTER_MASTER_H_
#define FOG_MASTER_MASTER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "common/counters.h"
#include "common/status.h"
#include "master/backlog.h"
#include "master/dispatcher.h"
#include "master/fingerprints.h"
#include "master/journal.h"
#include "master/membership.h"
#include "master/payload_memory.h"
#include "master/placements.h"
#include "mqtt/client.h"

namespace fog::wire {
struct WorkerAck;
}  // namespace fog::wire

namespace fog::master {

struct MasterOptions {
  size_t max_packet_bytes = 16u << 20;
  std::chrono::milliseconds worker_timeout{3000};
  // Packets waiting to be placed (no live worker, or no memory room): their
  // payloads wait in the journal (in memory without one).
  size_t max_pending_packets = 1u << 16;
  size_t max_pending_bytes = size_t{16} << 30;
  // A dispatched packet not acknowledged within this is sent again.
  std::chrono::milliseconds ack_timeout{10000};
  // Copies of each packet, on distinct workers.
  int replicas = 2;
  // A worker not live for this long is gone for good: the packets it held
  // are copied again from a surviving holder.
  std::chrono::milliseconds gone_after{60000};
  // The API (http://host:port): the registry tells which packets a departed
  // worker held. Empty: only the master's own placements tell.
  std::string api_url;
  // For an https:// API: the fog CA, and the master's certificate and key
  // for mutual TLS.
  std::string api_ca_file;
  std::string api_cert_file;
  std::string api_key_file;
  // Where the journal lives; empty = no journal (a master killed before
  // its workers acknowledge may lose the packets it was dispatching).
  std::string journal_dir;
  // Payload bytes held in memory, every copy counted (PayloadMemory).
  size_t memory_budget = size_t{256} << 20;
  // The backlog published on fog/backlog (master/backlog.h).
  BacklogOptions backlog;
  // The journal's own options (tests slow or stop its syncs).
  JournalOptions journal;
};

// Where the master forwards one seed packet-request: the first of `holders`
// (sorted) that is `live`; every live worker when no holder is known; none
// when every holder is gone.
std::vector<std::string> SeedRequestTargets(
    const std::vector<std::string>& holders,
    const std::vector<std::string>& live);

class Master {
 public:
  // `client` carries control traffic; stream packets arrive on `intake`
  // (nullptr: on `client` too, for tests of one connection). Both must
  // outlive the master.
  Master(MasterOptions options, mqtt::Client& client,
         mqtt::Client* intake = nullptr);
  ~Master();
  Master(const Master&) = delete;
  Master& operator=(const Master&) = delete;

  // The retained status messages; the offline one is the client's last will.
  static mqtt::Message StatusMessage(bool online);

  // Opens and replays the journal (when the options name one) and installs
  // the message handler. Call before the client connects: on a resumed
  // session the broker resends unacknowledged packets at once. IoError if
  // the journal cannot be opened.
  Status Open();
  // Subscribes and announces the master online. REQUIRES: Open() succeeded
  // and the client is connected.
  Status Start();
  // Announces offline and stops the background ticker.
  void Stop();

  const Counters& counters() const { return counters_; }
  std::map<std::string, double> policy() const { return dispatcher_.weights(); }
  std::vector<std::string> live_workers() const;
  size_t pending() const;
  // Payload bytes in memory now, at most ever, and the budget.
  const PayloadMemory& memory() const { return memory_; }
  // The journal's counts (zero without a journal).
  JournalStats journal_stats() const;
  // Copies dispatched and not yet acknowledged.
  size_t in_flight() const;
  // Packets taken and not yet settled, as published on fog/backlog.
  wire::BacklogReport backlog() const { return backlog_.snapshot(); }
  // Metrics hook: called on the MQTT callback thread with the seconds from a
  // packet's last dispatch to its worker's "stored" or "duplicate" ack.
  // Call before Start().
  void ObserveAckLatency(std::function<void(double)> observe) {
    ack_latency_ = std::move(observe);
  }
  // Called on the MQTT callback thread as a stream packet's handler
  // returns, that is just before the broker gets its PUBACK. Call before
  // Start().
  void ObserveTaken(std::function<void(const PacketKey&)> observe) {
    taken_ = std::move(observe);
  }

 private:
  using Payload = PayloadMemory::Tracked;
  using Where = std::optional<JournalLocation>;
  struct Pending {
    PacketKey key;
    size_t bytes = 0;
    Where where;      // in the journal
    Payload payload;  // null while it waits in the journal only
  };
  // One copy of a packet on its way to a worker. Its payload is not kept
  // (the journal has it) unless the journal does not.
  struct InFlight {
    PacketKey key;
    size_t bytes = 0;
    Where where;
    Payload payload;             // only for a payload not in the journal
    PayloadMemory::Weak cached;  // the buffer, while it is in memory anyway
    std::string worker;
    std::chrono::steady_clock::time_point sent;
    // A different payload than the one placed, sent to a holder for its
    // verdict (conflicts.cc), and its fingerprint.
    bool conflict = false;
    Fingerprints::Digest digest{};
  };

  // Takes over an opened journal and what it replayed.
  void Recover(std::unique_ptr<Journal> journal, JournalReplay replay);
  void OnMessage(const mqtt::Message& m);
  void OnStream(const mqtt::Message& m, const std::string& video_id);
  void OnAck(const mqtt::Message& m);
  // Forwards a seed packet-request to one live holder (seed_requests.cc).
  void OnSeedRequest(const mqtt::Message& m);
  // The seed's end of stream (seed_end.cc): remembers the highest number of
  // each seed-format video, and on "EOSTREAMING" tells the workers its total.
  void NoteSeedPacket(const std::string& video_id, int64_t number,
                      ByteView payload);
  void OnSeedEndOfStream(const mqtt::Message& m);
  // Takes a stream packet: journals it and places it, or holds it while
  // no worker is live. Returns the journal ticket to wait on (0: none).
  uint64_t Hold(const PacketKey& key, const Payload& payload);
  // The part of Hold() after the journal. REQUIRES: mu_.
  void HoldJournaled(const PacketKey& key, const Payload& payload,
                     const Where& where);
  // True when a payload of `bytes` (in memory already if `resident`) can be
  // dispatched within the budget: R copies for the MQTT library, room for
  // the next arrival; or when the master holds nothing else (one packet
  // always goes). REQUIRES: mu_.
  bool Fits(size_t bytes, bool resident) const;
  // The payload from memory, or read back from the journal (null, counted
  // and logged, if it cannot be). REQUIRES: mu_.
  Payload Load(const Where& where, const Payload& strong,
               const PayloadMemory::Weak& cached);
  // Queues a packet to place later, the payload in the journal only when
  // it is there. REQUIRES: mu_.
  void Wait(const PacketKey& key, size_t bytes, const Payload& payload,
            const Where& where, bool front);
  // Applies a worker's answer for one copy.
  void ApplyAck(const wire::WorkerAck& ack);
  // Conflicts (conflicts.cc). When `payload` differs from the payload
  // placed (or in flight) for `key`, reports the conflict, sends the
  // payload to a live holder for its verdict and returns true; otherwise
  // records its fingerprint and returns false. REQUIRES: mu_.
  bool TakeConflict(const PacketKey& key, const Payload& payload);
  // A worker refused a copy: counts and logs it naming the packet, and
  // forgets the copy unless the worker refused it because it holds a
  // different payload for the number. REQUIRES: mu_.
  void OnRejected(const InFlight& copy, const wire::WorkerAck& ack);
  // A conflicting payload was stored (its worker had refused or never got
  // the first one): it is now the packet's payload. REQUIRES: mu_.
  void OnConflictStored(const InFlight& copy);
  // A conflicting copy got no verdict (its worker failed or left): it is
  // reported, never placed elsewhere as if it were the packet. REQUIRES: mu_.
  void AbandonConflict(const InFlight& copy, const char* why);
  // Sends what waits in pending_ to live workers.
  void Drain();
  // Copies each packet should have: options_.replicas (at least 1).
  size_t replicas() const;
  // Copies a packet can have now: replicas(), or fewer with fewer `live`.
  size_t CopiesWanted(size_t live) const;
  // Sends copies of a packet to live workers that lack one, until it has
  // min(replicas, live) holders, preferring any worker but `avoid`; settles
  // it when no copy is left in flight. Returns the number of live holders
  // (0: no worker is live). REQUIRES: mu_.
  size_t Place(const PacketKey& key, const Payload& payload, const Where& where,
               const std::string& avoid = "");
  // Tracks one copy for `worker` and queues it in the outbox; a payload
  // sent for a conflict verdict comes with its fingerprint. REQUIRES: mu_.
  void Send(const PacketKey& key, const Payload& payload, const Where& where,
            const std::string& worker,
            std::optional<Fingerprints::Digest> conflict = std::nullopt);
  // Publishes what Send queued. Called without mu_: Paho's receive thread
  // holds its own lock while it runs our handler, which takes mu_, so
  // publishing under mu_ from another thread could deadlock.
  void FlushOutbox();
  // A copy is done (acknowledged or refused). REQUIRES: mu_.
  void Finish(const InFlight& copy);
  // Records a packet as placed in the journal. REQUIRES: mu_.
  void Settle(const PacketKey& key);
  // Whether a packet whose copies are all acknowledged may be settled with
  // `live` workers live: not while it has fewer than `replicas` copies and
  // the journal still has its payload to top it up from (TopUp), unless
  // fewer than `replicas` workers are live and it has waited `gone_after`.
  // REQUIRES: mu_.
  bool MaySettle(const PacketKey& key, size_t live) const;
  // Sends a failed copy elsewhere (error, timeout, worker gone), or holds
  // the packet when no worker is live. REQUIRES: mu_.
  void Redispatch(InFlight copy, const char* why);
  // Re-dispatches copies past the ack timeout or whose worker left.
  void CheckInFlight();
  // Re-replication (rereplication.cc).
  std::string CopyTopic() const;
  // Forgets the copies of workers gone for good and queues their packets
  // for copying.
  void WriteOffDepartedWorkers();
  // Adds to `*held` every packet the registry says `worker` holds, with
  // the live workers that hold it too.
  Status HoldingsFromRegistry(
      const std::string& worker, const std::vector<std::string>& live,
      std::map<PacketKey, std::set<std::string>>* held) const;
  // Tops up the packets placed on fewer than `replicas` workers (too few
  // were live) once more workers are live: from the journal while they are
  // unsettled there, else queued for copying from a holder.
  void TopUp();
  // Asks the holders for the queued packets (again, after a while).
  void AskForCopies();
  // A holder's answer: place the packet on workers that lack it.
  void OnCopy(const mqtt::Message& m);
  void Tick();
  // Mosquitto's $SYS figure of the bytes it holds: into the backlog.
  void OnBrokerStoreBytes(const mqtt::Message& m);

  const MasterOptions options_;
  mqtt::Client& client_;
  mqtt::Client& intake_;  // stream packets; may be client_
  Membership membership_;
  Dispatcher dispatcher_;
  Counters counters_;
  RejectLog reject_log_;
  // Dispatch ids are "<session>-<n>": a restarted master never takes a
  // stale ack for one of its own.
  const std::string session_;

  PayloadMemory memory_;
  // Woken when a payload buffer is freed: room to dispatch what waits.
  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  bool wake_ = false;

  // Guards everything below.
  mutable std::mutex mu_;
  uint64_t next_dispatch_id_ = 1;
  std::deque<Pending> pending_;
  size_t pending_bytes_ = 0;
  std::map<std::string, InFlight> in_flight_;  // by dispatch id
  std::map<PacketKey, int> copies_in_flight_;
  Placements placements_{1 << 18};
  Fingerprints fingerprints_{1 << 18, Fingerprints::RandomKey()};
  std::unique_ptr<Journal> journal_;   // null without a journal directory
  std::vector<mqtt::Message> outbox_;  // copies to publish, see FlushOutbox
  std::set<std::string> written_off_;  // gone for good, copies forgotten
  struct Refetch {
    int attempts = 0;
    std::chrono::steady_clock::time_point asked;
  };
  std::map<PacketKey, Refetch> refetch_;  // to copy from a surviving holder
  // Placed on fewer than `replicas` workers; bounded. `where` is the
  // journal's copy while the packet is unsettled there: more copies are read
  // back from it. A short packet is settled (and later topped up from a
  // holder) only once fewer than `replicas` workers have been live for
  // `gone_after` since it was placed (MaySettle).
  struct Short {
    Where where;
    std::chrono::steady_clock::time_point since;
  };
  static constexpr size_t kMaxUnderReplicated = 1 << 18;
  std::map<PacketKey, Short> under_replicated_;
  std::atomic<Membership::Clock::time_point> connected_since_{
      Membership::Clock::now()};

  // Seed-format videos without a known end, by video id: the highest packet
  // number received and when the last packet came (seed_end.cc). Bounded.
  struct SeedVideo {
    int64_t highest = 0;
    uint64_t last_seen = 0;  // a sequence number: larger = more recent
  };
  static constexpr size_t kMaxSeedVideos = 1024;
  std::mutex seed_mu_;
  std::map<std::string, SeedVideo> seed_videos_;
  uint64_t seed_seq_ = 0;

  // Its own lock, taken after mu_ (never the other way round).
  Backlog backlog_;

  std::atomic<bool> running_{false};
  std::thread ticker_;
  std::function<void(double)> ack_latency_;      // set before Start()
  std::function<void(const PacketKey&)> taken_;  // set before Start()
};

}  // namespace fog::master

#endif  // FOG_MASTER_MASTER_H_
