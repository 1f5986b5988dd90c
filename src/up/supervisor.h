// Runs the fog's processes as children: starts them in order, restarts one
// that dies (after a short back-off), and stops them in reverse order with
// SIGTERM, then SIGKILL for any that linger.
//
// Thread-safety: not thread-safe; one owner thread calls everything.

#ifndef FOG_UP_SUPERVISOR_H_
#define FOG_UP_SUPERVISOR_H_

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "common/status.h"

namespace fog::up {

struct ChildSpec {
  std::string name;               // for logs
  std::vector<std::string> argv;  // argv[0] is the program (PATH lookup)
  std::string log_file;           // stdout and stderr go here (appended)
  // NAME=value entries set in the child's environment, over fog up's own.
  std::vector<std::string> env;
  // Names removed from the child's environment (before `env` is applied).
  std::vector<std::string> unset;
  // A network namespace file (/var/run/netns/NAME) the child joins before
  // it runs, so it is a host of its own; empty: the parent's namespace.
  std::string netns;
};

// The environment `base` (NAME=value entries, null-terminated like
// environ) without the names in `unset` and with `overrides` (NAME=value)
// replacing or adding entries. Pure: the caller builds it before fork.
std::vector<std::string> ChildEnvironment(
    const char* const* base, const std::vector<std::string>& overrides,
    const std::vector<std::string>& unset);

class Supervisor {
 public:
  Supervisor() = default;
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Starts a child now. IoError if fork/exec setup fails or its netns
  // cannot be opened; a child that cannot join its netns exits 126.
  Status Start(ChildSpec spec);
  // Reaps children that exited and restarts them (at most once a second
  // each). Returns the names of those restarted.
  std::vector<std::string> Poll();
  // Stops every child, last started first.
  void StopAll(std::chrono::milliseconds grace = std::chrono::seconds(5));

  // The pid of the child named `name`, or -1.
  pid_t pid(const std::string& name) const;

 private:
  struct Child {
    ChildSpec spec;
    pid_t pid = -1;
    std::chrono::steady_clock::time_point started;
    int restarts = 0;
  };

  static Result<pid_t> Spawn(const ChildSpec& spec);

  std::vector<Child> children_;
};

// Runs argv to completion; its exit status, or an error if it could not run.
Result<int> RunToCompletion(const std::vector<std::string>& argv);

}  // namespace fog::up

#endif  // FOG_UP_SUPERVISOR_H_
