// A child process started from an argument vector (posix_spawnp, never a
// shell: arguments such as a user's file name are passed verbatim), whose
// standard output the parent reads incrementally and whose standard error is
// kept as a bounded tail for error messages. Used to run ffmpeg.
//
// Thread-safety: not thread-safe; one owner.

#ifndef FOG_MEDIA_SUBPROCESS_H_
#define FOG_MEDIA_SUBPROCESS_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace fog::media {

struct SpawnOptions {
  // true: the child reads our standard input (ffmpeg -i -); false: it reads
  // /dev/null, so it can never steal the terminal's input.
  bool inherit_stdin = false;
  // How many trailing bytes of the child's standard error to keep.
  size_t stderr_tail_bytes = 4096;
};

class Subprocess {
 public:
  // Starts argv[0], looked up in PATH, with arguments argv. Errors:
  // InvalidArgument (empty argv), NotFound (no such program), IoError.
  static Result<std::unique_ptr<Subprocess>> Spawn(
      const std::vector<std::string>& argv, SpawnOptions options = {});

  // Kills (SIGKILL) and reaps a child that is still running, so no zombie
  // or orphan outlives the owner.
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // Blocks until the child writes to its standard output, then copies up to
  // buf.size() bytes into `buf` and returns how many; 0 at end of output.
  // Standard error is drained meanwhile so the child never blocks on it.
  // REQUIRES: !buf.empty().
  Result<size_t> Read(std::span<uint8_t> buf);

  // Asks the child to stop (SIGTERM); Wait() then reaps it.
  void Terminate();

  // Reads and discards the rest of standard output and standard error, then
  // reaps the child. Returns its exit code, or 128 + the signal number that
  // ended it. Call once.
  Result<int> Wait();

  // The last bytes the child wrote to standard error, trimmed.
  std::string StderrTail() const;

  pid_t pid() const { return pid_; }

 private:
  Subprocess(pid_t pid, int out_fd, int err_fd, size_t tail_bytes);
  // Polls both pipes once; reads stderr if ready. True when stdout is ready.
  Result<bool> PollOnce();
  void DrainStderr();

  pid_t pid_;
  int out_fd_;
  int err_fd_;
  size_t tail_bytes_;
  std::string stderr_tail_;
  bool reaped_ = false;
};

// Runs argv to completion with standard input from /dev/null and returns its
// exit code with everything it wrote. For tests and small outputs.
struct ProcessOutput {
  int exit_code = 0;
  Bytes out;
  std::string err;
};
Result<ProcessOutput> RunProcess(const std::vector<std::string>& argv);

}  // namespace fog::media

#endif  // FOG_MEDIA_SUBPROCESS_H_
