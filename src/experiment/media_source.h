// The media of publisher groups whose source is a video (docs/experiments.md):
// `file` cuts a video file into packets exactly as `fog stream FILE` does
// (ffmpeg to a fragmented MP4, cut at keyframes: the init segment, then one
// fragment per packet); `pattern` first renders ffmpeg's test pattern at the
// declared bitrate and GOP into a temporary file, then cuts it the same way.
// The packets are cut once per group and signed per stream, so many streams
// need no ffmpeg of their own.
//
// Thread-safety: pure functions over files and child processes.

#ifndef FOG_EXPERIMENT_MEDIA_SOURCE_H_
#define FOG_EXPERIMENT_MEDIA_SOURCE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace fog::experiment {

// The packets of `path`'s fragmented MP4 (init segment first), each at most
// the publisher's largest media packet. InvalidArgument when ffmpeg cannot
// read the file (its first error line quoted) or the cut packets exceed
// `max_bytes` together.
Result<std::vector<Bytes>> CutVideo(const std::string& ffmpeg,
                                    const std::string& path,
                                    uint64_t max_bytes);

// Renders `duration_s` of ffmpeg's testsrc2 pattern (640x360, 25 fps, with
// noise so that it does not compress below the rate) as H.264 at a constant
// `bitrate_kbps` with a keyframe every `gop_s` into `out_path` (an MP4).
// IoError with ffmpeg's first error line when it fails.
Status RenderPattern(const std::string& ffmpeg, const std::string& out_path,
                     double bitrate_kbps, double gop_s, double duration_s);

// `arg` quoted for /bin/sh: single quotes, an embedded one as '\''.
std::string ShellQuote(const std::string& arg);

}  // namespace fog::experiment

#endif  // FOG_EXPERIMENT_MEDIA_SOURCE_H_
