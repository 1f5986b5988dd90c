#include "publisher/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

namespace fog::publisher {

namespace {

// Redraw at most this often: a fast local broker publishes hundreds of
// packets a second and the terminal need not see each.
constexpr auto kRedrawInterval = std::chrono::milliseconds(100);
constexpr int kBarWidth = 24;

double Rate(const StreamStats& s) {
  return s.elapsed_seconds > 0 ? s.media_bytes / s.elapsed_seconds : 0;
}

}  // namespace

std::string HumanBytes(double bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:.0f} B", bytes)
                   : fmt::format("{:.1f} {}", bytes, kUnits[unit]);
}

std::string DescribeStats(const StreamStats& s) {
  std::string text = fmt::format(
      "{} packets, {} ({} on the wire), {:.1f} s of media in "
      "{:.1f} s ({}/s)",
      s.packets, HumanBytes(s.media_bytes), HumanBytes(s.payload_bytes),
      s.media_seconds, s.elapsed_seconds, HumanBytes(Rate(s)));
  if (s.held_count > 0) {
    text += fmt::format(
        ", held back {} time{} for {:.1f} s by the fog's "
        "backlog",
        s.held_count, s.held_count == 1 ? "" : "s", s.held_seconds);
  }
  return text;
}

TerminalProgress::TerminalProgress(std::FILE* out, bool live)
    : out_(out), live_(live) {}

bool TerminalProgress::IsTerminal(std::FILE* out) {
  return ::isatty(::fileno(out)) == 1;
}

void TerminalProgress::OnPacket(const StreamStats& s) {
  if (!live_) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  drawn_ = true;
  std::string bar;
  if (s.expected_media_bytes > 0) {
    // The input size only estimates the fMP4 size; never show 100% early.
    double done =
        std::min(0.99, static_cast<double>(s.media_bytes) /
                           static_cast<double>(s.expected_media_bytes));
    int filled = static_cast<int>(done * kBarWidth);
    bar = fmt::format("[{}{}] {:3.0f}% ", std::string(filled, '#'),
                      std::string(kBarWidth - filled, '.'), done * 100);
  }
  // \r and "erase to end of line" keep one line, redrawn in place.
  std::fprintf(out_, "\r\x1b[K%spackets %lld  %s  media %.1f s  %s/s",
               bar.c_str(), static_cast<long long>(s.packets),
               HumanBytes(s.media_bytes).c_str(), s.media_seconds,
               HumanBytes(Rate(s)).c_str());
  std::fflush(out_);
}

void TerminalProgress::EndLine() {
  if (live_ && drawn_) std::fputs("\n", out_);
  drawn_ = false;
}

void TerminalProgress::OnHeld(const wire::BacklogReport& b) {
  EndLine();
  std::fprintf(
      out_,
      "held back: the fog's backlog is %s in %llu packets, over its "
      "limit of %s; waiting until it is below %s\n",
      HumanBytes(b.bytes).c_str(), static_cast<unsigned long long>(b.packets),
      HumanBytes(b.limit_bytes).c_str(), HumanBytes(b.resume_bytes).c_str());
  std::fflush(out_);
}

void TerminalProgress::OnResumed(double seconds) {
  std::fprintf(out_, "resumed after %.1f s held back\n", seconds);
  std::fflush(out_);
}

void TerminalProgress::OnDone(const StreamSummary& summary) {
  if (live_ && drawn_) std::fputs("\r\x1b[K", out_);
  std::fprintf(out_, "published %s: %s\n", summary.video_id.c_str(),
               DescribeStats(summary.stats).c_str());
  std::fflush(out_);
}

}  // namespace fog::publisher
