#include "bench/mosquitto_client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "testing/test_broker.h"

namespace fog::bench {
namespace {

using std::chrono::seconds;

// Receipts by message index, as the datapath benchmark's raw path counts
// them: the index is in the payload's first 4 bytes.
class Receipts {
 public:
  explicit Receipts(size_t count) : seen_(count, false) {}

  void Receive(ByteView payload, size_t expected_size) {
    std::lock_guard<std::mutex> lock(mu_);
    if (payload.size() != expected_size || payload.size() < 4) {
      ++malformed_;
    } else {
      uint32_t index = 0;
      std::memcpy(&index, payload.data(), 4);
      if (index < seen_.size() && !seen_[index]) {
        seen_[index] = true;
        ++distinct_;
      }
    }
    cv_.notify_all();
  }

  // Waits until fewer than `window` of the first `sent` are missing.
  bool WaitWindow(size_t sent, size_t window, seconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout,
                        [&] { return sent - distinct_ < window; });
  }

  size_t distinct() const {
    std::lock_guard<std::mutex> lock(mu_);
    return distinct_;
  }
  size_t malformed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return malformed_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<bool> seen_;
  size_t distinct_ = 0;
  size_t malformed_ = 0;
};

// The benchmark's raw path in small: a subscriber and a publisher in this
// process, QoS 1, MQTT v5, a window of messages in flight released by the
// subscriber's copies; every message must arrive, intact in size.
void RunRawPath(const std::string& uri, size_t bytes, size_t count,
                size_t window) {
  const std::string topic = "reply/bench-raw/test";
  Receipts receipts(count);
  MosquittoClient sub({.uri = uri, .client_id = "bench-raw"},
                      [&](std::string_view t, ByteView payload) {
                        if (t == topic) receipts.Receive(payload, bytes);
                      });
  MosquittoClient pub({.uri = uri, .max_inflight = 256}, nullptr);
  ASSERT_TRUE(sub.Connect(seconds(10)).ok());
  ASSERT_TRUE(sub.Subscribe(topic, 1, seconds(10)).ok());
  ASSERT_TRUE(pub.Connect(seconds(10)).ok());

  std::vector<uint8_t> payload(bytes, 0x5a);
  for (uint32_t i = 0; i < count; ++i) {
    ASSERT_TRUE(receipts.WaitWindow(i, window, seconds(60)))
        << "stuck after " << receipts.distinct() << " receipts";
    std::memcpy(payload.data(), &i, 4);
    ASSERT_TRUE(pub.Publish(topic, payload, 1).ok());
  }
  ASSERT_TRUE(receipts.WaitWindow(count, 1, seconds(60)))
      << receipts.distinct() << " of " << count << " arrived";
  EXPECT_EQ(receipts.distinct(), count);
  EXPECT_EQ(receipts.malformed(), 0u);
  EXPECT_EQ(pub.refused(), 0u);
  pub.Disconnect();
  sub.Disconnect();
}

TEST(MosquittoClientTest, RawPathDeliversEvery64KiBMessage) {
  testing::TestBroker broker;
  ASSERT_TRUE(broker.Start().ok());
  RunRawPath(broker.uri(), size_t{64} << 10, 500, 64);
}

TEST(MosquittoClientTest, RawPathDeliversEvery1MiBMessage) {
  testing::TestBroker broker;
  ASSERT_TRUE(broker.Start().ok());
  RunRawPath(broker.uri(), size_t{1} << 20, 30, 16);
}

TEST(MosquittoClientTest, NothingListeningIsUnavailable) {
  const std::string uri =
      "tcp://127.0.0.1:" + std::to_string(testing::FreePort());
  MosquittoClient client({.uri = uri}, nullptr);
  const Status s = client.Connect(seconds(10));
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  EXPECT_NE(s.ToString().find(uri), std::string::npos) << s.ToString();
}

TEST(MosquittoClientTest, UnknownSchemeIsRefused) {
  MosquittoClient client({.uri = "ws://127.0.0.1:1883"}, nullptr);
  const Status s = client.Connect(seconds(10));
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  MosquittoClient no_port({.uri = "tcp://127.0.0.1"}, nullptr);
  EXPECT_EQ(no_port.Connect(seconds(10)).code(),
            Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace fog::bench
