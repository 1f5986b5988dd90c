#include "wire/ack.h"

#include <chrono>
#include <nlohmann/json.hpp>

namespace fog::wire {

namespace {

using nlohmann::json;

Result<WorkerAck> DecodeOne(const json& j) {
  if (!j.is_object()) return Status::Corruption("an ack is not a JSON object");
  WorkerAck ack;
  for (auto [name, field] :
       {std::pair{"worker", &ack.worker},
        std::pair{"dispatch_id", &ack.dispatch_id},
        std::pair{"video_id", &ack.video_id}, std::pair{"result", &ack.result},
        std::pair{"reason", &ack.reason}}) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_string()) {
      return Status::Corruption(std::string("ack field \"") + name +
                                "\" is missing or not a string");
    }
    *field = it->get<std::string>();
  }
  if (ack.result != "stored" && ack.result != "duplicate" &&
      ack.result != "rejected" && ack.result != "error") {
    return Status::Corruption("ack result \"" + ack.result +
                              "\" is not stored, duplicate, rejected or error");
  }
  auto n = j.find("packet_number");
  if (n == j.end() || !n->is_number_integer()) {
    return Status::Corruption(
        "ack field \"packet_number\" is missing or not an integer");
  }
  ack.packet_number = n->get<int64_t>();
  for (auto [name, field] :
       {std::pair{"dispatched_at_us", &ack.dispatched_at_us},
        std::pair{"received_at_us", &ack.received_at_us},
        std::pair{"stored_at_us", &ack.stored_at_us}}) {
    auto it = j.find(name);
    if (it == j.end()) continue;
    if (!it->is_number_integer() || it->get<int64_t>() < 0) {
      return Status::Corruption(std::string("ack field \"") + name +
                                "\" is not a non-negative integer");
    }
    *field = it->get<int64_t>();
  }
  return ack;
}

}  // namespace

int64_t UnixMicrosNow() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Bytes EncodeAcks(std::span<const WorkerAck> acks) {
  json array = json::array();
  for (const WorkerAck& a : acks) {
    json one = {{"worker", a.worker},     {"dispatch_id", a.dispatch_id},
                {"video_id", a.video_id}, {"packet_number", a.packet_number},
                {"result", a.result},     {"reason", a.reason}};
    if (a.dispatched_at_us > 0) one["dispatched_at_us"] = a.dispatched_at_us;
    if (a.received_at_us > 0) one["received_at_us"] = a.received_at_us;
    if (a.stored_at_us > 0) one["stored_at_us"] = a.stored_at_us;
    array.push_back(std::move(one));
  }
  const std::string text =
      array.dump(-1, ' ', false, json::error_handler_t::replace);
  return Bytes(text.begin(), text.end());
}

Result<std::vector<WorkerAck>> DecodeAcks(ByteView payload) {
  const json j = json::parse(payload.begin(), payload.end(), nullptr,
                             /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Corruption("ack is not JSON");
  std::vector<WorkerAck> acks;
  if (!j.is_array()) {
    Result<WorkerAck> one = DecodeOne(j);
    if (!one.ok()) return one.status();
    acks.push_back(std::move(*one));
    return acks;
  }
  acks.reserve(j.size());
  for (const json& element : j) {
    Result<WorkerAck> one = DecodeOne(element);
    if (!one.ok()) return one.status();
    acks.push_back(std::move(*one));
  }
  return acks;
}

}  // namespace fog::wire
