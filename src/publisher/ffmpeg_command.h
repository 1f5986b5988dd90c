// The ffmpeg command line that turns any input ffmpeg reads (a file, standard
// input, a URL) into a fragmented MP4 on standard output, cut at keyframes,
// for the fMP4 splitter (media/fmp4_splitter.h). docs/publisher.md explains
// each argument.
//
// Thread-safety: pure functions.

#ifndef FOG_PUBLISHER_FFMPEG_COMMAND_H_
#define FOG_PUBLISHER_FFMPEG_COMMAND_H_

#include <string>
#include <vector>

namespace fog::publisher {

struct FfmpegOptions {
  std::string program = "ffmpeg";  // looked up in PATH
  std::string input;               // path, "-" for standard input, or URL
  // Re-encode to H.264 (libx264 veryfast) + AAC with a keyframe every
  // second, instead of copying the streams as they are. Needed when the
  // source's keyframes are far apart (fragments would be too large) or its
  // codecs do not fit in MP4.
  bool transcode = false;
  // Read the input at its native frame rate (-re), as a live source would.
  bool realtime = false;
};

// The full argument vector, argv[0] included, for posix_spawn (no shell).
std::vector<std::string> FfmpegArgs(const FfmpegOptions& options);

// The -i argument for `input`: "pipe:0" for "-", a URL ("scheme://...")
// unchanged, and any other path prefixed with "file:" so that a file name
// containing ':' is never taken for one of ffmpeg's protocols (concat:,
// subfile:, ...).
std::string FfmpegInput(const std::string& input);

// True for "scheme://..." with a scheme of letters, digits, '+', '-', '.'.
bool IsUrl(const std::string& input);

}  // namespace fog::publisher

#endif  // FOG_PUBLISHER_FFMPEG_COMMAND_H_
