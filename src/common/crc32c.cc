// CRC32C: slicing-by-8 tables built at compile time, plus the SSE4.2 path.

#include "common/crc32c.h"

#include <array>
#include <bit>
#include <cstring>

#if defined(__x86_64__) && !defined(FOG_PORTABLE)
#include <nmmintrin.h>
#define FOG_STORE_CRC32C_SSE42 1
#endif

namespace fog::crc32c {
namespace {

constexpr uint32_t kPoly = 0x82F63B78u;  // 0x1EDC6F41 bit-reversed

using Tables = std::array<std::array<uint32_t, 256>, 8>;

// tables[0] is the classic byte-at-a-time table; tables[k][b] is the CRC of
// byte b followed by k zero bytes, which lets the loop below fold eight input
// bytes with eight independent lookups.
constexpr Tables MakeTables() {
  Tables t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t crc = b;
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc >> 1) ^ ((crc & 1) ? kPoly : 0);
    t[0][b] = crc;
  }
  for (uint32_t b = 0; b < 256; ++b) {
    for (int k = 1; k < 8; ++k) {
      uint32_t prev = t[k - 1][b];
      t[k][b] = (prev >> 8) ^ t[0][prev & 0xff];
    }
  }
  return t;
}

constexpr Tables kTables = MakeTables();
static_assert(kTables[0][1] == 0xF26B8303u, "CRC32C table generation");

uint64_t LoadLe64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big)
    v = __builtin_bswap64(v);
  return v;
}

#ifdef FOG_STORE_CRC32C_SSE42
__attribute__((target("sse4.2"))) uint32_t ExtendSse42(uint32_t init_crc,
                                                       ByteView data) {
  const uint8_t* p = data.data();
  size_t n = data.size();
  uint64_t crc = ~init_crc;
  for (; n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0; --n, ++p) {
    crc = _mm_crc32_u8(static_cast<uint32_t>(crc), *p);
  }
  for (; n >= 8; n -= 8, p += 8) crc = _mm_crc32_u64(crc, LoadLe64(p));
  for (; n > 0; --n, ++p) crc = _mm_crc32_u8(static_cast<uint32_t>(crc), *p);
  return ~static_cast<uint32_t>(crc);
}

bool CpuHasSse42() {
  static const bool has = __builtin_cpu_supports("sse4.2");
  return has;
}
#endif

}  // namespace

uint32_t ExtendPortable(uint32_t init_crc, ByteView data) {
  const uint8_t* p = data.data();
  size_t n = data.size();
  uint32_t crc = ~init_crc;
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t v = LoadLe64(p) ^ crc;
    crc = kTables[7][v & 0xff] ^ kTables[6][(v >> 8) & 0xff] ^
          kTables[5][(v >> 16) & 0xff] ^ kTables[4][(v >> 24) & 0xff] ^
          kTables[3][(v >> 32) & 0xff] ^ kTables[2][(v >> 40) & 0xff] ^
          kTables[1][(v >> 48) & 0xff] ^ kTables[0][v >> 56];
  }
  for (; n > 0; --n, ++p) crc = (crc >> 8) ^ kTables[0][(crc ^ *p) & 0xff];
  return ~crc;
}

uint32_t Extend(uint32_t init_crc, ByteView data) {
#ifdef FOG_STORE_CRC32C_SSE42
  if (CpuHasSse42()) return ExtendSse42(init_crc, data);
#endif
  return ExtendPortable(init_crc, data);
}

bool HardwareAccelerated() {
#ifdef FOG_STORE_CRC32C_SSE42
  return CpuHasSse42();
#else
  return false;
#endif
}

}  // namespace fog::crc32c
