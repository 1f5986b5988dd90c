#include "api/poster.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace fog::api {
namespace {

// Removes the directory when the call ends, whatever the outcome.
struct TempDir {
  std::string path;
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

std::string LastLine(const std::string& text) {
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  const size_t nl = t.rfind('\n');
  std::string line = nl == std::string::npos ? t : t.substr(nl + 1);
  if (line.size() > 200) line.resize(200);
  return line.empty() ? "no frame decoded" : line;
}

}  // namespace

Result<Bytes> MakePosterWithFfmpeg(ByteView init, ByteView fragment,
                                   std::chrono::milliseconds timeout) {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "fog-poster-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    return Status::IoError("cannot create a temporary directory");
  }
  TempDir dir{tmpl};
  const std::string in = dir.path + "/in.mp4";
  const std::string out = dir.path + "/poster.jpg";
  const std::string log = dir.path + "/ffmpeg.log";
  Bytes media(init.begin(), init.end());
  media.insert(media.end(), fragment.begin(), fragment.end());
  Status s = WriteFileAtomic(in, media, 0600);
  if (!s.ok()) return s;

  std::vector<std::string> args = {"ffmpeg",
                                   "-nostdin",
                                   "-hide_banner",
                                   "-loglevel",
                                   "error",
                                   "-i",
                                   in,
                                   "-frames:v",
                                   "1",
                                   "-vf",
                                   "scale='min(640,iw)':-2",
                                   "-q:v",
                                   "4",
                                   "-f",
                                   "image2",
                                   "-y",
                                   out};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  // The server blocks termination signals and ignores SIGPIPE; the child
  // starts with neither.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  const int rc =
      posix_spawnp(&pid, "ffmpeg", &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return Status::Unavailable("cannot run ffmpeg for the poster");

  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0) return Status::Internal("waitpid failed for ffmpeg");
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return Status::Unavailable("ffmpeg took too long to make the poster");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    Result<Bytes> text = ReadFile(log);
    const std::string why =
        text.ok() ? std::string(text->begin(), text->end()) : "";
    return Status::InvalidArgument("no poster frame: " + LastLine(why));
  }
  Result<Bytes> jpeg = ReadFile(out);
  if (!jpeg.ok() || jpeg->size() < 2 || (*jpeg)[0] != 0xff ||
      (*jpeg)[1] != 0xd8) {
    return Status::InvalidArgument("no poster frame: ffmpeg wrote no JPEG");
  }
  return jpeg;
}

}  // namespace fog::api
