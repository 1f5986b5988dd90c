#include "metrics/listen_address.h"

#include <gtest/gtest.h>

namespace fog::metrics {
namespace {

TEST(ListenAddressTest, ParsesHostAndPort) {
  Result<ListenAddress> a = ParseListenAddress("127.0.0.1:9100");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 9100);
  a = ParseListenAddress("0.0.0.0:0");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->port, 0);
  a = ParseListenAddress("[::1]:65535");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(a->port, 65535);
  a = ParseListenAddress("localhost:80");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "localhost");
}

TEST(ListenAddressTest, RejectsWhatCannotBeBound) {
  for (const char* bad :
       {"", "9100", ":9100", "host:", "host:x", "host:-1", "host:65536",
        "host:+80", "host:80x", "::1:80", "[]:80"}) {
    Result<ListenAddress> a = ParseListenAddress(bad);
    ASSERT_FALSE(a.ok()) << bad;
    EXPECT_EQ(a.status().code(), Status::Code::kInvalidArgument) << bad;
    EXPECT_NE(a.status().message().find("metrics address"), std::string::npos);
  }
}

}  // namespace
}  // namespace fog::metrics
