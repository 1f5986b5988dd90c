#include "common/free_ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>

namespace fog {

namespace {

constexpr int kLowestPicked = 10000;

// A socket bound to host:port (0: the kernel's pick), or -1.
int BindTcp(sockaddr_in addr, int port) {
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

int BoundPort(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof(addr);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return -1;
  return ntohs(addr.sin_port);
}

}  // namespace

std::pair<int, int> EphemeralPortRange() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  int lo = 0, hi = 0;
  if (in >> lo >> hi && lo > 0 && hi >= lo && hi < 65536) return {lo, hi};
  return {32768, 60999};
}

Result<std::vector<int>> FreeTcpPorts(const std::string& host, int count) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return Status::InvalidArgument("not an IPv4 address: " + host);
  }
  const int below = EphemeralPortRange().first;
  const bool pick_below = below - kLowestPicked >= 1000;
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> candidate(kLowestPicked, below - 1);
  std::vector<int> fds, ports;
  Status s;
  while (s.ok() && static_cast<int>(ports.size()) < count) {
    int fd = -1;
    // A busy candidate is tried again elsewhere; 200 in a row busy means
    // the span is crowded, and the kernel picks instead.
    for (int attempt = 0; pick_below && fd < 0 && attempt < 200; ++attempt) {
      fd = BindTcp(addr, candidate(rng));
    }
    if (fd < 0) fd = BindTcp(addr, 0);
    const int port = fd < 0 ? -1 : BoundPort(fd);
    if (port <= 0) {
      s = Status::IoError("no free port on " + host + ": " +
                          std::strerror(errno));
    } else {
      ports.push_back(port);
    }
    if (fd >= 0) fds.push_back(fd);
  }
  for (int fd : fds) ::close(fd);
  if (!s.ok()) return s;
  return ports;
}

}  // namespace fog
