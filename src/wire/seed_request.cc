#include "wire/seed_request.h"

#include <nlohmann/json.hpp>

namespace fog::wire {

Result<SeedRequest> DecodeSeedRequest(ByteView body) {
  try {
    const nlohmann::json j = nlohmann::json::parse(body.begin(), body.end());
    // An integer only: a float (even a huge one) is refused, never converted.
    if (!j.at("packet_number").is_number_integer()) {
      return Status::Corruption(
          "packet-request: packet_number is not an integer");
    }
    return SeedRequest{.video_id = j.at("video_id").get<std::string>(),
                       .packet_number = j.at("packet_number").get<int64_t>(),
                       .channel_uuid = j.at("channel_uuid").get<std::string>()};
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(std::string("packet-request: ") + e.what());
  }
}

}  // namespace fog::wire
