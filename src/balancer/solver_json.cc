#include "balancer/solver_json.h"

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

namespace fog::balancer {

namespace {

using Json = nlohmann::json;

// Stores obj[key] in *out when present; InvalidArgument if it is present but
// not a number, or absent and `required`.
Status ReadNumber(const Json& obj, const char* key, const std::string& where,
                  bool required, double* out) {
  const auto it = obj.find(key);
  if (it == obj.end()) {
    return required ? Status::InvalidArgument(where + key + " is missing")
                    : Status::OK();
  }
  if (!it->is_number()) {
    return Status::InvalidArgument(where + key + " must be a number");
  }
  *out = it->get<double>();
  return Status::OK();
}

Status ReadPackets(const Json& root, int64_t* out) {
  const auto it = root.find("packets");
  if (it == root.end()) return Status::InvalidArgument("packets is missing");
  if (it->is_number_unsigned()) {
    const auto v = it->get<uint64_t>();
    *out = v > static_cast<uint64_t>(kMaxPackets) ? kMaxPackets + 1
                                                  : static_cast<int64_t>(v);
    return Status::OK();  // Validate() rejects a value above kMaxPackets
  }
  if (!it->is_number_integer()) {
    return Status::InvalidArgument("packets must be an integer");
  }
  *out = it->get<int64_t>();
  return Status::OK();
}

Result<WorkerLoad> ReadWorker(const Json& j, size_t index) {
  const std::string where = "workers[" + std::to_string(index) + "].";
  if (!j.is_object()) {
    return Status::InvalidArgument(where.substr(0, where.size() - 1) +
                                   " must be an object");
  }
  WorkerLoad w;
  const auto name = j.find("name");
  if (name == j.end() || !name->is_string()) {
    return Status::InvalidArgument(where + "name must be a string");
  }
  w.name = name->get<std::string>();
  Status s = ReadNumber(j, "cpu", where, true, &w.cpu);
  if (s.ok()) s = ReadNumber(j, "free_storage", where, true, &w.free_storage);
  if (!s.ok()) return s;
  return w;
}

Result<Instance> ReadInstance(const Json& root) {
  if (!root.is_object()) {
    return Status::InvalidArgument("instance must be a JSON object");
  }
  Instance in;
  Status s = ReadPackets(root, &in.packets);
  if (s.ok()) s = ReadNumber(root, "packet_size", "", false, &in.packet_size);
  if (s.ok()) s = ReadNumber(root, "lambda", "", false, &in.lambda);
  if (s.ok()) {
    s = ReadNumber(root, "cpu_threshold", "", false, &in.cpu_threshold);
  }
  if (!s.ok()) return s;
  const auto workers = root.find("workers");
  if (workers == root.end() || !workers->is_array()) {
    return Status::InvalidArgument("workers must be an array");
  }
  for (size_t i = 0; i < workers->size(); ++i) {
    Result<WorkerLoad> w = ReadWorker((*workers)[i], i);
    if (!w.ok()) return w.status();
    in.workers.push_back(std::move(*w));
  }
  return in;
}

std::string Dump(const Json& j) {
  // Names need not be valid UTF-8 when the instance did not come from JSON.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

Result<Instance> ParseInstance(std::string_view json) {
  Result<Instance> in = Status::InvalidArgument("instance: not parsed");
  try {
    in = ReadInstance(Json::parse(json));
  } catch (const Json::exception& e) {
    return Status::InvalidArgument(std::string("instance: ") + e.what());
  }
  if (!in.ok()) {
    return Status::InvalidArgument("instance: " + in.status().message());
  }
  Status s = Validate(*in);
  if (!s.ok()) return Status::InvalidArgument("instance: " + s.message());
  return in;
}

std::string AllocationJson(const Instance& instance,
                           const Allocation& allocation) {
  Json alloc = Json::object();
  for (size_t i = 0; i < instance.workers.size(); ++i) {
    alloc[instance.workers[i].name] = allocation.packets[i];
  }
  Json doc = {{"allocation", std::move(alloc)},
              {"objective", allocation.objective}};
  if (allocation.unassigned > 0) doc["unassigned"] = allocation.unassigned;
  if (!allocation.feasible) {
    doc["feasible"] = false;
    doc["error"] = allocation.error;
  }
  if (allocation.overload_fallback) doc["overload_fallback"] = true;
  return Dump(doc);
}

std::string PolicyJson(const Instance& instance, const Allocation& allocation) {
  Json weights = Json::object();
  Json capacities = Json::object();
  for (size_t i = 0; i < instance.workers.size(); ++i) {
    const std::string& name = instance.workers[i].name;
    weights[name] = instance.packets == 0
                        ? 0.0
                        : static_cast<double>(allocation.packets[i]) /
                              static_cast<double>(instance.packets);
    capacities[name] = allocation.capacities[i];
  }
  return Dump({{"weights", std::move(weights)},
               {"capacities", std::move(capacities)},
               {"model", std::string(ModelName(allocation.model))},
               {"objective", allocation.objective}});
}

}  // namespace fog::balancer
