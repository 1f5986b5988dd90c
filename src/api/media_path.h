// The HLS routes' paths: /videos/{id}/index.m3u8, /videos/{id}/init.mp4 and
// /videos/{id}/{n}.m4s (docs/api.md). Segment n is packet n of the video;
// packet 1 is the init segment, so segments start at 2.
//
// Thread-safety: pure functions.

#ifndef FOG_API_MEDIA_PATH_H_
#define FOG_API_MEDIA_PATH_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace fog::api {

enum class MediaKind { kPlaylist, kInit, kSegment };

struct MediaPath {
  std::string video_id;
  MediaKind kind = MediaKind::kPlaylist;
  int64_t packet = 0;  // kInit: 1; kSegment: >= 2; kPlaylist: 0
};

// Largest segment number accepted (packet numbers are int64, but no stream
// comes near this; it keeps every number exact in JSON doubles).
inline constexpr int64_t kMaxSegmentNumber = int64_t{1} << 53;

// Parses `rest`, the already percent-decoded path after "/videos/", which
// holds at least one '/'. Errors (all InvalidArgument, with a message naming
// the problem): a bad video id (fog::wire::ValidateVideoId, so ".." is
// refused), a segment name whose number is not a plain decimal in
// [2, kMaxSegmentNumber] (leading zeros, signs, "1.m4s", overflow), any
// other file name or a deeper path (so "a/../x" never names a file).
Result<MediaPath> ParseMediaPath(std::string_view rest);

// The MIME type of each kind: application/vnd.apple.mpegurl, video/mp4,
// video/iso.segment.
const char* MediaContentType(MediaKind kind);

}  // namespace fog::api

#endif  // FOG_API_MEDIA_PATH_H_
