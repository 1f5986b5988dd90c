// What the registry needs to know a video's duration, from the packets this
// worker holds: each track's timescale (only from the init segment, packet
// 1) and the end of the latest fragment per track (tfdt + its samples'
// durations, in that track's ticks). The registry takes the max over
// workers, so replicas and gaps do not distort it (docs/api.md).
//
// Packets are read back from the store and inspected once each, off the
// dispatch path (by the registrar before it reports), so timing survives a
// restart and never slows storage down. Packets whose data is not fMP4
// simply add nothing.
//
// Thread-safety: not thread-safe; the registrar's thread owns it.

#ifndef FOG_WORKER_MEDIA_TIMING_H_
#define FOG_WORKER_MEDIA_TIMING_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "common/bytes.h"
#include "common/status.h"
#include "worker/store/packet_store.h"

namespace fog::worker {

struct VideoTiming {
  std::map<uint32_t, uint32_t> timescales;       // track id -> ticks/second
  std::map<uint32_t, uint64_t> track_end_ticks;  // track id -> latest end
};

class MediaTiming {
 public:
  // Inspects the packets of `video_id` in `store` not inspected yet and
  // returns the video's timing so far.
  VideoTiming Update(PacketStore& store, const std::string& video_id);

  // Forgets a video (after it is deleted).
  void Forget(const std::string& video_id) { videos_.erase(video_id); }

 private:
  struct State {
    VideoTiming timing;
    std::set<int64_t> inspected;
  };
  std::map<std::string, State> videos_;
};

}  // namespace fog::worker

#endif  // FOG_WORKER_MEDIA_TIMING_H_
