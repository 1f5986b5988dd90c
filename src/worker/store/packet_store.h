// PacketStore: a worker's durable, crash-safe store of video packets.
//
// Packets are appended as checksummed records to numbered segment files in
// one directory (format: docs/store-format.md) and found through an
// in-memory index that Open() rebuilds by scanning every segment. File names
// are built only from sequence numbers, never from video ids, which are
// attacker-controlled.
//
// Guarantees:
//  - Durability: Put/PutBatch/DeleteVideo return OK only after their
//    records are written and fdatasync()ed (and, for a new segment file,
//    after its directory entry is fsync()ed). An acknowledged packet
//    survives a process crash, kill -9 or power loss, given a disk that
//    honours flushes.
//  - Integrity: Get re-checks the record's CRC32C on every read and never
//    returns bytes that fail it.
//  - Recovery: Open never fails because of bad data, only on I/O errors. A
//    torn tail (a record cut short by a crash) is truncated; damaged records
//    are skipped and listed in stats() so they can be re-fetched.
//
// Thread-safety: every public method may be called from several threads at
// once. Mutations (Put, PutBatch, DeleteVideo) are serialised; readers (Get,
// Info, PacketNumbers, Videos, stats) take a shared lock only briefly and
// do not wait for a writer's fsync (except Get on finding a damaged record,
// which waits for the writer to drop it from the index). One process at a time
// may open a directory (a LOCK file is flock()ed); a second Open gets
// Unavailable.

#ifndef FOG_WORKER_STORE_PACKET_STORE_H_
#define FOG_WORKER_STORE_PACKET_STORE_H_

#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"
#include "worker/store/packet_index.h"
#include "worker/store/segment_file.h"
#include "worker/store/store_types.h"

namespace fog::worker {

class LogWriter;
struct ScanEvent;

class PacketStore {
 public:
  struct PutRequest {
    PacketMeta meta;
    ByteView payload;  // not owned; must stay valid during PutBatch
  };

  // Opens the store in `dir`, creating the directory if allowed, and
  // rebuilds the index. InvalidArgument for bad options, NotFound if the
  // directory is missing and !create_if_missing, Unavailable if another
  // store holds it, IoError on any I/O failure.
  static Result<std::unique_ptr<PacketStore>> Open(const std::string& dir,
                                                   StoreOptions options);

  PacketStore(const PacketStore&) = delete;
  PacketStore& operator=(const PacketStore&) = delete;
  ~PacketStore();

  // Stores one packet; returns once it is durable (kStored). If the key is
  // already stored, reads the stored payload back and compares the bytes:
  // identical gives kDuplicate, different gives kConflict; the stored packet
  // is kept and nothing is written. A stored copy that fails its checks on
  // that read is dropped as Get drops it, and this payload is stored in its
  // place (kReplacedDamaged). InvalidArgument (nothing written) for an empty or
  // over-long video id, packet_number < 1, total_packets < 0, a format over
  // 255 bytes, or a payload over options.max_payload_bytes. IoError if the
  // write or sync fails; after that every mutation fails with the same error
  // (the on-disk state is uncertain) until the store is reopened, or if
  // reading a stored copy back fails.
  Result<PutOutcome> Put(const PacketMeta& meta, ByteView payload);

  // Group commit: stores several packets with one fdatasync per segment
  // touched. Outcomes as Put, one per request, in order; a key repeated
  // within the batch is compared with its first occurrence. Validation is
  // all-or-nothing. On OK every kStored record is durable. On IoError none
  // of the batch is in the index, but records synced before the failure
  // (only possible when the batch spans a segment rollover) may reappear
  // after reopen.
  Result<std::vector<PutOutcome>> PutBatch(std::span<const PutRequest> batch);

  // The payload of a stored packet, its record CRC re-checked. NotFound if
  // absent. Corruption if the record fails its checks: the bytes are never
  // returned, the packet leaves the index (so a re-fetched copy can be Put)
  // and its key appears in stats().corrupt_keys. Also Corruption for a key
  // in stats().corrupt_keys (stored once, now damaged), so a caller can tell
  // "lost" from "never had". IoError on read failure.
  Result<Bytes> Get(std::string_view video_id, int64_t packet_number);

  // The stored metadata of a packet, or nullopt. No disk access.
  std::optional<PacketInfo> Info(std::string_view video_id,
                                 int64_t packet_number) const;

  // Stored packet numbers of a video, ascending (empty if none).
  std::vector<int64_t> PacketNumbers(std::string_view video_id) const;

  // One summary per video with at least one stored packet, by video id.
  std::vector<VideoSummary> Videos() const;
  // The summary of one video, as Videos() gives it; nullopt if none.
  std::optional<VideoSummary> Video(std::string_view video_id) const;

  // Durably deletes every stored packet of `video_id` by appending a
  // tombstone record; the deletion survives reopen. OK even if the video has
  // no packets. Packets Put afterwards are kept. InvalidArgument for an
  // empty or over-long id; IoError as Put. Space is not reclaimed (no
  // compaction yet).
  Status DeleteVideo(std::string_view video_id);

  StoreStats stats() const;
  // stats().file_bytes alone, without copying the damage lists.
  uint64_t file_bytes() const;

  const std::string& dir() const { return dir_; }

 private:
  PacketStore(std::string dir, StoreOptions options, FileLock lock);

  Status Recover();
  void ApplyScanEvent(uint64_t segment, const ScanEvent& ev);
  void ForgetVideo(std::string_view video_id);
  Status ValidatePut(const PacketMeta& meta, ByteView payload) const;
  Result<std::optional<PutOutcome>> ExistingOutcome(const PacketMeta& meta,
                                                    ByteView payload);
  Result<std::vector<PutOutcome>> Classify(std::span<const PutRequest> batch);
  Result<Bytes> ReadRecord(std::string_view video_id, int64_t packet_number,
                           const RecordLocation& where,
                           uint64_t payload_size) const;
  Status Append(std::span<const EncodedRecord> records,
                std::vector<RecordLocation>* locations);
  void Index(const RecordMeta& meta, uint64_t payload_size,
             const RecordLocation& where);
  void DropCorrupt(std::string_view video_id, int64_t n,
                   const RecordLocation& where, std::string reason);
  void DropCorruptLocked(std::string_view video_id, int64_t n,
                         const RecordLocation& where, std::string reason);
  bool KnownCorrupt(std::string_view video_id, int64_t n) const;
  int64_t Now() const;

  const std::string dir_;
  const StoreOptions options_;
  FileLock lock_;

  // Serialises mutations; held across write + fsync.
  std::mutex write_mu_;
  std::unique_ptr<LogWriter> writer_;  // guarded by write_mu_
  Status write_error_;                 // guarded by write_mu_; sticky

  // Guards everything below. Never held across I/O.
  mutable std::shared_mutex index_mu_;
  PacketIndex index_;
  std::vector<CorruptRecord> corrupt_;
  uint64_t corrupt_records_ = 0;
  uint64_t torn_tail_bytes_ = 0;
  uint64_t file_bytes_ = 0;
  uint64_t segments_ = 0;
};

}  // namespace fog::worker

#endif  // FOG_WORKER_STORE_PACKET_STORE_H_
