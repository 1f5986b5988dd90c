// Appends encoded records to the newest segment file and makes them durable,
// rolling over to a new segment file when the current one is full.
//
// Thread-safety: none. PacketStore serialises every call under its writer
// mutex.

#ifndef FOG_WORKER_STORE_LOG_WRITER_H_
#define FOG_WORKER_STORE_LOG_WRITER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "worker/store/record.h"

namespace fog::worker {

class LogWriter {
 public:
  // Takes over segment `seq` of `dir`, keeping its first `keep` bytes: any
  // bytes after them (a torn tail found by the recovery scan) are truncated,
  // and the segment is fsync()ed in any case (see log_writer.cc). `seq` == 0
  // means the store has no segment yet: segment 1 is created. A segment is
  // rolled when appending a record would take it past `segment_bytes`; a record
  // is never split, so one larger than `segment_bytes` gets a segment of its
  // own. REQUIRES: segment_bytes > 0.
  static Result<std::unique_ptr<LogWriter>> Open(const std::string& dir,
                                                 uint64_t seq, uint64_t keep,
                                                 uint64_t segment_bytes);

  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;
  ~LogWriter();

  // Appends `records` in order, then fdatasync()s every segment written, and
  // only then returns OK, with locations[i] the place of records[i].
  //
  // On error, the bytes this call wrote to the current segment are truncated
  // away (best effort), but records already synced into an earlier segment
  // during a rollover in this call stay and will reappear on reopen. After an
  // error the on-disk state is uncertain (a failed fsync may have dropped
  // dirty pages), so the caller must stop using this writer.
  Status Append(std::span<const EncodedRecord> records,
                std::vector<RecordLocation>* locations);

  uint64_t segment() const { return seq_; }
  uint64_t size() const { return size_; }

 private:
  LogWriter(std::string dir, uint64_t segment_bytes, uint64_t seq, int fd,
            uint64_t size);

  Status Roll();
  Status Sync();
  Status WriteRecord(const EncodedRecord& rec);

  const std::string dir_;
  const uint64_t segment_bytes_;
  uint64_t seq_;
  int fd_;
  uint64_t size_;         // bytes written to the current segment
  uint64_t synced_size_;  // prefix of the current segment known durable
};

}  // namespace fog::worker

#endif  // FOG_WORKER_STORE_LOG_WRITER_H_
