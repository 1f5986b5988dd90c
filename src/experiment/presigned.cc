#include "experiment/presigned.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace fog::experiment {

namespace {

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

}  // namespace

Result<std::unique_ptr<PresignedFile>> PresignedFile::Create(
    const std::string& path, uint64_t expected_bytes, uint64_t reserve_bytes) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  struct statvfs fs;
  if (::statvfs(dir.empty() ? "." : dir.c_str(), &fs) != 0)
    return Status::IoError(Errno("statvfs", dir));
  const uint64_t free_bytes = uint64_t{fs.f_bavail} * fs.f_frsize;
  const uint64_t room =
      free_bytes > reserve_bytes ? free_bytes - reserve_bytes : 0;
  if (expected_bytes > room) {
    return Status::InvalidArgument(
        std::to_string(expected_bytes >> 20) +
        " MiB of pre-signed packets do not fit in " + dir + ": " +
        std::to_string(free_bytes >> 20) + " MiB free, of which " +
        std::to_string(reserve_bytes >> 20) +
        " MiB stay for the fog's stores; shorten duration_s, lower the "
        "bitrate or free space");
  }
  const int fd =
      ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError(Errno("open", path));
  return std::unique_ptr<PresignedFile>(new PresignedFile(path, fd));
}

PresignedFile::~PresignedFile() {
  ::close(fd_);
  ::unlink(path_.c_str());
}

Result<PresignedFile::Ref> PresignedFile::Append(ByteView packet) {
  const Ref ref{.offset = size_, .size = static_cast<uint32_t>(packet.size())};
  size_t done = 0;
  while (done < packet.size()) {
    const ssize_t n = ::pwrite(fd_, packet.data() + done, packet.size() - done,
                               static_cast<off_t>(size_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::IoError(Errno("write", path_));
    done += static_cast<size_t>(n);
  }
  size_ += packet.size();
  return ref;
}

Status PresignedFile::Flush() {
  if (::fdatasync(fd_) != 0) return Status::IoError(Errno("fdatasync", path_));
  return Status::OK();
}

Result<Bytes> PresignedFile::Read(Ref ref) const {
  if (ref.offset + ref.size > size_)
    return Status::InvalidArgument("read past the end of " + path_);
  Bytes out(ref.size);
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd_, out.data() + done, out.size() - done,
                              static_cast<off_t>(ref.offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::IoError(Errno("read", path_));
    done += static_cast<size_t>(n);
  }
  return out;
}

}  // namespace fog::experiment
