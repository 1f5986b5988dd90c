// The packet store's in-memory index: for each video, its packets' record
// locations and metadata, and what a summary of the video needs (payload
// bytes, totals claimed, authentication, the ranges of packet numbers), kept
// up to date on every change so that a summary does not walk the video's
// packets. Rebuilt from the segments by PacketStore::Open.
//
// Thread-safety: none; PacketStore guards it with a reader/writer lock.

#ifndef FOG_WORKER_STORE_PACKET_INDEX_H_
#define FOG_WORKER_STORE_PACKET_INDEX_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "worker/store/record.h"
#include "worker/store/store_types.h"

namespace fog::worker {

struct IndexedPacket {
  RecordLocation location;
  int64_t total_packets = 0;
  int64_t received_unix_micros = 0;
  uint32_t payload_size = 0;
  bool authenticated = false;
  std::string format;
};

class PacketIndex {
 public:
  // The entry for a key, or nullptr. Valid until the next mutation.
  const IndexedPacket* Find(std::string_view video_id, int64_t n) const;

  // Adds or replaces the entry for (video_id, n).
  void Insert(std::string_view video_id, int64_t n, IndexedPacket packet);

  // Removes the entry for (video_id, n) if it is still at `where`.
  void EraseIfAt(std::string_view video_id, int64_t n,
                 const RecordLocation& where);

  void EraseVideo(std::string_view video_id);

  std::vector<int64_t> PacketNumbers(std::string_view video_id) const;
  std::vector<VideoSummary> Videos() const;
  // The summary of one video; nullopt if it has no packet. Costs as many
  // steps as the video has ranges of packet numbers, not packets.
  std::optional<VideoSummary> Video(std::string_view video_id) const;

  uint64_t live_packets() const { return live_packets_; }
  uint64_t live_payload_bytes() const { return live_payload_bytes_; }
  uint64_t live_record_bytes() const { return live_record_bytes_; }

 private:
  struct VideoEntry {
    std::map<int64_t, IndexedPacket> packets;
    uint64_t payload_bytes = 0;
    uint64_t unauthenticated = 0;
    std::map<int64_t, uint64_t> totals;  // total_packets -> packets claiming it
    std::map<int64_t, int64_t> ranges;   // first -> last; disjoint, with gaps
  };

  // Adds (+1) or takes away (-1) a packet in the store's and its video's
  // totals.
  void Account(VideoEntry& v, const IndexedPacket& p, int sign);
  static void AddNumber(std::map<int64_t, int64_t>& ranges, int64_t n);
  static void RemoveNumber(std::map<int64_t, int64_t>& ranges, int64_t n);
  static VideoSummary Summarize(const std::string& video_id,
                                const VideoEntry& v);

  // std::less<> lets string_view keys look up without a copy.
  std::map<std::string, VideoEntry, std::less<>> videos_;
  uint64_t live_packets_ = 0;
  uint64_t live_payload_bytes_ = 0;
  uint64_t live_record_bytes_ = 0;
};

}  // namespace fog::worker

#endif  // FOG_WORKER_STORE_PACKET_INDEX_H_
