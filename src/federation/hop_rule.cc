#include "federation/hop_rule.h"

#include <algorithm>

namespace fog::federation {

HopDecision NextHop(const PeerRequest& request, const std::string& self,
                    const std::vector<std::string>& peers,
                    const std::set<std::string>& holders) {
  HopDecision d;
  std::set<std::string> visited(request.visited.begin(), request.visited.end());
  visited.insert(self);
  if (request.hops > 0) {
    std::set<std::string> candidates;
    for (const std::string& p : peers) {
      if (!visited.contains(p)) candidates.insert(p);
    }
    for (const std::string& p : candidates) {
      if (holders.empty() || holders.contains(p)) d.targets.push_back(p);
    }
  }
  for (const std::string& t : d.targets) visited.insert(t);
  d.visited.assign(visited.begin(), visited.end());
  // A visited list is bounded on the wire; the oldest names go first, which
  // the hop limit still bounds.
  if (d.visited.size() > kMaxVisited) {
    d.visited.erase(d.visited.begin(),
                    d.visited.begin() + (d.visited.size() - kMaxVisited));
  }
  return d;
}

bool RequestDedup::FirstSeen(const std::string& id) {
  if (index_.contains(id)) return false;
  order_.push_back(id);
  index_[id] = std::prev(order_.end());
  while (order_.size() > capacity_) {
    index_.erase(order_.front());
    order_.pop_front();
  }
  return true;
}

}  // namespace fog::federation
