#include "common/counters.h"

#include <spdlog/spdlog.h>

namespace fog {

void Counters::Add(const std::string& name, uint64_t delta) {
  std::lock_guard<std::mutex> lock(mu_);
  values_[name] += delta;
}

uint64_t Counters::Get(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = values_.find(name);
  return it == values_.end() ? 0 : it->second;
}

std::map<std::string, uint64_t> Counters::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return values_;
}

void RejectLog::Reject(Counters& counters, const std::string& reason,
                       const std::string& key, const std::string& detail) {
  counters.Add("rejected." + reason);
  uint64_t n;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (seen_.size() > 100000) seen_.clear();  // bound memory under floods
    n = ++seen_[reason + '\0' + key];
  }
  if (n == 1 || n % 1000 == 0) {
    spdlog::warn("rejected ({}): {}{}", reason, detail,
                 n > 1 ? " [seen " + std::to_string(n) + " times]" : "");
  }
}

}  // namespace fog
