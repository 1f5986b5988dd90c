// What the registry needs to know a video's duration, from the packets this
// worker holds: each track's timescale (only from the init segment, packet
// 1) and the end of the latest fragment per track (tfdt + its samples'
// durations, in that track's ticks). The registry takes the max over
// workers, so replicas and gaps do not distort it (docs/api.md).
//
// Each packet is inspected once. A packet the worker stores is inspected by
// its intake, while its bytes are in memory, and handed over with Add; any
// other (after a restart, a repaired copy) is read back from the store by
// Update, off the dispatch path, so timing survives a restart. Update looks
// through the store only for a video it has not looked at since this
// process started or since Unread: a report of a live video then costs
// nothing per packet it holds. Packets whose data is not fMP4 simply add
// nothing.
//
// Thread-safety: not thread-safe; the registrar serialises its callers
// (the committer's Add, its own thread's Update).

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

// What one packet's data tells: packet 1 (an init segment) the timescales,
// any other (a fragment) its tracks' end ticks; nothing when not fMP4.
VideoTiming InspectPacketTiming(int64_t packet_number, ByteView data);

class MediaTiming {
 public:
  // Takes the timing of packet `packet_number` of `video_id`, inspected
  // when it was stored, so that Update does not read it back.
  void Add(const std::string& video_id, int64_t packet_number,
           const VideoTiming& packet);

  // Says that a packet of `video_id` was stored without Add: the next
  // Update looks through the store again.
  void Unread(const std::string& video_id) { videos_[video_id].read = false; }

  // Inspects the packets of `video_id` in `store` not inspected yet (on the
  // first call for the video, and after Unread) and returns the video's
  // timing so far.
  VideoTiming Update(PacketStore& store, const std::string& video_id);

 private:
  struct State {
    VideoTiming timing;
    std::set<int64_t> inspected;
    bool read = false;  // the store was looked through since the last Unread
  };
  std::map<std::string, State> videos_;
};

}  // namespace fog::worker

#endif  // FOG_WORKER_MEDIA_TIMING_H_
