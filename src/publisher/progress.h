// Progress display for `fog stream` on standard error: a live line redrawn
// in place (packets, bytes, media time, rate, and a bar when the total size
// can be estimated) when the stream is a terminal, or a single summary line
// at the end otherwise, so logs and pipes stay clean.
//
// Thread-safety: not thread-safe; called from the streaming thread only.

#ifndef FOG_PUBLISHER_PROGRESS_H_
#define FOG_PUBLISHER_PROGRESS_H_

#include <chrono>
#include <cstdio>
#include <string>

#include "publisher/publisher.h"

namespace fog::publisher {

class TerminalProgress : public ProgressSink {
 public:
  // Writes to `out` (not owned; usually stderr). `live`: redraw a progress
  // line; use IsTerminal(out) to decide.
  TerminalProgress(std::FILE* out, bool live);

  void OnPacket(const StreamStats& stats) override;
  void OnDone(const StreamSummary& summary) override;
  // Always printed, on a line of their own: being held back matters.
  void OnHeld(const wire::BacklogReport& backlog) override;
  void OnResumed(double seconds) override;

  // Ends a progress line left drawn (before an error message); no-op
  // otherwise.
  void EndLine();

  static bool IsTerminal(std::FILE* out);

 private:
  std::FILE* out_;
  bool live_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

// "12.3 MiB" style sizes, for the progress line and summaries.
std::string HumanBytes(double bytes);

// "42 packets, 12.3 MiB (13.0 MiB on the wire), 40.0 s of media in 2.1 s
// (5.9 MiB/s)", then ", held back 2 times for 3.4 s" when it was.
std::string DescribeStats(const StreamStats& stats);

}  // namespace fog::publisher

#endif  // FOG_PUBLISHER_PROGRESS_H_
