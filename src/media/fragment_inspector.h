// Reads timing out of fMP4 packets (fmp4_splitter.h): from the init segment
// each track's timescale and handler (moov/trak/mdia/mdhd and hdlr, plus the
// trex defaults), from a fragment each track's baseMediaDecodeTime (tfdt)
// and duration (sum of its trun sample durations). HLS playlists and the
// registry's video duration are built from these.
//
// Thread-safety: pure functions; reentrant.

#ifndef FOG_MEDIA_FRAGMENT_INSPECTOR_H_
#define FOG_MEDIA_FRAGMENT_INSPECTOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace fog::media {

struct TrackInfo {
  uint32_t track_id = 0;
  uint32_t timescale = 0;  // mdhd: ticks per second (> 0)
  std::string handler;     // hdlr handler_type: "vide", "soun", ...
  uint32_t default_sample_duration = 0;  // trex, 0 when absent
};

struct InitInfo {
  std::vector<TrackInfo> tracks;  // in moov order

  // The track with this id, or nullptr.
  const TrackInfo* Find(uint32_t track_id) const;
};

struct TrackFragmentInfo {
  uint32_t track_id = 0;
  uint64_t base_media_decode_time = 0;  // tfdt, in the track's timescale
  uint64_t duration = 0;                // in the track's timescale
  uint32_t sample_count = 0;
  bool has_tfdt = false;
};

struct FragmentInfo {
  std::vector<TrackFragmentInfo> tracks;  // one per traf, in moof order
};

// Parses an init segment (a packet holding ftyp and moov). Errors
// (InvalidArgument/Corruption): no moov, a trak without tkhd/mdhd/hdlr, a
// timescale of 0, truncated boxes.
Result<InitInfo> InspectInit(ByteView init_segment);

// Parses a fragment packet (its moof). A sample's duration comes from the
// trun when present there, else the tfhd default_sample_duration, else the
// trex default from `init`. Errors: no moof, a traf without tfhd, a track
// the init segment does not declare, truncated boxes.
Result<FragmentInfo> InspectFragment(ByteView fragment, const InitInfo& init);

// The same without the init segment, for a node that holds only some
// fragments: any track id is taken, and a sample's duration must come from
// the trun or the tfhd (InvalidArgument when only the trex has it). Times
// stay in the track's (unknown here) timescale.
Result<FragmentInfo> InspectFragmentAlone(ByteView fragment);

// duration / timescale, in seconds; 0 for an unknown track.
double Seconds(uint64_t ticks, const TrackInfo* track);

}  // namespace fog::media

#endif  // FOG_MEDIA_FRAGMENT_INSPECTOR_H_
