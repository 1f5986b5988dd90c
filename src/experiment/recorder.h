// What a running experiment observes, as it happens: the publishers' packets,
// the workers' acks (every copy's verdict and times), the viewers' requests
// and the faults. It also answers the viewer and fault threads' questions
// (which packets have their R copies, and where).
//
// The records are bounded (events.h): past set_bounds' limits a copy or view
// record is counted in Events' *_dropped, and the first one past each bound
// is reported once on stderr; packets and faults are bounded by the
// declaration itself.
//
// Thread-safety: every method may be called from any thread, except the
// setup methods marked REQUIRES.

#ifndef FOG_EXPERIMENT_RECORDER_H_
#define FOG_EXPERIMENT_RECORDER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "experiment/events.h"

namespace fog::experiment {

class Recorder {
 public:
  using Clock = std::chrono::steady_clock;

  // `replicas`: the copies that make a packet complete.
  explicit Recorder(int replicas) : replicas_(replicas) {}

  // The run's time zero. REQUIRES: before any other thread uses the recorder.
  void set_start(Clock::time_point start) { start_ = start; }
  // `video` is published into `fog`; acks for other videos are ignored.
  // REQUIRES: before any other thread uses the recorder.
  void Expect(const std::string& video, const std::string& fog);
  // The most copy and viewer records kept. REQUIRES: before any other thread
  // uses the recorder.
  void set_bounds(size_t copies, size_t views);

  // Milliseconds since set_start.
  double Now() const;

  // Records a packet; returns its index for Acked.
  size_t AddPacket(PacketEvent e);
  // The broker acknowledged packet `index` at `at_ms`.
  void Acked(size_t index, double at_ms);
  // A payload of the workers' ack topic (wire/ack.h). The acks' times are on
  // the machine's wall clock; they are converted to the run's clock at the
  // payload's arrival. A payload that does not decode is ignored (the
  // workers' own counters count what they could not send).
  void OnAck(ByteView payload);
  void AddView(ViewEvent v);
  void AddFault(FaultEvent f);

  // A packet that has its R copies, of the streams published into `fog`,
  // chosen by `rng`; false when none has.
  bool PickComplete(std::mt19937_64& rng, const std::string& fog,
                    std::string* video, int64_t* n);
  // The earliest packet that has its R copies, one of them on `worker`;
  // false when none has yet.
  bool PickHeldBy(const std::string& worker, std::string* video,
                  int64_t* n) const;

  int64_t acked() const;      // packets the broker acknowledged
  int64_t complete() const;   // packets with R distinct holders
  int64_t published() const;  // packets recorded
  // Everything recorded; the recorder is empty afterwards.
  Events Take();

 private:
  using Key = std::pair<std::string, int64_t>;  // video, packet

  // Counts a record past its bound, and says so once.
  static void Drop(int64_t* dropped, size_t bound, const char* what);

  Clock::time_point start_;
  const int replicas_;
  // video -> the fog it is published into; filled before any thread starts
  std::map<std::string, std::string> videos_;
  size_t max_copies_ = SIZE_MAX, max_views_ = SIZE_MAX;

  mutable std::mutex mu_;
  Events events_;
  std::map<Key, std::set<std::string>> holders_;
  std::vector<Key> complete_list_;
  std::map<std::string, std::vector<Key>> complete_by_fog_;
  int64_t acked_ = 0, complete_ = 0;
};

}  // namespace fog::experiment

#endif  // FOG_EXPERIMENT_RECORDER_H_
