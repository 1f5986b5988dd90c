// PacketStore: opening, writing and reading. Recovery (the scan that
// rebuilds the index) is in packet_store_recovery.cc.

#include "worker/store/packet_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <utility>

#include "worker/store/log_writer.h"

namespace fog::worker {
namespace {

RecordMeta ToRecordMeta(const PacketMeta& meta, int64_t now) {
  RecordMeta rm;
  rm.type = format::RecordType::kPacket;
  rm.authenticated = meta.authenticated;
  rm.received_unix_micros = now;
  rm.packet_number = meta.packet_number;
  rm.total_packets = meta.total_packets;
  rm.video_id = meta.video_id;
  rm.format = meta.format;
  return rm;
}

Status ValidateVideoId(std::string_view video_id) {
  if (video_id.empty()) return Status::InvalidArgument("empty video id");
  if (video_id.size() > format::kMaxVideoIdBytes) {
    return Status::InvalidArgument("video id longer than 1024 bytes");
  }
  return Status::OK();
}

}  // namespace

PacketStore::PacketStore(std::string dir, StoreOptions options, FileLock lock)
    : dir_(std::move(dir)),
      options_(std::move(options)),
      lock_(std::move(lock)) {}

PacketStore::~PacketStore() = default;

Result<std::unique_ptr<PacketStore>> PacketStore::Open(const std::string& dir,
                                                       StoreOptions options) {
  if (options.segment_bytes == 0) {
    return Status::InvalidArgument("segment_bytes must be positive");
  }
  if (options.max_payload_bytes > format::kMaxPayloadBytes) {
    return Status::InvalidArgument("max_payload_bytes above 4 GiB - 1");
  }
  Status s = EnsureDirectory(dir, options.create_if_missing);
  if (!s.ok()) return s;
  Result<FileLock> lock = FileLock::Acquire(dir + "/" + format::kLockFileName);
  if (!lock.ok()) return lock.status();
  std::unique_ptr<PacketStore> store(
      new PacketStore(dir, std::move(options), std::move(*lock)));
  s = store->Recover();
  if (!s.ok()) return s;
  return store;
}

int64_t PacketStore::Now() const {
  if (options_.now_unix_micros) return options_.now_unix_micros();
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status PacketStore::ValidatePut(const PacketMeta& meta,
                                ByteView payload) const {
  Status s = ValidateVideoId(meta.video_id);
  if (!s.ok()) return s;
  if (meta.packet_number < 1)
    return Status::InvalidArgument("packet_number < 1");
  if (meta.total_packets < 0)
    return Status::InvalidArgument("total_packets < 0");
  if (meta.format.size() > format::kMaxFormatBytes) {
    return Status::InvalidArgument("format longer than 255 bytes");
  }
  if (payload.size() > options_.max_payload_bytes) {
    return Status::InvalidArgument("payload of " +
                                   std::to_string(payload.size()) +
                                   " bytes exceeds the limit");
  }
  return Status::OK();
}

// REQUIRES: write_mu_ held.
Result<std::optional<PutOutcome>> PacketStore::ExistingOutcome(
    const PacketMeta& meta, ByteView payload) {
  RecordLocation where;
  {
    std::shared_lock lock(index_mu_);
    const IndexedPacket* p = index_.Find(meta.video_id, meta.packet_number);
    if (p == nullptr) return std::optional<PutOutcome>();
    if (p->payload_size != payload.size()) return {PutOutcome::kConflict};
    where = p->location;
  }
  // The stored bytes are compared, not a digest kept per packet: a key
  // arrives again only on a redelivery or a conflict, so reading it back
  // then costs less than hashing every payload stored (docs/store-format.md).
  Result<Bytes> stored =
      ReadRecord(meta.video_id, meta.packet_number, where, payload.size());
  if (stored.status().code() == Status::Code::kCorruption) {
    // The stored copy is damaged: drop it, and this payload takes the key.
    DropCorruptLocked(meta.video_id, meta.packet_number, where,
                      stored.status().message());
    return {PutOutcome::kReplacedDamaged};
  }
  if (!stored.ok()) return stored.status();
  const bool same = std::equal(stored->begin(), stored->end(), payload.begin());
  return {same ? PutOutcome::kDuplicate : PutOutcome::kConflict};
}

// REQUIRES: write_mu_ held.
Status PacketStore::Append(std::span<const EncodedRecord> records,
                           std::vector<RecordLocation>* locations) {
  if (!write_error_.ok()) return write_error_;
  const uint64_t first_segment = writer_->segment();
  Status s = writer_->Append(records, locations);
  if (!s.ok()) {
    write_error_ = s;  // see LogWriter::Append: the writer is now unusable
    return s;
  }
  std::unique_lock lock(index_mu_);
  segments_ += writer_->segment() - first_segment;
  for (const RecordLocation& loc : *locations) file_bytes_ += loc.size;
  return Status::OK();
}

// REQUIRES: index_mu_ held exclusively.
void PacketStore::Index(const RecordMeta& meta, uint64_t payload_size,
                        const RecordLocation& where) {
  IndexedPacket p;
  p.location = where;
  p.total_packets = meta.total_packets;
  p.received_unix_micros = meta.received_unix_micros;
  p.payload_size = static_cast<uint32_t>(payload_size);
  p.authenticated = meta.authenticated;
  p.format = meta.format;
  index_.Insert(meta.video_id, meta.packet_number, std::move(p));
}

Result<PutOutcome> PacketStore::Put(const PacketMeta& meta, ByteView payload) {
  PutRequest request{meta, payload};
  Result<std::vector<PutOutcome>> r = PutBatch({&request, 1});
  if (!r.ok()) return r.status();
  return r->front();
}

// REQUIRES: write_mu_ held, so the index cannot change under the answer.
Result<std::vector<PutOutcome>> PacketStore::Classify(
    std::span<const PutRequest> batch) {
  std::vector<PutOutcome> outcomes;
  // First occurrence of each key in this batch -> its request index.
  std::map<std::pair<std::string_view, int64_t>, size_t> first;
  for (size_t i = 0; i < batch.size(); ++i) {
    const PacketMeta& m = batch[i].meta;
    Result<std::optional<PutOutcome>> existing =
        ExistingOutcome(m, batch[i].payload);
    if (!existing.ok()) return existing.status();
    auto [it, fresh] = first.try_emplace({m.video_id, m.packet_number}, i);
    if (!*existing && !fresh) {
      const ByteView a = batch[it->second].payload, b = batch[i].payload;
      const bool same = std::ranges::equal(a, b);
      *existing = same ? PutOutcome::kDuplicate : PutOutcome::kConflict;
    }
    outcomes.push_back(existing->value_or(PutOutcome::kStored));
  }
  return outcomes;
}

Result<std::vector<PutOutcome>> PacketStore::PutBatch(
    std::span<const PutRequest> batch) {
  for (const PutRequest& r : batch) {
    Status s = ValidatePut(r.meta, r.payload);
    if (!s.ok()) return s;
  }
  std::lock_guard write_lock(write_mu_);
  if (!write_error_.ok()) return write_error_;
  Result<std::vector<PutOutcome>> classified = Classify(batch);
  if (!classified.ok()) return classified.status();
  std::vector<PutOutcome> outcomes = std::move(*classified);
  const int64_t now = Now();
  std::vector<RecordMeta> metas;
  std::vector<EncodedRecord> records;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!Written(outcomes[i])) continue;
    metas.push_back(ToRecordMeta(batch[i].meta, now));
    records.push_back(EncodeRecord(metas.back(), batch[i].payload));
  }
  if (records.empty()) return outcomes;
  std::vector<RecordLocation> locations;
  Status s = Append(records, &locations);
  if (!s.ok()) return s;
  std::unique_lock lock(index_mu_);
  for (size_t k = 0; k < records.size(); ++k) {
    Index(metas[k], records[k].payload.size(), locations[k]);
  }
  return outcomes;
}

Status PacketStore::DeleteVideo(std::string_view video_id) {
  Status s = ValidateVideoId(video_id);
  if (!s.ok()) return s;
  RecordMeta tomb;
  tomb.type = format::RecordType::kTombstone;
  tomb.received_unix_micros = Now();
  tomb.video_id = std::string(video_id);
  EncodedRecord rec = EncodeRecord(tomb, {});

  std::lock_guard write_lock(write_mu_);
  std::vector<RecordLocation> locations;
  s = Append({&rec, 1}, &locations);
  if (!s.ok()) return s;
  std::unique_lock lock(index_mu_);
  ForgetVideo(video_id);
  return Status::OK();
}

// REQUIRES: index_mu_ held exclusively.
void PacketStore::ForgetVideo(std::string_view video_id) {
  index_.EraseVideo(video_id);
  std::erase_if(corrupt_, [&](const CorruptRecord& c) {
    return c.key_known && c.key.video_id == video_id;
  });
}

Result<Bytes> PacketStore::ReadRecord(std::string_view video_id,
                                      int64_t packet_number,
                                      const RecordLocation& where,
                                      uint64_t payload_size) const {
  const std::string path = SegmentPath(dir_, where.segment);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(ErrnoText("cannot open", path));
  // Three buffers so the payload is read straight into the returned Bytes.
  Bytes prefix(where.size - payload_size - format::kTrailerSize);
  Bytes payload(payload_size);
  Bytes trailer(format::kTrailerSize);
  Status s = PreadFull(fd, where.offset, prefix);
  if (s.ok()) s = PreadFull(fd, where.offset + prefix.size(), payload);
  if (s.ok()) {
    s = PreadFull(fd, where.offset + prefix.size() + payload_size, trailer);
  }
  ::close(fd);
  RecordMeta meta;
  if (s.ok()) s = CheckRecord(prefix, payload, trailer, &meta);
  if (s.ok() &&
      (meta.type != format::RecordType::kPacket || meta.video_id != video_id ||
       meta.packet_number != packet_number)) {
    s = Status::Corruption("record holds a different key than the index");
  }
  if (!s.ok()) return s;
  return payload;
}

Result<Bytes> PacketStore::Get(std::string_view video_id,
                               int64_t packet_number) {
  RecordLocation where;
  uint64_t payload_size = 0;
  {
    std::shared_lock lock(index_mu_);
    const IndexedPacket* p = index_.Find(video_id, packet_number);
    if (p == nullptr && KnownCorrupt(video_id, packet_number)) {
      return Status::Corruption("packet's record is damaged; re-fetch it");
    }
    if (p == nullptr) return Status::NotFound("packet not stored");
    where = p->location;
    payload_size = p->payload_size;
  }
  // The record is complete and synced before it enters the index, and
  // segments are append-only, so reading it without a lock is safe.
  Result<Bytes> payload =
      ReadRecord(video_id, packet_number, where, payload_size);
  if (payload.status().code() == Status::Code::kCorruption) {
    DropCorrupt(video_id, packet_number, where, payload.status().message());
  }
  return payload;
}

void PacketStore::DropCorrupt(std::string_view video_id, int64_t n,
                              const RecordLocation& where, std::string reason) {
  // Taking the writer lock orders this against Put's duplicate check, so a
  // Put never answers kDuplicate against a copy that was just found bad.
  std::lock_guard write_lock(write_mu_);
  DropCorruptLocked(video_id, n, where, std::move(reason));
}

// REQUIRES: write_mu_ held.
void PacketStore::DropCorruptLocked(std::string_view video_id, int64_t n,
                                    const RecordLocation& where,
                                    std::string reason) {
  std::unique_lock lock(index_mu_);
  const IndexedPacket* p = index_.Find(video_id, n);
  if (p == nullptr || !(p->location == where)) return;  // already handled
  index_.EraseIfAt(video_id, n, where);
  CorruptRecord c;
  c.segment = where.segment;
  c.offset = where.offset;
  c.length = where.size;
  c.key_known = true;
  c.key = {std::string(video_id), n};
  c.reason = std::move(reason);
  corrupt_.push_back(std::move(c));
  ++corrupt_records_;
}

// REQUIRES: index_mu_ held. Linear, but only on a miss, and the list is
// empty on a healthy disk.
bool PacketStore::KnownCorrupt(std::string_view video_id, int64_t n) const {
  return std::any_of(corrupt_.begin(), corrupt_.end(),
                     [&](const CorruptRecord& c) {
                       return c.key_known && c.key.packet_number == n &&
                              c.key.video_id == video_id;
                     });
}

std::optional<PacketInfo> PacketStore::Info(std::string_view video_id,
                                            int64_t packet_number) const {
  std::shared_lock lock(index_mu_);
  const IndexedPacket* p = index_.Find(video_id, packet_number);
  if (p == nullptr) return std::nullopt;
  PacketInfo info;
  info.meta = {std::string(video_id), packet_number, p->total_packets,
               p->format, p->authenticated};
  info.received_unix_micros = p->received_unix_micros;
  info.payload_size = p->payload_size;
  return info;
}

std::vector<int64_t> PacketStore::PacketNumbers(
    std::string_view video_id) const {
  std::shared_lock lock(index_mu_);
  return index_.PacketNumbers(video_id);
}

std::vector<VideoSummary> PacketStore::Videos() const {
  std::shared_lock lock(index_mu_);
  return index_.Videos();
}

std::optional<VideoSummary> PacketStore::Video(
    std::string_view video_id) const {
  std::shared_lock lock(index_mu_);
  return index_.Video(video_id);
}

uint64_t PacketStore::file_bytes() const {
  std::shared_lock lock(index_mu_);
  return file_bytes_;
}

StoreStats PacketStore::stats() const {
  std::shared_lock lock(index_mu_);
  StoreStats st;
  st.live_packets = index_.live_packets();
  st.live_payload_bytes = index_.live_payload_bytes();
  st.live_record_bytes = index_.live_record_bytes();
  st.file_bytes = file_bytes_;
  st.segments = segments_;
  st.torn_tail_bytes_truncated = torn_tail_bytes_;
  st.corrupt_records = corrupt_records_;
  st.corrupt = corrupt_;
  for (const CorruptRecord& c : corrupt_) {
    if (c.key_known && c.key.packet_number >= 1 &&
        index_.Find(c.key.video_id, c.key.packet_number) == nullptr) {
      st.corrupt_keys.push_back(c.key);
    }
  }
  std::sort(st.corrupt_keys.begin(), st.corrupt_keys.end());
  st.corrupt_keys.erase(
      std::unique(st.corrupt_keys.begin(), st.corrupt_keys.end()),
      st.corrupt_keys.end());
  return st;
}

}  // namespace fog::worker
