#include "common/packet_ranges.h"

#include <algorithm>
#include <charconv>

namespace fog {

PacketRanges RangesOf(const std::vector<int64_t>& numbers) {
  PacketRanges out;
  for (int64_t n : numbers) {
    if (!out.empty() && out.back().last + 1 == n) {
      out.back().last = n;
    } else {
      out.push_back({n, n});
    }
  }
  return out;
}

int64_t CountOf(const PacketRanges& ranges) {
  int64_t count = 0;
  for (const PacketRange& r : ranges) count += r.last - r.first + 1;
  return count;
}

PacketRanges UnionOf(const std::vector<PacketRanges>& sets) {
  PacketRanges all;
  for (const PacketRanges& s : sets) all.insert(all.end(), s.begin(), s.end());
  std::sort(all.begin(), all.end(),
            [](const PacketRange& a, const PacketRange& b) {
              return a.first < b.first;
            });
  PacketRanges out;
  for (const PacketRange& r : all) {
    if (!out.empty() && r.first <= out.back().last + 1) {
      out.back().last = std::max(out.back().last, r.last);
    } else {
      out.push_back(r);
    }
  }
  return out;
}

int64_t UnionCount(const std::vector<PacketRanges>& sets) {
  return CountOf(UnionOf(sets));
}

Status ValidateRanges(const PacketRanges& ranges, int64_t max_number,
                      size_t max_ranges) {
  if (ranges.size() > max_ranges) {
    return Status::InvalidArgument("at most " + std::to_string(max_ranges) +
                                   " packet ranges");
  }
  int64_t previous = -1;
  for (const PacketRange& r : ranges) {
    if (r.first < 1 || r.last < r.first || r.last > max_number) {
      return Status::InvalidArgument(
          "a packet range must have 1 <= first <= last <= " +
          std::to_string(max_number));
    }
    if (previous >= 0 && r.first <= previous + 1) {
      return Status::InvalidArgument(
          "packet ranges must ascend with gaps between them");
    }
    previous = r.last;
  }
  return Status::OK();
}

std::string FormatRanges(const PacketRanges& ranges) {
  std::string out;
  for (const PacketRange& r : ranges) {
    if (!out.empty()) out += ',';
    out += std::to_string(r.first);
    if (r.last != r.first) out += '-' + std::to_string(r.last);
  }
  return out;
}

Result<PacketRanges> ParseRanges(std::string_view text) {
  PacketRanges out;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  auto number = [&](int64_t* v) {
    auto [next, ec] = std::from_chars(p, end, *v);
    if (ec != std::errc() || next == p || *p == '-' || *p == '+') return false;
    p = next;
    return true;
  };
  while (p < end) {
    PacketRange r;
    if (!number(&r.first)) return Status::InvalidArgument("bad packet ranges");
    r.last = r.first;
    if (p < end && *p == '-') {
      ++p;
      if (!number(&r.last)) return Status::InvalidArgument("bad packet ranges");
    }
    out.push_back(r);
    if (p < end && *p++ != ',')
      return Status::InvalidArgument("bad packet ranges");
    if (p == end && text.back() == ',') {
      return Status::InvalidArgument("bad packet ranges");
    }
  }
  return out;
}

}  // namespace fog
