// The one thin wrapper over the MQTT client library (Eclipse Paho C++, MQTT
// v5). Every component talks to the broker through this class, so the rest of
// the code sees no Paho types.
//
// Behaviour:
//  - Connect() blocks until the first connection succeeds or times out;
//    afterwards the client reconnects by itself (1 s .. 30 s back-off) and
//    re-subscribes every filter given to Subscribe().
//  - Messages are delivered to the handler on the library's callback thread,
//    one at a time, in arrival order. The handler must not block for long.
//  - Publish() with wait=true returns once the broker acknowledged the
//    message (QoS 1/2) or it was written (QoS 0); wait=false queues it.
//  - A QoS 1/2 publish still unacknowledged when the connection drops is
//    sent again after reconnecting, whatever the session: the broker may
//    receive it twice, never zero times. It fails only if the broker refuses
//    it, or if the connection dropped with it in flight five times.
//
// Thread-safety: all methods may be called from any thread, including from
// inside the message handler (except Disconnect()).

#ifndef FOG_MQTT_CLIENT_H_
#define FOG_MQTT_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace fog::mqtt {

struct Message {
  std::string topic;
  Bytes payload;
  // The payload by reference, immutable: when set, Publish() sends it
  // instead of `payload` without copying it (the client keeps a reference
  // until the broker acknowledged the publish), and a client with
  // ConnectOptions::shared_payloads delivers payloads here, `payload` left
  // empty.
  std::shared_ptr<const std::string> shared_payload;
  int qos = 1;
  bool retained = false;
  // MQTT v5 request/response and metadata.
  std::string response_topic;
  Bytes correlation_data;
  std::vector<std::pair<std::string, std::string>> user_properties;

  // The value of the first user property named `key`, or "".
  std::string UserProperty(std::string_view key) const;
  // The payload, wherever it is (shared_payload when set).
  ByteView payload_view() const {
    return shared_payload ? AsBytes(*shared_payload) : ByteView(payload);
  }
};

struct ConnectOptions {
  std::string uri = "tcp://127.0.0.1:1883";
  std::string client_id;  // empty: the broker assigns one
  std::string username;
  std::string password;
  // false + session_expiry > 0: a persistent session whose QoS 1 messages
  // the broker keeps while we are away.
  bool clean_start = true;
  uint32_t session_expiry_seconds = 0;
  std::optional<Message> will;  // last will, published if we vanish
  int max_inflight = 256;       // unacknowledged QoS>0 publishes
  // Bytes handed to the connection and not yet acknowledged (written, for
  // QoS 0); later publishes wait in order until acks make room, and one
  // publish always goes. Kept under the socket's send buffer because Paho C
  // resumes a partly written packet only on a later poll, and then sleeps
  // its receive thread for 100 ms (InflightBytesUnderSendBuffer below).
  size_t max_inflight_bytes = size_t{1} << 20;
  std::chrono::seconds keep_alive{10};
  // MQTT v5 receive maximum: QoS 1/2 messages the broker may send before we
  // acknowledge them (it holds the rest for us); 0: not sent (the broker's
  // default, 65535).
  uint16_t receive_maximum = 0;
  // Deliver payloads by reference (Message::shared_payload): the library's
  // buffer itself, no copy.
  bool shared_payloads = false;
  // TLS, used for an ssl:// or mqtts:// URI: the broker's certificate must
  // chain to `ca_file` (PEM; empty: the system's CAs) and name the URI's
  // host. `cert_file` and `key_file` (PEM) are this client's own
  // certificate for a broker that asks for one (mutual TLS).
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

// True for a URI that Connect() dials over TLS (ssl://, mqtts://).
bool IsTlsUri(std::string_view uri);

// A max_inflight_bytes for a connection that needs many bytes in flight:
// three quarters of the largest TCP send buffer the kernel grows a socket to
// (the third field of /proc/sys/net/ipv4/tcp_wmem, 4 MiB by default), at
// least 1 MiB and at most `ceiling`. Past the send buffer a publish is
// written partly, and Paho C then sleeps its receive thread for 100 ms each
// time it resumes the write (MQTTAsync_cycle), which cut the master's
// dispatches to some 60 MiB/s however many were in flight.
size_t InflightBytesUnderSendBuffer(size_t ceiling);

class Client {
 public:
  using Handler = std::function<void(const Message&)>;

  explicit Client(ConnectOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sets the handler for incoming messages. Call before Connect().
  void OnMessage(Handler handler);
  // Called (on the callback thread) after each reconnection.
  void OnReconnect(std::function<void()> callback);

  Status Connect(std::chrono::milliseconds timeout);
  Status Subscribe(const std::string& filter, int qos);
  Status Unsubscribe(const std::string& filter);
  // Queues the message behind earlier ones (see max_inflight_bytes). With
  // `wait`, returns once the broker acknowledged it; otherwise at once, with
  // an error only if it could not be queued or was refused already.
  Status Publish(const Message& message, bool wait = true);
  // Waits until every queued publish was settled, or the timeout. Fails if
  // a publish made without `wait` failed since the last Flush().
  Status Flush(std::chrono::milliseconds timeout);
  void Disconnect();

  bool connected() const;
  uint64_t reconnects() const;
  // Publishes queued behind the in-flight budget, and the bytes in flight.
  struct PublishQueue {
    size_t waiting = 0;
    size_t inflight_bytes = 0;
    uint64_t sent_again = 0;  // lost with a connection and sent again
    uint64_t failed = 0;      // settled with an error, ever
  };
  PublishQueue publish_queue() const;
  const std::string& client_id() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fog::mqtt

#endif  // FOG_MQTT_CLIENT_H_
