// Faults on a worker's store (docs/experiments.md): filling its quota and
// damaging one stored packet. Both go through the fog's own paths: filler
// packets are signed and dispatched to the worker as the master dispatches
// (so the worker's quota check refuses them exactly as it refuses a stream's
// packet), and the damage is one byte flipped inside a record's payload in
// the worker's segment files (docs/store-format.md), which the record's
// checksum catches when the worker next reads it.
//
// Thread-safety: AckMailbox is safe from any thread; the functions may run
// on any thread, one fault at a time per worker.

#ifndef FOG_EXPERIMENT_STORE_FAULTS_H_
#define FOG_EXPERIMENT_STORE_FAULTS_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "mqtt/client.h"
#include "trust/keys.h"
#include "wire/ack.h"

namespace fog::experiment {

// The acks of filler dispatches, by dispatch id, until a waiter takes them.
// Bounded: only ids with the filler prefix are kept, at most kMaxPending (a
// fill waits for each ack before sending the next).
class AckMailbox {
 public:
  static constexpr char kPrefix[] = "exp-fill-";
  static constexpr size_t kMaxPending = 1024;

  // Called with every message on fog/ack/+.
  void Offer(const mqtt::Message& m);
  // The ack for `dispatch_id`, or false after `timeout`.
  bool Wait(const std::string& dispatch_id, std::chrono::milliseconds timeout,
            wire::WorkerAck* ack);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, wire::WorkerAck> acks_;
};

struct FillResult {
  std::string status;  // "ok" or why the fill failed
  std::string video;   // the filler packets' video id prefix
  int64_t stored = 0;  // filler packets the worker stored
  uint64_t bytes = 0;  // their payload bytes
};

// Dispatches signed filler packets of `packet_bytes` each to `worker` (a
// login allowed to write fog/dispatch/#, the master's) until the worker
// refuses one with "store-full": from then on it refuses every packet of
// that size. Gives up after `quota_bytes / packet_bytes + 8` packets
// (status names the count) or on an ack not arriving within 10 s.
FillResult FillQuota(mqtt::Client* as_master, AckMailbox* acks,
                     const trust::SecretKey& key, const std::string& worker,
                     const std::string& video_prefix, size_t packet_bytes,
                     uint64_t quota_bytes);

// Flips one byte in the middle of the payload of `video`/`packet` in the
// store directory `store_dir` (every segment scanned; the newest may be
// mid-write, its torn tail is skipped). "ok" or why it could not.
std::string CorruptStoredPacket(const std::string& store_dir,
                                const std::string& video, int64_t packet);

// Asks every worker for `video`/`packet` (fog/get/<video>, response topic
// reply/master/<tag>), as the master does to re-replicate: the worker
// holding the damaged record reads it, refuses to serve it and repairs it
// from another copy (docs/durability.md, "Repair").
Status RequestRead(mqtt::Client* as_master, const std::string& tag,
                   const std::string& video, int64_t packet);

}  // namespace fog::experiment

#endif  // FOG_EXPERIMENT_STORE_FAULTS_H_
