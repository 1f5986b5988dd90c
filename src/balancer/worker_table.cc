#include "balancer/worker_table.h"

#include <cmath>

#include "wire/envelope.h"

namespace fog::balancer {

namespace {

Result<double> FiniteField(const nlohmann::json& j, const char* name, double lo,
                           double hi) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number()) {
    return Status::InvalidArgument(std::string("stats: \"") + name +
                                   "\" is missing or not a number");
  }
  double v = it->get<double>();
  if (!std::isfinite(v) || v < lo || v > hi) {
    return Status::InvalidArgument(std::string("stats: \"") + name +
                                   "\" is out of range");
  }
  return v;
}

}  // namespace

Status WorkerTable::OnStats(const std::string& worker,
                            std::span<const uint8_t> payload,
                            uint64_t current_round) {
  if (Status s = wire::ValidateVideoId(worker); !s.ok()) {
    return Status::InvalidArgument("stats: bad worker name: " + s.message());
  }
  nlohmann::json j = nlohmann::json::parse(payload.begin(), payload.end(),
                                           nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return Status::InvalidArgument("stats: not a JSON object");
  }
  auto seq_field = j.find("seq");
  if (seq_field == j.end() || !seq_field->is_number_unsigned() ||
      seq_field->get<uint64_t>() == 0 ||
      seq_field->get<uint64_t>() > current_round) {
    return Status::InvalidArgument("stats: \"seq\" is not a ping we sent");
  }
  const uint64_t seq = seq_field->get<uint64_t>();
  Result<double> cpu = FiniteField(j, "cpu", 0, 100);
  if (!cpu.ok()) return cpu.status();
  Result<double> storage = FiniteField(j, "free_storage", 0, HUGE_VAL);
  if (!storage.ok()) return storage.status();
  Entry& e = entries_[worker];
  // An answer to an older ping than one already seen is late: keep the newer.
  if (seq < e.last_round) return Status::OK();
  e.load = {.name = worker, .cpu = *cpu, .free_storage = *storage};
  e.stats = std::move(j);
  e.last_round = seq;
  return Status::OK();
}

void WorkerTable::OnOffline(const std::string& worker) {
  entries_.erase(worker);
}

std::vector<WorkerTable::Entry> WorkerTable::Current(uint64_t round) const {
  std::vector<Entry> live;
  for (const auto& [name, e] : entries_) {
    if (e.last_round + static_cast<uint64_t>(missed_periods_) >= round) {
      live.push_back(e);
    }
  }
  return live;
}

}  // namespace fog::balancer
