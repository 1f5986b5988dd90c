// Where a request goes next, and which requests were seen already: the two
// rules that keep forwarding from looping (docs/federation.md, "Why it
// cannot loop").
//
// Thread-safety: NextHop is reentrant; RequestDedup is not thread-safe (its
// owner locks).

#ifndef FOG_FEDERATION_HOP_RULE_H_
#define FOG_FEDERATION_HOP_RULE_H_

#include <list>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "federation/messages.h"

namespace fog::federation {

struct HopDecision {
  std::vector<std::string> targets;  // peers to ask, sorted
  // The visited list the forwarded request carries: the old one, this fog
  // and every target (so no target asks another target).
  std::vector<std::string> visited;
};

// `request` arrived at (or starts from) fog `self`, with `request.hops`
// hops left. `peers`: the peers linked now; `holders`: the peers whose
// catalog lists the video. Targets: the holders among the peers not yet
// visited; when no catalog lists the video at all, every peer not yet
// visited; none when no hop is left. A request whose holders were all
// visited already goes nowhere.
HopDecision NextHop(const PeerRequest& request, const std::string& self,
                    const std::vector<std::string>& peers,
                    const std::set<std::string>& holders);

// The request ids seen lately, at most `capacity` of them (the oldest is
// forgotten first). A request id that comes back after it was forgotten is
// still bounded by its hop limit.
class RequestDedup {
 public:
  explicit RequestDedup(size_t capacity) : capacity_(capacity) {}
  // True the first time `id` is seen (and remembers it), false after.
  bool FirstSeen(const std::string& id);
  size_t size() const { return order_.size(); }

 private:
  const size_t capacity_;
  std::list<std::string> order_;  // oldest first
  std::unordered_map<std::string, std::list<std::string>::iterator> index_;
};

}  // namespace fog::federation

#endif  // FOG_FEDERATION_HOP_RULE_H_
