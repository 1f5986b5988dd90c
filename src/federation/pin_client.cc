#include "federation/pin_client.h"

#include <condition_variable>
#include <mutex>
#include <optional>

#include "crypto/random.h"

namespace fog::federation {

Result<PinReply> RequestPin(mqtt::ConnectOptions login, const PinCommand& cmd,
                            std::chrono::milliseconds timeout) {
  Bytes nonce(8);
  if (Status s = crypto::RandomBytes(nonce); !s.ok()) return s;
  login.client_id = "fog-pin-" + ToHex(nonce);
  login.will.reset();
  const std::string reply_topic = "reply/" + login.client_id + "/pin";
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<Result<PinReply>> answer;
  };
  auto shared = std::make_shared<Shared>();
  mqtt::Client client(login);
  client.OnMessage([shared, reply_topic, nonce](const mqtt::Message& m) {
    if (m.topic != reply_topic || m.correlation_data != nonce) return;
    std::lock_guard<std::mutex> lock(shared->mu);
    if (shared->answer) return;
    shared->answer = DecodePinReply(m.payload);
    shared->cv.notify_all();
  });
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  Status s = client.Connect(
      std::min<std::chrono::milliseconds>(timeout, std::chrono::seconds(10)));
  if (s.ok()) s = client.Subscribe(reply_topic, 1);
  if (s.ok()) {
    mqtt::Message m{.topic = kPinCommandTopic,
                    .payload =
                        [&] {
                          const std::string body = EncodePinCommand(cmd);
                          return Bytes(body.begin(), body.end());
                        }(),
                    .qos = 1};
    m.response_topic = reply_topic;
    m.correlation_data = nonce;
    s = client.Publish(m, /*wait=*/true);
  }
  if (!s.ok()) {
    client.Disconnect();
    return s;
  }
  std::optional<Result<PinReply>> answer;
  {
    std::unique_lock<std::mutex> lock(shared->mu);
    shared->cv.wait_until(lock, deadline,
                          [&] { return shared->answer.has_value(); });
    answer = shared->answer;
  }
  client.Disconnect();
  if (!answer) {
    return Status::Unavailable("no answer from this fog's federation within " +
                               std::to_string(timeout.count()) +
                               " ms (is `fog federation` running?)");
  }
  if (!answer->ok()) {
    return Status::Corruption("the federation's answer: " +
                              answer->status().message());
  }
  return **answer;
}

}  // namespace fog::federation
