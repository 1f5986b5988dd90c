// Test support for the master's tests against a real broker: a scripted
// worker (an MQTT client that announces itself online, acknowledges every
// copy dispatched to it "stored" and keeps what it got) and a poll for
// conditions fed by MQTT.

#ifndef FOG_MASTER_SCRIPTED_WORKER_FOR_TEST_H_
#define FOG_MASTER_SCRIPTED_WORKER_FOR_TEST_H_

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "mqtt/client.h"
#include "wire/ack.h"
#include "wire/dispatch_tag.h"
#include "wire/payload_format.h"
#include "wire/topics.h"

namespace fog::master::testing {

// Polls `done` every 10 ms; false once `limit` passed without it.
template <typename F>
bool WaitUntil(F done, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// The dispatch id a master's dispatch carries ("" when it has none).
inline std::string DispatchIdOf(const mqtt::Message& m) {
  Result<wire::DispatchTag> tag =
      wire::ParseDispatchTag(m.UserProperty(wire::kDispatchTagProperty));
  return tag.ok() ? tag->dispatch_id : "";
}

class ScriptedWorker {
 public:
  // Called on the client's thread with each copy and its packet number.
  using CopyCheck = std::function<void(const mqtt::Message&, int64_t)>;

  ScriptedWorker(const std::string& uri, const std::string& name,
                 CopyCheck check = nullptr)
      : name_(name),
        check_(std::move(check)),
        client_(mqtt::ConnectOptions{.uri = uri, .client_id = name}) {
    client_.OnMessage([this](const mqtt::Message& m) { OnDispatch(m); });
  }
  Status Start() {
    if (Status s = client_.Connect(std::chrono::seconds(10)); !s.ok()) {
      return s;
    }
    if (Status s = client_.Subscribe(wire::topics::Dispatch(name_), 1);
        !s.ok()) {
      return s;
    }
    const std::string online =
        R"({"worker":")" + name_ + R"(","state":"online"})";
    return client_.Publish({.topic = wire::topics::WorkerStatus(name_),
                            .payload = Bytes(online.begin(), online.end()),
                            .retained = true});
  }
  void Heartbeat() {
    (void)client_.Publish(
        {.topic = wire::topics::Heartbeat(name_), .payload = {1}, .qos = 0});
  }
  // The last payload got for each packet number.
  std::map<int64_t, Bytes> payloads() const {
    std::lock_guard<std::mutex> lock(mu_);
    return payloads_;
  }
  // How many copies of each packet number it got.
  std::map<int64_t, int> copies() const {
    std::lock_guard<std::mutex> lock(mu_);
    return copies_;
  }

 private:
  void OnDispatch(const mqtt::Message& m) {
    Result<int64_t> number = wire::PeekPacketNumber(m.payload);
    ASSERT_TRUE(number.ok());
    if (check_) check_(m, *number);
    {
      std::lock_guard<std::mutex> lock(mu_);
      payloads_[*number] = m.payload;
      ++copies_[*number];
    }
    const wire::WorkerAck ack{.worker = name_,
                              .dispatch_id = DispatchIdOf(m),
                              .video_id = "cam",
                              .packet_number = *number,
                              .result = "stored"};
    (void)client_.Publish({.topic = wire::topics::Ack(name_),
                           .payload = wire::EncodeAcks({&ack, 1})},
                          /*wait=*/false);
  }

  const std::string name_;
  const CopyCheck check_;
  mqtt::Client client_;
  mutable std::mutex mu_;
  std::map<int64_t, Bytes> payloads_;
  std::map<int64_t, int> copies_;
};

}  // namespace fog::master::testing

#endif  // FOG_MASTER_SCRIPTED_WORKER_FOR_TEST_H_
