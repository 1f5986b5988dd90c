#include "media/subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

extern char** environ;

namespace fog::media {

namespace {

Status Errno(const std::string& what) {
  return Status::IoError(what + ": " + std::strerror(errno));
}

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// posix_spawn attributes and file actions, released on every path.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

}  // namespace

Result<std::unique_ptr<Subprocess>> Subprocess::Spawn(
    const std::vector<std::string>& argv, SpawnOptions options) {
  if (argv.empty()) return Status::InvalidArgument("empty command line");
  int out[2], err[2];
  // O_CLOEXEC: the child keeps only the ends dup2'ed onto 1 and 2.
  if (::pipe2(out, O_CLOEXEC) != 0) return Errno("pipe");
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    return Errno("pipe");
  }
  SpawnSetup setup;
  posix_spawn_file_actions_adddup2(&setup.actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&setup.actions, err[1], STDERR_FILENO);
  if (!options.inherit_stdin) {
    posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null",
                                     O_RDONLY, 0);
  }
  // A parent that ignores SIGPIPE would pass that on through exec; the child
  // should die quietly when we stop reading instead of looping on EPIPE.
  sigset_t defaults, empty;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&setup.attr, &defaults);
  posix_spawnattr_setsigmask(&setup.attr, &empty);
  posix_spawnattr_setflags(&setup.attr,
                           POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, args[0], &setup.actions, &setup.attr,
                          args.data(), environ);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) {
    ::close(out[0]);
    ::close(err[0]);
    std::string msg = "cannot run " + argv[0] + ": " + std::strerror(rc);
    return rc == ENOENT ? Status::NotFound(msg) : Status::IoError(msg);
  }
  return std::unique_ptr<Subprocess>(
      new Subprocess(pid, out[0], err[0], options.stderr_tail_bytes));
}

Subprocess::Subprocess(pid_t pid, int out_fd, int err_fd, size_t tail_bytes)
    : pid_(pid), out_fd_(out_fd), err_fd_(err_fd), tail_bytes_(tail_bytes) {}

Subprocess::~Subprocess() {
  CloseFd(out_fd_);
  CloseFd(err_fd_);
  if (!reaped_) {
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
}

void Subprocess::DrainStderr() {
  char buf[4096];
  ssize_t n = ::read(err_fd_, buf, sizeof(buf));
  if (n < 0 && errno == EINTR) return;
  if (n <= 0) {
    CloseFd(err_fd_);
    return;
  }
  stderr_tail_.append(buf, static_cast<size_t>(n));
  if (stderr_tail_.size() > tail_bytes_) {
    stderr_tail_.erase(0, stderr_tail_.size() - tail_bytes_);
  }
}

Result<bool> Subprocess::PollOnce() {
  pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
  int n = ::poll(fds, err_fd_ >= 0 ? 2 : 1, -1);
  if (n < 0) {
    if (errno == EINTR) return false;
    return Errno("poll");
  }
  if (err_fd_ >= 0 && fds[1].revents != 0) DrainStderr();
  return out_fd_ < 0 || fds[0].revents != 0;
}

Result<size_t> Subprocess::Read(std::span<uint8_t> buf) {
  if (out_fd_ < 0) return size_t{0};
  for (;;) {
    Result<bool> ready = PollOnce();
    if (!ready.ok()) return ready.status();
    if (!*ready) continue;
    ssize_t n = ::read(out_fd_, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("reading the output of " + std::to_string(pid_));
    if (n == 0) CloseFd(out_fd_);
    return static_cast<size_t>(n);
  }
}

void Subprocess::Terminate() {
  if (!reaped_) ::kill(pid_, SIGTERM);
}

Result<int> Subprocess::Wait() {
  if (reaped_) return Status::Internal("Subprocess::Wait called twice");
  uint8_t sink[16384];
  while (out_fd_ >= 0) {
    Result<size_t> n = Read(sink);
    if (!n.ok()) return n.status();
  }
  while (err_fd_ >= 0) DrainStderr();
  int wstatus = 0;
  while (::waitpid(pid_, &wstatus, 0) < 0) {
    if (errno != EINTR) return Errno("waitpid");
  }
  reaped_ = true;
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return WEXITSTATUS(wstatus);
}

std::string Subprocess::StderrTail() const {
  size_t end = stderr_tail_.find_last_not_of(" \t\r\n");
  return end == std::string::npos ? "" : stderr_tail_.substr(0, end + 1);
}

Result<ProcessOutput> RunProcess(const std::vector<std::string>& argv) {
  Result<std::unique_ptr<Subprocess>> child = Subprocess::Spawn(
      argv, {.inherit_stdin = false, .stderr_tail_bytes = 1 << 20});
  if (!child.ok()) return child.status();
  ProcessOutput result;
  uint8_t buf[65536];
  for (;;) {
    Result<size_t> n = (*child)->Read(buf);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    result.out.insert(result.out.end(), buf, buf + *n);
  }
  Result<int> code = (*child)->Wait();
  if (!code.ok()) return code.status();
  result.exit_code = *code;
  result.err = (*child)->StderrTail();
  return result;
}

}  // namespace fog::media
