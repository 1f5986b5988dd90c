// Helpers shared by the packet-store tests: scratch directories, file
// surgery (truncate, flip a byte) and deterministic payloads.
//
// Thread-safety: TempDir objects need external synchronisation; the free
// functions are reentrant.

#ifndef FOG_WORKER_STORE_STORE_TEST_UTIL_H_
#define FOG_WORKER_STORE_STORE_TEST_UTIL_H_

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "common/bytes.h"

namespace fog::worker::testing {

// A fresh directory under /tmp, removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = "/tmp/fog_store_test_XXXXXX";
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Entry names in `dir` (no "." or ".."), sorted.
inline std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

inline uint64_t FileSize(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

inline void TruncateFile(const std::string& path, uint64_t size) {
  if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0) std::abort();
}

// XORs one byte of a file in place.
inline void FlipByte(const std::string& path, uint64_t offset,
                     uint8_t mask = 0x5a) {
  int fd = ::open(path.c_str(), O_RDWR);
  if (fd < 0) std::abort();
  uint8_t b = 0;
  if (::pread(fd, &b, 1, static_cast<off_t>(offset)) != 1) std::abort();
  b ^= mask;
  if (::pwrite(fd, &b, 1, static_cast<off_t>(offset)) != 1) std::abort();
  ::close(fd);
}

inline void AppendBytes(const std::string& path, const Bytes& data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND);
  if (fd < 0) std::abort();
  if (::write(fd, data.data(), data.size()) !=
      static_cast<ssize_t>(data.size())) {
    std::abort();
  }
  ::close(fd);
}

// `size` pseudo-random bytes determined by `seed` (splitmix64).
inline Bytes Payload(uint64_t seed, size_t size) {
  Bytes out(size);
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = 0; i < size; ++i) {
    if (i % 8 == 0) {
      x += 0x9E3779B97F4A7C15ull;
      uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      x = z ^ (z >> 31);
    }
    out[i] = static_cast<uint8_t>(x >> (8 * (i % 8)));
  }
  return out;
}

}  // namespace fog::worker::testing

#endif  // FOG_WORKER_STORE_STORE_TEST_UTIL_H_
