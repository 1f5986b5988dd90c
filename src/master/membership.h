// Which workers are alive: a worker is live while its retained status says
// "online" and its last heartbeat is recent. Fed by the master's MQTT
// handler; read by the dispatcher.
//
// Thread-safety: all methods are safe to call concurrently.

#ifndef FOG_MASTER_MEMBERSHIP_H_
#define FOG_MASTER_MEMBERSHIP_H_

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace fog::master {

class Membership {
 public:
  using Clock = std::chrono::steady_clock;

  // A worker silent for longer than `timeout` is not live.
  explicit Membership(Clock::duration timeout) : timeout_(timeout) {}

  // Retained status: "online" joins (and counts as a heartbeat), anything
  // else ("offline", the last will) leaves.
  void OnStatus(const std::string& worker, bool online, Clock::time_point now);
  void OnHeartbeat(const std::string& worker, Clock::time_point now);

  // Live workers, sorted by name.
  std::vector<std::string> Live(Clock::time_point now) const;
  // Workers known but not live, and silent (or offline) for at least
  // `silence`, sorted by name.
  std::vector<std::string> SilentFor(Clock::time_point now,
                                     Clock::duration silence) const;

 private:
  struct State {
    bool online = false;
    Clock::time_point last_seen;
  };

  const Clock::duration timeout_;
  mutable std::mutex mu_;
  std::map<std::string, State> workers_;
};

}  // namespace fog::master

#endif  // FOG_MASTER_MEMBERSHIP_H_
