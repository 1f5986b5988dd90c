#include "publisher/publisher.h"

#include <fmt/format.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "media/fragment_inspector.h"
#include "media/subprocess.h"
#include "mqtt/client.h"
#include "publisher/backlog_gate.h"
#include "publisher/ffmpeg_command.h"
#include "publisher/packet_publisher.h"
#include "wire/envelope.h"

namespace fog::publisher {

namespace {

constexpr size_t kReadChunk = 256 << 10;

Status ValidateOptions(const StreamOptions& o) {
  if (Status s = wire::ValidateVideoId(o.video_id); !s.ok()) {
    return Status::InvalidArgument("video id '" + o.video_id +
                                   "': " + s.message());
  }
  if (o.input.empty()) return Status::InvalidArgument("no input video given");
  if (o.format == PayloadFormat::kSigned && !o.key) {
    return Status::InvalidArgument("signed packets need a publisher key");
  }
  if (o.sign_every < 1)
    return Status::InvalidArgument("--sign-every must be >= 1");
  if (o.window_packets < 1)
    return Status::InvalidArgument("window_packets must be >= 1");
  if (o.max_payload_bytes <= PayloadReserve(o.format, o.certificate.size())) {
    return Status::InvalidArgument(fmt::format(
        "--max-packet-bytes {} leaves no room for media: the {} payload needs "
        "{} bytes for itself",
        o.max_payload_bytes,
        o.format == PayloadFormat::kLegacy ? "legacy" : "signed",
        PayloadReserve(o.format, o.certificate.size())));
  }
  return Status::OK();
}

// Checks a local input up front: "no such file" reads better than ffmpeg's
// message. Returns its size as the expected stream size in copy mode.
Result<uint64_t> CheckInput(const StreamOptions& o) {
  if (o.input == "-" || IsUrl(o.input)) return uint64_t{0};
  struct stat st;
  if (::stat(o.input.c_str(), &st) != 0) {
    return Status::NotFound(o.input + ": no such file");
  }
  if (S_ISDIR(st.st_mode))
    return Status::InvalidArgument(o.input + " is a directory");
  return o.transcode || !S_ISREG(st.st_mode)
             ? uint64_t{0}
             : static_cast<uint64_t>(st.st_size);
}

// Media time published so far, from the fragments' sample durations.
class MediaClock {
 public:
  void Add(const media::MediaPacket& packet) {
    if (packet.kind == media::PacketKind::kInit) {
      Result<media::InitInfo> init = media::InspectInit(packet.data);
      if (init.ok()) init_ = std::move(*init);
      return;
    }
    if (!init_) return;  // informational only: an odd stream still streams
    Result<media::FragmentInfo> frag =
        media::InspectFragment(packet.data, *init_);
    if (!frag.ok()) return;
    for (const media::TrackFragmentInfo& t : frag->tracks) {
      ticks_[t.track_id] += t.duration;
      seconds_ = std::max(seconds_, media::Seconds(ticks_[t.track_id],
                                                   init_->Find(t.track_id)));
    }
  }
  double seconds() const { return seconds_; }

 private:
  std::optional<media::InitInfo> init_;
  std::map<uint32_t, uint64_t> ticks_;
  double seconds_ = 0;
};

// One run of StreamVideo().
class Stream {
 public:
  Stream(const StreamOptions& options, mqtt::Client& client,
         ProgressSink* progress)
      : options_(options),
        progress_(progress),
        splitter_({options.max_payload_bytes -
                   PayloadReserve(options.format, options.certificate.size())}),
        publisher_(options, client),
        start_(std::chrono::steady_clock::now()) {}

  Result<StreamSummary> Run(uint64_t expected_bytes);

 private:
  Status Pump(media::Subprocess& ffmpeg);
  Status Accept(std::vector<media::MediaPacket>* ready);
  Status PublishOne(media::MediaPacket packet, bool last);
  Status FfmpegFailed(int code, const media::Subprocess& ffmpeg) const;

  const StreamOptions& options_;
  ProgressSink* progress_;
  media::Fmp4Splitter splitter_;
  PacketPublisher publisher_;
  MediaClock clock_;
  std::optional<media::MediaPacket> held_;  // the one-packet lookahead
  StreamStats stats_;
  const std::chrono::steady_clock::time_point start_;
};

Status Stream::PublishOne(media::MediaPacket packet, bool last) {
  if (options_.backlog != nullptr) {
    // The fog is behind: wait before this packet, not after (docs/
    // publisher.md, "Backpressure").
    bool was_held = false;
    double held = 0;
    Status s = options_.backlog->WaitWhileOver(
        options_.backlog_wait_max,
        [&](const wire::BacklogReport& b) {
          was_held = true;
          if (progress_ != nullptr) progress_->OnHeld(b);
        },
        &held);
    if (was_held) {
      ++stats_.held_count;
      stats_.held_seconds += held;
    }
    if (!s.ok()) return s;
    if (was_held && progress_ != nullptr) progress_->OnResumed(held);
  }
  clock_.Add(packet);
  const size_t size = packet.data.size();
  if (Status s = publisher_.Publish(std::move(packet), last); !s.ok()) return s;
  ++stats_.packets;
  stats_.media_bytes += size;
  stats_.payload_bytes = publisher_.payload_bytes();
  stats_.media_seconds = clock_.seconds();
  stats_.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
          .count();
  if (progress_ != nullptr) progress_->OnPacket(stats_);
  return Status::OK();
}

// Publishes every packet but the newest, which waits: only when the stream
// has ended do we know whether it is the last.
Status Stream::Accept(std::vector<media::MediaPacket>* ready) {
  for (media::MediaPacket& packet : *ready) {
    if (held_) {
      if (Status s = PublishOne(std::move(*held_), false); !s.ok()) return s;
    }
    held_ = std::move(packet);
  }
  ready->clear();
  return Status::OK();
}

Status Stream::Pump(media::Subprocess& ffmpeg) {
  std::vector<uint8_t> buf(kReadChunk);
  std::vector<media::MediaPacket> ready;
  for (;;) {
    Result<size_t> n = ffmpeg.Read(buf);
    if (!n.ok()) return n.status();
    if (*n == 0) return Status::OK();
    Status s = splitter_.Feed(ByteView(buf).first(*n), &ready);
    if (!s.ok()) return s;
    if (Status a = Accept(&ready); !a.ok()) return a;
  }
}

// A hint for the copy-mode failures re-encoding fixes: ADTS AAC (from
// MPEG-TS) needs a bitstream filter that would break other codecs, and some
// codecs have no MP4 mapping at all.
std::string TranscodeHint(const StreamOptions& o, const std::string& tail) {
  if (o.transcode) return "";
  for (const char* needle :
       {"aac_adtstoasc", "not currently supported in container",
        "Could not find tag for codec"}) {
    if (tail.find(needle) != std::string::npos) {
      return " (the streams cannot be copied into MP4 as they are: retry with "
             "--transcode)";
    }
  }
  return "";
}

Status Stream::FfmpegFailed(int code, const media::Subprocess& ffmpeg) const {
  std::string tail = ffmpeg.StderrTail();
  std::string published =
      stats_.packets == 0
          ? "nothing was published"
          : fmt::format(
                "the {} packets published carry no end, so the stream "
                "stays incomplete",
                stats_.packets);
  return Status::IoError(
      fmt::format("ffmpeg failed on {} (exit status {}){}{}{}; {}",
                  options_.input, code, tail.empty() ? "" : ": ", tail,
                  TranscodeHint(options_, tail), published));
}

Result<StreamSummary> Stream::Run(uint64_t expected_bytes) {
  stats_.expected_media_bytes = expected_bytes;
  Result<std::unique_ptr<media::Subprocess>> ffmpeg = media::Subprocess::Spawn(
      FfmpegArgs({options_.ffmpeg, options_.input, options_.transcode,
                  options_.realtime}),
      {.inherit_stdin = options_.input == "-"});
  if (!ffmpeg.ok()) {
    if (ffmpeg.status().code() != Status::Code::kNotFound)
      return ffmpeg.status();
    return Status::NotFound(ffmpeg.status().message() +
                            " (is ffmpeg installed?)");
  }
  media::Subprocess& child = **ffmpeg;
  Status pumped = Pump(child);
  if (!pumped.ok()) {
    child.Terminate();  // we stopped reading: do not let it run on
    (void)child.Wait();
    if (pumped.code() != Status::Code::kInvalidArgument) return pumped;
    return Status::InvalidArgument(options_.input + ": " + pumped.message());
  }
  Result<int> code = child.Wait();
  if (!code.ok()) return code.status();
  if (*code != 0) return FfmpegFailed(*code, child);

  std::vector<media::MediaPacket> ready;
  if (Status s = splitter_.Finish(&ready); !s.ok()) {
    return Status::InvalidArgument(options_.input + ": " + s.message());
  }
  if (Status s = Accept(&ready); !s.ok()) return s;
  // The stream ended cleanly: the held packet is the last one.
  if (Status s = PublishOne(std::move(*held_), true); !s.ok()) return s;
  if (Status s = publisher_.Flush(); !s.ok()) return s;
  stats_.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
          .count();
  StreamSummary summary{options_.video_id, stats_, splitter_.dropped_bytes()};
  if (progress_ != nullptr) progress_->OnDone(summary);
  return summary;
}

}  // namespace

size_t PayloadReserve(PayloadFormat format, size_t certificate_bytes) {
  // Signed: ML-DSA-87's 4,627-byte signature, two 72-byte links, the key id,
  // the msgpack keys and a video id of up to 255 bytes fit in 8 KiB.
  // Legacy: A is 98,368 zig-zag varints of at most 2 bytes (196,736) plus v,
  // the inner packet's fields and the maps, under 200 KiB.
  // A certificate adds itself and its "c" key and bin header (at most 6).
  if (format == PayloadFormat::kLegacy) return size_t{200} << 10;
  return (size_t{8} << 10) +
         (certificate_bytes > 0 ? certificate_bytes + 8 : 0);
}

Result<StreamSummary> StreamVideo(const StreamOptions& options,
                                  mqtt::Client& client,
                                  ProgressSink* progress) {
  if (Status s = ValidateOptions(options); !s.ok()) return s;
  Result<uint64_t> expected = CheckInput(options);
  if (!expected.ok()) return expected.status();
  Stream stream(options, client, progress);
  return stream.Run(*expected);
}

std::string RandomVideoId() {
  uint8_t b[16];
  size_t got = 0;
  while (got < sizeof(b)) {
    ssize_t n = ::getrandom(b + got, sizeof(b) - got, 0);
    if (n > 0) {
      got += static_cast<size_t>(n);
    } else if (errno != EINTR) {
      std::random_device rd;  // no getrandom(2): the library's own source
      for (; got < sizeof(b); ++got) b[got] = static_cast<uint8_t>(rd());
    }
  }
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return fmt::format(
      "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-"
      "{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
      b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
      b[12], b[13], b[14], b[15]);
}

}  // namespace fog::publisher
