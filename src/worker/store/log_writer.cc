// Segment appends: write, fdatasync, roll.

#include "worker/store/log_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cassert>

#include "worker/store/segment_file.h"

namespace fog::worker {
namespace {

// Opens an existing segment for writing, or creates a new one (and syncs the
// directory so the new entry survives a crash).
Result<int> OpenSegment(const std::string& dir, uint64_t seq, bool create) {
  const std::string path = SegmentPath(dir, seq);
  const int flags = O_WRONLY | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0);
  const int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return Status::IoError(ErrnoText("cannot open", path));
  if (create) {
    Status s = SyncDirectory(dir);
    if (!s.ok()) {
      ::close(fd);
      return s;
    }
  }
  return fd;
}

}  // namespace

LogWriter::LogWriter(std::string dir, uint64_t segment_bytes, uint64_t seq,
                     int fd, uint64_t size)
    : dir_(std::move(dir)),
      segment_bytes_(segment_bytes),
      seq_(seq),
      fd_(fd),
      size_(size),
      synced_size_(size) {}

LogWriter::~LogWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<LogWriter>> LogWriter::Open(const std::string& dir,
                                                   uint64_t seq, uint64_t keep,
                                                   uint64_t segment_bytes) {
  assert(segment_bytes > 0);
  const bool create = seq == 0;
  if (create) {
    seq = 1;
    keep = 0;
  }
  Result<int> fd = OpenSegment(dir, seq, create);
  if (!fd.ok()) return fd.status();
  std::unique_ptr<LogWriter> w(
      new LogWriter(dir, segment_bytes, seq, *fd, keep));
  struct stat st;
  if (::fstat(*fd, &st) != 0) {
    return Status::IoError(ErrnoText("cannot stat", SegmentPath(dir, seq)));
  }
  // Cut the torn tail so new records follow the last good one directly.
  if (static_cast<uint64_t>(st.st_size) != keep &&
      ::ftruncate(*fd, static_cast<off_t>(keep)) != 0) {
    return Status::IoError(ErrnoText("cannot truncate", SegmentPath(dir, seq)));
  }
  // Sync even when nothing was cut: a process killed between write and
  // fdatasync leaves records only in the page cache. Recovery has just
  // indexed them, and a Put of the same key would now answer kDuplicate, so
  // they must be made as durable as an acknowledged record. (Older segments
  // were synced before the writer rolled past them.)
  if (::fsync(*fd) != 0) {
    return Status::IoError(ErrnoText("cannot sync", SegmentPath(dir, seq)));
  }
  return w;
}

Status LogWriter::Sync() {
  if (synced_size_ == size_) return Status::OK();
  if (::fdatasync(fd_) != 0) {
    return Status::IoError(ErrnoText("cannot sync", SegmentPath(dir_, seq_)));
  }
  synced_size_ = size_;
  return Status::OK();
}

Status LogWriter::Roll() {
  Status s = Sync();
  if (!s.ok()) return s;
  Result<int> fd = OpenSegment(dir_, seq_ + 1, /*create=*/true);
  if (!fd.ok()) return fd.status();
  ::close(fd_);
  fd_ = *fd;
  ++seq_;
  size_ = 0;
  synced_size_ = 0;
  return Status::OK();
}

Status LogWriter::WriteRecord(const EncodedRecord& rec) {
  uint64_t at = size_;
  for (ByteView piece :
       {ByteView(rec.prefix), rec.payload, ByteView(rec.trailer)}) {
    Status s = PwriteFull(fd_, at, piece);
    if (!s.ok()) return s;
    at += piece.size();
  }
  size_ = at;
  return Status::OK();
}

Status LogWriter::Append(std::span<const EncodedRecord> records,
                         std::vector<RecordLocation>* locations) {
  locations->clear();
  Status s;
  for (const EncodedRecord& rec : records) {
    if (size_ > 0 && size_ + rec.size() > segment_bytes_) s = Roll();
    if (!s.ok()) break;
    locations->push_back({seq_, size_, rec.size()});
    s = WriteRecord(rec);
    if (!s.ok()) break;
  }
  if (s.ok()) s = Sync();
  if (!s.ok()) {
    // Leave no half-written record behind for later appends to follow.
    // Best effort: the writer is abandoned after this anyway.
    if (::ftruncate(fd_, static_cast<off_t>(synced_size_)) == 0) {
      size_ = synced_size_;
    }
    locations->clear();
  }
  return s;
}

}  // namespace fog::worker
