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
  bool other = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string k = reason + '\0' + key;
    auto it = seen_.find(k);
    if (it != seen_.end()) {
      n = ++it->second;
    } else if (seen_.size() < max_keys_) {
      n = seen_[k] = 1;
    } else {
      // Full: a new key is not remembered, so a flood of distinct keys
      // costs one counter per reason.
      other = true;
      ++folded_;
      n = ++other_[reason];
    }
  }
  if (n == 1 || n % 1000 == 0) {
    spdlog::warn("rejected ({}): {}{}{}", reason, detail,
                 other ? " [one of the keys past the log's limit]" : "",
                 n > 1 ? " [seen " + std::to_string(n) + " times]" : "");
  }
}

size_t RejectLog::keys() const {
  std::lock_guard<std::mutex> lock(mu_);
  return seen_.size() + other_.size();
}

uint64_t RejectLog::folded() const {
  std::lock_guard<std::mutex> lock(mu_);
  return folded_;
}

}  // namespace fog
