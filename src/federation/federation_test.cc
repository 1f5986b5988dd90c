#include "federation/federation.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "federation/messages.h"
#include "mqtt/client.h"
#include "testing/test_broker.h"
#include "wire/get_range.h"

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

// A peer played by hand on the node's broker: it greets the node and sends
// a catalog holding `video` while `alive`, and keeps the requests it gets.
class HandPeer {
 public:
  HandPeer(const std::string& uri, const std::string& video)
      : client_({.uri = uri, .client_id = "peer-p"}), video_(video) {
    client_.OnMessage([this](const mqtt::Message& m) {
      if (m.topic.ends_with("/request")) ++requests_;
    });
  }
  ~HandPeer() { Silence(); }

  bool Start() {
    if (!client_.Connect(std::chrono::seconds(5)).ok()) return false;
    if (!client_.Subscribe(PeerTopic("p", "x", "#"), 1).ok()) return false;
    greeter_ = std::thread([this] {
      int64_t t = 0;
      while (alive_) {
        (void)client_.Publish({.topic = PeerTopic("x", "p", "hello"),
                               .payload = BytesOf(EncodeHello({++t, false}))},
                              false);
        Catalog c{.fog = "p", .seq = 1};
        c.videos.push_back({.video_id = video_,
                            .status = "complete",
                            .packets = 3,
                            .total_packets = 3});
        (void)client_.Publish({.topic = PeerTopic("x", "p", "catalog"),
                               .payload = BytesOf(EncodeCatalog(c))},
                              false);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
    return true;
  }
  // Stops answering, as a peer cut off by a partition.
  void Silence() {
    alive_ = false;
    if (greeter_.joinable()) greeter_.join();
  }
  int requests() const { return requests_; }

 private:
  mqtt::Client client_;
  const std::string video_;
  std::atomic<bool> alive_{true};
  std::atomic<int> requests_{0};
  std::thread greeter_;
};

// A viewer's fog/get on the node's broker; waits for the node's end reply.
class Viewer {
 public:
  explicit Viewer(const std::string& uri)
      : client_({.uri = uri, .client_id = "viewer"}) {
    client_.OnMessage([this](const mqtt::Message& m) {
      if (m.UserProperty("end").empty()) return;
      std::lock_guard<std::mutex> lock(mu_);
      end_ = m;
      cv_.notify_all();
    });
  }
  bool Start() {
    return client_.Connect(std::chrono::seconds(5)).ok() &&
           client_.Subscribe("reply/viewer/1", 1).ok();
  }
  void Ask(const std::string& video) {
    mqtt::Message m{.topic = "fog/get/" + video,
                    .payload = wire::EncodeGetRange({})};
    m.response_topic = "reply/viewer/1";
    m.correlation_data = BytesOf("c1");
    ASSERT_TRUE(client_.Publish(m).ok());
  }
  std::optional<mqtt::Message> WaitEnd(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, timeout, [this] { return end_.has_value(); });
    return end_;
  }

 private:
  mqtt::Client client_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<mqtt::Message> end_;
};

bool PeerIs(Federation& node, bool connected, int64_t videos) {
  for (const PeerState& p : node.Peers()) {
    if (p.name == "p") return p.connected == connected && p.videos >= videos;
  }
  return false;
}

bool WaitFor(const std::function<bool()>& f) {
  const auto until =
      std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < until) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

FederationOptions PartitionOptions(const std::string& uri) {
  FederationOptions o;
  o.name = "x";
  o.local = {.uri = uri, .client_id = "fog-federation-x"};
  o.hello_period = std::chrono::milliseconds(50);
  o.peer_down_after = std::chrono::milliseconds(300);
  o.request_timeout = std::chrono::seconds(60);  // never what ends them here
  return o;
}

// The only holder is down: the request ends at once, `unreachable`, naming
// it, and nothing is sent to it.
TEST(FederationNodeTest, RequestForAVideoHeldOnlyByADownPeerFailsFast) {
  testing::TestBroker broker;
  ASSERT_TRUE(broker.Start().ok());
  Federation node(PartitionOptions(broker.uri()), trust::TrustStore());
  ASSERT_TRUE(node.Start().ok());
  HandPeer peer(broker.uri(), "vid-1");
  ASSERT_TRUE(peer.Start());
  ASSERT_TRUE(WaitFor([&] { return PeerIs(node, true, 1); }));
  peer.Silence();
  ASSERT_TRUE(WaitFor([&] { return PeerIs(node, false, 1); }));

  Viewer viewer(broker.uri());
  ASSERT_TRUE(viewer.Start());
  viewer.Ask("vid-1");
  std::optional<mqtt::Message> end = viewer.WaitEnd(std::chrono::seconds(10));
  ASSERT_TRUE(end.has_value());
  EXPECT_EQ(end->UserProperty("federation"), "unreachable");
  EXPECT_EQ(end->UserProperty("unreachable"), "p");
  EXPECT_EQ(end->UserProperty("holds"), "0");
  EXPECT_EQ(node.counters().Get("requests_unreachable"), 1u);
  EXPECT_EQ(node.counters().Get("requests_forwarded"), 0u);
  EXPECT_EQ(peer.requests(), 0);
  EXPECT_EQ(node.Load().pending_requests, 0u);
  node.Stop();
}

// The holder goes silent after it got the request: the request ends when
// the down timeout marks it down, not at the request timeout (60 s here).
TEST(FederationNodeTest, RequestStopsWaitingForAPeerThatWentDown) {
  testing::TestBroker broker;
  ASSERT_TRUE(broker.Start().ok());
  Federation node(PartitionOptions(broker.uri()), trust::TrustStore());
  ASSERT_TRUE(node.Start().ok());
  HandPeer peer(broker.uri(), "vid-2");
  ASSERT_TRUE(peer.Start());
  ASSERT_TRUE(WaitFor([&] { return PeerIs(node, true, 1); }));

  Viewer viewer(broker.uri());
  ASSERT_TRUE(viewer.Start());
  viewer.Ask("vid-2");
  ASSERT_TRUE(WaitFor([&] { return peer.requests() == 1; }));
  EXPECT_EQ(node.Load().pending_requests, 1u);
  peer.Silence();
  std::optional<mqtt::Message> end = viewer.WaitEnd(std::chrono::seconds(10));
  ASSERT_TRUE(end.has_value());
  EXPECT_EQ(end->UserProperty("federation"), "unreachable");
  EXPECT_EQ(end->UserProperty("unreachable"), "p");
  EXPECT_EQ(node.counters().Get("requests_peer_lost"), 1u);
  EXPECT_EQ(node.counters().Get("requests_timed_out"), 0u);
  EXPECT_EQ(node.Load().pending_requests, 0u);
  node.Stop();
}

}  // namespace
}  // namespace fog::federation
