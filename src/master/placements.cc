#include "master/placements.h"

namespace fog::master {

void Placements::Add(const PacketKey& key, const std::string& worker) {
  auto [it, inserted] = holders_.try_emplace(key);
  it->second.insert(worker);
  by_worker_[worker].insert(key);
  if (!inserted) return;
  order_.push_back(key);
  while (order_.size() > capacity_) {
    auto oldest = holders_.find(order_.front());
    if (oldest != holders_.end()) {
      for (const std::string& w : oldest->second) {
        by_worker_[w].erase(oldest->first);
      }
      holders_.erase(oldest);
    }
    order_.pop_front();
  }
}

void Placements::Remove(const PacketKey& key, const std::string& worker) {
  auto it = holders_.find(key);
  if (it == holders_.end()) return;
  it->second.erase(worker);
  auto w = by_worker_.find(worker);
  if (w != by_worker_.end()) {
    w->second.erase(key);
    if (w->second.empty()) by_worker_.erase(w);
  }
  // The key keeps its (empty) entry and its place in order_, so that order_
  // never holds a key twice.
}

std::vector<std::string> Placements::Holders(const PacketKey& key) const {
  auto it = holders_.find(key);
  if (it == holders_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

std::vector<PacketKey> Placements::HeldBy(const std::string& worker) const {
  auto it = by_worker_.find(worker);
  if (it == by_worker_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

}  // namespace fog::master
