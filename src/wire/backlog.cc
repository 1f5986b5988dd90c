#include "wire/backlog.h"

#include <nlohmann/json.hpp>

namespace fog::wire {

std::string EncodeBacklog(const BacklogReport& r) {
  nlohmann::json j = {{"packets", r.packets},
                      {"bytes", r.bytes},
                      {"broker_bytes", r.broker_bytes},
                      {"limit_bytes", r.limit_bytes},
                      {"resume_bytes", r.resume_bytes},
                      {"over", r.over},
                      {"seq", r.seq}};
  return j.dump();
}

Result<BacklogReport> DecodeBacklog(std::span<const uint8_t> payload) {
  const nlohmann::json j = nlohmann::json::parse(
      payload.begin(), payload.end(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return Status::InvalidArgument("backlog report: not a JSON object");
  }
  BacklogReport r;
  const std::pair<const char*, uint64_t*> numbers[] = {
      {"packets", &r.packets},
      {"bytes", &r.bytes},
      {"limit_bytes", &r.limit_bytes},
      {"resume_bytes", &r.resume_bytes},
      {"seq", &r.seq}};
  for (const auto& [name, field] : numbers) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_number_unsigned()) {
      return Status::InvalidArgument(std::string("backlog report: \"") + name +
                                     "\" is not a non-negative integer");
    }
    *field = it->get<uint64_t>();
  }
  auto over = j.find("over");
  if (over == j.end() || !over->is_boolean()) {
    return Status::InvalidArgument("backlog report: \"over\" is not a boolean");
  }
  r.over = over->get<bool>();
  // Optional: reports of masters that did not count the broker lack it.
  if (auto b = j.find("broker_bytes"); b != j.end()) {
    if (!b->is_number_unsigned()) {
      return Status::InvalidArgument(
          "backlog report: \"broker_bytes\" is not a non-negative integer");
    }
    r.broker_bytes = b->get<uint64_t>();
  }
  return r;
}

}  // namespace fog::wire
