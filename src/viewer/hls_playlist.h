// HLS media playlists (RFC 8216) for a fog video: packet 1 is the init
// segment (EXT-X-MAP), every later packet one fMP4 fragment (docs/api.md).
//
// Segment durations come from the fragments themselves (tfdt/trun via
// media::InspectFragment). A fragment holds one run per track; the rule for
// a fragment with several tracks: its duration is the video track's run
// (the first "vide" track of the init segment), because the publisher cuts
// fragments at video keyframes and players time segments by video; a
// fragment without video (audio-only streams) takes its longest run.
//
// Thread-safety: value types; functions are reentrant.

#ifndef FOG_VIEWER_HLS_PLAYLIST_H_
#define FOG_VIEWER_HLS_PLAYLIST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "media/fragment_inspector.h"

namespace fog::viewer {

// An exact duration: ticks of a track's timescale.
struct SegmentDuration {
  uint64_t ticks = 0;
  uint32_t timescale = 1;  // > 0

  double seconds() const { return static_cast<double>(ticks) / timescale; }
  // The smallest whole number of seconds >= the duration.
  uint64_t CeilSeconds() const { return (ticks + timescale - 1) / timescale; }
};

// The duration of one fragment by the rule above. Errors: InvalidArgument
// when the fragment has no track run, or its chosen track has no timescale
// in `init`.
Result<SegmentDuration> FragmentDuration(const media::FragmentInfo& fragment,
                                         const media::InitInfo& init);

struct PlaylistSegment {
  std::string uri;  // relative to the playlist, e.g. "2.m4s"
  SegmentDuration duration;
};

struct Playlist {
  std::string map_uri = "init.mp4";  // EXT-X-MAP
  std::vector<PlaylistSegment> segments;
  int64_t media_sequence = 0;
  // Every segment starts with a key frame and decodes after the init
  // segment alone.
  bool independent_segments = false;
  // true: the whole video (VOD, EXT-X-ENDLIST). false: a stream still being
  // published (EVENT: segments are only ever appended).
  bool complete = false;
};

// EXT-X-TARGETDURATION: the longest segment's duration rounded up, at
// least 1.
uint64_t TargetDuration(const std::vector<PlaylistSegment>& segments);

// The playlist text, version 7. EXTINF durations are printed with
// microsecond precision.
std::string RenderPlaylist(const Playlist& playlist);

}  // namespace fog::viewer

#endif  // FOG_VIEWER_HLS_PLAYLIST_H_
