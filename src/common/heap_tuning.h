// Keeps message-sized buffers in the malloc heap.
//
// Every packet allocates and frees buffers of 64 KiB to a few MiB on its way
// through the MQTT client library, the broker and our code. glibc returns
// the free top of a heap to the kernel once it exceeds the trim threshold
// (by default twice a threshold that follows the largest buffer freed so
// far), and serves buffers above the mmap threshold with mmap of their own.
// With many messages in flight a heap's top grows and shrinks by megabytes,
// and every regrowth faults in fresh zeroed pages. Faults are dear on
// virtual machines: on the reference machine a 1 MiB message through
// Mosquitto cost 23 ms of CPU with the defaults and 1.7 ms with these
// settings (docs/performance.md). The price is that a process keeps up to
// kHeapTrimThreshold of freed memory per arena for reuse.

#ifndef FOG_COMMON_HEAP_TUNING_H_
#define FOG_COMMON_HEAP_TUNING_H_

#include <cstddef>
#include <string>

#include "common/status.h"

namespace fog {

// Buffers up to this size come from the heap (glibc's largest allowed).
inline constexpr size_t kHeapMmapThreshold = size_t{32} << 20;
// Free memory at a heap's top is kept up to this size.
inline constexpr size_t kHeapTrimThreshold = size_t{64} << 20;

// Applies both thresholds to this process (mallopt). Call it first in
// main(), before threads start. Internal if glibc refuses one.
Status TuneHeapForMessageBuffers();

// The same settings for a child process that uses glibc's malloc (e.g.
// Mosquitto): the value for its GLIBC_TUNABLES, appended to `inherited`
// (the parent's value, may be empty) so that other tunables stay.
std::string GlibcMallocTunables(const std::string& inherited);

}  // namespace fog

#endif  // FOG_COMMON_HEAP_TUNING_H_
