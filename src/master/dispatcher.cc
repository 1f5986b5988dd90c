#include "master/dispatcher.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace fog::master {

Status Dispatcher::SetPolicy(std::string_view json) {
  std::map<std::string, double> weights;
  try {
    nlohmann::json j = nlohmann::json::parse(json);
    for (const auto& [name, w] : j.at("weights").items()) {
      double v = w.get<double>();
      if (!std::isfinite(v) || v < 0) {
        return Status::InvalidArgument("policy weight for " + name +
                                       " is not a finite number >= 0");
      }
      weights[name] = v;
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("policy: ") + e.what());
  }
  std::lock_guard<std::mutex> lock(mu_);
  weights_ = std::move(weights);
  return Status::OK();
}

std::optional<std::string> Dispatcher::Choose(
    const std::vector<std::string>& live) {
  if (live.empty()) return std::nullopt;
  std::lock_guard<std::mutex> lock(mu_);
  double total = 0;
  std::vector<double> w(live.size(), 0.0);
  for (size_t i = 0; i < live.size(); ++i) {
    auto it = weights_.find(live[i]);
    if (it != weights_.end()) w[i] = it->second;
    total += w[i];
  }
  if (total > 0) {
    std::uniform_real_distribution<double> pick(0, total);
    double r = pick(rng_);
    for (size_t i = 0; i < live.size(); ++i) {
      if (r < w[i]) return live[i];
      r -= w[i];
    }
    for (size_t i = live.size(); i-- > 0;) {
      if (w[i] > 0) return live[i];  // rounding left r at the very top
    }
  }
  return live[next_++ % live.size()];
}

std::map<std::string, double> Dispatcher::weights() const {
  std::lock_guard<std::mutex> lock(mu_);
  return weights_;
}

}  // namespace fog::master
