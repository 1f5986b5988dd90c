// File-system helpers for the packet store: segment naming and listing,
// whole-file and positional reads, directory sync, and the store's lock
// file. Thin wrappers over POSIX calls that turn errno into fog::Status.
//
// Segment paths are built only from sequence numbers, never from anything a
// peer sends (video ids are attacker-controlled).
//
// Thread-safety: all functions are reentrant. A FileLock object needs
// external synchronisation.

#ifndef FOG_WORKER_STORE_SEGMENT_FILE_H_
#define FOG_WORKER_STORE_SEGMENT_FILE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace fog::worker {

// "000042.log" for 42 (at least six digits; more once the sequence needs it).
std::string SegmentFileName(uint64_t seq);
std::string SegmentPath(const std::string& dir, uint64_t seq);

// Parses a name produced by SegmentFileName(). Returns false for any other
// name (the lock file, editor backups, "0.log", names with a sign...).
bool ParseSegmentFileName(std::string_view name, uint64_t* seq);

// Sequence numbers of the segment files in `dir`, ascending.
Result<std::vector<uint64_t>> ListSegments(const std::string& dir);

// Creates `dir` (one level) if it does not exist and `create` is true, and
// makes its entry durable. NotFound if absent and !create; IoError if it
// exists but is not a directory.
Status EnsureDirectory(const std::string& dir, bool create);

// fsync()s a directory so that entries created in it survive a crash.
Status SyncDirectory(const std::string& dir);

// Reads the whole file at `path`.
Result<Bytes> ReadWholeFile(const std::string& path);

// Reads exactly out.size() bytes at `offset` from `fd`, retrying short reads.
// IoError on error, Corruption if the file ends first.
Status PreadFull(int fd, uint64_t offset, std::span<uint8_t> out);

// Writes all of `data` at `offset`, retrying short writes.
Status PwriteFull(int fd, uint64_t offset, ByteView data);

// "<what> <path>: <strerror(errno)>".
std::string ErrnoText(std::string_view what, const std::string& path);

// An exclusive flock() on a file, held until destruction. Keeps two
// processes from appending to the same store; released by the kernel if the
// process dies, so a crash never leaves a stale lock.
class FileLock {
 public:
  // Unavailable if another process (or another open store in this process)
  // holds the lock; IoError if the file cannot be opened.
  static Result<FileLock> Acquire(const std::string& path);

  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace fog::worker

#endif  // FOG_WORKER_STORE_SEGMENT_FILE_H_
