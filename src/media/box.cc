#include "media/box.h"

#include <fmt/format.h>

namespace fog::media {

namespace {

// A top-level box above this is not a size any real stream uses; rejecting it
// early also keeps `offset + size` far from overflowing.
constexpr uint64_t kMaxBoxSize = uint64_t{1} << 62;

uint64_t ReadBe(ByteView data, size_t offset, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | data[offset + i];
  return v;
}

bool IsPrintableType(FourCc type) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    uint8_t c = static_cast<uint8_t>(type >> shift);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

std::string FourCcName(FourCc type) {
  if (!IsPrintableType(type)) return fmt::format("0x{:08x}", type);
  std::string s(4, ' ');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>(type >> (24 - 8 * i));
  return s;
}

Result<std::optional<BoxHeader>> ParseBoxHeader(ByteView data) {
  if (data.size() < 8) return std::optional<BoxHeader>();
  BoxHeader h;
  h.type = static_cast<FourCc>(ReadBe(data, 4, 4));
  h.size = ReadBe(data, 0, 4);
  h.header_size = 8;
  if (!IsPrintableType(h.type)) {
    return Status::InvalidArgument(
        fmt::format("box type {} is not a four-character code: not an "
                    "ISO-BMFF (MP4) stream, or the stream is corrupt",
                    FourCcName(h.type)));
  }
  if (h.size == 1) {  // 64-bit largesize follows the type
    if (data.size() < 16) return std::optional<BoxHeader>();
    h.size = ReadBe(data, 8, 8);
    h.header_size = 16;
  } else if (h.size == 0) {
    return Status::InvalidArgument(fmt::format(
        "box '{}' has size 0 (extends to the end of the file), which a "
        "stream cannot use",
        FourCcName(h.type)));
  }
  if (h.size < h.header_size) {
    return Status::InvalidArgument(
        fmt::format("box '{}' declares {} bytes, less than its {}-byte header",
                    FourCcName(h.type), h.size, h.header_size));
  }
  if (h.size > kMaxBoxSize) {
    return Status::InvalidArgument(
        fmt::format("box '{}' declares an absurd size of {} bytes",
                    FourCcName(h.type), h.size));
  }
  return std::optional<BoxHeader>(h);
}

std::optional<BoxView> BoxIterator::Next() {
  if (!status_.ok() || offset_ >= data_.size()) return std::nullopt;
  ByteView rest = data_.subspan(offset_);
  Result<std::optional<BoxHeader>> header = ParseBoxHeader(rest);
  if (!header.ok()) {
    status_ = header.status();
    return std::nullopt;
  }
  if (!header->has_value() || (*header)->size > rest.size()) {
    status_ = Status::Corruption(fmt::format(
        "truncated box at offset {} ({} bytes left)", offset_, rest.size()));
    return std::nullopt;
  }
  const BoxHeader& h = **header;
  offset_ += h.size;
  return BoxView{h.type, rest.subspan(h.header_size, h.size - h.header_size)};
}

std::optional<BoxView> FindChild(ByteView data, FourCc type) {
  BoxIterator it(data);
  while (std::optional<BoxView> box = it.Next()) {
    if (box->type == type) return box;
  }
  return std::nullopt;
}

bool FieldReader::Take(size_t n) {
  if (!ok_ || remaining() < n) {
    ok_ = false;
    return false;
  }
  return true;
}

uint8_t FieldReader::U8() {
  if (!Take(1)) return 0;
  return data_[offset_++];
}

uint32_t FieldReader::U24() {
  if (!Take(3)) return 0;
  uint32_t v = static_cast<uint32_t>(ReadBe(data_, offset_, 3));
  offset_ += 3;
  return v;
}

uint32_t FieldReader::U32() {
  if (!Take(4)) return 0;
  uint32_t v = static_cast<uint32_t>(ReadBe(data_, offset_, 4));
  offset_ += 4;
  return v;
}

uint64_t FieldReader::U64() {
  if (!Take(8)) return 0;
  uint64_t v = ReadBe(data_, offset_, 8);
  offset_ += 8;
  return v;
}

void FieldReader::Skip(size_t n) {
  if (Take(n)) offset_ += n;
}

}  // namespace fog::media
