// SWIFFT entry points: run-time selection of the kernel and the 72-byte
// output encoding.

#include "crypto/sis/swifft.h"

#include <cassert>

#include "crypto/sis/swifft_internal.h"

namespace fog::sis {
namespace internal {
namespace {

bool CpuRuns(SwifftPath path) {
#ifdef FOG_PORTABLE
  return path == SwifftPath::kPortable;
#else
  switch (path) {
    case SwifftPath::kPortable:
      return true;
    case SwifftPath::kAvx2:
      return __builtin_cpu_supports("avx2");
    case SwifftPath::kAvx512:
      return __builtin_cpu_supports("avx2") &&
             __builtin_cpu_supports("avx512f") &&
             __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vnni");
  }
  return false;
#endif
}

const SwifftKernel* SelectBest() {
#ifndef FOG_PORTABLE
  if (CpuRuns(SwifftPath::kAvx512)) return &kAvx512Kernel;
  if (CpuRuns(SwifftPath::kAvx2)) return &kAvx2Kernel;
#endif
  return &kPortableKernel;
}

}  // namespace

const SwifftKernel* KernelFor(SwifftPath path) {
  if (!CpuRuns(path)) return nullptr;
  switch (path) {
    case SwifftPath::kPortable:
      return &kPortableKernel;
#ifndef FOG_PORTABLE
    case SwifftPath::kAvx2:
      return &kAvx2Kernel;
    case SwifftPath::kAvx512:
      return &kAvx512Kernel;
#endif
    default:
      return nullptr;
  }
}

const SwifftKernel& BestKernel() {
  // Selected once; the function-local static is initialised thread-safely.
  static const SwifftKernel* const best = SelectBest();
  return *best;
}

}  // namespace internal

bool SwifftPathAvailable(SwifftPath path) {
  return internal::KernelFor(path) != nullptr;
}

SwifftPath SwifftBestPath() { return internal::BestKernel().path; }

const char* SwifftPathName(SwifftPath path) {
  switch (path) {
    case SwifftPath::kPortable:
      return "portable";
    case SwifftPath::kAvx2:
      return "avx2";
    case SwifftPath::kAvx512:
      return "avx512";
  }
  return "unknown";
}

SwifftValues SwifftCompressWith(SwifftPath path, const uint8_t* in) {
  const internal::SwifftKernel* kernel = internal::KernelFor(path);
  assert(kernel != nullptr);
  SwifftValues z;
  kernel->compress(in, in + internal::kStateBytes, z.data());
  return z;
}

SwifftValues SwifftCompress(const uint8_t* in) {
  SwifftValues z;
  internal::BestKernel().compress(in, in + internal::kStateBytes, z.data());
  return z;
}

std::array<uint8_t, kSwifftOutputBytes> EncodeSwifft72(const SwifftValues& z) {
  std::array<uint8_t, kSwifftOutputBytes> out;
  uint64_t mask = 0;
  for (int e = 0; e < kSwifftN; ++e) {
    out[e] = static_cast<uint8_t>(z[e]);
    mask |= static_cast<uint64_t>(z[e] == 256) << e;
  }
  const uint64_t flags = internal::FlagBytes(mask);
  for (int u = 0; u < 8; ++u) {
    out[64 + u] = static_cast<uint8_t>(flags >> (8 * u));
  }
  return out;
}

}  // namespace fog::sis
