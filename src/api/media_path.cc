#include "api/media_path.h"

#include <charconv>

#include "wire/envelope.h"

namespace fog::api {

namespace {
constexpr std::string_view kSegmentSuffix = ".m4s";
}  // namespace

Result<MediaPath> ParseMediaPath(std::string_view rest) {
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) {
    return Status::InvalidArgument("not a media path");
  }
  MediaPath out;
  out.video_id = std::string(rest.substr(0, slash));
  Status valid = wire::ValidateVideoId(out.video_id);
  if (!valid.ok()) return valid;
  const std::string_view file = rest.substr(slash + 1);
  if (file == "index.m3u8") return out;
  if (file == "init.mp4") {
    out.kind = MediaKind::kInit;
    out.packet = 1;
    return out;
  }
  if (file.size() <= kSegmentSuffix.size() || !file.ends_with(kSegmentSuffix) ||
      file.find('/') != std::string_view::npos) {
    return Status::InvalidArgument(
        "no such file; a video has index.m3u8, init.mp4 and N.m4s");
  }
  const std::string_view digits =
      file.substr(0, file.size() - kSegmentSuffix.size());
  int64_t n = 0;
  auto [ptr, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || ptr != digits.data() + digits.size() ||
      digits[0] == '0' || digits[0] == '-' || digits[0] == '+' || n < 2 ||
      n > kMaxSegmentNumber) {
    return Status::InvalidArgument(
        "segment number must be a decimal integer from 2 (packet 1 is "
        "init.mp4)");
  }
  out.kind = MediaKind::kSegment;
  out.packet = n;
  return out;
}

const char* MediaContentType(MediaKind kind) {
  switch (kind) {
    case MediaKind::kPlaylist:
      return "application/vnd.apple.mpegurl";
    case MediaKind::kInit:
      return "video/mp4";
    case MediaKind::kSegment:
      return "video/iso.segment";
  }
  return "application/octet-stream";
}

}  // namespace fog::api
