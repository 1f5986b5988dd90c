#include "common/free_ports.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>

namespace fog {
namespace {

bool Bindable(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok =
      ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

TEST(FreeTcpPorts, DistinctBindableAndBelowTheEphemeralRange) {
  const auto [lo, hi] = EphemeralPortRange();
  ASSERT_GT(hi, lo);
  Result<std::vector<int>> ports = FreeTcpPorts("127.0.0.1", 20);
  ASSERT_TRUE(ports.ok()) << ports.status().ToString();
  ASSERT_EQ(ports->size(), 20u);
  EXPECT_EQ(std::set<int>(ports->begin(), ports->end()).size(), 20u);
  for (int p : *ports) {
    if (lo - 10000 >= 1000) {
      EXPECT_GE(p, 10000);
      EXPECT_LT(p, lo) << "an outgoing connection could take it";
    }
    EXPECT_TRUE(Bindable(p)) << p;
  }
}

TEST(FreeTcpPorts, RefusesAHostThatIsNotIpv4) {
  Result<std::vector<int>> ports = FreeTcpPorts("localhost", 1);
  EXPECT_EQ(ports.status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace fog
