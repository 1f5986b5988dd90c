#include "up/supervisor.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string_view>
#include <thread>

namespace fog::up {

namespace {

std::vector<char*> NullTerminated(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const std::string& a : strings)
    out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

// In the child after fork: restore the signal mask fog up blocked, so
// SIGTERM reaches the child's own handling, then exec.
[[noreturn]] void ExecChild(const std::vector<char*>& argv, char* const* envp,
                            const std::string& log_file, int netns_fd = -1) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);
  if (!log_file.empty()) {
    int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                    0600);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
  }
  int devnull = ::open("/dev/null", O_RDONLY);
  if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
  if (netns_fd >= 0 && ::setns(netns_fd, CLONE_NEWNET) != 0) {
    std::fprintf(stderr, "cannot join the network namespace: %s\n",
                 std::strerror(errno));
    ::_exit(126);
  }
  ::execvpe(argv[0], argv.data(), envp);
  std::fprintf(stderr, "cannot run %s: %s\n", argv[0], std::strerror(errno));
  ::_exit(127);
}

}  // namespace

std::vector<std::string> ChildEnvironment(
    const char* const* base, const std::vector<std::string>& overrides,
    const std::vector<std::string>& unset) {
  auto name_of = [](std::string_view entry) {
    return entry.substr(0, entry.find('='));
  };
  auto named = [&](const std::vector<std::string>& list,
                   std::string_view name) {
    return std::any_of(list.begin(), list.end(), [&](const std::string& e) {
      return name_of(e) == name;
    });
  };
  std::vector<std::string> env;
  for (const char* const* e = base; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const std::string_view name = name_of(entry);
    if (named(unset, name) || named(overrides, name)) continue;
    env.emplace_back(entry);
  }
  env.insert(env.end(), overrides.begin(), overrides.end());
  return env;
}

Supervisor::~Supervisor() { StopAll(); }

Result<pid_t> Supervisor::Spawn(const ChildSpec& spec) {
  // Built before fork: the child of a threaded parent may only make
  // async-signal-safe calls, which setenv is not.
  const std::vector<std::string> env =
      ChildEnvironment(environ, spec.env, spec.unset);
  const std::vector<char*> argv = NullTerminated(spec.argv);
  const std::vector<char*> envp = NullTerminated(env);
  int netns_fd = -1;
  if (!spec.netns.empty()) {
    netns_fd = ::open(spec.netns.c_str(), O_RDONLY | O_CLOEXEC);
    if (netns_fd < 0)
      return Status::IoError("cannot open the network namespace " + spec.netns +
                             " for " + spec.name + ": " + std::strerror(errno));
  }
  pid_t pid = ::fork();
  if (pid == 0) ExecChild(argv, envp.data(), spec.log_file, netns_fd);
  const int fork_errno = errno;
  if (netns_fd >= 0) ::close(netns_fd);
  if (pid < 0)
    return Status::IoError(std::string("fork: ") + std::strerror(fork_errno));
  return pid;
}

Status Supervisor::Start(ChildSpec spec) {
  Result<pid_t> pid = Spawn(spec);
  if (!pid.ok()) return pid.status();
  children_.push_back(
      {std::move(spec), *pid, std::chrono::steady_clock::now(), 0});
  return Status::OK();
}

std::vector<std::string> Supervisor::Poll() {
  std::vector<std::string> restarted;
  const auto now = std::chrono::steady_clock::now();
  for (Child& c : children_) {
    if (c.pid > 0) {
      int status = 0;
      if (::waitpid(c.pid, &status, WNOHANG) != c.pid) continue;
      spdlog::warn("{} (pid {}) exited ({}); restarting", c.spec.name, c.pid,
                   WIFSIGNALED(status)
                       ? "signal " + std::to_string(WTERMSIG(status))
                       : "status " + std::to_string(WEXITSTATUS(status)));
      c.pid = -1;
    }
    if (now - c.started < std::chrono::seconds(1)) continue;  // back-off
    Result<pid_t> pid = Spawn(c.spec);
    if (!pid.ok()) continue;
    c.pid = *pid;
    c.started = now;
    ++c.restarts;
    restarted.push_back(c.spec.name);
  }
  return restarted;
}

void Supervisor::StopAll(std::chrono::milliseconds grace) {
  for (auto it = children_.rbegin(); it != children_.rend(); ++it) {
    if (it->pid <= 0) continue;
    ::kill(it->pid, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + grace;
    while (::waitpid(it->pid, nullptr, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        spdlog::warn("{} did not stop; killing it", it->spec.name);
        ::kill(it->pid, SIGKILL);
        ::waitpid(it->pid, nullptr, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    it->pid = -1;
  }
  children_.clear();
}

pid_t Supervisor::pid(const std::string& name) const {
  for (const Child& c : children_) {
    if (c.spec.name == name) return c.pid;
  }
  return -1;
}

Result<int> RunToCompletion(const std::vector<std::string>& argv) {
  const std::vector<char*> args = NullTerminated(argv);
  pid_t pid = ::fork();
  if (pid < 0)
    return Status::IoError(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) ExecChild(args, environ, "/dev/null");
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return Status::Internal(argv[0] + " was killed by a signal");
}

}  // namespace fog::up
