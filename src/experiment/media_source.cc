#include "experiment/media_source.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "media/fmp4_splitter.h"
#include "publisher/ffmpeg_command.h"
#include "publisher/publisher.h"

namespace fog::experiment {

namespace {

// The media a packet may hold: the publisher's payload limit less what the
// signed envelope needs around it (publisher/publisher.h).
size_t MaxMediaBytes() {
  return media::kDefaultMaxPacketBytes -
         publisher::PayloadReserve(publisher::PayloadFormat::kSigned);
}

std::string Join(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& a : args)
    out += (out.empty() ? "" : " ") + ShellQuote(a);
  return out;
}

std::string FirstLine(const std::string& text) {
  const size_t end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end);
}

}  // namespace

std::string ShellQuote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

Result<std::vector<Bytes>> CutVideo(const std::string& ffmpeg,
                                    const std::string& path,
                                    uint64_t max_bytes) {
  // The arguments of `fog stream FILE`: streams copied, cut at keyframes.
  const std::string err_path = path + ".ffmpeg-err";
  const std::string cmd =
      Join(publisher::FfmpegArgs({.program = ffmpeg, .input = path})) + " 2>" +
      ShellQuote(err_path);
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return Status::IoError("cannot run " + ffmpeg);
  media::Fmp4Splitter splitter({.max_packet_bytes = MaxMediaBytes()});
  std::vector<media::MediaPacket> packets;
  uint64_t total = 0;
  Status s;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) {
    total += n;
    if (total > max_bytes) {
      s = Status::InvalidArgument(path + ": more than " +
                                  std::to_string(max_bytes >> 20) +
                                  " MiB of media");
      break;
    }
    if (s.ok())
      s = splitter.Feed(ByteView(reinterpret_cast<uint8_t*>(buf), n), &packets);
    if (!s.ok()) break;
  }
  const int rc = ::pclose(p);  // reads the rest of a stream abandoned early
  std::string err;
  if (FILE* e = std::fopen(err_path.c_str(), "r")) {
    while ((n = std::fread(buf, 1, sizeof(buf), e)) > 0) err.append(buf, n);
    std::fclose(e);
  }
  std::remove(err_path.c_str());
  if (!s.ok()) return s;
  if (rc != 0) {
    return Status::InvalidArgument(
        path + ": ffmpeg cannot read it: " + FirstLine(err));
  }
  if (s = splitter.Finish(&packets); !s.ok())
    return Status::InvalidArgument(path + ": " + s.message());
  std::vector<Bytes> out;
  out.reserve(packets.size());
  for (media::MediaPacket& m : packets) out.push_back(std::move(m.data));
  return out;
}

Status RenderPattern(const std::string& ffmpeg, const std::string& out_path,
                     double bitrate_kbps, double gop_s, double duration_s) {
  constexpr int kFps = 25;
  const std::string rate =
      std::to_string(static_cast<int64_t>(bitrate_kbps)) + "k";
  // The buffer holds one GOP, so each GOP (one packet) is near
  // bitrate x gop; nal-hrd=cbr pads a pattern that compresses better.
  const std::string buffer =
      std::to_string(static_cast<int64_t>(bitrate_kbps * gop_s)) + "k";
  const std::string gop =
      std::to_string(std::max<int64_t>(1, std::llround(gop_s * kFps)));
  std::ostringstream duration;
  duration << duration_s;
  const std::vector<std::string> args = {
      ffmpeg,
      "-hide_banner",
      "-loglevel",
      "error",
      "-nostdin",
      "-y",
      "-f",
      "lavfi",
      "-i",
      "testsrc2=size=640x360:rate=" + std::to_string(kFps),
      "-t",
      duration.str(),
      "-vf",
      "noise=alls=20:allf=t",
      "-c:v",
      "libx264",
      "-preset",
      "veryfast",
      "-pix_fmt",
      "yuv420p",
      "-b:v",
      rate,
      "-minrate",
      rate,
      "-maxrate",
      rate,
      "-bufsize",
      buffer,
      "-x264-params",
      "nal-hrd=cbr:force-cfr=1",
      "-g",
      gop,
      "-keyint_min",
      gop,
      "-sc_threshold",
      "0",
      "-an",
      "file:" + out_path};
  const std::string cmd = Join(args) + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return Status::IoError("cannot run " + ffmpeg);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  if (::pclose(p) != 0) {
    return Status::IoError("rendering the test pattern with " + ffmpeg +
                           " failed: " + FirstLine(out));
  }
  return Status::OK();
}

}  // namespace fog::experiment
