// A master stops within a bound when its broker is gone: its last status
// publish must not wait for a broker that never returns.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>

#include "master/master.h"
#include "mqtt/client.h"
#include "testing/test_broker.h"

namespace fog::master {
namespace {

using namespace std::chrono_literals;

TEST(MasterStopTest, StopsWhenTheBrokerIsGone) {
  char tmpl[] = "/tmp/master_stop_test_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  fog::testing::TestBroker broker;
  ASSERT_TRUE(broker.Start().ok());
  mqtt::Client client(
      mqtt::ConnectOptions{.uri = broker.uri(), .client_id = "master"});
  Master master(MasterOptions{.journal_dir = dir + "/journal"}, client);
  ASSERT_TRUE(master.Open().ok());
  ASSERT_TRUE(client.Connect(10s).ok());
  ASSERT_TRUE(master.Start().ok());

  broker.Stop();
  auto stopped = std::async(std::launch::async, [&] { master.Stop(); });
  // Two seconds for the last status, then it gives up; a minute is far.
  EXPECT_EQ(stopped.wait_for(60s), std::future_status::ready)
      << "Master::Stop() still waits for the broker";
  stopped.wait();  // a hang fails above, then times out the test
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fog::master
