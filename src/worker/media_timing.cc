#include "worker/media_timing.h"

#include <algorithm>

#include "media/fragment_inspector.h"
#include "worker/stored_packet.h"

namespace fog::worker {

VideoTiming MediaTiming::Update(PacketStore& store,
                                const std::string& video_id) {
  State& state = videos_[video_id];
  for (int64_t n : store.PacketNumbers(video_id)) {
    if (!state.inspected.insert(n).second) continue;
    Result<Bytes> payload = store.Get(video_id, n);
    if (!payload.ok()) continue;  // the store counts and reports damage
    Result<wire::VideoPacket> packet = StoredVideoPacket(*payload);
    if (!packet.ok()) continue;
    const Bytes& data = packet->data;
    if (n == 1) {
      Result<media::InitInfo> init = media::InspectInit(data);
      if (!init.ok()) continue;
      for (const media::TrackInfo& t : init->tracks) {
        state.timing.timescales[t.track_id] = t.timescale;
      }
      continue;
    }
    Result<media::FragmentInfo> frag = media::InspectFragmentAlone(data);
    if (!frag.ok()) continue;  // not fMP4: a video of other bytes
    for (const media::TrackFragmentInfo& t : frag->tracks) {
      if (!t.has_tfdt) continue;  // no absolute position on the timeline
      uint64_t& end = state.timing.track_end_ticks[t.track_id];
      end = std::max(end, t.base_media_decode_time + t.duration);
    }
  }
  return state.timing;
}

}  // namespace fog::worker
