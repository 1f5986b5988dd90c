// CRC32C (Castagnoli, polynomial 0x1EDC6F41, reflected 0x82F63B78): the
// checksum that guards every packet-store and master-journal record
// (docs/store-format.md, docs/durability.md).
//
// Written here rather than taken from zlib because zlib's crc32 is the IEEE
// polynomial, which detects fewer error patterns in long records, and CRC32C
// has a hardware instruction on x86-64 (SSE4.2) that we use when the CPU has
// it. The portable path is table driven (slicing-by-8); the tables are
// computed at compile time by the constexpr code in crc32c.cc.
//
// Thread-safety: all functions are reentrant.

#ifndef FOG_COMMON_CRC32C_H_
#define FOG_COMMON_CRC32C_H_

#include <cstdint>

#include "common/bytes.h"

namespace fog::crc32c {

// Returns the CRC32C of `init_crc`'s message followed by `data`. Extend(0, x)
// is the CRC32C of x; Extend(Extend(0, a), b) == Extend(0, a ‖ b).
uint32_t Extend(uint32_t init_crc, ByteView data);

inline uint32_t Value(ByteView data) { return Extend(0, data); }

// The portable (table) path, exposed so tests can compare it with the
// hardware path on the same inputs.
uint32_t ExtendPortable(uint32_t init_crc, ByteView data);

// True when Extend() uses the SSE4.2 instruction on this machine.
bool HardwareAccelerated();

// A CRC stored next to the data it covers is masked, so that computing the
// CRC of a buffer that itself contains CRCs does not degenerate (the same
// reasoning and constant as leveldb's util/crc32c.h).
inline uint32_t Mask(uint32_t crc) {
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

inline uint32_t Unmask(uint32_t masked) {
  uint32_t rot = masked - 0xa282ead8u;
  return (rot >> 17) | (rot << 15);
}

}  // namespace fog::crc32c

#endif  // FOG_COMMON_CRC32C_H_
