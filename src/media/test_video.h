// Test support: short real videos made with ffmpeg (lavfi test sources), and
// per-stream frame hashes for comparing what survives packetization. Tests
// only; needs ffmpeg in PATH.
//
// Thread-safety: reentrant (each call runs its own ffmpeg).

#ifndef FOG_MEDIA_TEST_VIDEO_H_
#define FOG_MEDIA_TEST_VIDEO_H_

#include <map>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace fog::media::testing {

// A fresh temporary directory (mkdtemp under $TMPDIR or /tmp), removed with
// its files by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Writes `seconds` of 320x240 25 fps H.264 (a keyframe every second) plus
// 48 kHz AAC sine audio to `path` (a regular, non-fragmented MP4).
Status MakeTestVideo(const std::string& path, int seconds);

// Runs the publisher's copy-mode ffmpeg on `path` and returns the fMP4 bytes.
Result<Bytes> FragmentWithFfmpeg(const std::string& path);

// ffmpeg framemd5 of every video and audio frame of `path`, stream copied:
// stream index -> frame hashes in order. Timestamps are left out on purpose,
// since repackaging may shift them.
Result<std::map<int, std::vector<std::string>>> FrameHashes(
    const std::string& path);

}  // namespace fog::media::testing

#endif  // FOG_MEDIA_TEST_VIDEO_H_
