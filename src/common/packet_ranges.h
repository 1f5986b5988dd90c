// Sets of packet numbers as sorted, disjoint, non-adjacent closed ranges:
// how a worker tells the registry which packets of a video it holds, so the
// registry can count distinct packets and locate every copy when packets
// are replicated over several workers. Text form: "1-20,22,25-30".
//
// Thread-safety: all functions are reentrant.

#ifndef FOG_COMMON_PACKET_RANGES_H_
#define FOG_COMMON_PACKET_RANGES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace fog {

struct PacketRange {
  int64_t first = 0;
  int64_t last = 0;  // >= first
  bool operator==(const PacketRange&) const = default;
};
using PacketRanges = std::vector<PacketRange>;

// The ranges of ascending, distinct `numbers`.
PacketRanges RangesOf(const std::vector<int64_t>& numbers);

// How many numbers `ranges` holds.
int64_t CountOf(const PacketRanges& ranges);

// How many distinct numbers the union of `sets` holds.
int64_t UnionCount(const std::vector<PacketRanges>& sets);

// The numbers in any of `sets` (each valid), as ascending ranges with gaps
// between them.
PacketRanges UnionOf(const std::vector<PacketRanges>& sets);

// InvalidArgument unless every range has 1 <= first <= last <= max_number,
// the ranges ascend with gaps between them, and there are at most
// max_ranges of them.
Status ValidateRanges(const PacketRanges& ranges, int64_t max_number,
                      size_t max_ranges);

std::string FormatRanges(const PacketRanges& ranges);
// Parses FormatRanges' output (the empty string is the empty set). Checks
// only the syntax; InvalidArgument on anything else.
Result<PacketRanges> ParseRanges(std::string_view text);

}  // namespace fog

#endif  // FOG_COMMON_PACKET_RANGES_H_
