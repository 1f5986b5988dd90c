// POSIX file helpers for the packet store.

#include "worker/store/segment_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "worker/store/record_format.h"

namespace fog::worker {

std::string ErrnoText(std::string_view what, const std::string& path) {
  return std::string(what) + " " + path + ": " + std::strerror(errno);
}

std::string SegmentFileName(uint64_t seq) {
  std::string digits = std::to_string(seq);
  if (digits.size() < format::kSegmentNameDigits) {
    digits.insert(0, format::kSegmentNameDigits - digits.size(), '0');
  }
  return digits + format::kSegmentSuffix;
}

std::string SegmentPath(const std::string& dir, uint64_t seq) {
  return dir + "/" + SegmentFileName(seq);
}

bool ParseSegmentFileName(std::string_view name, uint64_t* seq) {
  const std::string_view suffix = format::kSegmentSuffix;
  if (name.size() <= suffix.size() || !name.ends_with(suffix)) return false;
  std::string_view digits = name.substr(0, name.size() - suffix.size());
  if (digits.size() > 19) return false;  // would overflow uint64_t
  uint64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  // Only the canonical spelling, so "1.log" and "000001.log" cannot both
  // claim sequence 1.
  if (v == 0 || SegmentFileName(v) != name) return false;
  *seq = v;
  return true;
}

Result<std::vector<uint64_t>> ListSegments(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return Status::IoError(ErrnoText("cannot list", dir));
  std::vector<uint64_t> seqs;
  errno = 0;
  while (const dirent* e = ::readdir(d)) {
    uint64_t seq = 0;
    if (ParseSegmentFileName(e->d_name, &seq)) seqs.push_back(seq);
  }
  const bool failed = errno != 0;
  ::closedir(d);
  if (failed) return Status::IoError(ErrnoText("cannot list", dir));
  std::sort(seqs.begin(), seqs.end());
  return seqs;
}

Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(ErrnoText("cannot open", dir));
  const int rc = ::fsync(fd);
  Status s =
      rc == 0 ? Status::OK() : Status::IoError(ErrnoText("cannot sync", dir));
  ::close(fd);
  return s;
}

Status EnsureDirectory(const std::string& dir, bool create) {
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      return Status::IoError(dir + " is not a directory");
    return Status::OK();
  }
  if (errno != ENOENT) return Status::IoError(ErrnoText("cannot stat", dir));
  if (!create) return Status::NotFound("no store at " + dir);
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::IoError(ErrnoText("cannot create", dir));
  }
  // The new entry lives in the parent directory: sync that too.
  std::string parent = dir;
  while (parent.size() > 1 && parent.back() == '/') parent.pop_back();
  const size_t slash = parent.rfind('/');
  parent = slash == std::string::npos ? "."
           : slash == 0               ? "/"
                                      : parent.substr(0, slash);
  return SyncDirectory(parent);
}

Status PreadFull(int fd, uint64_t offset, std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::pread(fd, out.data() + done, out.size() - done,
                        static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(ErrnoText("cannot read", "segment"));
    if (n == 0) return Status::Corruption("segment ends inside a record");
    done += static_cast<size_t>(n);
  }
  return Status::OK();
}

Status PwriteFull(int fd, uint64_t offset, ByteView data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done,
                         static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(ErrnoText("cannot write", "segment"));
    done += static_cast<size_t>(n);
  }
  return Status::OK();
}

Result<Bytes> ReadWholeFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(ErrnoText("cannot open", path));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    Status s = Status::IoError(ErrnoText("cannot stat", path));
    ::close(fd);
    return s;
  }
  Bytes data(static_cast<size_t>(st.st_size));
  Status s = PreadFull(fd, 0, data);
  ::close(fd);
  if (!s.ok()) return Status::IoError(path + ": " + s.message());
  return data;
}

Result<FileLock> FileLock::Acquire(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError(ErrnoText("cannot open", path));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    Status s = errno == EWOULDBLOCK
                   ? Status::Unavailable(path + " is locked by another user")
                   : Status::IoError(ErrnoText("cannot lock", path));
    ::close(fd);
    return s;
  }
  return FileLock(fd);
}

FileLock::FileLock(FileLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace fog::worker
