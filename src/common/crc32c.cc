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
// The SSE4.2 loop below runs three streams of kStripe bytes side by side:
// one crc32 instruction has a latency of three cycles but a throughput of
// one a cycle, so a single chain of them uses a third of the unit.
constexpr size_t kStripe = 1024;

// The CRC register after kStripe zero bytes, as a linear map of the register
// before, in four byte-indexed tables: ZeroShift(r) = t[0][r & 0xff] ^ ... .
// Streams two and three start from a zero register; the register of the
// whole is then ZeroShift(ZeroShift(a) ^ b) ^ c.
struct ZeroShiftTables {
  std::array<std::array<uint32_t, 256>, 4> t;
};

ZeroShiftTables MakeZeroShiftTables() {
  uint32_t basis[32];
  for (int i = 0; i < 32; ++i) {
    uint32_t r = 1u << i;
    for (size_t n = 0; n < kStripe; ++n) r = (r >> 8) ^ kTables[0][r & 0xff];
    basis[i] = r;
  }
  ZeroShiftTables z{};
  for (int k = 0; k < 4; ++k) {
    for (uint32_t b = 0; b < 256; ++b) {
      for (int bit = 0; bit < 8; ++bit) {
        if ((b >> bit) & 1) z.t[k][b] ^= basis[8 * k + bit];
      }
    }
  }
  return z;
}

uint32_t ZeroShift(uint32_t r) {
  static const ZeroShiftTables z = MakeZeroShiftTables();
  return z.t[0][r & 0xff] ^ z.t[1][(r >> 8) & 0xff] ^ z.t[2][(r >> 16) & 0xff] ^
         z.t[3][r >> 24];
}

__attribute__((target("sse4.2"))) uint32_t ExtendSse42(uint32_t init_crc,
                                                       ByteView data) {
  const uint8_t* p = data.data();
  size_t n = data.size();
  uint64_t crc = ~init_crc;
  for (; n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0; --n, ++p) {
    crc = _mm_crc32_u8(static_cast<uint32_t>(crc), *p);
  }
  for (; n >= 3 * kStripe; n -= 3 * kStripe, p += 3 * kStripe) {
    uint64_t a = crc, b = 0, c = 0;
    for (size_t i = 0; i < kStripe; i += 8) {
      a = _mm_crc32_u64(a, LoadLe64(p + i));
      b = _mm_crc32_u64(b, LoadLe64(p + kStripe + i));
      c = _mm_crc32_u64(c, LoadLe64(p + 2 * kStripe + i));
    }
    crc = ZeroShift(ZeroShift(static_cast<uint32_t>(a)) ^
                    static_cast<uint32_t>(b)) ^
          static_cast<uint32_t>(c);
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
