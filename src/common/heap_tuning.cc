#include "common/heap_tuning.h"

#include <malloc.h>

namespace fog {

Status TuneHeapForMessageBuffers() {
#if defined(__SANITIZE_ADDRESS__)
  return Status::OK();  // the sanitizer's allocator serves malloc, not glibc
#else
  // Setting the mmap threshold also stops glibc from moving it on its own.
  if (mallopt(M_MMAP_THRESHOLD, static_cast<int>(kHeapMmapThreshold)) != 1) {
    return Status::Internal("malloc refused M_MMAP_THRESHOLD");
  }
  if (mallopt(M_TRIM_THRESHOLD, static_cast<int>(kHeapTrimThreshold)) != 1) {
    return Status::Internal("malloc refused M_TRIM_THRESHOLD");
  }
  return Status::OK();
#endif
}

std::string GlibcMallocTunables(const std::string& inherited) {
  std::string ours =
      "glibc.malloc.mmap_threshold=" + std::to_string(kHeapMmapThreshold) +
      ":glibc.malloc.trim_threshold=" + std::to_string(kHeapTrimThreshold);
  // A later setting of the same tunable wins, so ours go last.
  return inherited.empty() ? ours : inherited + ":" + ours;
}

}  // namespace fog
