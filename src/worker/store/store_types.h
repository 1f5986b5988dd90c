// Value types of the packet store's public API (packet_store.h): packet
// metadata, per-video summaries, statistics and options.
//
// Thread-safety: plain values; distinct objects may be used from different
// threads.

#ifndef FOG_WORKER_STORE_STORE_TYPES_H_
#define FOG_WORKER_STORE_STORE_TYPES_H_

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/packet_ranges.h"

namespace fog::worker {

// What the caller knows about a packet. Stored verbatim beside the payload.
struct PacketMeta {
  std::string video_id;        // 1..1024 bytes, any byte values; never a path
  int64_t packet_number = 0;   // >= 1
  int64_t total_packets = 0;   // >= 0; 0 = unknown
  std::string format;          // 0..255 bytes, e.g. "native", "legacy-sis"
  bool authenticated = false;  // the packet's signature was verified
};

// A stored packet's metadata plus what the store added.
struct PacketInfo {
  PacketMeta meta;
  int64_t received_unix_micros = 0;  // when Put stored it
  uint64_t payload_size = 0;
};

enum class PutOutcome {
  kStored,     // written and durable
  kDuplicate,  // same key, identical payload already stored: nothing written
  kConflict,   // same key, different payload stored: nothing written
  // Written and durable in place of a stored copy under the same key that
  // was found damaged when compared (and dropped, as Get drops one).
  kReplacedDamaged,
};

// True when the payload was written (kStored, kReplacedDamaged).
inline bool Written(PutOutcome o) {
  return o == PutOutcome::kStored || o == PutOutcome::kReplacedDamaged;
}

struct PacketKey {
  std::string video_id;
  int64_t packet_number = 0;

  auto operator<=>(const PacketKey&) const = default;
};

struct VideoSummary {
  std::string video_id;
  uint64_t packet_count = 0;
  uint64_t payload_bytes = 0;
  int64_t max_total_packets = 0;  // largest total_packets among its packets
  bool all_authenticated = true;  // every stored packet was authenticated
  PacketRanges ranges;            // the packet numbers held, ascending
};

// A damaged record or region found by the recovery scan or by Get().
struct CorruptRecord {
  uint64_t segment = 0;    // segment sequence number (file "<segment>.log")
  uint64_t offset = 0;     // byte offset in that file
  uint64_t length = 0;     // bytes skipped
  bool key_known = false;  // key read from the record's CRC-checked meta
  PacketKey key;           // meaningful only if key_known
  std::string reason;
};

struct StoreStats {
  uint64_t live_packets = 0;        // packets Get() can return
  uint64_t live_payload_bytes = 0;  // their payload bytes
  uint64_t live_record_bytes = 0;   // their record bytes (payload + framing)
  uint64_t file_bytes = 0;          // all segment files, dead records included
  uint64_t segments = 0;
  uint64_t torn_tail_bytes_truncated = 0;  // by Open()
  uint64_t corrupt_records = 0;  // damaged records/regions seen since Open
  // Damaged records found so far, minus those of videos deleted since.
  std::vector<CorruptRecord> corrupt;
  // Keys of damaged records that have no intact copy now: re-fetch these
  // from a replica and Put() them. Sorted, unique.
  std::vector<PacketKey> corrupt_keys;
};

struct StoreOptions {
  // A segment file is closed and a new one started when the next record
  // would take it past this size. A record larger than this gets its own
  // segment. Must be > 0.
  uint64_t segment_bytes = 64ull << 20;
  // Put rejects larger payloads with InvalidArgument. At most 4 GiB - 1.
  uint64_t max_payload_bytes = 64ull << 20;
  // Open creates the (single-level) directory if it does not exist.
  bool create_if_missing = true;
  // Receive-time source (microseconds since the Unix epoch); the system
  // clock when empty. Tests inject a fixed clock.
  std::function<int64_t()> now_unix_micros;
};

}  // namespace fog::worker

#endif  // FOG_WORKER_STORE_STORE_TYPES_H_
