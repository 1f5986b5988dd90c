#include "wire/dispatch_tag.h"

#include <charconv>

namespace fog::wire {

std::string FormatDispatchTag(const DispatchTag& tag) {
  std::string out = tag.dispatch_id;
  out += ' ';
  out += std::to_string(tag.dispatched_at_us);
  out += ' ';
  out += tag.video_id;
  return out;
}

Result<DispatchTag> ParseDispatchTag(std::string_view text) {
  const size_t first = text.find(' ');
  const size_t second =
      first == std::string_view::npos ? first : text.find(' ', first + 1);
  if (second == std::string_view::npos) {
    return Status::Corruption(
        "dispatch tag: want \"<dispatch id> <microseconds> <video id>\"");
  }
  DispatchTag tag{.dispatch_id = std::string(text.substr(0, first)),
                  .video_id = std::string(text.substr(second + 1))};
  if (tag.dispatch_id.empty() || tag.video_id.empty()) {
    return Status::Corruption("dispatch tag: an empty dispatch or video id");
  }
  const std::string_view at = text.substr(first + 1, second - first - 1);
  const auto [end, ec] =
      std::from_chars(at.data(), at.data() + at.size(), tag.dispatched_at_us);
  if (at.empty() || ec != std::errc() || end != at.data() + at.size() ||
      tag.dispatched_at_us < 0) {
    return Status::Corruption(
        "dispatch tag: the time is not a non-negative "
        "integer of microseconds");
  }
  return tag;
}

}  // namespace fog::wire
