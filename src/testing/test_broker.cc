#include "testing/test_broker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/free_ports.h"

namespace fog::testing {

int FreePort() {
  Result<std::vector<int>> ports = FreeTcpPorts("127.0.0.1", 1);
  return ports.ok() ? ports->front() : 0;
}

bool WaitForPort(int port, int timeout_ms) {
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    bool ok =
        ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    ::close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

TestBroker::~TestBroker() {
  Stop();
  // FOG_KEEP_BROKER_DIR=1 keeps the config and log for debugging.
  if (!dir_.empty() && std::getenv("FOG_KEEP_BROKER_DIR") == nullptr) {
    std::filesystem::remove_all(dir_);
  }
}

Status TestBroker::Start(bool persistence) {
  persistence_ = persistence;
  if (dir_.empty()) {
    char tmpl[] = "/tmp/fog_broker_XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) return Status::IoError("mkdtemp failed");
    dir_ = tmpl;
    port_ = FreePort();
  }
  std::ofstream conf(dir_ + "/mosquitto.conf");
  // Run as ourselves: started as root, mosquitto would otherwise switch to
  // the "mosquitto" user and lose access to this directory.
  const passwd* pw = ::getpwuid(::getuid());
  conf << "user " << (pw != nullptr ? pw->pw_name : "root") << "\n"
       << "listener " << port_ << " 127.0.0.1\n"
       << "allow_anonymous true\n"
       << "persistence " << (persistence_ ? "true" : "false") << "\n"
       << "persistence_location " << dir_ << "/\n"
       << "autosave_interval 1\n"
       << "log_dest file " << dir_ << "/mosquitto.log\n"
       << "max_inflight_messages 0\n"
       << "max_queued_messages 0\n"
       << "log_type all\n";
  conf.close();
  pid_ = ::fork();
  if (pid_ == 0) {
    ::execlp("mosquitto", "mosquitto", "-c", (dir_ + "/mosquitto.conf").c_str(),
             static_cast<char*>(nullptr));
    ::_exit(127);
  }
  if (pid_ < 0) return Status::IoError("fork failed");
  if (!WaitForPort(port_, 5000)) {
    Stop();
    return Status::Unavailable("mosquitto did not start (is it installed?)");
  }
  return Status::OK();
}

void TestBroker::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  ::kill(pid_, SIGCONT);  // a paused broker handles the SIGTERM first
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void TestBroker::Pause() {
  if (pid_ > 0) ::kill(pid_, SIGSTOP);
}

Status TestBroker::Restart() {
  Stop();
  return Start(persistence_);
}

}  // namespace fog::testing
