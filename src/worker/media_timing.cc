#include "worker/media_timing.h"

#include <algorithm>

#include "media/fragment_inspector.h"
#include "worker/stored_packet.h"

namespace fog::worker {

namespace {

void Merge(const VideoTiming& packet, VideoTiming& video) {
  for (const auto& [track, timescale] : packet.timescales) {
    video.timescales[track] = timescale;
  }
  for (const auto& [track, end] : packet.track_end_ticks) {
    uint64_t& latest = video.track_end_ticks[track];
    latest = std::max(latest, end);
  }
}

}  // namespace

VideoTiming InspectPacketTiming(int64_t packet_number, ByteView data) {
  VideoTiming out;
  if (packet_number == 1) {
    Result<media::InitInfo> init = media::InspectInit(data);
    if (!init.ok()) return out;
    for (const media::TrackInfo& t : init->tracks) {
      out.timescales[t.track_id] = t.timescale;
    }
    return out;
  }
  Result<media::FragmentInfo> frag = media::InspectFragmentAlone(data);
  if (!frag.ok()) return out;  // not fMP4: a video of other bytes
  for (const media::TrackFragmentInfo& t : frag->tracks) {
    if (!t.has_tfdt) continue;  // no absolute position on the timeline
    uint64_t& end = out.track_end_ticks[t.track_id];
    end = std::max(end, t.base_media_decode_time + t.duration);
  }
  return out;
}

void MediaTiming::Add(const std::string& video_id, int64_t packet_number,
                      const VideoTiming& packet) {
  State& state = videos_[video_id];
  if (state.inspected.insert(packet_number).second) {
    Merge(packet, state.timing);
  }
}

VideoTiming MediaTiming::Update(PacketStore& store,
                                const std::string& video_id) {
  State& state = videos_[video_id];
  if (state.read) return state.timing;
  state.read = true;
  for (int64_t n : store.PacketNumbers(video_id)) {
    if (!state.inspected.insert(n).second) continue;
    Result<Bytes> payload = store.Get(video_id, n);
    if (!payload.ok()) continue;  // the store counts and reports damage
    Result<wire::VideoPacket> packet = StoredVideoPacket(*payload);
    if (!packet.ok()) continue;
    Merge(InspectPacketTiming(n, packet->data), state.timing);
  }
  return state.timing;
}

}  // namespace fog::worker
