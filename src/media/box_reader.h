// Incremental reader of top-level ISO-BMFF boxes: bytes go in as they arrive
// from a pipe, in chunks of any size, and whole boxes come out.
//
// Memory: the reader holds at most the bytes of the box being assembled
// plus one appended chunk. It does not bound box sizes itself; a caller that
// must (fmp4_splitter.h) calls PeekHeader() after each Append() and gives up
// before the box is buffered.
//
// Thread-safety: not thread-safe; one owner.

#ifndef FOG_MEDIA_BOX_READER_H_
#define FOG_MEDIA_BOX_READER_H_

#include <cstdint>
#include <optional>

#include "common/bytes.h"
#include "common/status.h"
#include "media/box.h"

namespace fog::media {

class BoxReader {
 public:
  BoxReader() = default;
  BoxReader(const BoxReader&) = delete;
  BoxReader& operator=(const BoxReader&) = delete;

  // Appends the next bytes of the stream (copied).
  void Append(ByteView data);

  // The header of the next box as soon as its header bytes are buffered;
  // nullopt before that. Errors as ParseBoxHeader(), with the stream offset.
  Result<std::optional<BoxHeader>> PeekHeader() const;

  // When the next box is complete, appends all its bytes (header included)
  // to `*out`, consumes it and returns its header; otherwise returns nullopt
  // and leaves `*out` alone. Errors as PeekHeader(); after an error the
  // reader stays failed. REQUIRES: out != nullptr.
  Result<std::optional<BoxHeader>> Next(Bytes* out);

  // Stream offset of the next box (bytes consumed so far).
  uint64_t offset() const { return offset_; }
  // Bytes buffered that do not yet form a complete box (non-zero at the end
  // of the stream means it was truncated).
  size_t buffered() const { return buffer_.size() - start_; }

 private:
  Bytes buffer_;
  size_t start_ = 0;     // first unconsumed byte of buffer_
  uint64_t offset_ = 0;  // stream offset of buffer_[start_]
};

}  // namespace fog::media

#endif  // FOG_MEDIA_BOX_READER_H_
