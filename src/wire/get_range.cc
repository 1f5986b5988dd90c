#include "wire/get_range.h"

#include <nlohmann/json.hpp>
#include <string>

namespace fog::wire {

Bytes EncodeGetRange(const GetRange& range) {
  const GetRange whole;
  if (range.first == whole.first && range.last == whole.last) return {};
  nlohmann::json j = {{"first", range.first}};
  if (range.last != whole.last) j["last"] = range.last;
  const std::string text = j.dump();
  return Bytes(text.begin(), text.end());
}

Result<GetRange> DecodeGetRange(const Bytes& body) {
  GetRange range;
  if (body.empty()) return range;
  try {
    const nlohmann::json j = nlohmann::json::parse(body.begin(), body.end());
    range.first = j.value("first", range.first);
    range.last = j.value("last", range.last);
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(e.what());
  }
  return range;
}

}  // namespace fog::wire
