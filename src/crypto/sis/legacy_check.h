// The seed's SIS check (golang_SIS_LWE v0.0.4), verified exactly as Go does,
// with strict decoding where Go was lenient. Exact algorithm and wire format:
// ../shared/vectors/legacy-sis/README.md; our differences: docs/legacy.md.
//
// The legacy check authenticates nothing (A travels with the packet, so
// anyone can recompute a valid check) and covers only the first 1537 bytes of
// the packet. A legacy verdict is therefore never "authenticated".
//
// Thread-safety: reentrant.

#ifndef FOG_CRYPTO_SIS_LEGACY_CHECK_H_
#define FOG_CRYPTO_SIS_LEGACY_CHECK_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace fog::sis::legacy {

inline constexpr int64_t kQ = 4099;
inline constexpr size_t kRows = 64;                      // n: entries of V
inline constexpr size_t kCols = 1537;                    // m: entries of x
inline constexpr size_t kMatrixEntries = kRows * kCols;  // 98,368

struct Verdict {
  bool valid = false;
  std::string reason;  // why it is invalid; a coverage note when valid
};

// Verifies V == A·x mod q for the packet bytes `packet` and the serialized
// (zig-zag varint) `a` and `v` fields. Invalid, with the reason, when A or V
// do not decode to exactly 98,368 / 64 values in [0, q) with nothing after
// them (Go ignores trailing bytes and does not range-check; docs/legacy.md).
Verdict Verify(ByteView packet, ByteView a, ByteView v);

// The check x vector: x[i] = (packet || SHA-512(""))[i mod (len+64)].
std::vector<uint16_t> DeriveX(ByteView packet);

// Decodes exactly `count` Go zig-zag varints, each in [0, q), with no bytes
// left over. Used by Verify and by tests.
Result<std::vector<int32_t>> DecodeVarints(ByteView in, size_t count,
                                           const char* field);

// Appends Go binary.PutVarint encodings of `values`.
Bytes EncodeVarints(const std::vector<int32_t>& values);

// A fresh (A, V) for `packet`, as the seed client's GenerateCheck makes it:
// what `fog stream --legacy` sends. `rng` supplies A's entries.
struct Check {
  Bytes a;
  Bytes v;
};
Check Generate(ByteView packet, std::mt19937_64& rng);

}  // namespace fog::sis::legacy

#endif  // FOG_CRYPTO_SIS_LEGACY_CHECK_H_
