#include "federation/federation.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>

#include "federation/messages.h"
#include "mqtt/client.h"
#include "testing/test_broker.h"

namespace fog::federation {
namespace {

Bytes BytesOf(const std::string& s) { return Bytes(s.begin(), s.end()); }

// Whether node.Peers() returns within `timeout`. A node that stopped (its
// lock held forever) never returns: the test process then exits failing,
// rather than hang in the destructors.
bool Answers(Federation& node, std::chrono::seconds timeout) {
  auto done = std::make_shared<std::promise<size_t>>();
  std::future<size_t> f = done->get_future();
  std::thread([&node, done] { done->set_value(node.Peers().size()); }).detach();
  if (f.wait_for(timeout) == std::future_status::ready) return true;
  std::fprintf(stderr, "federation node stopped answering (deadlock)\n");
  std::fflush(stderr);
  std::_Exit(1);
}

// Many peers greet the node while its ticker greets all of them: the
// node publishes from its ticker and from the MQTT library's delivery
// thread at once. Publishing while holding the node's lock deadlocked
// against the library's own lock, held while it delivers (the process
// stopped: no more hellos, keep-alives, status or metrics).
TEST(FederationNodeTest, KeepsAnsweringWhilePeersAndTickerPublishAtOnce) {
  testing::TestBroker broker;
  ASSERT_TRUE(broker.Start().ok());
  FederationOptions o;
  o.name = "x";
  o.local = {.uri = broker.uri(), .client_id = "fog-federation-x"};
  o.hello_period = std::chrono::milliseconds(10);
  o.catalog_resend = std::chrono::milliseconds(50);
  Federation node(o, trust::TrustStore());
  ASSERT_TRUE(node.Start().ok());

  mqtt::Client peers({.uri = broker.uri(), .client_id = "peers"});
  ASSERT_TRUE(peers.Connect(std::chrono::seconds(5)).ok());
  constexpr int kPeers = 100;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  int64_t t = 0;
  while (std::chrono::steady_clock::now() < until) {
    for (int i = 0; i < kPeers; ++i) {
      const std::string from = "p" + std::to_string(i);
      (void)peers.Publish({.topic = PeerTopic("x", from, "hello"),
                           .payload = BytesOf(EncodeHello({++t, false})),
                           .qos = 1},
                          false);
    }
    // Acks come on the delivery thread the deadlock stops: check the node
    // first, which ends the process if it stopped.
    const bool flushed = peers.Flush(std::chrono::seconds(10)).ok();
    ASSERT_TRUE(Answers(node, std::chrono::seconds(5)));
    ASSERT_TRUE(flushed);
  }
  ASSERT_TRUE(Answers(node, std::chrono::seconds(10)));
  EXPECT_EQ(node.Peers().size(), size_t{kPeers});
  EXPECT_GT(node.counters().Get("peer_messages_sent.hello"), 0u);
  node.Stop();
}

}  // namespace
}  // namespace fog::federation
