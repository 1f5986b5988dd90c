// Cuts a fragmented MP4 byte stream (ffmpeg -movflags
// frag_keyframe+empty_moov) into self-contained packets:
//
//   packet 1      the init segment: ftyp + moov, plus any other box before
//                 the first fragment;
//   packet 2..N   one fragment each: optional styp/sidx/prft/emsg boxes,
//                 one moof, then its mdat(s).
//
// Concatenating the packets in order gives a playable fMP4 stream. The
// trailing mfra (a random-access index of byte offsets in the whole file,
// meaningless once the stream is cut) is dropped, as is anything after the
// last mdat that starts no new fragment (e.g. a free box). Boxes between an
// mdat and the next fragment (free, skip, ...) travel with that fragment.
// See docs/publisher.md.
//
// Thread-safety: not thread-safe; one splitter per stream.

#ifndef FOG_MEDIA_FMP4_SPLITTER_H_
#define FOG_MEDIA_FMP4_SPLITTER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"
#include "media/box.h"
#include "media/box_reader.h"

namespace fog::media {

inline constexpr size_t kDefaultMaxPacketBytes = size_t{16} << 20;

enum class PacketKind { kInit, kFragment };

struct MediaPacket {
  int64_t number = 0;  // 1 for the init segment, then 2, 3, ...
  PacketKind kind = PacketKind::kFragment;
  Bytes data;  // whole boxes, in stream order
};

struct SplitterOptions {
  // No packet may exceed this many bytes. The splitter fails as soon as a
  // box header shows the limit will be crossed, before buffering the box.
  size_t max_packet_bytes = kDefaultMaxPacketBytes;
};

class Fmp4Splitter {
 public:
  explicit Fmp4Splitter(SplitterOptions options = {});
  Fmp4Splitter(const Fmp4Splitter&) = delete;
  Fmp4Splitter& operator=(const Fmp4Splitter&) = delete;

  // Consumes the next bytes of the stream (any chunk size, even 1 byte) and
  // appends every packet completed by them to `*out`. A fragment is complete
  // only once the next fragment starts (or at Finish()), because a moof may
  // be followed by more than one mdat.
  // Errors (InvalidArgument), sticky once returned: malformed box headers
  // (ParseBoxHeader), a fragment or mdat before the moov (not a fragmented
  // MP4), a moof without mdat, a second moov, a packet over the size limit.
  // REQUIRES: out != nullptr.
  Status Feed(ByteView data, std::vector<MediaPacket>* out);

  // Ends the stream: appends the last fragment to `*out`. Errors: the stream
  // ends inside a box, has no moov, no fragment, or a moof without mdat.
  // REQUIRES: out != nullptr; called once, after the last Feed().
  Status Finish(std::vector<MediaPacket>* out);

  // Stream bytes deliberately left out of every packet (mfra, trailers).
  uint64_t dropped_bytes() const { return dropped_bytes_; }

 private:
  // Where the next complete box goes.
  enum class Route { kCurrent, kNewFragment, kTrailer, kDrop };

  Result<Route> RouteBox(const BoxHeader& header) const;
  Status CheckLimit(const BoxHeader& header, Route route) const;
  void Apply(Route route, FourCc type, std::vector<MediaPacket>* out);
  void Emit(std::vector<MediaPacket>* out);
  Status Fail(Status status);

  const SplitterOptions options_;
  BoxReader reader_;
  Status status_;              // first error; sticky
  bool in_fragments_ = false;  // past the init segment
  bool has_moov_ = false;
  bool has_moof_ = false;  // in the pending fragment
  bool has_mdat_ = false;  // in the pending fragment
  Bytes pending_;          // the packet being assembled
  Bytes trailer_;          // boxes after the last mdat, fate undecided
  Bytes scratch_;          // boxes being dropped
  int64_t emitted_ = 0;
  uint64_t dropped_bytes_ = 0;
};

}  // namespace fog::media

#endif  // FOG_MEDIA_FMP4_SPLITTER_H_
