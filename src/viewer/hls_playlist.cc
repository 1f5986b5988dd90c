#include "viewer/hls_playlist.h"

#include <fmt/format.h>

#include <algorithm>

namespace fog::viewer {

Result<SegmentDuration> FragmentDuration(const media::FragmentInfo& fragment,
                                         const media::InitInfo& init) {
  const media::TrackInfo* video = nullptr;
  for (const media::TrackInfo& t : init.tracks) {
    if (t.handler == "vide") {
      video = &t;
      break;
    }
  }
  const media::TrackFragmentInfo* chosen = nullptr;
  const media::TrackInfo* chosen_track = nullptr;
  double longest = -1;
  for (const media::TrackFragmentInfo& run : fragment.tracks) {
    const media::TrackInfo* track = init.Find(run.track_id);
    if (track == nullptr || track->timescale == 0) continue;
    if (video != nullptr && run.track_id == video->track_id) {
      chosen = &run;
      chosen_track = track;
      break;
    }
    if (double s = media::Seconds(run.duration, track); s > longest) {
      longest = s;
      chosen = &run;
      chosen_track = track;
    }
  }
  if (chosen == nullptr) {
    return Status::InvalidArgument(
        "fragment has no track run with a known timescale");
  }
  return SegmentDuration{chosen->duration, chosen_track->timescale};
}

uint64_t TargetDuration(const std::vector<PlaylistSegment>& segments) {
  uint64_t target = 1;
  for (const PlaylistSegment& s : segments) {
    target = std::max(target, s.duration.CeilSeconds());
  }
  return target;
}

std::string RenderPlaylist(const Playlist& p) {
  std::string out = "#EXTM3U\n#EXT-X-VERSION:7\n";
  out += fmt::format("#EXT-X-TARGETDURATION:{}\n", TargetDuration(p.segments));
  out += fmt::format("#EXT-X-MEDIA-SEQUENCE:{}\n", p.media_sequence);
  out += p.complete ? "#EXT-X-PLAYLIST-TYPE:VOD\n"
                    : "#EXT-X-PLAYLIST-TYPE:EVENT\n";
  if (p.independent_segments) out += "#EXT-X-INDEPENDENT-SEGMENTS\n";
  out += fmt::format("#EXT-X-MAP:URI=\"{}\"\n", p.map_uri);
  for (const PlaylistSegment& s : p.segments) {
    out += fmt::format("#EXTINF:{:.6f},\n{}\n", s.duration.seconds(), s.uri);
  }
  if (p.complete) out += "#EXT-X-ENDLIST\n";
  return out;
}

}  // namespace fog::viewer
