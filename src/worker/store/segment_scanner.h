// Recovery scan of one segment file's bytes: splits it into intact records,
// damaged regions and (for the newest segment) a torn tail. The rules are
// specified under "Recovery" in docs/store-format.md.
//
// Thread-safety: reentrant (a pure function of its input).

#ifndef FOG_WORKER_STORE_SEGMENT_SCANNER_H_
#define FOG_WORKER_STORE_SEGMENT_SCANNER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "worker/store/record.h"

namespace fog::worker {

struct ScanEvent {
  enum class Kind {
    kRecord,   // an intact record; `meta` describes it
    kCorrupt,  // a damaged record or unparseable region
  };
  Kind kind = Kind::kRecord;
  uint64_t offset = 0;
  uint64_t size = 0;
  uint64_t payload_size = 0;  // kRecord only
  // kCorrupt only: whether `meta` could still be read (its meta CRC passed),
  // so the key can be re-fetched. A known key is trustworthy.
  bool key_known = false;
  RecordMeta meta;
  std::string reason;  // kCorrupt only
};

struct SegmentScan {
  std::vector<ScanEvent> events;  // in file order, non-overlapping
  // Bytes [0, valid_end) are records and damaged regions; [valid_end, end)
  // is a torn tail, to be truncated. Always the file size for a segment that
  // is not the newest: only the newest can have been cut by a crash.
  uint64_t valid_end = 0;
};

// Scans `data`, the whole content of one segment. `newest` says whether it
// is the store's last segment (the one a crash can have left torn).
SegmentScan ScanSegment(ByteView data, bool newest);

}  // namespace fog::worker

#endif  // FOG_WORKER_STORE_SEGMENT_SCANNER_H_
