// RandomBytes (random.h): the operating system's CSPRNG through
// getrandom(2), which blocks only until the kernel pool is first seeded.

#include "crypto/random.h"

#include <sys/random.h>

#include <cerrno>

namespace fog::crypto {

Status RandomBytes(std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;  // interrupted before any byte: retry
      return Status::IoError("getrandom failed");
    }
    done += static_cast<size_t>(n);  // large requests may return short
  }
  return Status::OK();
}

}  // namespace fog::crypto
