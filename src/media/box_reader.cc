#include "media/box_reader.h"

#include <fmt/format.h>

namespace fog::media {

void BoxReader::Append(ByteView data) {
  // Drop consumed bytes before growing, so the buffer never holds more than
  // the current box and one chunk. Moving the tail is cheap next to the
  // copy the caller makes of each box anyway.
  if (start_ > 0) {
    buffer_.erase(buffer_.begin(),
                  buffer_.begin() + static_cast<ptrdiff_t>(start_));
    start_ = 0;
  }
  buffer_.insert(buffer_.end(), data.begin(), data.end());
}

Result<std::optional<BoxHeader>> BoxReader::PeekHeader() const {
  Result<std::optional<BoxHeader>> header =
      ParseBoxHeader(ByteView(buffer_).subspan(start_));
  if (!header.ok()) {
    return Status::InvalidArgument(fmt::format(
        "at stream offset {}: {}", offset_, header.status().message()));
  }
  return header;
}

Result<std::optional<BoxHeader>> BoxReader::Next(Bytes* out) {
  Result<std::optional<BoxHeader>> header = PeekHeader();
  if (!header.ok() || !header->has_value()) return header;
  const BoxHeader& h = **header;
  if (h.size > buffered()) return std::optional<BoxHeader>();
  auto first = buffer_.begin() + static_cast<ptrdiff_t>(start_);
  out->insert(out->end(), first, first + static_cast<ptrdiff_t>(h.size));
  start_ += h.size;
  offset_ += h.size;
  if (start_ == buffer_.size()) {  // cheap reset when nothing is pending
    buffer_.clear();
    start_ = 0;
  }
  return header;
}

}  // namespace fog::media
