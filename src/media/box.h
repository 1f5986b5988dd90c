// ISO-BMFF (ISO/IEC 14496-12) box primitives: four-character codes, box
// headers (32-bit size, 64-bit largesize) and iteration over the child boxes
// held in a buffer. Everything here works on complete bytes in memory; the
// incremental reader for a pipe is box_reader.h.
//
// Thread-safety: value types and pure functions; reentrant.

#ifndef FOG_MEDIA_BOX_H_
#define FOG_MEDIA_BOX_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace fog::media {

// A box type as the big-endian integer of its four characters.
using FourCc = uint32_t;

constexpr FourCc MakeFourCc(const char (&s)[5]) {
  return (static_cast<FourCc>(static_cast<uint8_t>(s[0])) << 24) |
         (static_cast<FourCc>(static_cast<uint8_t>(s[1])) << 16) |
         (static_cast<FourCc>(static_cast<uint8_t>(s[2])) << 8) |
         static_cast<FourCc>(static_cast<uint8_t>(s[3]));
}

// "moof", or the hex of the code when it is not printable ASCII.
std::string FourCcName(FourCc type);

// The header of one box. `size` covers the whole box, header included.
struct BoxHeader {
  FourCc type = 0;
  uint64_t size = 0;
  uint32_t header_size = 0;  // 8, or 16 with a 64-bit largesize
};

// Parses the box header at the start of `data`.
// Returns nullopt when `data` is too short to hold the whole header (read
// more and retry). Errors (InvalidArgument) for a header no stream of ours
// can carry: size 0 ("extends to the end of the file", which a pipe cannot
// honour), a size smaller than its own header, a largesize above 2^62, or a
// type that is not four printable ASCII characters (not ISO-BMFF at all).
Result<std::optional<BoxHeader>> ParseBoxHeader(ByteView data);

// A complete box inside a buffer: `payload` excludes the header.
struct BoxView {
  FourCc type = 0;
  ByteView payload;
};

// Iterates over the boxes laid end to end in `data` (a box payload, or a
// whole segment). Malformed or truncated children end the iteration with an
// error in status(), so callers can tell "no more boxes" from "corrupt".
class BoxIterator {
 public:
  explicit BoxIterator(ByteView data) : data_(data) {}

  // The next box, or nullopt at the end or on error (see status()).
  std::optional<BoxView> Next();
  const Status& status() const { return status_; }

 private:
  ByteView data_;
  size_t offset_ = 0;
  Status status_;
};

// The first child of type `type` in `data`, or nullopt (also on error).
std::optional<BoxView> FindChild(ByteView data, FourCc type);

// Big-endian field reader over a box payload; every read is bounds-checked
// and a short read sets the reader as failed instead of reading past the end.
class FieldReader {
 public:
  explicit FieldReader(ByteView data) : data_(data) {}

  uint8_t U8();
  uint32_t U24();
  uint32_t U32();
  uint64_t U64();
  void Skip(size_t n);

  bool ok() const { return ok_; }
  size_t remaining() const { return data_.size() - offset_; }

 private:
  bool Take(size_t n);

  ByteView data_;
  size_t offset_ = 0;
  bool ok_ = true;
};

}  // namespace fog::media

#endif  // FOG_MEDIA_BOX_H_
