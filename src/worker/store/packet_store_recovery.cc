// PacketStore::Open's recovery: scan every segment in order and replay it
// into the index. Later records win; a tombstone deletes its video's earlier
// packets. See "Recovery" in docs/store-format.md.

#include <mutex>

#include "worker/store/log_writer.h"
#include "worker/store/packet_store.h"
#include "worker/store/segment_scanner.h"

namespace fog::worker {

Status PacketStore::Recover() {
  Result<std::vector<uint64_t>> seqs = ListSegments(dir_);
  if (!seqs.ok()) return seqs.status();
  // Recovery runs before the store is shared, but the index's invariants say
  // its lock is held, so hold it.
  std::unique_lock lock(index_mu_);
  uint64_t keep = 0;
  for (size_t i = 0; i < seqs->size(); ++i) {
    const uint64_t seq = (*seqs)[i];
    const bool newest = i + 1 == seqs->size();
    Result<Bytes> data = ReadWholeFile(SegmentPath(dir_, seq));
    if (!data.ok()) return data.status();
    SegmentScan scan = ScanSegment(*data, newest);
    for (const ScanEvent& ev : scan.events) ApplyScanEvent(seq, ev);
    file_bytes_ += scan.valid_end;
    if (newest) {
      keep = scan.valid_end;
      torn_tail_bytes_ = data->size() - scan.valid_end;
    }
  }
  // Append after the last good byte of the newest segment (LogWriter cuts
  // the torn tail), or start segment 1 in an empty store.
  const uint64_t newest_seq = seqs->empty() ? 0 : seqs->back();
  Result<std::unique_ptr<LogWriter>> writer =
      LogWriter::Open(dir_, newest_seq, keep, options_.segment_bytes);
  if (!writer.ok()) return writer.status();
  writer_ = std::move(*writer);
  segments_ = seqs->empty() ? 1 : seqs->size();
  return Status::OK();
}

// REQUIRES: index_mu_ held exclusively.
void PacketStore::ApplyScanEvent(uint64_t segment, const ScanEvent& ev) {
  const RecordLocation where{segment, ev.offset, ev.size};
  const bool tombstone = ev.meta.type == format::RecordType::kTombstone;
  if (ev.kind == ScanEvent::Kind::kRecord) {
    if (tombstone) {
      ForgetVideo(ev.meta.video_id);
    } else {
      Index(ev.meta, ev.payload_size, where);
    }
    return;
  }
  // A damaged tombstone whose header and meta CRCs still pass can only be
  // damaged in its trailer: its meaning is certain, so honour the delete.
  if (ev.key_known && tombstone) ForgetVideo(ev.meta.video_id);
  CorruptRecord c;
  c.segment = segment;
  c.offset = ev.offset;
  c.length = ev.size;
  c.key_known = ev.key_known;
  if (ev.key_known) c.key = {ev.meta.video_id, ev.meta.packet_number};
  c.reason = ev.reason;
  corrupt_.push_back(std::move(c));
  ++corrupt_records_;
}

}  // namespace fog::worker
