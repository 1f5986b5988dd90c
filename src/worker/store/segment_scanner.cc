// Segment recovery scan. A torn tail is only what a crash while appending
// can leave behind: a prefix of a record (shorter than a header, or a valid
// header whose record runs past the end of the file) or a zero-filled end
// (a filesystem that grew the file before the data reached the disk).
// Anything else that fails its checks is corruption: it is kept on disk,
// skipped and reported, never silently truncated.

#include "worker/store/segment_scanner.h"

#include <algorithm>
#include <cstring>

namespace fog::worker {
namespace {

using format::kHeaderSize;

// Offset of the next plausible record header at or after `from` (magic and
// header CRC match), or data.size().
uint64_t FindNextHeader(ByteView data, uint64_t from) {
  for (uint64_t i = from; i + kHeaderSize <= data.size(); ++i) {
    const void* hit = std::memchr(data.data() + i, format::kMagic[0],
                                  data.size() - kHeaderSize + 1 - i);
    if (hit == nullptr) break;
    i = static_cast<const uint8_t*>(hit) - data.data();
    RecordHeader header;
    if (DecodeHeader(data.subspan(i), &header) == HeaderCheck::kOk) return i;
  }
  return data.size();
}

bool AllZero(ByteView bytes) {
  return std::all_of(bytes.begin(), bytes.end(),
                     [](uint8_t b) { return b == 0; });
}

ScanEvent Corrupt(uint64_t offset, uint64_t size, std::string reason) {
  ScanEvent ev;
  ev.kind = ScanEvent::Kind::kCorrupt;
  ev.offset = offset;
  ev.size = size;
  ev.reason = std::move(reason);
  return ev;
}

// One record whose header checked out and whose bytes are all present.
ScanEvent CheckWholeRecord(ByteView data, uint64_t p, const RecordHeader& h) {
  ByteView rec = data.subspan(p, h.record_size());
  ByteView prefix = rec.first(h.prefix_size());
  ByteView payload = rec.subspan(h.prefix_size(), h.payload_length);
  ByteView trailer = rec.last(format::kTrailerSize);
  ScanEvent ev;
  ev.offset = p;
  ev.size = rec.size();
  ev.payload_size = h.payload_length;
  Status s = CheckRecord(prefix, payload, trailer, &ev.meta);
  if (s.ok()) return ev;
  ev = Corrupt(p, rec.size(), s.message());
  ev.key_known = DecodeMeta(h, prefix.subspan(kHeaderSize), &ev.meta);
  return ev;
}

}  // namespace

SegmentScan ScanSegment(ByteView data, bool newest) {
  SegmentScan scan;
  const uint64_t n = data.size();
  uint64_t p = 0;
  while (p < n) {
    RecordHeader h;
    if (DecodeHeader(data.subspan(p), &h) == HeaderCheck::kOk) {
      if (h.record_size() <= n - p) {
        scan.events.push_back(CheckWholeRecord(data, p, h));
        p += h.record_size();
        continue;
      }
      if (newest) break;  // a record cut short by a crash: torn tail
      ScanEvent ev = Corrupt(p, n - p, "record runs past end of segment");
      if (h.prefix_size() <= n - p) {
        ev.key_known = DecodeMeta(
            h, data.subspan(p + kHeaderSize, h.meta_length), &ev.meta);
      }
      scan.events.push_back(std::move(ev));
      p = n;
      break;
    }
    // Not a record header: find where the records resume.
    const uint64_t next = FindNextHeader(data, p + 1);
    ByteView region = data.subspan(p, next - p);
    if (next == n && newest &&
        (region.size() < kHeaderSize || AllZero(region))) {
      break;  // torn tail
    }
    ScanEvent ev = Corrupt(p, region.size(), "bad record header");
    ev.key_known = SalvageMeta(region, &ev.meta);
    scan.events.push_back(std::move(ev));
    p = next;
  }
  scan.valid_end = p;
  return scan;
}

}  // namespace fog::worker
