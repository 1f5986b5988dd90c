// BacklogGate: follows the fog's backlog (fog/backlog, retained, from the
// master; wire/backlog.h) so that a publisher waits, before its next packet,
// while the master says its backlog is over the limit, instead of letting
// the fog's memory and disks absorb a burst without end
// (docs/durability.md, "Backpressure").
//
// No report (no master yet, or a master that predates it) means "go on". A
// report that cannot be decoded is counted, logged once, and ignored.
//
// Thread-safety: the handler runs on the client's callback thread;
// WaitWhileOver from one publishing thread at a time.

#ifndef FOG_PUBLISHER_BACKLOG_GATE_H_
#define FOG_PUBLISHER_BACKLOG_GATE_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "common/status.h"
#include "wire/backlog.h"

namespace fog::mqtt {
class Client;
}  // namespace fog::mqtt

namespace fog::publisher {

class BacklogGate {
 public:
  // Installs the message handler on `client`. REQUIRES: called before
  // client.Connect(); `client` has no other handler. The handler shares
  // the gate's state, so `client` may deliver a report after the gate is
  // gone (in either order of destruction).
  explicit BacklogGate(mqtt::Client& client);
  BacklogGate(const BacklogGate&) = delete;
  BacklogGate& operator=(const BacklogGate&) = delete;

  // Subscribes to fog/backlog and returns once the retained report, if the
  // broker holds one, has been read. Unauthenticated when the broker's ACL
  // refuses it; Unavailable when the broker does not answer.
  Status Subscribe();

  // Returns at once while the backlog is not over. Otherwise calls
  // `on_held` with the report and waits until a report says it is not
  // over, at most `max_wait`: Unavailable then, naming the backlog and the
  // wait. On success *held_seconds (if given) is the time waited.
  Status WaitWhileOver(
      std::chrono::milliseconds max_wait,
      const std::function<void(const wire::BacklogReport&)>& on_held,
      double* held_seconds);

  // The latest report read, if any.
  std::optional<wire::BacklogReport> last() const;
  uint64_t bad_reports() const;

 private:
  struct State {
    mutable std::mutex mu;
    std::condition_variable cv;
    std::optional<wire::BacklogReport> last;
    uint64_t bad_reports = 0;
  };
  static void Take(State& state, const std::vector<uint8_t>& payload);

  mqtt::Client& client_;
  const std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace fog::publisher

#endif  // FOG_PUBLISHER_BACKLOG_GATE_H_
