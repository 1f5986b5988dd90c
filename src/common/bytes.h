// Byte-string helpers shared by every component: views, hex and file I/O.
//
// Thread-safety: all functions are reentrant.

#ifndef FOG_COMMON_BYTES_H_
#define FOG_COMMON_BYTES_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace fog {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// The low `n` bytes of `v`, little-endian, at `p` (byte by byte, so on-disk
// formats do not depend on the host).
inline void PutLe(uint8_t* p, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

// The `n`-byte little-endian integer at `p`.
inline uint64_t GetLe(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

// Lowercase hex of `data`.
std::string ToHex(ByteView data);

// Decodes hex (either case). Fails on odd length or a non-hex character.
Result<Bytes> FromHex(std::string_view hex);

// Reads a whole file, or standard input when `path` is "-".
Result<Bytes> ReadFile(const std::string& path);

// Writes `data` to `path` through a temporary file and rename, so a reader
// never sees a half-written file. `mode` is applied before any byte is
// written (0600 keeps secrets private from the start).
Status WriteFileAtomic(const std::string& path, ByteView data,
                       unsigned mode = 0644);

}  // namespace fog

#endif  // FOG_COMMON_BYTES_H_
