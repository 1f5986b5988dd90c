#include "master/membership.h"

namespace fog::master {

void Membership::OnStatus(const std::string& worker, bool online,
                          Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  State& s = workers_[worker];
  s.online = online;
  s.last_seen = now;
}

void Membership::OnHeartbeat(const std::string& worker, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = workers_.find(worker);
  // A heartbeat alone does not join: the retained status does, so a worker
  // that said "offline" is not revived by a late heartbeat in flight.
  if (it != workers_.end() && it->second.online) it->second.last_seen = now;
}

std::vector<std::string> Membership::Live(Clock::time_point now) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, s] : workers_) {
    if (s.online && now - s.last_seen <= timeout_) out.push_back(name);
  }
  return out;
}

std::vector<std::string> Membership::SilentFor(Clock::time_point now,
                                               Clock::duration silence) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, s] : workers_) {
    const bool live = s.online && now - s.last_seen <= timeout_;
    if (!live && now - s.last_seen >= silence) out.push_back(name);
  }
  return out;
}

}  // namespace fog::master
