#include "media/test_video.h"

#include <stdlib.h>

#include <filesystem>
#include <sstream>

#include "media/subprocess.h"

namespace fog::media::testing {

namespace {

Result<Bytes> RunFfmpeg(const std::vector<std::string>& argv) {
  Result<ProcessOutput> run = RunProcess(argv);
  if (!run.ok()) return run.status();
  if (run->exit_code != 0) {
    return Status::Internal("ffmpeg exited with " +
                            std::to_string(run->exit_code) + ": " + run->err);
  }
  return std::move(run->out);
}

}  // namespace

TempDir::TempDir() {
  std::string base =
      std::filesystem::temp_directory_path() / "fog_media_XXXXXX";
  if (::mkdtemp(base.data()) != nullptr) path_ = base;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

Status MakeTestVideo(const std::string& path, int seconds) {
  Result<Bytes> out =
      RunFfmpeg({"ffmpeg",    "-hide_banner",
                 "-loglevel", "error",
                 "-nostdin",  "-y",
                 "-f",        "lavfi",
                 "-i",        "testsrc2=size=320x240:rate=25",
                 "-f",        "lavfi",
                 "-i",        "sine=frequency=440:sample_rate=48000",
                 "-t",        std::to_string(seconds),
                 "-c:v",      "libx264",
                 "-preset",   "veryfast",
                 "-g",        "25",
                 "-pix_fmt",  "yuv420p",
                 "-c:a",      "aac",
                 path});
  return out.ok() ? Status::OK() : out.status();
}

Result<Bytes> FragmentWithFfmpeg(const std::string& path) {
  return RunFfmpeg({"ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin",
                    "-i", path, "-map", "0", "-c", "copy", "-f", "mp4",
                    "-movflags", "frag_keyframe+empty_moov+default_base_moof",
                    "pipe:1"});
}

Result<std::map<int, std::vector<std::string>>> FrameHashes(
    const std::string& path) {
  Result<Bytes> out = RunFfmpeg({"ffmpeg", "-hide_banner", "-loglevel", "error",
                                 "-nostdin", "-i", path, "-map", "0:v", "-map",
                                 "0:a", "-c", "copy", "-f", "framemd5", "-"});
  if (!out.ok()) return out.status();
  // Lines: "stream, dts, pts, duration, size, hash[, S=n, size, hash]"
  // (the optional tail hashes side data such as AAC skip-samples, which a
  // remux may drop); '#' lines are headers. Keep stream and frame hash.
  std::map<int, std::vector<std::string>> hashes;
  std::istringstream in(std::string(out->begin(), out->end()));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::istringstream columns(line);
    for (std::string f; std::getline(columns, f, ',');) {
      size_t b = f.find_first_not_of(' ');
      fields.push_back(b == std::string::npos ? "" : f.substr(b));
    }
    if (fields.size() < 6) continue;
    hashes[std::stoi(fields[0])].push_back(fields[5]);
  }
  return hashes;
}

}  // namespace fog::media::testing
