// Named counters and a log that speaks once per distinct problem: bad input
// at a boundary is counted every time and logged the first time (then every
// 1000th time), so a flood of garbage cannot flood the log.
//
// Thread-safety: all methods are safe to call concurrently.

#ifndef FOG_COMMON_COUNTERS_H_
#define FOG_COMMON_COUNTERS_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace fog {

class Counters {
 public:
  void Add(const std::string& name, uint64_t delta = 1);
  uint64_t Get(const std::string& name) const;
  std::map<std::string, uint64_t> Snapshot() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> values_;
};

// Remembers at most `max_keys` distinct (reason, key) pairs, the first ones
// seen: later new pairs share one "other" bucket per reason (counted in
// folded()), logged the first time and then every 1000th time like any key.
// Its memory is fixed however many distinct keys a flood brings.
class RejectLog {
 public:
  static constexpr size_t kDefaultMaxKeys = 4096;
  explicit RejectLog(size_t max_keys = kDefaultMaxKeys) : max_keys_(max_keys) {}

  // Counts `reason` in `counters` as "rejected.<reason>" and logs `detail`
  // (a warning) the first time `key` is seen with this reason, then every
  // 1000th time.
  void Reject(Counters& counters, const std::string& reason,
              const std::string& key, const std::string& detail);

  // Distinct pairs remembered (<= max_keys plus one "other" per reason).
  size_t keys() const;
  // Rejections that fell into an "other" bucket.
  uint64_t folded() const;

 private:
  const size_t max_keys_;
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> seen_;   // reason + key -> occurrences
  std::map<std::string, uint64_t> other_;  // reason -> folded occurrences
  uint64_t folded_ = 0;
};

}  // namespace fog

#endif  // FOG_COMMON_COUNTERS_H_
