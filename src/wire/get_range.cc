#include "wire/get_range.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

namespace fog::wire {

Bytes EncodeGetRange(const GetRange& range) {
  const GetRange whole;
  if (range.first == whole.first && range.last == whole.last &&
      range.max_bytes == 0) {
    return {};
  }
  nlohmann::json j = {{"first", range.first}};
  if (range.last != whole.last) j["last"] = range.last;
  if (range.max_bytes != 0) j["max_bytes"] = range.max_bytes;
  const std::string text = j.dump();
  return Bytes(text.begin(), text.end());
}

Result<GetRange> DecodeGetRange(ByteView body) {
  GetRange range;
  if (body.empty()) return range;
  try {
    const nlohmann::json j = nlohmann::json::parse(body.begin(), body.end());
    // Integers only: a float (even a huge one) is refused, never converted.
    for (const char* key : {"first", "last", "max_bytes"}) {
      if (j.is_object() && j.contains(key) && !j[key].is_number_integer()) {
        return Status::InvalidArgument(std::string(key) +
                                       " must be an integer");
      }
    }
    range.first = j.value("first", range.first);
    range.last = j.value("last", range.last);
    range.max_bytes = j.value("max_bytes", range.max_bytes);
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(e.what());
  }
  if (range.max_bytes < 0) {
    return Status::InvalidArgument("max_bytes must not be negative");
  }
  return range;
}

int64_t PageBytes(const GetRange& range) {
  if (range.max_bytes == 0) return kDefaultPageBytes;
  return std::min(range.max_bytes, kMaxPageBytes);
}

}  // namespace fog::wire
