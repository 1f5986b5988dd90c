#include "publisher/ffmpeg_command.h"

#include <cctype>

namespace fog::publisher {

bool IsUrl(const std::string& input) {
  size_t sep = input.find("://");
  if (sep == std::string::npos || sep == 0 ||
      !std::isalpha(static_cast<unsigned char>(input[0]))) {
    return false;
  }
  for (size_t i = 0; i < sep; ++i) {
    unsigned char c = static_cast<unsigned char>(input[i]);
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

std::string FfmpegInput(const std::string& input) {
  if (input == "-") return "pipe:0";
  if (IsUrl(input)) return input;
  return "file:" + input;
}

std::vector<std::string> FfmpegArgs(const FfmpegOptions& options) {
  std::vector<std::string> args = {options.program, "-hide_banner", "-loglevel",
                                   "error", "-nostdin"};
  // -nostdin stops ffmpeg's interactive keys; with input "-" it still reads
  // the media from pipe:0.
  if (options.realtime) args.push_back("-re");
  args.insert(args.end(), {"-i", FfmpegInput(options.input)});
  if (options.transcode) {
    // One keyframe per second whatever the frame rate, and no extra ones at
    // scene cuts, so fragments are about one second each. Optional maps: an
    // audio-only or video-only input still works; subtitles and data
    // streams, which MP4 may not hold, are left out.
    args.insert(args.end(),
                {"-map", "0:v:0?", "-map", "0:a:0?", "-c:v", "libx264",
                 "-preset", "veryfast", "-pix_fmt", "yuv420p",
                 "-force_key_frames", "expr:gte(t,n_forced*1)", "-sc_threshold",
                 "0", "-c:a", "aac", "-b:a", "128k"});
  } else {
    args.insert(args.end(), {"-map", "0", "-c", "copy"});
  }
  // empty_moov: the init segment comes first and holds no samples;
  // frag_keyframe: a fragment starts at each video keyframe, so every
  // fragment is decodable on its own; default_base_moof: offsets relative
  // to the moof, so a fragment stays valid when cut out of the stream.
  args.insert(args.end(),
              {"-f", "mp4", "-movflags",
               "frag_keyframe+empty_moov+default_base_moof", "pipe:1"});
  return args;
}

}  // namespace fog::publisher
